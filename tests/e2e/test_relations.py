"""Relations on a real local controller, driven through the CLI.

The charms (tests/charms/ops-db, ops-app, bash-provider, bash-requirer,
bash-peer, bash-sub, bash-access) record every hook with its relation
environment (see relation_helpers), so each test checks both what the user
sees (status, show-unit, CLI errors) and what the charms saw (hook order,
JUJU_* variables, relation-get/-set/-list/-ids results).

* test_ops_provider_requirer: an ops provider/requirer pair (ops 2.17.1 and
  3.9.0) sharing host/port/password through unit and application bags; the
  status/show-unit views; per-relation hook ordering; integrate errors
  (unknown endpoint, already exists, limit); add-unit and remove-unit while
  related (JUJU_DEPARTING_UNIT local and remote); remove-relation.
* test_bash_pair_explicit_units: relation-get/-set/-list/-ids with -r and
  explicit units from bash; scale while related; remove-relation by id.
* test_peer_relation_five_units: a 5-unit peer ring, then 3 units removed.
* test_subordinate: a subordinate on a 3-unit principal, principal unit and
  relation removal.
* test_access_rules_and_ambiguous_endpoints: who may read/write which bag;
  ambiguous and incompatible integrate requests.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .harness import CHARMS, Juju
from .relation_helpers import (
    KeptLog,
    Run,
    all_units,
    check_relation_order,
    copy_charm,
    find_unit,
    leader_of,
    read_json,
    read_text,
    refused_without_change,
    relation_ids_in,
    relation_info,
    runs,
    tabular_integrations,
    units_idle,
    units_of,
    workload,
)

OPS_VERSIONS = ("2.17.1", "3.9.0")
# ops-db's leader publishes a password derived from its application name.
PASSWORD = hashlib.sha256(b"kvdb-password:ops-db").hexdigest()[:24]
PASSWORD_LEN = len(PASSWORD)


def settle(
    juju: Juju, check: Callable[[dict[str, Any]], Any], what: str, timeout: float = 180
) -> dict[str, Any]:
    """Wait until ``check(status)`` is truthy; files not written yet count as "not yet"."""

    def ok(st: dict[str, Any]) -> bool:
        try:
            return bool(check(st))
        except (FileNotFoundError, KeyError, json.JSONDecodeError, IndexError):
            return False

    return juju.wait(ok, timeout, what)


def started(juju: Juju, st: dict[str, Any], unit: str) -> bool:
    rs = runs(juju, unit, st)
    return any(r.hook == "start" and r.finished for r in rs) and all(r.finished for r in rs)


def deployed(juju: Juju, counts: dict[str, int]) -> Callable[[dict[str, Any]], bool]:
    """Every unit of ``counts``' apps there, idle, and done with its start hook."""

    def check(st: dict[str, Any]) -> bool:
        if not units_idle(st, list(counts), counts):
            return False
        names = [u for u in all_units(st) if u.rsplit("/", 1)[0] in counts]
        return all(started(juju, st, u) for u in names)

    return check


def check_first_deploy(hooks: list[str], created: set[str]) -> None:
    """install, the relation-created of every relation already there, then leadership,
    config-changed and start (the first deployment of a unit)."""
    upto = hooks[: hooks.index("start") + 1]
    n = len(created)
    assert upto[0] == "install", hooks
    assert set(upto[1 : 1 + n]) == created and len(upto[1 : 1 + n]) == n, hooks
    assert upto[1 + n] in ("leader-elected", "leader-settings-changed"), hooks
    assert [h for h in upto[2 + n :] if h not in ("leader-settings-changed", "leader-elected")] == [
        "config-changed",
        "start",
    ], hooks


def since(rs: list[Run], mark: int) -> list[Run]:
    return rs[mark:]


def ran(rs: list[Run], hook: str, remote_unit: str | None = None) -> bool:
    return any(
        r.hook == hook and r.finished and (remote_unit is None or r.remote_unit == remote_unit)
        for r in rs
    )


def of_relation(rs: list[Run], rid: str) -> list[tuple[str, str, str]]:
    """``(hook, remote unit, departing unit)`` of one relation's runs."""
    return [(r.hook, r.remote_unit, r.departing_unit) for r in rs if r.relation_id == rid]


def probe(juju: Juju, unit: str, name: str) -> tuple[int, str, str]:
    rc = int(read_text(juju, unit, f"{name}.rc").strip())
    return rc, read_text(juju, unit, f"{name}.out"), read_text(juju, unit, f"{name}.err")


def public_address(st: dict[str, Any], unit: str) -> str:
    doc, _ = find_unit(st, unit)
    return doc["public-address"]


