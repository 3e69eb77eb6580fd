"""kill-controller and destroy-controller signal a recorded pid only while it is still that
controller: pids are recycled, and a stale one may belong to any process on the host."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from pyjuju.cli.commands.controllers import _local_cleanup
from pyjuju.cli.controllerproc import is_controller as _is_controller


def test_a_recycled_pid_is_left_alone(tmp_path: Path) -> None:
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert not _is_controller(bystander.pid, tmp_path)
        _local_cleanup(tmp_path, bystander.pid)  # as if controllers.yaml named this pid
        assert bystander.poll() is None
    finally:
        bystander.kill()
        bystander.wait()


def test_the_controller_process_is_recognised_by_its_data_dir(tmp_path: Path) -> None:
    fake = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", "pyjuju.cmd.controller",
                             "--data-dir", str(tmp_path)])
    try:
        deadline = time.monotonic() + 10
        while not Path(f"/proc/{fake.pid}/cmdline").read_bytes() and time.monotonic() < deadline:
            time.sleep(0.01)  # the new process's arguments appear once it has started
        assert _is_controller(fake.pid, tmp_path)
        assert not _is_controller(fake.pid, tmp_path / "other")
    finally:
        fake.kill()
        fake.wait()
