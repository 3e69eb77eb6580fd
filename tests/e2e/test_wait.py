"""`wait` (the model settles) and `wait-for` (one entity matches a query) against a real controller."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from .harness import PYJUJU, Juju

RECORD = 'echo "$JUJU_HOOK_NAME" >> "$JUJU_CHARM_DIR/hooks.log"\n'
HOOKS = ("install", "leader-elected", "leader-settings-changed", "config-changed", "start",
         "update-status", "stop", "remove")


def bash_charm(root: Path, name: str, *, install: str = "", start: str = "") -> Path:
    """A charm whose hooks record themselves; ``install``/``start`` add shell to those hooks."""
    (root / "hooks").mkdir(parents=True)
    (root / "metadata.yaml").write_text(f"name: {name}\nsummary: s\ndescription: d\n")
    body = (
        "#!/bin/bash\n" + RECORD
        + f'if [ "$JUJU_HOOK_NAME" = install ]; then\n:\n{install}\nfi\n'
        + f'if [ "$JUJU_HOOK_NAME" = start ]; then\n:\n{start}\nfi\n'
    )
    for hook in HOOKS:
        p = root / "hooks" / hook
        p.write_text(body)
        p.chmod(0o755)
    return root


def units(st: dict) -> dict[str, dict]:
    return {name: u for app in st["applications"].values() for name, u in (app.get("units") or {}).items()}


def test_wait_settles_a_busy_model(juju: Juju, tmp_path: Path) -> None:
    juju.cli("deploy", str(bash_charm(tmp_path / "c", "sleepy", install="sleep 2")), "-n", "2")
    res = juju.cli("wait", "--timeout", "120s", check=False, timeout=180)
    assert res.returncode == 0, res.stderr
    assert res.stdout == ""
    assert res.stderr == ""  # no progress line when stderr is not a terminal
    st = juju.status()
    us = units(st)
    assert sorted(us) == ["sleepy/0", "sleepy/1"]
    assert all(u["juju-status"]["current"] == "idle" for u in us.values()), json.dumps(us, indent=1)
    assert all(m["juju-status"]["current"] == "started" for m in st["machines"].values())
    for unit in us:
        assert "start" in juju.hooks(unit)  # the install sleep and every later hook have run
    # Settled twice in a row: a second wait returns straight away.
    assert juju.cli("wait", "--timeout", "30s", "--quiet").returncode == 0
    # The workload never set a status: it stays "unknown", so --workload active cannot be met...
    res = juju.cli("wait", "--workload", "active", "--timeout", "2s", check=False)
    assert res.returncode == 1
    assert res.stdout == ""
    lines = res.stderr.splitlines()
    assert lines[0] == "ERROR timed out waiting for the model to settle after 2s"
    assert sorted(lines[1:]) == ["  sleepy/0: workload unknown, want active",
                                 "  sleepy/1: workload unknown, want active"]
    # ...while --workload unknown is.
    assert juju.cli("wait", "--workload", "unknown", "--timeout", "30s").returncode == 0


def test_wait_times_out_on_a_unit_in_error(juju: Juju, tmp_path: Path) -> None:
    juju.cli("model-config", "automatically-retry-hooks=false")
    juju.cli("deploy", str(bash_charm(tmp_path / "c", "broken", install='echo "no luck" >&2; exit 1')))
    juju.wait(lambda st: units(st).get("broken/0", {}).get("workload-status", {}).get("current") == "error",
              what="the install hook error")
    res = juju.cli("wait", "--timeout", "5s", check=False)
    assert res.returncode == 1
    assert res.stdout == ""
    lines = res.stderr.splitlines()
    assert lines[0] == "ERROR timed out waiting for the model to settle after 5s"
    assert '  broken/0: workload error (hook failed: "install")' in lines[1:]
    # Bad flags are usage errors.
    res = juju.cli("wait", "--timeout", "soon", check=False)
    assert res.returncode == 2 and 'invalid value "soon" for option --timeout' in res.stderr
    res = juju.cli("wait", "--workload", "happy", check=False)
    assert res.returncode == 2 and "--workload" in res.stderr


def test_wait_for_application_unit_machine_and_model(juju: Juju, tmp_path: Path) -> None:
    charm = bash_charm(tmp_path / "c", "hello", install="sleep 1", start='status-set active "up"')
    # An application that does not exist yet is waited for.
    proc = subprocess.Popen(
        [*PYJUJU, "wait-for", "--model", f"{juju.controller}:{juju.model}", "application", "hello",
         "--query", 'status=="active"', "--timeout", "120s"],
        env=juju.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        juju.cli("deploy", str(charm))
        out, err = proc.communicate(timeout=180)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert out == ""
    assert err == 'application "hello" is active\n'
    assert units(juju.status())["hello/0"]["workload-status"]["current"] == "active"

    # Default queries.
    res = juju.cli("wait-for", "unit", "hello/0", "--timeout", "60s")
    assert res.stderr == 'unit "hello/0" is active\n' and res.stdout == ""
    machine = units(juju.status())["hello/0"]["machine"]
    res = juju.cli("wait-for", "machine", machine, "--timeout", "60s")
    assert res.stderr == f'machine "{machine}" is started\n'
    res = juju.cli("wait-for", "model", f"{juju.controller}:{juju.model}", "--timeout", "60s", model=False)
    assert res.stderr == f'model "{juju.controller}:{juju.model}" is available\n'
    res = juju.cli("wait-for", "application", "hello", "--no-summary",
                   "--query", 'units == 1 && leader-less != "x"', check=False)
    assert res.returncode == 2 and 'unknown identifier "leader-less"' in res.stderr
    res = juju.cli("wait-for", "application", "hello", "--no-summary", "--query", "units >= 1 && !exposed")
    assert res.stderr == ""

    # Timeouts say what was last seen.
    res = juju.cli("wait-for", "unit", "hello/0", "--query", 'workload-status=="blocked"', "--timeout", "1s",
                   check=False)
    assert res.returncode == 1
    assert res.stderr == 'ERROR timed out waiting for unit "hello/0": workload-status="active"\n'
    res = juju.cli("wait-for", "unit", "hello/7", "--timeout", "1s", check=False)
    assert res.returncode == 1
    assert res.stderr == 'ERROR timed out waiting for unit "hello/7": not found\n'


def test_wait_for_rejects_a_bad_query(controller: Juju) -> None:
    res = controller.cli("wait-for", "application", "x", "--query", 'status = "active"', model=False,
                         check=False)
    assert res.returncode == 2
    assert res.stdout == ""
    assert res.stderr.startswith('ERROR invalid query: unexpected character "=" (did you mean "=="?) '
                                 "at position 8\n")
    res = controller.cli("wait-for", "unit", "x/0", "--query", 'workload == "active"', model=False, check=False)
    assert res.returncode == 2
    assert 'unknown identifier "workload" at position 1; valid identifiers for unit:' in res.stderr
    assert "workload-status" in res.stderr
    res = controller.cli("wait-for", "unit", "not-a-unit", model=False, check=False)
    assert res.returncode == 2 and '"not-a-unit" is not a valid unit name' in res.stderr