# ---------------------------------------------------------------------------------------
# ops provider / requirer
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("ops_version", OPS_VERSIONS)
def test_ops_provider_requirer(juju: Juju, tmp_path: Path, ops_version: str) -> None:
    req = f"ops=={ops_version}"
    db_src = copy_charm(tmp_path, "ops-db", req)
    app_src = copy_charm(tmp_path, "ops-app", req)
    juju.cli("deploy", str(db_src), "ops-db", "-n", "2")
    juju.cli("deploy", str(app_src), "ops-app")
    st = settle(
        juju, deployed(juju, {"ops-db": 2, "ops-app": 1}), "ops-db and ops-app started", timeout=300
    )
    db_units = units_of(st, "ops-db")
    assert db_units == ["ops-db/0", "ops-db/1"]
    db_leader = leader_of(st, "ops-db")
    assert workload(st, "ops-app/0") == ("blocked", "no db")

    # Peers exist from deploy: each db unit sees the other; the leader's
    # leader-elected wrote the peer application bag, which every unit can read.
    for unit in db_units:
        (other,) = [u for u in db_units if u != unit]
        assert read_json(juju, unit, "seen-peers.json") == [other]
        (cluster,) = [r for r in relation_info(juju, unit) if r["endpoint"] == "cluster"]
        assert cluster["related-endpoint"] == "cluster"
        assert cluster["application-data"] == {"leader": db_leader}, cluster
    assert st["applications"]["ops-db"]["relations"] == {
        "cluster": [
            {"related-application": "ops-db", "interface": "ops-db-peers", "scope": "global"}
        ]
    }
    assert read_json(juju, "ops-app/0", "seen-peers.json") == []

    # -- an unknown endpoint is refused and changes nothing ---------------------------
    refused_without_change(
        juju,
        "integrate",
        "ops-app:nope",
        "ops-db",
        error='application "ops-app" has no "nope" relation',
    )

    # -- integrate ---------------------------------------------------------------------
    juju.cli("integrate", "ops-app", "ops-db")

    def exchanged(st: dict[str, Any]) -> bool:
        current, message = workload(st, "ops-app/0")
        app_runs = runs(juju, "ops-app/0", st)
        return (
            current == "active"
            and units_idle(st, ["ops-db", "ops-app"])
            and all(ran(app_runs, "db-relation-changed", u) for u in db_units)
            and all(ran(runs(juju, u, st), "db-relation-changed", "ops-app/0") for u in db_units)
        )

    st = settle(juju, exchanged, "ops-app active with the db's data")
    pw_app_bag = {"password": PASSWORD, "dbname": "ops-db-db"}
    addresses = {u: public_address(st, u) for u in db_units}
    assert workload(st, "ops-app/0") == (
        "active",
        f"db ops-db-db at {addresses['ops-db/0']}:5432 user-pw-len={PASSWORD_LEN}",
    )

    # What ops-app read: the provider's app bag and each unit's bag.
    seen = read_json(juju, "ops-app/0", "seen.json")
    assert seen["remote-app"] == "ops-db"
    assert seen["app"] == pw_app_bag
    assert sorted(seen["units"]) == db_units
    for unit in db_units:
        bag = seen["units"][unit]
        assert bag["host"] == addresses[unit] and bag["port"] == "5432", (unit, bag)
        # Juju's own keys are in every unit bag.
        assert bag["private-address"] == addresses[unit], bag
        assert bag["ingress-address"] == addresses[unit], bag
        assert bag["egress-subnets"] == f"{addresses[unit]}/32", bag

    # -- status JSON: relations on both sides -----------------------------------------
    assert "relations-tabular" not in st
    assert st["applications"]["ops-app"]["relations"] == {
        "cluster": [
            {"related-application": "ops-app", "interface": "ops-app-peers", "scope": "global"}
        ],
        "db": [{"related-application": "ops-db", "interface": "kvdb", "scope": "global"}],
    }
    assert st["applications"]["ops-db"]["relations"] == {
        "cluster": [
            {"related-application": "ops-db", "interface": "ops-db-peers", "scope": "global"}
        ],
        "db": [{"related-application": "ops-app", "interface": "kvdb", "scope": "global"}],
    }

    # -- status --relations (tabular) ----------------------------------------------------
    rows = tabular_integrations(juju.cli("status", "--relations").stdout)
    assert ["ops-db:db", "ops-app:db", "kvdb", "regular"] in rows, rows
    assert ["ops-app:cluster", "ops-app:cluster", "ops-app-peers", "peer"] in rows, rows
    assert ["ops-db:cluster", "ops-db:cluster", "ops-db-peers", "peer"] in rows, rows
    assert len(rows) == 3, rows
    assert "Integration provider" not in juju.cli("status").stdout

    # -- show-unit relation-info ------------------------------------------------------
    (info,) = [r for r in relation_info(juju, "ops-app/0") if r["endpoint"] == "db"]
    rid = f"db:{info['relation-id']}"
    assert isinstance(info["relation-id"], int)
    assert info["related-endpoint"] == "db"
    assert info["cross-model"] is False
    assert info["application-data"] == pw_app_bag
    assert info["local-unit"]["in-scope"] is True
    assert info["local-unit"]["data"]["private-address"] == public_address(st, "ops-app/0")
    assert sorted(info["related-units"]) == db_units
    for unit in db_units:
        ru = info["related-units"][unit]
        assert ru["in-scope"] is True
        assert ru["data"]["host"] == addresses[unit] and ru["data"]["port"] == "5432", ru
    for unit in db_units:
        (dbinfo,) = [r for r in relation_info(juju, unit) if r["endpoint"] == "db"]
        assert dbinfo["relation-id"] == info["relation-id"]
        assert dbinfo["related-endpoint"] == "db"
        assert dbinfo["application-data"] == {}  # ops-app never writes its app bag
        assert sorted(dbinfo["related-units"]) == ["ops-app/0"]
        assert dbinfo["local-unit"]["data"]["host"] == addresses[unit]

    # -- the hooks both sides ran ------------------------------------------------------
    app_runs = runs(juju, "ops-app/0")
    assert relation_ids_in(app_runs, "db") == [rid]
    mine = check_relation_order(app_runs, rid, remote_app="ops-db", local_unit="ops-app/0")
    # The provider's app bag reached the requirer as an app-level relation-changed.
    assert any(r.kind == "changed" and r.remote_unit == "" for r in mine), [r.brief() for r in mine]
    for unit in db_units:
        rs = runs(juju, unit)
        theirs = check_relation_order(rs, rid, remote_app="ops-app", local_unit=unit)
        # ops-app never writes its app bag: no app-level changed on the provider.
        assert not any(r.kind == "changed" and r.remote_unit == "" for r in theirs), theirs

    # -- integrate again: already exists; both orders ---------------------------------
    refused_without_change(juju, "integrate", "ops-app", "ops-db", error="already exists")
    refused_without_change(juju, "integrate", "ops-db:db", "ops-app:db", error="already exists")

    # -- limit: ops-app's db endpoint takes one relation ------------------------------
    juju.cli("deploy", str(db_src), "ops-db2")
    settle(juju, deployed(juju, {"ops-db2": 1}), "ops-db2 started", timeout=240)
    refused_without_change(
        juju,
        "integrate",
        "ops-app",
        "ops-db2",
        error=re.compile(r"ops-app:db would exceed its maximum relation limit of 1"),
    )

    # -- add-unit while related: the new unit joins on both sides ---------------------
    app_mark = len(runs(juju, "ops-app/0"))
    juju.cli("add-unit", "ops-db")

    def joined_new(st: dict[str, Any]) -> bool:
        return (
            units_idle(st, ["ops-db", "ops-app"], {"ops-db": 3})
            and started(juju, st, "ops-db/2")
            and ran(runs(juju, "ops-app/0", st), "db-relation-changed", "ops-db/2")
            and ran(runs(juju, "ops-db/2", st), "db-relation-changed", "ops-app/0")
            and workload(st, "ops-app/0")[0] == "active"
            and all(
                len(read_json(juju, u, "seen-peers.json", st)) == 2 for u in units_of(st, "ops-db")
            )
        )

    st = settle(juju, joined_new, "ops-db/2 joined the relation", timeout=240)
    db_units = units_of(st, "ops-db")
    addresses = {u: public_address(st, u) for u in db_units}
    new_app_runs = since(runs(juju, "ops-app/0"), app_mark)
    assert [r.remote_unit for r in new_app_runs if r.kind == "joined"] == ["ops-db/2"], new_app_runs
    check_relation_order(runs(juju, "ops-app/0"), rid, remote_app="ops-db", local_unit="ops-app/0")
    new_runs = runs(juju, "ops-db/2")
    hooks = [r.hook for r in new_runs]
    # The relations that exist when a unit is deployed are created before it starts,
    # joined only after.
    check_first_deploy(hooks, {"db-relation-created", "cluster-relation-created"})
    assert hooks.index("db-relation-joined") > hooks.index("start"), hooks
    check_relation_order(new_runs, rid, remote_app="ops-app", local_unit="ops-db/2")
    (cluster_rid,) = relation_ids_in(new_runs, "cluster")
    check_relation_order(
        new_runs, cluster_rid, remote_app="ops-db", local_unit="ops-db/2", peer=True
    )
    for unit in db_units:
        assert read_json(juju, unit, "seen-peers.json") == [u for u in db_units if u != unit]
    assert workload(st, "ops-app/0") == (
        "active",
        f"db ops-db-db at {addresses['ops-db/0']}:5432 user-pw-len={PASSWORD_LEN}",
    )

    # -- remove-unit on the 2+-unit side: JUJU_DEPARTING_UNIT is the leaving unit ----------
    gone = "ops-db/1"
    stay = [u for u in db_units if u != gone]
    app_mark = len(runs(juju, "ops-app/0"))
    kept = KeptLog(juju, gone)
    try:
        juju.cli("remove-unit", gone)

        def removed(st: dict[str, Any]) -> bool:
            return (
                units_of(st, "ops-db") == stay
                and units_idle(st, ["ops-db", "ops-app"])
                and ran(runs(juju, "ops-app/0", st), "db-relation-departed", gone)
                and all(ran(runs(juju, u, st), "cluster-relation-departed", gone) for u in stay)
            )

        settle(juju, removed, f"{gone} removed", timeout=240)
        gone_runs = kept.runs()
    finally:
        kept.close()
    assert all(r.finished for r in gone_runs), gone_runs
    assert [r.hook for r in gone_runs][-2:] == ["stop", "remove"], gone_runs
    # The leaving unit departs every remote unit with itself as the departing unit,
    # then breaks the regular relation; the peer relation is never broken.
    assert of_relation(gone_runs, rid)[-2:] == [
        ("db-relation-departed", "ops-app/0", gone),
        ("db-relation-broken", "", ""),
    ], of_relation(gone_runs, rid)
    check_relation_order(gone_runs, rid, remote_app="ops-app", local_unit=gone, complete=True)
    check_relation_order(
        gone_runs, cluster_rid, remote_app="ops-db", local_unit=gone, peer=True, complete=True
    )
    assert sorted(r.remote_unit for r in gone_runs if r.hook == "cluster-relation-departed") == stay
    assert not any(r.hook == "cluster-relation-broken" for r in gone_runs)
    # The remaining side sees the remote unit depart, named as the departing unit.
    assert of_relation(since(runs(juju, "ops-app/0"), app_mark), rid) == [
        ("db-relation-departed", gone, gone)
    ]
    for unit in stay:
        departed = [r for r in runs(juju, unit) if r.hook == "cluster-relation-departed"]
        assert [(r.remote_unit, r.departing_unit) for r in departed] == [(gone, gone)], departed
        assert read_json(juju, unit, "seen-peers.json") == [u for u in stay if u != unit]

    # -- remove-relation: departed for each remote unit, then broken ------------------
    app_mark = len(runs(juju, "ops-app/0"))
    db_marks = {u: len(runs(juju, u)) for u in stay}
    juju.cli("remove-relation", "ops-app", "ops-db")

    def unrelated(st: dict[str, Any]) -> bool:
        return (
            workload(st, "ops-app/0") == ("blocked", "no db")
            and "db" not in st["applications"]["ops-app"].get("relations", {})
            and "db" not in st["applications"]["ops-db"].get("relations", {})
            and units_idle(st, ["ops-db", "ops-app"])
            and all(ran(runs(juju, u, st), "db-relation-broken") for u in stay)
        )

    st = settle(juju, unrelated, "relation removed")
    assert of_relation(since(runs(juju, "ops-app/0"), app_mark), rid) == [
        ("db-relation-departed", "ops-db/0", "ops-db/0"),
        ("db-relation-departed", "ops-db/2", "ops-db/2"),
        ("db-relation-broken", "", ""),
    ]
    check_relation_order(
        runs(juju, "ops-app/0"), rid, remote_app="ops-db", local_unit="ops-app/0", complete=True
    )
    for unit in stay:
        assert of_relation(since(runs(juju, unit), db_marks[unit]), rid) == [
            ("db-relation-departed", "ops-app/0", "ops-app/0"),
            ("db-relation-broken", "", ""),
        ]
        check_relation_order(
            runs(juju, unit), rid, remote_app="ops-app", local_unit=unit, complete=True
        )
    assert st["applications"]["ops-app"]["relations"] == {
        "cluster": [
            {"related-application": "ops-app", "interface": "ops-app-peers", "scope": "global"}
        ]
    }
    assert st["applications"]["ops-db"]["relations"] == {
        "cluster": [
            {"related-application": "ops-db", "interface": "ops-db-peers", "scope": "global"}
        ]
    }
    assert [r["endpoint"] for r in relation_info(juju, "ops-app/0")] == ["cluster"]
    rows = tabular_integrations(juju.cli("status", "--relations").stdout)
    assert not any("kvdb" in row for row in rows), rows


