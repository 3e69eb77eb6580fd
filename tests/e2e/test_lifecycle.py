"""Controller-level behaviour: models, placement, update-status, retries, logs, teardown."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from pathlib import Path

import pytest

from .harness import PYJUJU, Juju

RECORD = 'echo "$JUJU_HOOK_NAME" >> "$JUJU_CHARM_DIR/hooks.log"\n'


def simple_charm(root: Path, name: str = "simple", extra: str = "") -> Path:
    (root / "hooks").mkdir(parents=True)
    (root / "metadata.yaml").write_text(f"name: {name}\nsummary: s\ndescription: d\n")
    (root / "config.yaml").write_text(
        "options:\n  fail: {type: boolean, default: false}\n  word: {type: string, default: w}\n"
    )
    body = (
        "#!/bin/bash\n" + RECORD + extra
        + 'if [ "$JUJU_HOOK_NAME" = config-changed ] && [ "$(config-get fail)" = True ]; then\n'
        + '  echo "failing on purpose" >&2; exit 3\nfi\n'
        + 'if [ "$JUJU_HOOK_NAME" = start ]; then status-set active "up"; fi\n'
        + 'juju-log "ran $JUJU_HOOK_NAME"\n'
    )
    for hook in ("install", "leader-elected", "leader-settings-changed", "config-changed", "start",
                 "update-status", "stop", "remove"):
        p = root / "hooks" / hook
        p.write_text(body)
        p.chmod(0o755)
    return root


def test_update_status_runs_on_the_model_interval(juju: Juju, tmp_path: Path) -> None:
    juju.cli("deploy", str(simple_charm(tmp_path / "c")))
    juju.wait_idle(["simple"])
    # The unit's timer started on the default 5 minutes; a new interval restarts it (as
    # Juju's does), so update-status comes within seconds, not after the old 5 minutes.
    juju.cli("model-config", "update-status-hook-interval=1s")
    cfg = json.loads(juju.cli("model-config", "--format", "json").stdout)
    assert cfg["update-status-hook-interval"] == {"Value": "1s", "Source": "model"}
    juju.wait(lambda st: juju.hooks("simple/0").count("update-status") >= 2, timeout=60,
              what="two update-status hooks")
    hooks = juju.hooks("simple/0")
    assert hooks.index("update-status") > hooks.index("start")
    # Out-of-range values are refused and change nothing.
    res = juju.cli("model-config", "update-status-hook-interval=2h", check=False)
    assert res.returncode != 0 and "update-status-hook-interval" in res.stderr
    juju.cli("model-config", "--reset", "update-status-hook-interval")
    cfg = json.loads(juju.cli("model-config", "--format", "json").stdout)
    assert cfg["update-status-hook-interval"] == {"Value": "5m", "Source": "default"}


def test_failed_hook_is_retried_automatically(juju: Juju, tmp_path: Path) -> None:
    juju.cli("deploy", str(simple_charm(tmp_path / "c")))
    juju.wait_idle(["simple"])
    juju.cli("config", "simple", "fail=true")
    st = juju.wait(
        lambda s: s["applications"]["simple"]["units"]["simple/0"]["workload-status"]["current"] == "error",
        what="the hook error",
    )
    unit = st["applications"]["simple"]["units"]["simple/0"]
    assert unit["workload-status"]["message"] == 'hook failed: "config-changed"'
    assert unit["juju-status"]["current"] == "idle"
    assert st["applications"]["simple"]["application-status"]["current"] == "error"
    logs = juju.cli("debug-log", "--replay", "--no-tail", "--include", "simple/0", "--level", "WARNING").stdout
    assert "failing on purpose" in logs
    assert "ran " not in logs  # INFO lines are filtered out by --level WARNING
    # Fixing the cause is enough: the agent retries with back-off (first after ~5 s).
    juju.cli("config", "simple", "fail=false")
    juju.wait(
        lambda s: s["applications"]["simple"]["units"]["simple/0"]["workload-status"]["current"] == "active",
        timeout=60, what="the automatic retry",
    )
    assert juju.hooks("simple/0").count("config-changed") >= 3


def test_deploy_to_existing_machine_and_show_unit(juju: Juju, tmp_path: Path) -> None:
    charm = simple_charm(tmp_path / "c")
    juju.cli("deploy", str(charm), "first")
    st = juju.wait_idle(["first"])
    machine = st["applications"]["first"]["units"]["first/0"]["machine"]
    juju.cli("deploy", str(charm), "second", "--to", machine)
    juju.cli("add-unit", "first", "--to", machine)
    st = juju.wait_idle(["first", "second"])
    assert st["applications"]["second"]["units"]["second/0"]["machine"] == machine
    assert st["applications"]["first"]["units"]["first/1"]["machine"] == machine
    assert list(st["machines"]) == [machine]
    shown = json.loads(juju.cli("show-unit", "second/0", "--format", "json").stdout)
    assert shown["second/0"]["machine"] == machine
    assert shown["second/0"]["leader"] is True
    assert shown["second/0"]["charm"] == "local:simple-0"
    machines = json.loads(juju.cli("machines", "--format", "json").stdout)
    assert machines["machines"][machine]["juju-status"]["current"] == "started"
    res = juju.cli("add-unit", "first", "--to", "99", check=False)
    assert res.returncode != 0 and 'machine 99 not found' in res.stderr
    # Removing a unit that shares a machine keeps the machine.
    juju.cli("remove-unit", "first/1")
    juju.wait(lambda s: "first/1" not in s["applications"]["first"]["units"], what="first/1 removed")
    assert machine in juju.status()["machines"]


def test_models_switch_and_destroy(controller: Juju, tmp_path: Path) -> None:
    controller.cli("add-model", "scratch", model=False)
    try:
        out = controller.cli("switch", model=False).stdout.strip()
        assert out == f"{controller.controller}:admin/scratch"
        models = json.loads(controller.cli("models", "--format", "json", model=False).stdout)
        assert models["current-model"] == "scratch"
        assert {"admin/controller", "admin/default", "admin/scratch"} <= {m["name"] for m in models["models"]}
        res = controller.cli("add-model", "scratch", model=False, check=False)
        assert res.returncode != 0 and "already exists" in res.stderr
        res = controller.cli("switch", "nope", model=False, check=False)
        assert res.returncode != 0
        scratch = controller.with_model("scratch")
        scratch.cli("deploy", str(simple_charm(tmp_path / "c")))
        scratch.wait_idle(["simple"])
        shown = json.loads(controller.cli("show-model", "scratch", "--format", "json", model=False).stdout)
        assert shown["scratch"]["name"] == "admin/scratch" and shown["scratch"]["life"] == "alive"
    finally:
        controller.cli("destroy-model", "scratch", "--no-prompt", model=False)
    models = json.loads(controller.cli("models", "--format", "json", model=False).stdout)
    assert "admin/scratch" not in {m["name"] for m in models["models"]}
    res = controller.cli("show-model", "scratch", model=False, check=False)
    assert res.returncode != 0 and "not found" in res.stderr


def test_debug_log_tail_follows_new_lines(juju: Juju, tmp_path: Path) -> None:
    juju.cli("deploy", str(simple_charm(tmp_path / "c")))
    juju.wait_idle(["simple"])
    last = juju.cli("debug-log", "--no-tail", "-n", "2", "--include", "simple").stdout.strip().splitlines()
    assert len(last) == 2
    proc = subprocess.Popen(
        [*PYJUJU, "debug-log", "--model", f"{juju.controller}:{juju.model}", "--tail", "-n", "0",
         "--include", "unit-simple-0"],
        env=juju.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)  # type: ignore[arg-type]
    reader.start()
    try:
        time.sleep(1)
        juju.cli("config", "simple", "word=tailed")
        deadline = time.monotonic() + 30
        while not any("ran config-changed" in ln for ln in lines) and time.monotonic() < deadline:
            time.sleep(0.1)
        seen = "".join(lines)
        assert "unit-simple-0:" in seen and "INFO unit.simple/0.juju-log ran config-changed" in seen
        assert "ran install" not in seen  # -n 0: only lines that arrived after the start
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.mark.skipif(os.geteuid() != 0, reason="a second controller with namespaces needs root")
def test_destroy_controller_removes_everything(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {**os.environ, "PYJUJU_DATA": str(data)}

    def cli(*args: str) -> str:
        res = subprocess.run([*PYJUJU, *args], env=env, capture_output=True, text=True)
        assert res.returncode == 0, res.stderr
        return res.stdout

    cli("bootstrap", "local", "gone")
    other = Juju(data, "gone", "default")
    other.cli("deploy", str(simple_charm(tmp_path / "c")), "-n", "2")
    st = other.wait_idle(["simple"])
    addrs = {u["public-address"] for u in st["applications"]["simple"]["units"].values()}
    assert len(addrs) == 2 and "127.0.0.1" not in addrs  # one namespace per machine
    ctl_uuid = json.loads(cli("controllers", "--format", "json"))["controllers"]["gone"]["uuid"]
    short = ctl_uuid.replace("-", "")[:6]
    insts = [m["instance-id"] for m in st["machines"].values()]
    assert all(i in subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout for i in insts)
    cli("destroy-controller", "gone", "--no-prompt")
    netns = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    assert not any(i in netns for i in insts)
    links = subprocess.run(["ip", "-br", "link"], capture_output=True, text=True).stdout
    assert f"pjbr{short}" not in links and f"pjv{short}" not in links
    procs = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert str(data) not in procs
    assert not (data / "controllers" / "gone").exists()
    assert "gone" not in json.loads(cli("controllers", "--format", "json"))["controllers"]


def test_loopback_controller_without_namespaces(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {**os.environ, "PYJUJU_DATA": str(data)}
    res = subprocess.run([*PYJUJU, "bootstrap", "local", "lo", "--config", "network=loopback"], env=env,
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    try:
        j = Juju(data, "lo", "default")
        j.cli("deploy", str(simple_charm(tmp_path / "c", extra='unit-get private-address > "$JUJU_CHARM_DIR/addr"\n')))
        st = j.wait_idle(["simple"])
        assert st["applications"]["simple"]["units"]["simple/0"]["public-address"] == "127.0.0.1"
        assert j.charm_file("simple/0", "addr").read_text().strip() == "127.0.0.1"
    finally:
        subprocess.run([*PYJUJU, "destroy-controller", "lo", "--no-prompt"], env=env, capture_output=True)


