"""A unit agent signals a recorded hook pid only while it is still that hook (pids are recycled)."""

from __future__ import annotations

import subprocess
import sys

from pyjuju.agent.unit.state import HookInFlight, HookInfo, LocalState, TaskInFlight
from pyjuju.agent.unit.uniter import running_pid
from pyjuju.core import process


def hook_state(pid: int, start: str | None) -> LocalState:
    return LocalState(op=HookInFlight(hook=HookInfo(kind="install"), step="running", pid=pid, pid_start=start))


def test_only_the_same_process_is_claimed() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        started = process.start_time(proc.pid)
        assert running_pid(hook_state(proc.pid, started)) == proc.pid
        assert running_pid(LocalState(op=TaskInFlight(id="1", name="a", pid=proc.pid, pid_start=started))) == proc.pid
        assert running_pid(hook_state(proc.pid, "1")) is None  # recycled
        assert running_pid(LocalState()) is None
        assert running_pid(LocalState(op=HookInFlight(hook=HookInfo(kind="install")))) is None  # queued
    finally:
        proc.kill()
        proc.wait()
    assert running_pid(hook_state(proc.pid, started)) is None  # gone
