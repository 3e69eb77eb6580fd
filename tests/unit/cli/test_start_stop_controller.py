"""start-controller / stop-controller without a real controller: what they refuse, and that they
only ever signal a process that is verifiably the controller of that data directory."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pyjuju.cli.main import cli

# Stands in for a controller: its command line names the daemon module and the data dir.
FAKE = ("import signal, sys, time; signal.signal(signal.SIGTERM, lambda *a: sys.exit(0)); "
        "print('ready', flush=True); time.sleep(60)")


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "data"
    monkeypatch.setenv("PYJUJU_DATA", str(root))
    return root


def record(data: Path, name: str, ctl_dir: Path, pid: int) -> None:
    data.mkdir(parents=True, exist_ok=True)
    ctl = {"uuid": "u", "api-endpoints": ["http://127.0.0.1:1"], "data-dir": str(ctl_dir), "pid": pid}
    (data / "controllers.yaml").write_text(yaml.safe_dump({"controllers": {name: ctl}, "current-controller": name}))
    (data / "accounts.yaml").write_text(yaml.safe_dump({"controllers": {name: {"user": "admin", "token": "t"}}}))


def recorded_pid(data: Path, name: str) -> int:
    return int(yaml.safe_load((data / "controllers.yaml").read_text())["controllers"][name]["pid"])


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes else "")


def spawn(*argv: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, "-c", FAKE, *argv], stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline() == b"ready\n"  # its SIGTERM handler is set
    return proc


def ctl_dir(tmp_path: Path) -> Path:
    d = tmp_path / "ctl"
    d.mkdir()
    (d / "controller.json").write_text(json.dumps({"name": "lab", "uuid": "u"}))
    return d


def test_start_refuses_a_missing_data_dir_and_changes_nothing(data: Path, tmp_path: Path) -> None:
    record(data, "lab", tmp_path / "gone", 4242)
    before = (data / "controllers.yaml").read_text()
    code, out = invoke("start-controller", "lab")
    assert code == 1
    assert 'controller "lab" cannot be started: its data directory' in out and "gone" in out
    assert (data / "controllers.yaml").read_text() == before


def test_unknown_controller_is_an_error(data: Path, tmp_path: Path) -> None:
    record(data, "lab", ctl_dir(tmp_path), 0)
    for command in ("start-controller", "stop-controller"):
        code, out = invoke(command, "nope")
        assert code == 1 and "controller nope not found" in out


def test_stop_leaves_a_stale_pid_alone(data: Path, tmp_path: Path) -> None:
    directory = ctl_dir(tmp_path)
    bystander = spawn()  # has the recorded pid, but is not this controller
    try:
        record(data, "lab", directory, bystander.pid)
        code, out = invoke("stop-controller", "lab")
        assert code == 0 and 'controller "lab" is not running' in out
        time.sleep(0.1)
        assert bystander.poll() is None
    finally:
        bystander.kill()
        bystander.wait()


def test_stop_signals_the_controller_and_clears_its_pid(data: Path, tmp_path: Path) -> None:
    directory = ctl_dir(tmp_path)
    fake = spawn("pyjuju.cmd.controller", "--data-dir", str(directory))
    try:
        record(data, "lab", directory, fake.pid)
        code, out = invoke("stop-controller")  # the current controller
        assert code == 0, out
        assert f'Stopping controller "lab" (pid {fake.pid})' in out and "stopped" in out
        assert fake.wait(timeout=5) == 0  # exited on SIGTERM, not killed
        assert recorded_pid(data, "lab") == 0
        code, out = invoke("stop-controller", "lab")
        assert code == 0 and "is not running" in out
    finally:
        fake.kill()
        fake.wait()


def test_start_of_a_running_controller_is_a_no_op_that_records_its_pid(data: Path, tmp_path: Path) -> None:
    directory = ctl_dir(tmp_path)
    fake = spawn("pyjuju.cmd.controller", "--data-dir", str(directory))
    try:
        record(data, "lab", directory, 0)  # pid not recorded: found by its command line
        code, out = invoke("start-controller", "lab")
        assert code == 0, out
        assert f'controller "lab" is already running (pid {fake.pid})' in out
        assert recorded_pid(data, "lab") == fake.pid
        assert fake.poll() is None
        assert not (directory / "controller.out").exists()  # nothing was started
    finally:
        fake.kill()
        fake.wait()
