"""The test charms of tests/charms/ on a real local controller.

One lifecycle test per charm flavour (bash hooks, a bash ``dispatch``, ops 2.x
and 3.x, charmhelpers) walks one two-unit deployment through the first-deploy
hook order, leadership, status, config, ports, state, a leader change and
removal; the bash charms also go through failing hooks and ``resolved``.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .charm_helpers import (
    KeptLog,
    assert_all_finished,
    eventually,
    finished_count,
    leader_of,
    read_json,
    runs,
    started,
    unit_names,
    wait_hooks,
)
from .harness import CHARMS, Juju, unit_statuses

OPS_VERSIONS = ("2.17.1", "3.9.0")


@dataclasses.dataclass(frozen=True)
class Flavour:
    name: str
    app: str
    source: str
    """Directory under tests/charms/."""
    message: Callable[[dict[str, Any]], str]
    """The workload message the charm sets for a config (after config-changed and start)."""
    version: str | None
    """What the charm passes to application-version-set, if anything."""
    new_config: dict[str, str]
    """What the test sets, as typed on the command line."""
    new_config_json: dict[str, Any]
    """How the charm sees it (config-get --format=json / ops / hookenv)."""
    defaults: dict[str, Any]
    leader_json_every_hook: bool = True
    """Whether every hook writes is-leader to leader.json (ops: only leader-elected)."""
    leader_settings_file: bool = True
    """Whether leader-settings-changed writes leader-get to leader-settings.json (not ops)."""
    counts_changes: bool = True
    """Whether config-changed counts its runs in state (charmhelpers' hookenv has no state API)."""
    bash: bool = False
    """The bash charms: full config schema, ports option, controller-side state, fail-hook."""
    requirements: str | None = None
    """Written to requirements.txt of a copy of the source tree."""

    def path(self, tmp_path: Path) -> Path:
        src = CHARMS / self.source
        if self.requirements is None:
            return src
        dst = tmp_path / self.source
        shutil.copytree(src, dst)
        (dst / "requirements.txt").write_text(self.requirements + "\n")
        return dst


BASH_NEW = {"greeting": "hola", "count": "5", "ratio": "2.5", "enabled": "false"}
BASH_NEW_JSON = {"greeting": "hola", "count": 5, "ratio": 2.5, "enabled": False}
BASH_DEFAULTS = {
    "greeting": "hello",
    "count": 1,
    "ratio": 0.5,
    "enabled": True,
    "fail-hook": "",
    "slow-hook": "",
    "slow-seconds": 0,
    "ports": "",
}

BASH = Flavour(
    name="bash-hooks",
    app="bash-hooks",
    source="bash-hooks",
    message=lambda c: f"greeting={c['greeting']} count={c['count']}",
    version=None,
    new_config=BASH_NEW,
    new_config_json=BASH_NEW_JSON,
    defaults=BASH_DEFAULTS,
    bash=True,
)
DISPATCH = Flavour(
    name="dispatch",
    app="dispatch-charm",
    source="dispatch-charm",
    message=lambda c: "dispatch ok",
    version="1.2.3",
    new_config=BASH_NEW,
    new_config_json=BASH_NEW_JSON,
    defaults=BASH_DEFAULTS,
    bash=True,
)
OPS = [
    Flavour(
        name=f"ops-{v}",
        app="ops-charm",
        source="ops-charm",
        message=lambda c, v=v: f"ops {v} greeting={c['greeting']}",
        version="9.9",
        new_config={"greeting": "hola", "port": "9090"},
        new_config_json={"greeting": "hola", "port": 9090},
        defaults={"greeting": "hello", "port": 8080},
        leader_json_every_hook=False,
        leader_settings_file=False,
        requirements=f"ops=={v}",
    )
    for v in OPS_VERSIONS
]
CHARMHELPERS = Flavour(
    name="charmhelpers",
    app="charmhelpers-charm",
    source="charmhelpers-charm",
    message=lambda c: f"charmhelpers greeting={c['greeting']}",
    version="4.5.6",
    new_config={"greeting": "hola", "port": "9090"},
    new_config_json={"greeting": "hola", "port": 9090},
    defaults={"greeting": "hello", "port": 8080},
    counts_changes=False,
)
FLAVOURS = [BASH, DISPATCH, *OPS, CHARMHELPERS]


def units_of(juju: Juju, app: str) -> list[str]:
    return unit_names(juju.status(), app)


def deploy_and_settle(juju: Juju, flavour: Flavour, tmp_path: Path, n: int) -> dict[str, Any]:
    """Deploy ``n`` units and wait until every one has finished its start hook."""
    juju.cli("deploy", str(flavour.path(tmp_path)), flavour.app, "-n", str(n))
    return wait_hooks(
        juju,
        flavour.app,
        lambda unit, rs: finished_count(rs, "start") == 1 and all(done for _, done in rs),
        f"{n} units of {flavour.app} started",
        timeout=180,
        units=n,
    )


def config_doc(juju: Juju, app: str) -> dict[str, Any]:
    return json.loads(juju.cli("config", app, "--format", "json").stdout)


def expected_ports(flavour: Flavour, config: dict[str, Any]) -> list[str]:
    if flavour.bash:
        return []  # until the ports option is set
    return [f"{config['port']}/tcp"]


def check_settled(juju: Juju, flavour: Flavour, st: dict[str, Any], config: dict[str, Any]) -> None:
    """Status, ports and version match what the charm was told."""
    app = st["applications"][flavour.app]
    want = flavour.message(config)
    for unit, (current, message) in unit_statuses(st, flavour.app).items():
        assert (current, message) == ("active", want), unit
        assert app["units"][unit]["juju-status"]["current"] == "idle", unit
        assert app["units"][unit].get("open-ports", []) == expected_ports(flavour, config), unit
    # No application status was set, so it is derived from the units'.
    assert app["application-status"]["current"] == "active"
    assert app["application-status"].get("message") == want
    assert app.get("version") == flavour.version


def change_config(
    juju: Juju, flavour: Flavour, *args: str, runs_before: dict[str, int]
) -> dict[str, Any]:
    """Run ``config APP args`` and wait for exactly one more finished config-changed on every unit."""
    juju.cli("config", flavour.app, *args)
    st = wait_hooks(
        juju,
        flavour.app,
        lambda unit, rs: finished_count(rs, "config-changed") >= runs_before[unit] + 1,
        f"config-changed after config {' '.join(args)}",
    )
    for unit in unit_names(st, flavour.app):
        rs = runs(juju, unit)
        assert finished_count(rs, "config-changed") == runs_before[unit] + 1, (unit, rs)
        assert_all_finished(rs, unit)
    return st


def cc_counts(juju: Juju, app: str) -> dict[str, int]:
    return {u: finished_count(runs(juju, u), "config-changed") for u in units_of(juju, app)}


def check_state(juju: Juju, flavour: Flavour, unit: str) -> None:
    """The charm's config-changed counter survived between hooks."""
    if not flavour.counts_changes:
        return
    n = finished_count(runs(juju, unit), "config-changed")
    state = read_json(juju, unit, "state.json")
    if flavour.bash:
        # state-get before this hook's state-set: what earlier hooks committed.
        assert state == ({"changes": str(n - 1)} if n > 1 else None), (unit, n, state)
    else:
        assert state == {"changes": n}, (unit, n, state)


@pytest.mark.parametrize("flavour", FLAVOURS, ids=[f.name for f in FLAVOURS])
def test_charm_lifecycle(juju: Juju, tmp_path: Path, flavour: Flavour) -> None:
    app = flavour.app
    st = deploy_and_settle(juju, flavour, tmp_path, 2)

    # -- leadership and the first-deploy hook order ---------------------------
    leaders = leader_of(st, app)
    assert len(leaders) == 1, st["applications"][app]["units"]
    leader = leaders[0]
    (follower,) = [u for u in unit_names(st, app) if u != leader]
    leader_runs, follower_runs = runs(juju, leader), runs(juju, follower)
    assert_all_finished(leader_runs, leader)
    assert_all_finished(follower_runs, follower)
    assert started(leader_runs) == ["install", "leader-elected", "config-changed", "start"]
    # A non-leader gets leader-settings-changed once after install; the leader's
    # leader-set (in its leader-elected) may cause more of them at any point.
    follower_hooks = started(follower_runs)
    assert follower_hooks[:2] == ["install", "leader-settings-changed"], follower_hooks
    assert [h for h in follower_hooks if h != "leader-settings-changed"] == [
        "install",
        "config-changed",
        "start",
    ], follower_hooks
    assert "leader-elected" not in follower_hooks
    assert read_json(juju, leader, "leader.json") is True
    if flavour.leader_json_every_hook:
        assert read_json(juju, follower, "leader.json") is False
    if flavour.leader_settings_file:
        # The leader's leader-set reaches the other unit through leader-settings-changed.
        eventually(
            lambda: read_json(juju, follower, "leader-settings.json") == {"elected": leader},
            f"{follower} to see leader setting elected={leader}",
        )

    # -- status, version, ports, config as first deployed ---------------------
    config = dict(flavour.defaults)
    check_settled(juju, flavour, st, config)
    for unit in (leader, follower):
        seen = read_json(juju, unit, "config.json")
        assert {k: seen.get(k) for k in config} == config, unit
        check_state(juju, flavour, unit)
    if flavour.bash:
        for unit in (leader, follower):
            assert "nodefault" not in read_json(juju, unit, "config.json")
            assert read_json(juju, unit, "config-all.json")["nodefault"] is None
    if flavour is CHARMHELPERS:
        for unit in (leader, follower):
            machine = st["applications"][app]["units"][unit]["machine"]
            address = juju.charm_file(unit, "address.txt").read_text().strip()
            assert address in st["machines"][machine]["ip-addresses"], (unit, address)

    # -- config round trip -----------------------------------------------------
    st = change_config(
        juju,
        flavour,
        *(f"{k}={v}" for k, v in flavour.new_config.items()),
        runs_before=cc_counts(juju, app),
    )
    config.update(flavour.new_config_json)
    for unit in (leader, follower):
        seen = read_json(juju, unit, "config.json")
        for key, value in flavour.new_config_json.items():
            assert seen[key] == value and type(seen[key]) is type(value), (unit, key, seen[key])
        check_state(juju, flavour, unit)
    check_settled(juju, flavour, st, config)
    settings = config_doc(juju, app)["settings"]
    for key, value in flavour.new_config_json.items():
        assert settings[key]["value"] == value and type(settings[key]["value"]) is type(value), key
        assert settings[key]["source"] == "user", key
    assert juju.cli("config", app, "greeting").stdout.strip() == "hola"

    st = change_config(juju, flavour, "--reset", "greeting", runs_before=cc_counts(juju, app))
    config["greeting"] = flavour.defaults["greeting"]
    for unit in (leader, follower):
        assert read_json(juju, unit, "config.json")["greeting"] == flavour.defaults["greeting"]
        check_state(juju, flavour, unit)
    check_settled(juju, flavour, st, config)
    settings = config_doc(juju, app)["settings"]
    assert settings["greeting"]["value"] == flavour.defaults["greeting"]
    assert settings["greeting"]["source"] == "default"
    assert juju.cli("config", app, "greeting").stdout.strip() == flavour.defaults["greeting"]

    # -- ports (the bash charms keep the "ports" option open) --------------------
    if flavour.bash:
        st = change_config(
            juju, flavour, "ports=8080/tcp,9000-9001/udp,icmp", runs_before=cc_counts(juju, app)
        )
        for unit in (leader, follower):
            assert sorted(st["applications"][app]["units"][unit]["open-ports"]) == sorted(
                ["8080/tcp", "9000-9001/udp", "icmp"]
            ), unit
            check_state(juju, flavour, unit)
        st = change_config(juju, flavour, "ports=8080/tcp", runs_before=cc_counts(juju, app))
        for unit in (leader, follower):
            assert st["applications"][app]["units"][unit]["open-ports"] == ["8080/tcp"], unit
            check_state(juju, flavour, unit)

    # -- removing the leader moves leadership ----------------------------------
    old_leader_log = KeptLog(juju, leader)
    try:
        juju.cli("remove-unit", leader)
        st = juju.wait(
            lambda s: (
                unit_names(s, app) == [follower]
                and leader_of(s, app) == [follower]
                and finished_count(runs(juju, follower), "leader-elected") == 1
            ),
            what=f"{leader} gone and {follower} elected",
        )
        removed = old_leader_log.runs()
    finally:
        old_leader_log.close()
    assert_all_finished(removed, leader)
    assert started(removed)[-2:] == ["stop", "remove"], removed
    assert started(removed).count("stop") == 1 and started(removed).count("remove") == 1, removed
    assert_all_finished(runs(juju, follower), follower)
    assert read_json(juju, follower, "leader.json") is True
    assert st["applications"][app]["units"][follower]["workload-status"]["current"] == "active"

    # -- remove-application: every unit stops and is removed -------------------
    last_log = KeptLog(juju, follower)
    try:
        juju.cli("remove-application", app)
        juju.wait(lambda s: app not in s["applications"], what=f"{app} removed")
        gone = last_log.runs()
    finally:
        last_log.close()
    assert_all_finished(gone, follower)
    assert started(gone)[-2:] == ["stop", "remove"], gone


BASH_FLAVOURS = [BASH, DISPATCH]


@pytest.mark.parametrize("flavour", BASH_FLAVOURS, ids=[f.name for f in BASH_FLAVOURS])
def test_failed_hook_and_resolved(juju: Juju, tmp_path: Path, flavour: Flavour) -> None:
    app = flavour.app
    unit = f"{app}/0"
    juju.cli("model-config", "automatically-retry-hooks=false")
    deploy_and_settle(juju, flavour, tmp_path, 1)
    before = runs(juju, unit)
    assert_all_finished(before, unit)

    def unit_doc(st: dict[str, Any]) -> dict[str, Any]:
        return st["applications"][app]["units"][unit]

    def in_error(st: dict[str, Any]) -> bool:
        return unit_doc(st)["workload-status"].get("current") == "error"

    def greeting_seen(unit: str) -> str | None:
        try:
            return read_json(juju, unit, "config.json").get("greeting")
        except (FileNotFoundError, json.JSONDecodeError):
            return None

    def settled(st: dict[str, Any]) -> bool:
        doc = unit_doc(st)
        return (
            doc["juju-status"].get("current") == "idle"
            and doc["workload-status"].get("current") == "active"
        )

    # A failing config-changed puts the unit in error; nothing retries it.
    juju.cli("config", app, "fail-hook=config-changed")
    st = juju.wait(in_error, 60, f"{unit} in error")
    assert unit_doc(st)["workload-status"]["message"] == 'hook failed: "config-changed"'
    assert st["applications"][app]["application-status"]["current"] == "error"
    assert runs(juju, unit)[len(before) :] == [("config-changed", False)]

    # While in error no hook runs; `resolved` re-runs the failed hook, which now
    # sees the new config and succeeds. That re-run handles the config as it
    # is when it runs, so no second config-changed follows it (in Juju the
    # retried operation records the config it was created against).
    juju.cli("config", app, "fail-hook=", "greeting=fixed")
    juju.cli("resolved", unit)
    st = juju.wait(lambda s: settled(s) and greeting_seen(unit) == "fixed", 60, f"{unit} resolved")
    assert unit_doc(st)["workload-status"].get("message") == flavour.message(
        {"greeting": "fixed", "count": 1}
    )
    check_state(juju, flavour, unit)

    # resolved --no-retry: the failed hook is not run again and the unit goes
    # back to idle, keeping the workload status the charm set last.
    juju.cli("config", app, "fail-hook=config-changed", "greeting=skipped")
    juju.wait(in_error, 60, f"{unit} in error again")
    since_failure = runs(juju, unit)[len(before) :]
    assert since_failure == [
        ("config-changed", False),  # failed
        ("config-changed", True),  # resolved: re-run, the only hook run since the failure
        ("config-changed", False),  # failed again
    ], f"(hook, finished) since the first failure: {since_failure}"
    juju.cli("resolved", "--no-retry", unit)
    st = juju.wait(settled, 60, f"{unit} idle after resolved --no-retry")
    assert unit_doc(st)["workload-status"].get("message") == flavour.message(
        {"greeting": "fixed", "count": 1}
    )

    # The next config change runs config-changed normally, once.
    juju.cli("config", app, "fail-hook=", "greeting=after")
    juju.wait(
        lambda s: settled(s) and greeting_seen(unit) == "after",
        60,
        "config-changed after --no-retry",
    )
    assert runs(juju, unit)[len(before) :] == [
        ("config-changed", False),  # failed
        ("config-changed", True),  # resolved: re-run
        ("config-changed", False),  # failed again
        # resolved --no-retry: nothing ran
        ("config-changed", True),  # the next config change
    ]
    check_state(juju, flavour, unit)
    st = juju.status()
    assert unit_doc(st)["workload-status"].get("message") == flavour.message(
        {"greeting": "after", "count": 1}
    )
