"""Actions (``run``) and ``exec``: results, failures, validation, and crashes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import textwrap
import time
from pathlib import Path

import pytest

from .harness import CHARMS, Juju
from .test_crash import agent_pid


def ops_charm(tmp: Path) -> Path:
    dest = tmp / "ops-charm"
    shutil.copytree(CHARMS / "ops-charm", dest)
    (dest / "requirements.txt").write_text("ops==3.9.0\n")
    return dest


def run_json(juju: Juju, *args: str, check: bool = True) -> tuple[dict, str, int]:
    res = juju.cli("run", *args, "--format", "json", check=False)
    if check:
        assert res.returncode == 0, res.stderr
    return (json.loads(res.stdout) if res.stdout.strip() else {}), res.stderr, res.returncode


@pytest.fixture(scope="module")
def ops_model(controller: Juju, tmp_path_factory: pytest.TempPathFactory):
    name = "actions-ops"
    controller.cli("add-model", name, "--no-switch", model=False)
    juju = controller.with_model(name)
    juju.cli("deploy", str(ops_charm(tmp_path_factory.mktemp("c"))), "-n", "2")
    juju.wait_idle(["ops-charm"], timeout=300)
    yield juju
    juju.cli("destroy-model", f"{controller.controller}:{name}", "--no-prompt", "--force", model=False, check=False)


def test_action_success_results_and_log(ops_model: Juju, tmp_path: Path) -> None:
    juju = ops_model
    juju.cli("config", "ops-charm", "greeting=foobar")
    juju.wait_idle(["ops-charm"])
    out, err, _ = run_json(juju, "ops-charm/0", "do-thing", "param1=value1")
    task = out["ops-charm/0"]
    assert task["status"] == "completed" and task["unit"] == "ops-charm/0"
    assert task["id"].isdigit()
    results = task["results"]
    assert results["return-code"] == 0
    assert results["thingy"] == "foo"
    assert results["params"] == {"param1": "value1"}
    assert results["config"]["greeting"] == "foobar"
    assert any(line.endswith("doing the thing") for line in task["log"])
    assert set(task["timing"]) == {"enqueued", "started", "completed"}
    assert "Running operation" in err and "doing the thing" in err  # progress and log on stderr
    # Defaults are inserted: action-get sees param1 even when not given.
    out, _, _ = run_json(juju, "ops-charm/0", "do-thing")
    assert out["ops-charm/0"]["results"]["params"] == {"param1": "value1"}
    # --params file, overridden by key=value; the leader by name.
    params = tmp_path / "params.yaml"
    params.write_text("param1: from-file\nother: 3\n")
    out, _, _ = run_json(juju, "ops-charm/leader", "do-thing", "--params", str(params), "other=4")
    (unit, task), = out.items()
    assert unit in ("ops-charm/0", "ops-charm/1")
    assert task["results"]["params"] == {"param1": "from-file", "other": "4"}
    shown = json.loads(juju.cli("show-task", task["id"], "--format", "json").stdout)
    assert shown["status"] == "completed" and shown["results"]["thingy"] == "foo"


def test_action_failures(ops_model: Juju) -> None:
    juju = ops_model
    out, _, code = run_json(juju, "ops-charm/0", "do-thing", "error=ERR")
    assert code == 0  # a failure the charm reported: still exit 0, as Juju
    task = out["ops-charm/0"]
    assert task["status"] == "failed" and task["message"] == "failed with error: ERR"
    assert task["results"]["return-code"] == 0

    out, err, code = run_json(juju, "ops-charm/0", "do-thing", "exception=EXC", check=False)
    assert code == 1 and "task failed" in err
    task = out["ops-charm/0"]
    assert task["status"] == "failed" and task["results"]["return-code"] != 0
    assert "exception: EXC" in task["results"]["stderr"]


def test_action_parameters_are_validated_before_running(ops_model: Juju) -> None:
    juju = ops_model
    before = juju.cli("operations", "--format", "json").stdout
    res = juju.cli("run", "ops-charm/0", "greet", check=False)
    assert res.returncode != 0 and "validation failed" in res.stderr and "name" in res.stderr
    res = juju.cli("run", "ops-charm/0", "greet", "name=x", "extra=y", check=False)
    assert res.returncode != 0 and "extra" in res.stderr
    assert juju.cli("operations", "--format", "json").stdout == before  # nothing ran
    out, _, _ = run_json(juju, "ops-charm/0", "greet", "name=sam")
    assert out["ops-charm/0"]["results"]["message"] == "hello sam"
    # Unknown action or unit: nothing scheduled, said on stderr, exit 0 (Juju 3).
    for args in (("ops-charm/0", "nope"), ("ops-charm/42", "do-thing")):
        res = juju.cli("run", *args, "--format", "json", check=False)
        assert res.returncode == 0 and res.stdout == "" and "failed to schedule any tasks" in res.stderr
    res = juju.cli("run", "ops-charm/0", "do-thing", "--wait", "0.001s", check=False)
    assert res.returncode == 1 and "timed out" in res.stderr


def test_exec_on_units_and_machines(ops_model: Juju) -> None:
    juju = ops_model
    res = juju.cli("exec", "--format", "json", "--unit", "ops-charm/0", "--", "echo", "bar", "baz")
    out = json.loads(res.stdout)["ops-charm/0"]
    assert out["results"] == {"return-code": 0, "stdout": "bar baz\n"} and out["status"] == "completed"
    # Hook tools work: the command runs in the unit's hook context.
    res = juju.cli("exec", "--format", "json", "--application", "ops-charm", "--", "config-get greeting")
    out = json.loads(res.stdout)
    assert set(out) == {"ops-charm/0", "ops-charm/1"}
    assert all(v["results"]["stdout"].strip() for v in out.values())
    machine = juju.status()["applications"]["ops-charm"]["units"]["ops-charm/0"]["machine"]
    res = juju.cli("exec", "--format", "json", "--machine", machine, "--", "hostname -I || true")
    out = json.loads(res.stdout)[machine]
    assert out["machine"] == machine and out["results"]["return-code"] == 0
    res = juju.cli("exec", "--format", "json", "--unit", "ops-charm/0", "--", "sleep x", check=False)
    assert res.returncode == 1 and "task failed" in res.stderr
    out = json.loads(res.stdout)["ops-charm/0"]
    assert out["status"] == "completed" and out["results"]["return-code"] == 1
    assert "invalid time" in out["results"]["stderr"]
    res = juju.cli("exec", "--format", "json", "--unit", "ops-charm/42", "--", "true", check=False)
    assert res.returncode == 0 and res.stdout == ""
    res = juju.cli("exec", "--wait", "0.001s", "--unit", "ops-charm/0", "--", "sleep 1", check=False)
    assert res.returncode == 1 and "timed out" in res.stderr


BASH_ACTION = textwrap.dedent(
    """\
    #!/bin/bash
    action-log "starting $JUJU_ACTION_NAME"
    if [ "$JUJU_ACTION_NAME" = slow ]; then touch "$JUJU_CHARM_DIR/slow-started"; sleep 60; fi
    action-set ran=yes
    """
)


def bash_charm(root: Path) -> Path:
    (root / "hooks").mkdir(parents=True)
    (root / "actions").mkdir()
    (root / "metadata.yaml").write_text("name: bashact\nsummary: s\ndescription: d\n")
    (root / "config.yaml").write_text("options:\n  fail: {type: boolean, default: false}\n")
    (root / "actions.yaml").write_text("quick:\n  description: q\nslow:\n  description: s\n")
    hook = root / "hooks" / "config-changed"
    hook.write_text('#!/bin/bash\n[ "$(config-get fail)" = True ] && exit 1\nexit 0\n')
    hook.chmod(0o755)
    for name in ("quick", "slow"):
        p = root / "actions" / name
        p.write_text(BASH_ACTION)
        p.chmod(0o755)
    return root


def test_actions_run_while_hooks_are_in_error(juju: Juju, tmp_path: Path) -> None:
    juju.cli("model-config", "automatically-retry-hooks=false")
    juju.cli("deploy", str(bash_charm(tmp_path / "c")))
    juju.wait_idle(["bashact"])
    juju.cli("config", "bashact", "fail=true")
    juju.wait(lambda st: st["applications"]["bashact"]["units"]["bashact/0"]["workload-status"]["current"] == "error",
              what="the hook error")
    out, _, _ = run_json(juju, "bashact/0", "quick")
    assert out["bashact/0"]["status"] == "completed" and out["bashact/0"]["results"]["ran"] == "yes"
    st = juju.status()
    assert st["applications"]["bashact"]["units"]["bashact/0"]["workload-status"]["current"] == "error"


def test_action_interrupted_by_agent_crash_is_reported_failed(juju: Juju, tmp_path: Path) -> None:
    juju.cli("deploy", str(bash_charm(tmp_path / "c")))
    juju.wait_idle(["bashact"])
    res = juju.cli("run", "bashact/0", "slow", "--background")
    assert "Scheduled operation" in res.stderr
    marker = juju.charm_file("bashact/0", "slow-started")
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert time.monotonic() < deadline, "the slow action never started"
        time.sleep(0.1)
    os.kill(agent_pid(juju, "bashact/0"), signal.SIGKILL)
    ops = json.loads(juju.cli("operations", "--format", "json").stdout)
    (task_id,) = [t for op in ops.values() for t in op["tasks"]]
    shown = json.loads(juju.cli("show-task", task_id, "--format", "json", "--wait", "60s").stdout)
    assert shown["status"] == "failed" and "restarted" in shown["message"]
    # It is not re-run, and the unit carries on.
    out, _, _ = run_json(juju, "bashact/0", "quick")
    assert out["bashact/0"]["status"] == "completed"