# ---------------------------------------------------------------------------------------
# bash pair: -r and explicit units
# ---------------------------------------------------------------------------------------
def tokens(juju: Juju, unit: str, st: dict[str, Any] | None = None) -> list[str]:
    return sorted(read_text(juju, unit, "tokens.txt", st).splitlines())


def test_bash_pair_explicit_units(juju: Juju) -> None:
    juju.cli("deploy", str(CHARMS / "bash-provider"), "-n", "2")
    juju.cli("deploy", str(CHARMS / "bash-requirer"))
    st = settle(juju, deployed(juju, {"bash-provider": 2, "bash-requirer": 1}), "bash pair started")
    providers = units_of(st, "bash-provider")
    assert workload(st, "bash-requirer/0") == ("active", "tokens=0")
    assert tokens(juju, "bash-requirer/0") == []
    # relation-get -r with an id that names no relation: a flag error (exit 2).
    rc, _, err = probe(juju, "bash-requirer/0", "bad-relation-id")
    assert rc == 2 and "relation not found" in err, (rc, err)

    juju.cli("relate", "bash-requirer", "bash-provider")

    def exchanged(n: int) -> Callable[[dict[str, Any]], bool]:
        def check(st: dict[str, Any]) -> bool:
            return (
                workload(st, "bash-requirer/0") == ("active", f"tokens={n}")
                and units_idle(st, ["bash-provider", "bash-requirer"])
                and all(
                    ran(runs(juju, u, st), "data-relation-changed", "bash-requirer/0")
                    for u in units_of(st, "bash-provider")
                )
            )

        return check

    st = settle(juju, exchanged(2), "tokens=2")
    assert tokens(juju, "bash-requirer/0") == [f"{u} abc" for u in providers]
    for unit in providers:
        bag = read_json(juju, "bash-requirer/0", f"bag-{unit.replace('/', '-')}.json")
        address = public_address(st, unit)
        assert bag == {
            "token": "abc",
            "unit": unit,
            "private-address": address,
            "ingress-address": address,
            "egress-subnets": f"{address}/32",
        }, bag

    assert read_text(juju, "bash-requirer/0", "remote-app.txt").strip() == "bash-provider"
    req_runs = runs(juju, "bash-requirer/0")
    (rid,) = relation_ids_in(req_runs, "data")
    check_relation_order(req_runs, rid, remote_app="bash-provider", local_unit="bash-requirer/0")
    for unit in providers:
        check_relation_order(runs(juju, unit), rid, remote_app="bash-requirer", local_unit=unit)
    (info,) = relation_info(juju, "bash-requirer/0")
    assert f"data:{info['relation-id']}" == rid
    assert info["endpoint"] == info["related-endpoint"] == "data"
    assert info["application-data"] == {}

    # -- scale while related -------------------------------------------------------------
    juju.cli("add-unit", "bash-provider")

    def third(st: dict[str, Any]) -> bool:
        return (
            units_of(st, "bash-provider") == [*providers, "bash-provider/2"]
            and started(juju, st, "bash-provider/2")
            and exchanged(3)(st)
        )

    st = settle(juju, third, "bash-provider/2 joined", timeout=240)
    providers = units_of(st, "bash-provider")
    assert tokens(juju, "bash-requirer/0") == [f"{u} abc" for u in providers]
    req_runs = runs(juju, "bash-requirer/0")
    assert ran(req_runs, "data-relation-joined", "bash-provider/2")
    assert ran(runs(juju, "bash-provider/2"), "data-relation-joined", "bash-requirer/0")
    check_relation_order(req_runs, rid, remote_app="bash-provider", local_unit="bash-requirer/0")
    check_relation_order(
        runs(juju, "bash-provider/2"), rid, remote_app="bash-requirer", local_unit="bash-provider/2"
    )

    # -- remove-relation by id -------------------------------------------------------------
    mark = len(req_runs)
    juju.cli("remove-relation", str(info["relation-id"]))

    def broken(st: dict[str, Any]) -> bool:
        return (
            ran(since(runs(juju, "bash-requirer/0", st), mark), "data-relation-broken")
            and all(ran(runs(juju, u, st), "data-relation-broken") for u in providers)
            and units_idle(st, ["bash-provider", "bash-requirer"])
            and "relations" not in st["applications"]["bash-requirer"]
        )

    st = settle(juju, broken, "relation broken")
    assert of_relation(since(runs(juju, "bash-requirer/0"), mark), rid) == [
        *[("data-relation-departed", u, u) for u in providers],
        ("data-relation-broken", "", ""),
    ]
    # relation-list is empty in relation-broken: no tokens left.
    assert workload(st, "bash-requirer/0") == ("active", "tokens=0")
    assert tokens(juju, "bash-requirer/0") == []
    assert read_json(juju, "bash-requirer/0", "broken-members.json") == []
    # A bare relation-get in relation-broken reads the remote app bag (empty here).
    rc, out, err = probe(juju, "bash-requirer/0", "broken-app-bag")
    assert rc == 0 and json.loads(out) == {}, (rc, out, err)
    # During departed(X), X is no longer listed but its settings are still readable.
    departed_members = read_text(juju, "bash-requirer/0", "departed-members.txt").splitlines()
    assert [line.split()[0] for line in departed_members] == providers, departed_members
    for i, line in enumerate(departed_members):
        unit, *listed = line.split()
        assert listed == providers[i + 1 :], departed_members
    departed_tokens = read_text(juju, "bash-requirer/0", "departed-tokens.txt").splitlines()
    assert departed_tokens == [f"{u} abc" for u in providers], departed_tokens
    assert "relations" not in st["applications"]["bash-provider"]
    for unit in providers:
        check_relation_order(
            runs(juju, unit), rid, remote_app="bash-requirer", local_unit=unit, complete=True
        )

    # -- relate again (a new relation), then remove the provider application ----------
    juju.cli("integrate", "bash-provider:data", "bash-requirer:data")
    st = settle(juju, exchanged(3), "tokens=3 on the new relation")
    req_runs = runs(juju, "bash-requirer/0")
    rid2 = relation_ids_in(req_runs, "data")[-1]
    assert rid2 != rid
    check_relation_order(req_runs, rid2, remote_app="bash-provider", local_unit="bash-requirer/0")
    mark = len(req_runs)
    juju.cli("remove-application", "bash-provider")
    st = settle(
        juju,
        lambda s: (
            "bash-provider" not in s["applications"]
            and "relations" not in s["applications"]["bash-requirer"]
            and ran(since(runs(juju, "bash-requirer/0", s), mark), "data-relation-broken")
            and units_idle(s, ["bash-requirer"])
        ),
        "bash-provider removed",
    )
    assert of_relation(since(runs(juju, "bash-requirer/0"), mark), rid2) == [
        *[("data-relation-departed", u, u) for u in providers],
        ("data-relation-broken", "", ""),
    ]
    check_relation_order(
        runs(juju, "bash-requirer/0"),
        rid2,
        remote_app="bash-provider",
        local_unit="bash-requirer/0",
        complete=True,
    )
    assert workload(st, "bash-requirer/0") == ("active", "tokens=0")


