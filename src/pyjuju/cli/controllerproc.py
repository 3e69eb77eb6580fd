"""The local controller as a process on this host: start it, find it, stop it.

``bootstrap`` starts the first controller process, ``start-controller`` starts
it again from its data directory (after ``stop-controller`` or a reboot), and
``stop-controller``, ``kill-controller`` and ``destroy-controller`` stop it.
All of them recognise the process the same way: a pid recorded in
``controllers.yaml`` is only trusted while ``/proc/<pid>/cmdline`` still names
``pyjuju.cmd.controller`` with this data directory, because pids are recycled
and a stale one (after a reboot, say) may belong to any process on the host.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from ..core.errors import ProviderError

API_FILE = "api.json"
"""Written by the controller once it listens: its addresses, port and pid."""


def is_controller(pid: int, data_dir: Path) -> bool:
    """Whether ``pid`` is the controller process serving ``data_dir``."""
    if pid <= 0:
        return False
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    if b"pyjuju.cmd.controller" not in args:
        return False
    want = str(data_dir.resolve())
    return any(os.path.realpath(a.decode(errors="replace")) == want for a in args if a)


def find_controller(data_dir: Path, recorded_pid: int = 0) -> int | None:
    """The pid of the controller serving ``data_dir``, if one runs.

    The recorded pid is tried first; otherwise every process is looked at, so
    that a controller started by hand (or whose pid was never recorded) is not
    started twice over the same store.
    """
    if is_controller(recorded_pid, data_dir):
        return recorded_pid
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and is_controller(int(entry.name), data_dir):
            return int(entry.name)
    return None


def spawn_controller(data_dir: Path) -> subprocess.Popen[bytes]:
    """Start the controller daemon for ``data_dir`` in its own session.

    A stale ``api.json`` (left by a controller that died without cleaning up)
    is removed first: the new process writes its own once it listens, and
    :func:`wait_for_api` waits for exactly that.
    """
    (data_dir / API_FILE).unlink(missing_ok=True)
    with open(data_dir / "controller.out", "ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "pyjuju.cmd.controller", "--data-dir", str(data_dir)],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )


def wait_for_api(data_dir: Path, proc: subprocess.Popen[bytes], timeout: float = 60) -> dict[str, Any]:
    """Wait until the new controller has written ``api.json``; its content.

    Raises:
        ProviderError: the process exited first (with the end of its log), or
            the timeout passed (the process is killed then).
    """
    deadline = time.monotonic() + timeout
    api_file = data_dir / API_FILE
    while time.monotonic() < deadline:
        if api_file.exists():
            return dict(json.loads(api_file.read_text()))
        if proc.poll() is not None:
            tail = log_tail(data_dir / "controller.log") or log_tail(data_dir / "controller.out")
            raise ProviderError(f"controller failed to start:\n{tail}")
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    raise ProviderError(f"controller did not start within {timeout:.0f}s; see {data_dir / 'controller.log'}")


def log_tail(path: Path, n: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except FileNotFoundError:
        return ""


def endpoints(api: dict[str, Any]) -> dict[str, Any]:
    """The ``controllers.yaml`` fields that come from a running controller's ``api.json``."""
    return {
        "api-endpoints": [f"http://{api['addresses'][0]}"],
        "agent-endpoints": [f"http://{a}" for a in api["addresses"]],
        "pid": api["pid"],
    }


def wait_exit(pid: int, data_dir: Path, timeout: float = 20) -> bool:
    """Wait for the controller ``pid`` to exit; SIGKILL it (if still ours) after ``timeout``.

    Returns:
        True if it exited by itself, False if it had to be killed.
    """
    if pid <= 0:
        return True
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        try:  # our own child when it was started by this process: reap it
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return True
        except ChildProcessError:
            pass
        if not is_controller(pid, data_dir):
            return True  # gone, and the pid already reused (or a zombie of someone else's)
        time.sleep(0.05)
    if not is_controller(pid, data_dir):
        return True
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return True
    return False


def stop(pid: int, data_dir: Path, timeout: float = 20) -> bool:
    """SIGTERM the controller ``pid`` (only if it is this data dir's) and wait for it.

    Returns:
        True if it stopped gracefully; False if it was killed after ``timeout``.
    """
    if not is_controller(pid, data_dir):
        return True
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return True
    return wait_exit(pid, data_dir, timeout)
