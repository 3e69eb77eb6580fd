"""stop-controller, a simulated reboot, start-controller: the model comes back and keeps working.

This test bootstraps a controller of its own (stopping the shared one would
disturb every other test). The "reboot" takes away what a real one does, and
only what this controller made: its machine agents (by the pids its provider
recorded, checked against their start times), every process in its machines'
network namespaces, the namespaces, veths and its bridge.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from pyjuju.core import process

from .harness import CHARMS, Juju, unit_statuses


@pytest.fixture
def own() -> Iterator[Juju]:
    data = Path(tempfile.mkdtemp(prefix="pyjuju-e2e-restart-"))
    name = f"rst{os.getpid() % 100000}"
    juju = Juju(data, name)
    juju.cli("bootstrap", "local", name, model=False)
    try:
        yield juju.with_model("default")
    finally:
        res = juju.cli("destroy-controller", name, "--no-prompt", model=False, check=False)
        if res.returncode != 0:
            juju.cli("kill-controller", name, "--no-prompt", model=False, check=False)
        shutil.rmtree(data, ignore_errors=True)


def recorded(juju: Juju) -> dict[str, Any]:
    doc = yaml.safe_load((juju.data_dir / "controllers.yaml").read_text())
    return dict(doc["controllers"][juju.controller])


def provider_state(juju: Juju) -> dict[str, Any]:
    path = juju.data_dir / "controllers" / juju.controller / "local" / "provider.json"
    return dict(json.loads(path.read_text()))


def simulate_reboot(juju: Juju) -> list[int]:
    """Kill this controller's machine agents and remove its namespaces and bridge."""
    state = provider_state(juju)
    killed = []
    for entry in state["instances"].values():
        pid = int(entry["pid"])
        if process.start_time(pid) == entry["started"]:  # still the agent it started
            process.signal_group(pid, signal.SIGKILL)
            killed.append(pid)
        if entry.get("ns"):
            pids = subprocess.run(["ip", "netns", "pids", entry["ns"]], capture_output=True, text=True).stdout
            for other in pids.split():
                process.signal_group(int(other), signal.SIGKILL)
            subprocess.run(["ip", "link", "del", entry["veth"]], capture_output=True)
            subprocess.run(["ip", "netns", "del", entry["ns"]], check=True)
    if state.get("subnet"):
        bridge = "pjbr" + recorded(juju)["uuid"].replace("-", "")[:6]
        subprocess.run(["ip", "link", "del", bridge], check=True)
    deadline = time.monotonic() + 10
    while any(process.start_time(p) is not None for p in killed):
        assert time.monotonic() < deadline, "machine agents did not die"
        time.sleep(0.05)
    return killed


def test_stop_reboot_start_brings_the_model_back(own: Juju) -> None:
    own.cli("deploy", str(CHARMS / "bash-hooks"), "web", "--config", "greeting=before")
    own.wait(lambda s: unit_statuses(s, "web").get("web/0", ("", ""))[0] == "active"
             and s["applications"]["web"]["units"]["web/0"]["juju-status"]["current"] == "idle",
             timeout=180, what="web/0 active and idle")
    ctl_pid = int(recorded(own)["pid"])
    data_dir = Path(recorded(own)["data-dir"])

    res = own.cli("stop-controller", own.controller, model=False)
    assert f'Controller "{own.controller}" stopped' in res.stderr and "killed" not in res.stderr
    assert process.start_time(ctl_pid) is None
    assert recorded(own)["pid"] == 0
    assert not (data_dir / "api.json").exists()
    down = own.cli("status", "--format", "json", check=False)
    assert down.returncode != 0
    again = own.cli("stop-controller", own.controller, model=False)
    assert "is not running" in again.stderr

    # Started again with its agents still running: they reconnect and keep working.
    agents = {int(e["pid"]) for e in provider_state(own)["instances"].values()}
    own.cli("start-controller", own.controller, model=False)
    own.cli("config", "web", "greeting=middle")
    own.wait(lambda s: "middle" in unit_statuses(s, "web")["web/0"][1], timeout=120,
             what="config-changed after a plain restart")
    assert {int(e["pid"]) for e in provider_state(own)["instances"].values()} == agents  # not restarted
    ctl_pid = int(recorded(own)["pid"])
    own.cli("stop-controller", own.controller, model=False)

    killed = simulate_reboot(own)
    assert killed, "the test controller had no running machine agent to kill"

    res = own.cli("start-controller", own.controller, model=False)
    assert f'Controller "{own.controller}" started' in res.stderr
    new_pid = int(recorded(own)["pid"])
    assert new_pid != ctl_pid and process.start_time(new_pid) is not None
    res = own.cli("start-controller", own.controller, model=False)
    assert f"already running (pid {new_pid})" in res.stderr

    # The provisioner restarts the agents it finds dead; the unit settles again.
    before = len(own.hooks("web/0"))
    own.wait(lambda s: s["applications"]["web"]["units"]["web/0"]["juju-status"]["current"] == "idle"
             and unit_statuses(s, "web")["web/0"][0] == "active",
             timeout=120, what="web/0 back to active and idle")
    state = provider_state(own)
    for entry in state["instances"].values():
        assert int(entry["pid"]) not in killed and process.start_time(int(entry["pid"])) is not None

    own.cli("config", "web", "greeting=after")
    own.wait(lambda s: "after" in unit_statuses(s, "web")["web/0"][1]
             and s["applications"]["web"]["units"]["web/0"]["juju-status"]["current"] == "idle",
             timeout=120, what="config-changed with the new greeting")
    config = json.loads(own.charm_file("web/0", "config.json").read_text())
    assert config["greeting"] == "after"
    assert "config-changed" in own.hooks("web/0")[before:]


def test_a_stopped_controller_is_destroyed_with_its_machines(own: Juju) -> None:
    own.cli("add-machine")
    own.wait(lambda s: (s.get("machines") or {}).get("0", {}).get("machine-status", {}).get("current") == "running",
             timeout=60, what="machine 0 running")
    state = provider_state(own)
    (entry,) = state["instances"].values()
    agent = int(entry["pid"])
    data_dir = Path(recorded(own)["data-dir"])
    own.cli("stop-controller", model=False)  # the current controller
    assert process.start_time(agent) == entry["started"]  # agents keep running while it is stopped

    own.cli("destroy-controller", own.controller, "--no-prompt", model=False)
    assert process.start_time(agent) is None
    assert not data_dir.exists()
    assert own.controller not in (yaml.safe_load((own.data_dir / "controllers.yaml").read_text())
                                  .get("controllers") or {})
    if entry.get("ns"):
        namespaces = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
        assert entry["ns"] not in namespaces