# ---------------------------------------------------------------------------------------
# peers
# ---------------------------------------------------------------------------------------
def ring(juju: Juju, unit: str, st: dict[str, Any] | None = None) -> list[str]:
    return read_text(juju, unit, "ring-members.txt", st).split()


def test_peer_relation_five_units(juju: Juju) -> None:
    juju.cli("deploy", str(CHARMS / "bash-peer"), "-n", "5")

    def full_ring(st: dict[str, Any]) -> bool:
        if not deployed(juju, {"bash-peer": 5})(st):
            return False
        names = units_of(st, "bash-peer")
        return all(ring(juju, u, st) == [x for x in names if x != u] for u in names)

    st = settle(juju, full_ring, "every peer sees the 4 others", timeout=300)
    peers = units_of(st, "bash-peer")
    assert st["applications"]["bash-peer"]["relations"] == {
        "ring": [{"related-application": "bash-peer", "interface": "ring", "scope": "global"}]
    }
    rids = set()
    for unit in peers:
        assert workload(st, unit) == ("active", "peers=4")
        rs = runs(juju, unit)
        (rid,) = relation_ids_in(rs, "ring")
        rids.add(rid)
        check_first_deploy([r.hook for r in rs], {"ring-relation-created"})
        mine = check_relation_order(rs, rid, remote_app="bash-peer", local_unit=unit, peer=True)
        assert sorted(r.remote_unit for r in mine if r.kind == "joined") == [
            u for u in peers if u != unit
        ]
    assert len(rids) == 1, rids

    check_ring_history(juju, peers)

    leader = leader_of(st, "bash-peer")
    going = [leader, *[u for u in peers if u != leader][:2]]
    staying = [u for u in peers if u not in going]
    kept = {u: KeptLog(juju, u, st) for u in going}
    try:
        juju.cli("remove-unit", *going)

        def shrunk(st: dict[str, Any]) -> bool:
            return (
                units_of(st, "bash-peer") == staying
                and units_idle(st, ["bash-peer"])
                and all(ring(juju, u, st) == [x for x in staying if x != u] for u in staying)
                and len(leader_of_or_none(st)) == 1
            )

        st = settle(juju, shrunk, "3 peers removed", timeout=240)
        gone_runs = {u: k.runs() for u, k in kept.items()}
    finally:
        for k in kept.values():
            k.close()
    check_ring_history(juju, staying)
    for unit in staying:
        assert workload(st, unit) == ("active", "peers=1")
        rs = runs(juju, unit)
        mine = check_relation_order(rs, rid, remote_app="bash-peer", local_unit=unit, peer=True)
        departed = [(r.remote_unit, r.departing_unit) for r in mine if r.kind == "departed"]
        assert sorted(departed) == [(u, u) for u in sorted(going)], departed
        assert not any(r.kind == "broken" for r in rs), [r.brief() for r in rs]
    for unit, rs in gone_runs.items():
        assert all(r.finished for r in rs), (unit, rs)
        assert [r.hook for r in rs][-2:] == ["stop", "remove"], (unit, [r.brief() for r in rs])
        check_relation_order(
            rs, rid, remote_app="bash-peer", local_unit=unit, peer=True, complete=True
        )
        assert not any(r.kind == "broken" for r in rs), (unit, [r.brief() for r in rs])
        # Every other peer was departed, some as it left, the rest because this unit left.
        departed = [r for r in rs if r.kind == "departed"]
        assert sorted(r.remote_unit for r in departed) == [u for u in peers if u != unit], departed
        assert any(r.departing_unit == unit for r in departed), departed


