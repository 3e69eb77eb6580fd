"""Running one hook or action process, as Juju's runner does (docs/charm-runtime.md, Entry points).

Executable discovery: ``dispatch`` for everything when it exists, else
``hooks/<name>`` (or ``actions/<name>``); neither is a *missing* hook, which
succeeds. A file that exists but cannot be executed is a failure, not a
fallback. The environment is replaced, not inherited; stdin is /dev/null;
stdout and stderr are streamed line by line to the caller.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import dataclasses
import os
import subprocess
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

PIPE_GRACE = 0.5
LINE_LIMIT = 1 << 22
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
    base = str(charm_dir)
    dispatch = base + "/dispatch"
    if os.path.lexists(dispatch):
        return Path(dispatch), "dispatch"
    legacy = base + "/" + dispatch_path
    if os.path.lexists(legacy):
        return Path(legacy), "explicit, bespoke hook script"
    return None, ""


async def run_process(
    *,
    charm_dir: Path,
    dispatch_path: str,
    env: dict[str, str],
    on_line: LineSink,
    on_spawn: Callable[[int], Awaitable[None]] | None = None,
) -> HookResult:
    if not os.path.exists(f"{charm_dir}/metadata.yaml"):
        return HookResult(code=1, error="charm missing from disk")
    exe, via = find_executable(charm_dir, dispatch_path)
    if exe is None:
        return HookResult(code=0, missing=True)
    if exe.is_dir() or not os.access(exe, os.X_OK):
        reason = "is a directory" if exe.is_dir() else "permission denied"
        return HookResult(code=1, error=f"fork/exec {exe}: {reason}", via=via)
    return await run_command([str(exe)], cwd=str(charm_dir), env=env, on_line=on_line,
                             on_spawn=on_spawn, via=via)


async def run_command(
    argv: list[str],
    *,
    cwd: str,
    env: dict[str, str],
    on_line: LineSink,
    on_spawn: Callable[[int], Awaitable[None]] | None = None,
    output: dict[str, bytearray] | None = None,
    via: str = "",
    stdin_data: bytes | None = None,
) -> HookResult:
    """Run ``argv`` in its own session, streaming its lines (and, if ``output`` is
    given, collecting its exact ``stdout``/``stderr`` bytes, as actions need)."""
    # Our own pipes, not asyncio's: a subprocess transport that owns the pipes
    # only reports the exit once every pipe has closed, and a daemon started
    # by the hook may hold them open for ever. Plain Popen (vfork) plus a pidfd
    # to wait on also skips asyncio's transport layers, a large share of a
    # no-op hook's cost.
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    in_r = in_w = -1
    if stdin_data is not None:
        in_r, in_w = os.pipe()
    try:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL if stdin_data is None else in_r,
            stdout=out_w,
            stderr=err_w,
            start_new_session=True,
        )
    except OSError as e:
        for fd in (out_r, out_w, err_r, err_w):
            os.close(fd)
        return HookResult(code=1, error=f"fork/exec {argv[0]}: {e.strerror}", via=via)
    os.close(out_w)
    os.close(err_w)
    if stdin_data is not None:
        os.close(in_r)
        asyncio.get_running_loop().run_in_executor(None, _feed, in_w, stdin_data)
    if on_spawn is not None:
        await on_spawn(proc.pid)
    pumps = asyncio.gather(
        _pump(out_r, "stdout", on_line, None if output is None else output.setdefault("stdout", bytearray())),
        _pump(err_r, "stderr", on_line, None if output is None else output.setdefault("stderr", bytearray())),
    )
    code = await _wait(proc)
    # Once the process itself has exited, read what is already there and stop waiting.
    try:
        await asyncio.wait_for(asyncio.shield(pumps), PIPE_GRACE)
    except TimeoutError:
        pumps.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await pumps
    return HookResult(code=code, via=via)


def _feed(fd: int, data: bytes) -> None:
    """Write ``data`` to the child's stdin (in a thread: it may block on a full pipe)."""
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except OSError:
        pass
    finally:
        os.close(fd)


async def _wait(proc: subprocess.Popen[bytes]) -> int:
    """The exit status, without blocking the loop: a pidfd where Linux has one."""
    loop = asyncio.get_running_loop()
    try:
        pidfd = os.pidfd_open(proc.pid)
    except (AttributeError, OSError):
        while proc.poll() is None:
            await asyncio.sleep(0.005)
        return int(proc.returncode)
    exited: asyncio.Future[None] = loop.create_future()

    def on_exit() -> None:  # the pidfd stays readable: only the first call settles
        if not exited.done():
            exited.set_result(None)

    loop.add_reader(pidfd, on_exit)
    try:
        await exited
    finally:
        loop.remove_reader(pidfd)
        os.close(pidfd)
    return int(proc.wait())


async def _pump(fd: int, name: str, on_line: LineSink, raw: bytearray | None = None) -> None:
    """Deliver ``fd``'s lines until EOF (or cancellation); closes ``fd``.

    A plain reader callback and ``os.read``: no file object, transport or
    stream per pipe, which showed up as a large share of a no-op hook's cost.
    """
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    buf = bytearray()

    def readable() -> None:
        try:
            chunk = os.read(fd, 1 << 16)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        if not chunk:
            if buf:
                on_line(name, buf.decode("utf-8", "replace"))
                buf.clear()
            if not done.done():
                done.set_result(None)
            return
        if raw is not None:
            raw.extend(chunk)
        buf.extend(chunk)
        while True:
            nl = buf.find(b"\n")
            if nl < 0:
                break
            on_line(name, buf[:nl].decode("utf-8", "replace"))
            del buf[: nl + 1]
        if len(buf) > LINE_LIMIT:  # a very long line: deliver what we have
            on_line(name, buf.decode("utf-8", "replace"))
            buf.clear()

    os.set_blocking(fd, False)
    loop.add_reader(fd, readable)
    try:
        await done
    finally:
        loop.remove_reader(fd)
        os.close(fd)


def task_results(result: HookResult, output: dict[str, bytearray]) -> dict[str, Any]:
    """An action's or exec command's ``return-code``, ``stdout`` and ``stderr`` as Juju
    reports them: text when UTF-8 (with ``\\r\\n`` as ``\\n``), else base64 with a
    ``<stream>-encoding`` key; a process killed by signal N has return code 128+N."""
    results: dict[str, Any] = {"return-code": result.code if result.code >= 0 else 128 - result.code}
    for key in ("stdout", "stderr"):
        data = bytes(output.get(key, b""))
        if data:
            try:
                results[key] = data.decode("utf-8").replace("\r\n", "\n")
            except UnicodeDecodeError:
                results[key] = base64.b64encode(data).decode()
                results[f"{key}-encoding"] = "base64"
    return results
