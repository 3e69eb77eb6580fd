"""A unit agent signals a recorded hook pid only while it is still that hook (pids are recycled)."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

from pyjuju.agent.unit.uniter import UnitAgent
from pyjuju.core import process


def test_only_the_same_process_is_claimed() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        started = process.start_time(proc.pid)
        mine = SimpleNamespace(local=SimpleNamespace(op={"pid": proc.pid, "pid_start": started}))
        recycled = SimpleNamespace(local=SimpleNamespace(op={"pid": proc.pid, "pid_start": "1"}))
        assert UnitAgent._own_hook_pid(mine) == proc.pid  # type: ignore[arg-type]
        assert UnitAgent._own_hook_pid(recycled) is None  # type: ignore[arg-type]
        assert UnitAgent._own_hook_pid(SimpleNamespace(local=SimpleNamespace(op=None))) is None  # type: ignore[arg-type]
    finally:
        proc.kill()
        proc.wait()
    gone = SimpleNamespace(local=SimpleNamespace(op={"pid": proc.pid, "pid_start": started}))
    assert UnitAgent._own_hook_pid(gone) is None  # type: ignore[arg-type]