def check_ring_history(juju: Juju, units: list[str]) -> None:
    """relation-list includes X during joined(X) and excludes it during departed(X)."""
    for unit in units:
        for line in read_text(juju, unit, "ring-history.txt").splitlines():
            hook, remote, *rest = line.split(" ")
            members = [m for m in "".join(rest).split(",") if m]
            assert unit not in members, (unit, line)
            if hook == "ring-relation-joined":
                assert remote in members, (unit, line)
            if hook == "ring-relation-departed":
                assert remote not in members, (unit, line)


def leader_of_or_none(st: dict[str, Any]) -> list[str]:
    return [
        u
        for u, d in (st["applications"]["bash-peer"].get("units") or {}).items()
        if d.get("leader")
    ]


# ---------------------------------------------------------------------------------------
# subordinates
# ---------------------------------------------------------------------------------------
def subs_of(st: dict[str, Any], principal: str) -> list[str]:
    doc, _ = find_unit(st, principal)
    return sorted(doc.get("subordinates") or {})


def test_subordinate(juju: Juju) -> None:
    juju.cli("deploy", str(CHARMS / "bash-peer"), "-n", "3")
    juju.cli("deploy", str(CHARMS / "bash-sub"))
    st = settle(juju, deployed(juju, {"bash-peer": 3}), "principal started", timeout=240)
    principals = units_of(st, "bash-peer")
    assert "units" not in st["applications"]["bash-sub"]

    juju.cli("integrate", "bash-sub", "bash-peer")

    def attached(st: dict[str, Any]) -> bool:
        subs = [s for p in principals for s in subs_of(st, p)]
        return (
            len(subs) == 3
            and all(len(subs_of(st, p)) == 1 for p in principals)
            and units_idle(st, ["bash-peer", "bash-sub"], {"bash-sub": 3})
            and all(ran(runs(juju, s, st), "host-relation-changed") for s in subs)
            and all(workload(st, s)[0] == "active" for s in subs)
        )

    st = settle(juju, attached, "3 subordinate units", timeout=240)
    sub_app = st["applications"]["bash-sub"]
    assert sub_app["subordinate-to"] == ["bash-peer"]
    assert "units" not in sub_app
    assert sub_app["relations"] == {
        "host": [
            {"related-application": "bash-peer", "interface": "juju-info", "scope": "container"}
        ]
    }
    assert st["applications"]["bash-peer"]["relations"]["juju-info"] == [
        {"related-application": "bash-sub", "interface": "juju-info", "scope": "container"}
    ]
    tabular = juju.cli("status", "--relations").stdout
    rows = tabular_integrations(tabular)
    assert ["bash-peer:juju-info", "bash-sub:host", "juju-info", "subordinate"] in rows, rows
    # Tabular: each subordinate unit listed right under its principal, indented.
    lines = tabular.splitlines()
    for principal in principals:
        (sub,) = subs_of(st, principal)
        (i,) = [
            n
            for n, line in enumerate(lines)
            if line.split()[:1] in ([principal], [principal + "*"])
        ]
        assert re.match(rf"  {re.escape(sub)}\*?\s", lines[i + 1]), lines[i : i + 2]
    # One leader among the subordinate units.
    subs = [s for p in principals for s in subs_of(st, p)]
    assert sum(1 for s in subs if find_unit(st, s)[0].get("leader")) == 1

    sub_of: dict[str, str] = {}
    for principal in principals:
        (sub,) = subs_of(st, principal)
        sub_of[principal] = sub
        assert sub.startswith("bash-sub/")
        # On its principal's machine: same address, charm dir under that machine.
        assert public_address(st, sub) == public_address(st, principal)
        assert read_text(juju, sub, "principal.txt", st).strip() == principal
        assert read_text(juju, sub, "host-members.txt", st).split() == [principal]
        assert workload(st, sub) == ("active", f"sub of {principal}")
        rs = runs(juju, sub, st)
        check_first_deploy([r.hook for r in rs], {"host-relation-created"})
        (rid,) = relation_ids_in(rs, "host")
        mine = check_relation_order(rs, rid, remote_app="bash-peer", local_unit=sub)
        assert [r.remote_unit for r in mine if r.kind == "joined"] == [principal]
        (info,) = relation_info(juju, sub)
        assert info["endpoint"] == "host" and info["related-endpoint"] == "juju-info"
        # Juju's show-unit lists every unit of the related application here, not
        # only the one this subordinate is attached to.
        assert info["related-units"][principal]["in-scope"] is True
    assert len(set(sub_of.values())) == 3

    # -- removing a principal unit removes its subordinate ----------------------------
    principal = principals[-1]
    sub = sub_of[principal]
    kept = KeptLog(juju, sub, st)
    try:
        juju.cli("remove-unit", principal)
        st = settle(
            juju,
            lambda s: (
                units_of(s, "bash-peer") == principals[:-1]
                and sub not in all_units(s)
                and units_idle(s, ["bash-peer"])
            ),
            f"{principal} and {sub} removed",
            timeout=240,
        )
        sub_runs = kept.runs()
    finally:
        kept.close()
    assert all(r.finished for r in sub_runs), sub_runs
    assert [r.hook for r in sub_runs][-2:] == ["stop", "remove"], [r.brief() for r in sub_runs]
    check_relation_order(
        sub_runs, rid_of(sub_runs), remote_app="bash-peer", local_unit=sub, complete=True
    )
    assert sorted(s for p in principals[:-1] for s in subs_of(st, p)) == sorted(
        sub_of[p] for p in principals[:-1]
    )

    # -- removing the relation removes the remaining subordinates ---------------------
    juju.cli("remove-relation", "bash-sub", "bash-peer")
    st = settle(
        juju,
        lambda s: (
            not any(u.startswith("bash-sub/") for u in all_units(s))
            and "relations" not in s["applications"]["bash-sub"]
            and units_idle(s, ["bash-peer"])
        ),
        "subordinates gone",
    )
    assert "bash-sub" in st["applications"]
    assert "subordinate-to" not in st["applications"]["bash-sub"]
    assert "juju-info" not in st["applications"]["bash-peer"]["relations"]


