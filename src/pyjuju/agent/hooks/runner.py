"""Running one hook or action process, as Juju's runner does (spec §1.6, §3.1).

Executable discovery: ``dispatch`` for everything when it exists, else
``hooks/<name>`` (or ``actions/<name>``); neither is a *missing* hook, which
succeeds. A file that exists but cannot be executed is a failure, not a
fallback. The environment is replaced, not inherited; stdin is /dev/null;
stdout and stderr are streamed line by line to the caller.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

PIPE_GRACE = 0.5
"""Seconds to keep reading a finished hook's pipes (held open by a daemon it started)."""

LineSink = Callable[[str, str], None]
"""Called with ``("stdout"|"stderr", line)`` for every output line."""


@dataclasses.dataclass(frozen=True, slots=True)
class HookResult:
    code: int
    """Exit status; negative when killed by that signal number."""
    missing: bool = False
    error: str = ""
    """Why the executable could not be started (then ``code`` is 1)."""
    via: str = ""


def find_executable(charm_dir: Path, dispatch_path: str) -> tuple[Path | None, str]:
    """The file to run for ``dispatch_path`` (``hooks/install``), or ``None`` when missing."""
    dispatch = charm_dir / "dispatch"
    if os.path.lexists(dispatch):
        return dispatch, "dispatch"
    legacy = charm_dir / dispatch_path
    if os.path.lexists(legacy):
        return legacy, "explicit, bespoke hook script"
    return None, ""


async def run_process(
    *,
    charm_dir: Path,
    dispatch_path: str,
    env: dict[str, str],
    on_line: LineSink,
    on_spawn: Callable[[int], Awaitable[None]] | None = None,
) -> HookResult:
    if not (charm_dir / "metadata.yaml").exists():
        return HookResult(code=1, error="charm missing from disk")
    exe, via = find_executable(charm_dir, dispatch_path)
    if exe is None:
        return HookResult(code=0, missing=True)
    if exe.is_dir() or not os.access(exe, os.X_OK):
        reason = "is a directory" if exe.is_dir() else "permission denied"
        return HookResult(code=1, error=f"fork/exec {exe}: {reason}", via=via)
    # Our own pipes, not asyncio's: a subprocess transport that owns the pipes
    # only reports the exit once every pipe has closed, and a daemon started
    # by the hook may hold them open for ever.
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    try:
        proc = await asyncio.create_subprocess_exec(
            str(exe),
            cwd=str(charm_dir),
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=out_w,
            stderr=err_w,
            start_new_session=True,
        )
    except OSError as e:
        for fd in (out_r, out_w, err_r, err_w):
            os.close(fd)
        return HookResult(code=1, error=f"fork/exec {exe}: {e.strerror}", via=via)
    os.close(out_w)
    os.close(err_w)
    if on_spawn is not None:
        await on_spawn(proc.pid)
    pumps = asyncio.gather(_pump(out_r, "stdout", on_line), _pump(err_r, "stderr", on_line))
    code = await proc.wait()
    # Once the hook itself has exited, read what is already there and stop waiting.
    try:
        await asyncio.wait_for(asyncio.shield(pumps), PIPE_GRACE)
    except TimeoutError:
        pumps.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await pumps
    return HookResult(code=code, via=via)


async def _pump(fd: int, name: str, on_line: LineSink) -> None:
    """Deliver ``fd``'s lines until EOF (or cancellation); closes ``fd``."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=1 << 22, loop=loop)
    pipe = os.fdopen(fd, "rb", buffering=0)
    transport, _ = await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader, loop=loop), pipe
    )
    try:
        while True:
            try:
                line = await reader.readline()
            except ValueError:  # a line longer than the limit: take what is buffered
                line = await reader.read(1 << 22)
            if not line:
                return
            on_line(name, line.decode("utf-8", "replace").rstrip("\n"))
    finally:
        transport.close()