def rid_of(rs: list[Run]) -> str:
    (rid,) = relation_ids_in(rs, "host")
    return rid


# ---------------------------------------------------------------------------------------
# access rules; ambiguous and incompatible endpoints
# ---------------------------------------------------------------------------------------
def test_access_rules_and_ambiguous_endpoints(juju: Juju) -> None:
    juju.cli("deploy", str(CHARMS / "bash-access"), "acc-a", "-n", "2")
    juju.cli("deploy", str(CHARMS / "bash-access"), "acc-b")
    juju.cli("deploy", str(CHARMS / "bash-provider"))
    st = settle(
        juju,
        deployed(juju, {"acc-a": 2, "acc-b": 1, "bash-provider": 1}),
        "access apps started",
        timeout=240,
    )

    # -- integrate errors, each leaving the model as it was ----------------------------
    # x (provides acc) and y (requires acc) on both sides: two pairs match.
    out = refused_without_change(juju, "integrate", "acc-a", "acc-b", error="ambiguous")
    assert "acc-a:x" in out and "acc-b:y" in out and "acc-a:y" in out and "acc-b:x" in out, out
    # acc vs bashkv.
    refused_without_change(juju, "integrate", "acc-a", "bash-provider", error="no relations found")
    refused_without_change(
        juju, "integrate", "acc-a:y", "bash-provider:data", error="no relations found"
    )
    refused_without_change(
        juju, "integrate", "acc-a:nope", "acc-b", error='application "acc-a" has no "nope" relation'
    )
    refused_without_change(juju, "integrate", "acc-a:x", "missing-app", error="not found")

    juju.cli("add-relation", "acc-a:x", "acc-b:y")
    units = {"acc-a": units_of(st, "acc-a"), "acc-b": ["acc-b/0"]}
    endpoint = {"acc-a": "x", "acc-b": "y"}

    def probed(st: dict[str, Any]) -> bool:
        # Every unit has run its probes after the other leader's app-bag write
        # reached it (an app-level relation-changed).
        if not units_idle(st, ["acc-a", "acc-b"]):
            return False
        for app, names in units.items():
            for u in names:
                ep = endpoint[app]
                if not any(
                    r.hook == f"{ep}-relation-changed" and r.remote_unit == "" and r.finished
                    for r in runs(juju, u, st)
                ):
                    return False
                read_text(juju, u, f"{ep}-read-remote-app.rc", st)
        return True

    st = settle(juju, probed, "every unit ran its probes")
    a_leader = leader_of(st, "acc-a")
    (a_follower,) = [u for u in units["acc-a"] if u != a_leader]

    # A non-leader may neither write nor read its own app bag in a regular relation.
    assert read_json(juju, a_follower, "x-leader.json") is False
    rc, _, err = probe(juju, a_follower, "x-app-set")
    assert rc == 1 and "cannot write relation settings" in err, (rc, err)
    rc, out, err = probe(juju, a_follower, "x-read-own-app")
    assert rc == 1 and "permission denied" in err, (rc, out, err)
    # ... but may read the peer relation's app bag, and its own unit bag.
    for unit in units["acc-a"] + units["acc-b"]:
        ep = endpoint[unit.split("/")[0]]
        app = unit.split("/")[0]
        rc, out, err = probe(juju, unit, f"{ep}-read-peer-app")
        assert rc == 0, (unit, err)
        assert json.loads(out) == {"leader": leader_of(st, app)}, (unit, out)
        rc, out, err = probe(juju, unit, f"{ep}-unit-set")
        assert rc == 0, (unit, err)
        rc, out, err = probe(juju, unit, f"{ep}-read-own-unit")
        assert rc == 0 and json.loads(out)["seen"] == ("acc-b" if app == "acc-a" else "acc-a"), (
            unit,
            out,
            err,
        )
        # The other leader's write, seen by every unit of this side.
        rc, out, err = probe(juju, unit, f"{ep}-read-remote-app")
        other_leader = a_leader if app == "acc-b" else "acc-b/0"
        assert rc == 0 and json.loads(out) == {"k": other_leader}, (unit, out, err)
    # The leaders can do both; a write is visible to the leader in the same hook.
    for leader, ep in ((a_leader, "x"), ("acc-b/0", "y")):
        assert read_json(juju, leader, f"{ep}-leader.json") is True
        rc, _, err = probe(juju, leader, f"{ep}-app-set")
        assert rc == 0, (leader, err)
        rc, out, err = probe(juju, leader, f"{ep}-read-own-app")
        assert rc == 0 and json.loads(out) == {"k": leader}, (leader, out, err)

    # Only the leaders' writes landed: each side sees the other's app bag.
    (a_info,) = [r for r in relation_info(juju, a_follower) if r["endpoint"] == "x"]
    assert a_info["application-data"] == {"k": "acc-b/0"}
    (b_info,) = [r for r in relation_info(juju, "acc-b/0") if r["endpoint"] == "y"]
    assert b_info["application-data"] == {"k": a_leader}
    rid = f"x:{a_info['relation-id']}"
    for unit in units["acc-a"]:
        rs = runs(juju, unit)
        mine = check_relation_order(rs, rid, remote_app="acc-b", local_unit=unit)
        # acc-b's leader wrote its app bag: an app-level changed (no remote unit).
        assert any(r.kind == "changed" and r.remote_unit == "" for r in mine), [
            r.brief() for r in mine
        ]
        # The peer app bag written by the leader reaches every unit, the leader included.
        assert any(r.hook == "p-relation-changed" and r.remote_unit == "" for r in rs), (
            unit,
            [r.brief() for r in rs],
        )
    b_rid = f"y:{a_info['relation-id']}"
    check_relation_order(runs(juju, "acc-b/0"), b_rid, remote_app="acc-a", local_unit="acc-b/0")
