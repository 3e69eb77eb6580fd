"""The relation part of the resolver: created, joined, changed, app-changed, departed, broken.

Pure ``next_op`` on hand-built local state and remote views; effects are fed back through
``UnitAgent._apply`` (the uniter's own bookkeeping) so whole sequences can be checked.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from pyjuju.agent.unit.resolver import Clock, Op, next_op
from pyjuju.agent.unit.state import HookInfo, LocalState
from pyjuju.agent.unit.uniter import UnitAgent

NOW = Clock()
MODEL = {"automatically_retry_hooks": True}


def remote(relations: dict[str, dict[str, Any]] | None = None, **over: Any) -> dict[str, Any]:
    view: dict[str, Any] = {"name": "wp/0", "life": "alive", "leader": False,
                            "leader_settings_version": 0, "config_version": 1, "resolved": "",
                            "resolved_seq": 0, "relations": relations or {}}
    view.update(over)
    return view


def rv(endpoint: str = "db", remote_app: str = "mysql", members: dict[str, int] | None = None,
       app_version: int = 0, life: str = "alive", peer: bool = False,
       implicit: bool = False) -> dict[str, Any]:
    return {"endpoint": endpoint, "interface": "x", "role": "peer" if peer else "requirer",
            "scope": "global", "implicit": implicit, "peer": peer, "remote_app": remote_app,
            "life": life, "members": dict(members or {}), "app_version": app_version}


def peer_rv(members: dict[str, int] | None = None, app_version: int = 0,
            life: str = "alive") -> dict[str, Any]:
    return rv("cluster", "wp", members, app_version, life, peer=True)


def lr(endpoint: str = "db", remote_app: str = "mysql", members: dict[str, int] | None = None,
       app_members: dict[str, int] | None = None, pending: str = "", peer: bool = False,
       implicit: bool = False, broken: bool = False) -> dict[str, Any]:
    return {"endpoint": endpoint, "remote_app": remote_app, "peer": peer, "implicit": implicit,
            "members": dict(members or {}), "app_members": dict(app_members or {}),
            "changed_pending": pending, "broken": broken}


def started(relations: dict[str, dict[str, Any]] | None = None, **over: Any) -> LocalState:
    fields: dict[str, Any] = dict(installed=True, started=True, leader_settings_version=0,
                                  config_version=1, relations=relations or {})
    fields.update(over)
    return LocalState(**fields)


def describe(op: Op | None) -> str | None:
    """``db-relation-joined mysql/0 @3`` / ``enter-scope 4`` / ``start``."""
    if op is None:
        return None
    if op.kind in ("enter-scope", "leave-scope"):
        return f"{op.kind} {op.relation_id}"
    if op.kind != "run-hook":
        return op.kind
    h = op.hook
    assert h is not None
    if h.relation_id is None:
        return h.kind
    return " ".join(x for x in (h.name, h.remote_unit, f"@{h.relation_id}") if x)


def agent_for(local: LocalState) -> UnitAgent:
    agent = object.__new__(UnitAgent)
    agent.local = local
    agent.remote = None
    return agent


def feed(local: LocalState, op: Op) -> None:
    """What the uniter does with an op once it succeeded."""
    agent = agent_for(local)
    if op.kind == "leave-scope":
        local.relations.pop(op.relation_id, None)
    elif op.kind != "report-dead":
        agent._apply(op.effects)


def run(local: LocalState, view: dict[str, Any], limit: int = 60) -> list[str]:
    seen: list[str] = []
    for _ in range(limit):
        op = next_op(local, view, MODEL, NOW)
        if op is None:
            return seen
        seen.append(str(describe(op)))
        if op.kind == "report-dead":
            return seen
        feed(local, op)
    raise AssertionError(f"resolver never settled: {seen}")


# -- relation-created -------------------------------------------------------------------


def test_first_deploy_creates_relations_after_install_before_leader_and_config() -> None:
    local = LocalState()
    view = remote({"10": rv(), "2": peer_rv()}, leader=True)
    assert run(local, view) == [
        "install",
        "cluster-relation-created @2",   # numeric order: 2 before 10
        "db-relation-created @10",
        "leader-elected", "config-changed", "start",
    ]
    assert set(local.relations) == {"2", "10"}
    assert local.relations["2"]["peer"] is True and local.relations["10"]["peer"] is False
    assert local.relations["10"]["remote_app"] == "mysql"


def test_relation_created_op_and_effects() -> None:
    op = next_op(started(), remote({"4": rv()}), MODEL, NOW)
    assert op == Op(kind="run-hook",
                    hook=HookInfo(kind="relation-created", relation_id=4, endpoint="db",
                                  remote_app="mysql"),
                    effects={"relation": {"id": "4", "action": "created", "endpoint": "db",
                                          "remote_app": "mysql", "peer": False,
                                          "implicit": False}})
    assert op.hook is not None and op.hook.name == "db-relation-created"


def test_no_relation_created_before_install() -> None:
    assert describe(next_op(LocalState(), remote({"1": rv()}), MODEL, NOW)) == "install"


def test_no_relation_created_while_unit_dying() -> None:
    view = remote({"1": rv()}, life="dying")
    assert run(started(), view) == ["stop", "remove", "report-dead"]


def test_no_relation_created_for_dying_relation() -> None:
    assert next_op(started(), remote({"1": rv(life="dying")}), MODEL, NOW) is None


def test_new_relation_outranks_config_and_leadership() -> None:
    view = remote({"5": rv()}, leader=True, config_version=7)
    assert describe(next_op(started(), view, MODEL, NOW)) == "db-relation-created @5"


def test_relation_hooks_wait_for_start() -> None:
    local = started({"1": lr()}, started=False)
    view = remote({"1": rv(members={"mysql/0": 1}, app_version=1)}, config_version=2)
    assert run(local, view)[:2] == ["config-changed", "start"]


# -- implicit relations -----------------------------------------------------------------


def test_implicit_relation_enters_scope_without_hooks() -> None:
    local = started()
    view = remote({"3": rv("juju-info", "nrpe", implicit=True)})
    op = next_op(local, view, MODEL, NOW)
    assert op is not None and op.kind == "enter-scope" and op.relation_id == "3"
    assert op.hook is None
    assert op.effects["relation"]["implicit"] is True
    assert run(local, view) == ["enter-scope 3"]
    # members joining, changing and an app bag write: still no hooks
    busy = remote({"3": rv("juju-info", "nrpe", members={"nrpe/0": 4}, app_version=2,
                           implicit=True)})
    assert next_op(local, busy, MODEL, NOW) is None
    # dying: leave scope, no departed/broken
    dying = remote({"3": rv("juju-info", "nrpe", members={"nrpe/0": 4}, life="dying",
                            implicit=True)})
    assert run(local, dying) == ["leave-scope 3"]
    assert local.relations == {}


def test_implicit_relation_enters_scope_before_install_is_never_attempted() -> None:
    view = remote({"3": rv("juju-info", "nrpe", implicit=True)})
    assert describe(next_op(LocalState(), view, MODEL, NOW)) == "install"


# -- order within one relation ------------------------------------------------------------


def test_full_order_within_a_relation() -> None:
    local = started({"7": lr(members={"mysql/0": 1, "mysql/1": 1, "mysql/3": 1})})
    view = remote({"7": rv(members={"mysql/1": 2, "mysql/2": 1, "mysql/4": 5}, app_version=1)})
    assert run(local, view) == [
        "db-relation-departed mysql/0 @7",
        "db-relation-departed mysql/3 @7",
        "db-relation-changed @7",               # app-level: the remote app bag changed
        "db-relation-joined mysql/2 @7",
        "db-relation-changed mysql/2 @7",       # straight after its joined
        "db-relation-joined mysql/4 @7",
        "db-relation-changed mysql/4 @7",
        "db-relation-changed mysql/1 @7",       # unit-level change last
    ]
    assert local.relations["7"]["members"] == {"mysql/1": 2, "mysql/2": 1, "mysql/4": 5}
    assert local.relations["7"]["app_members"] == {"mysql": 1}
    assert local.relations["7"]["changed_pending"] == ""


def test_pending_changed_comes_first() -> None:
    local = started({"7": lr(members={"mysql/0": 1, "mysql/2": 3}, pending="mysql/2")})
    view = remote({"7": rv(members={"mysql/2": 4, "mysql/5": 1}, app_version=2)})
    op = next_op(local, view, MODEL, NOW)
    assert describe(op) == "db-relation-changed mysql/2 @7"
    assert op is not None and op.effects == {"relation": {"id": "7", "action": "changed",
                                                          "unit": "mysql/2", "version": 4}}


def test_unit_names_sorted_as_strings() -> None:
    local = started({"1": lr()})
    view = remote({"1": rv(members={"mysql/10": 1, "mysql/2": 1})})
    hooks = run(local, view)
    assert hooks == ["db-relation-joined mysql/10 @1", "db-relation-changed mysql/10 @1",
                     "db-relation-joined mysql/2 @1", "db-relation-changed mysql/2 @1"]


def test_relations_handled_in_numeric_id_order() -> None:
    local = started({"10": lr(), "9": lr()})
    view = remote({"10": rv(members={"mysql/0": 1}), "9": rv(members={"mysql/0": 1})})
    assert run(local, view)[0] == "db-relation-joined mysql/0 @9"


@pytest.mark.parametrize("app_version, seen, fires", [
    (0, {}, False),               # never written: no app-level changed
    (1, {}, True),
    (3, {"mysql": 3}, False),
    (4, {"mysql": 3}, True),
    (3, {"other": 3}, True),      # keyed by remote app
])
def test_app_level_changed_only_when_version_differs(app_version, seen, fires) -> None:
    local = started({"1": lr(app_members=seen)})
    op = next_op(local, remote({"1": rv(app_version=app_version)}), MODEL, NOW)
    if not fires:
        assert op is None
        return
    assert op is not None and op.hook is not None
    assert (op.hook.kind, op.hook.remote_unit, op.hook.remote_app) == ("relation-changed", "",
                                                                       "mysql")
    assert op.effects == {"relation": {"id": "1", "action": "app-changed", "app": "mysql",
                                       "version": app_version}}
    feed(local, op)
    assert next_op(local, remote({"1": rv(app_version=app_version)}), MODEL, NOW) is None


def test_peer_app_bag_write_reaches_the_leader_too() -> None:
    local = started({"2": lr("cluster", "wp", peer=True)}, leader=True)
    op = next_op(local, remote({"2": peer_rv(app_version=1)}, leader=True), MODEL, NOW)
    assert op is not None and op.hook is not None
    assert (op.hook.name, op.hook.remote_unit, op.hook.remote_app) == (
        "cluster-relation-changed", "", "wp")


def test_unit_hooks_name_the_remote_unit_and_its_app() -> None:
    local = started({"2": lr("cluster", "wp", peer=True)})
    op = next_op(local, remote({"2": peer_rv(members={"wp/1": 1})}), MODEL, NOW)
    assert op is not None
    assert op.hook == HookInfo(kind="relation-joined", relation_id=2, endpoint="cluster",
                               remote_unit="wp/1", remote_app="wp")
    assert op.effects == {"relation": {"id": "2", "action": "joined", "unit": "wp/1",
                                       "version": 1}}


# -- departing, broken --------------------------------------------------------------------


def test_departing_unit_is_the_remote_unit_normally() -> None:
    local = started({"1": lr(members={"mysql/0": 2})})
    op = next_op(local, remote({"1": rv()}), MODEL, NOW)
    assert op is not None and op.hook is not None
    assert (op.hook.kind, op.hook.remote_unit, op.hook.departing_unit) == (
        "relation-departed", "mysql/0", "mysql/0")
    assert op.effects == {"relation": {"id": "1", "action": "departed", "unit": "mysql/0"}}


def test_departing_unit_is_the_local_unit_when_it_is_dying() -> None:
    local = started({"1": lr(members={"mysql/0": 2}),
                     "2": lr("cluster", "wp", members={"wp/1": 1}, peer=True)})
    view = remote({"1": rv(members={"mysql/0": 2}), "2": peer_rv(members={"wp/1": 1})},
                  life="dying")
    ops = []
    for _ in range(10):
        op = next_op(local, view, MODEL, NOW)
        assert op is not None
        if op.hook is not None and op.hook.kind == "relation-departed":
            ops.append((op.hook.remote_unit, op.hook.departing_unit))
        if op.kind == "report-dead":
            break
        feed(local, op)
    assert ops == [("mysql/0", "wp/0"), ("wp/1", "wp/0")]


def test_dying_relation_departs_everyone_then_breaks_then_leaves() -> None:
    local = started({"1": lr(members={"mysql/1": 1, "mysql/0": 1}, app_members={"mysql": 1})})
    view = remote({"1": rv(members={"mysql/0": 1, "mysql/1": 1}, app_version=9,
                           life="dying")})
    assert run(local, view) == [
        "db-relation-departed mysql/0 @1",
        "db-relation-departed mysql/1 @1",
        "db-relation-broken @1",
        "leave-scope 1",
    ]
    assert local.relations == {}


def test_broken_may_be_the_only_hook() -> None:
    local = started({"1": lr()})
    assert run(local, remote({"1": rv(life="dying")})) == ["db-relation-broken @1",
                                                           "leave-scope 1"]


def test_relation_missing_from_view_is_broken() -> None:
    local = started({"1": lr(members={"mysql/0": 1})})
    assert run(local, remote({})) == ["db-relation-departed mysql/0 @1",
                                      "db-relation-broken @1", "leave-scope 1"]


def test_peer_relation_never_breaks() -> None:
    local = started({"2": lr("cluster", "wp", members={"wp/1": 1}, peer=True)})
    assert run(local, remote({"2": peer_rv(members={"wp/1": 1}, life="dying")})) == [
        "cluster-relation-departed wp/1 @2", "leave-scope 2"]


def test_broken_relation_only_leaves_scope() -> None:
    local = started({"1": lr(broken=True)})
    op = next_op(local, remote({"1": rv(members={"mysql/0": 1})}), MODEL, NOW)
    assert op == Op(kind="leave-scope", relation_id="1")


def test_dying_unit_tears_down_every_relation_before_stop() -> None:
    local = started({
        "10": lr(members={"mysql/0": 1}, pending="mysql/0"),
        "2": lr("cluster", "wp", members={"wp/2": 1, "wp/1": 1}, peer=True),
        "3": lr("juju-info", "nrpe", members={"nrpe/0": 1}, implicit=True),
        "4": lr("website", "haproxy"),
    })
    view = remote({
        "10": rv(members={"mysql/0": 3}),
        "2": peer_rv(members={"wp/1": 1, "wp/2": 1}),
        "3": rv("juju-info", "nrpe", members={"nrpe/0": 1}, implicit=True),
        "4": rv("website", "haproxy", members={"haproxy/0": 1}),  # not joined yet: no hooks
        "5": rv("other", "x"),                                    # never created: ignored
    }, life="dying", leader=True, config_version=9)
    assert run(local, view) == [
        "cluster-relation-departed wp/1 @2",
        "cluster-relation-departed wp/2 @2",
        "leave-scope 2",
        "leave-scope 3",
        "website-relation-broken @4",
        "leave-scope 4",
        "db-relation-departed mysql/0 @10",
        "db-relation-broken @10",
        "leave-scope 10",
        "stop", "remove", "report-dead",
    ]


def test_dying_unit_never_installed_has_nothing_to_tear_down() -> None:
    assert run(LocalState(), remote({"1": rv()}, life="dying")) == ["report-dead"]


# -- whole sequences ----------------------------------------------------------------------


def test_join_sequence_converges() -> None:
    local = LocalState()
    view = remote({
        "0": peer_rv(members={"wp/1": 2}),
        "3": rv(members={"mysql/1": 1, "mysql/0": 4}, app_version=2),
    }, leader=True)
    assert run(local, view) == [
        "install",
        "cluster-relation-created @0",
        "db-relation-created @3",
        "leader-elected", "config-changed", "start",
        "cluster-relation-joined wp/1 @0",
        "cluster-relation-changed wp/1 @0",
        "db-relation-changed @3",
        "db-relation-joined mysql/0 @3",
        "db-relation-changed mysql/0 @3",
        "db-relation-joined mysql/1 @3",
        "db-relation-changed mysql/1 @3",
    ]
    assert next_op(local, view, MODEL, NOW) is None
    assert local.relations["3"]["members"] == {"mysql/0": 4, "mysql/1": 1}
    assert local.relations["0"]["members"] == {"wp/1": 2}
    # later: a bag write, a new unit, a departure, then removal of the relation
    later = copy.deepcopy(view)
    later["relations"]["3"]["members"] = {"mysql/0": 5, "mysql/2": 1}
    assert run(local, later) == [
        "db-relation-departed mysql/1 @3",
        "db-relation-joined mysql/2 @3",
        "db-relation-changed mysql/2 @3",
        "db-relation-changed mysql/0 @3",
    ]
    later["relations"]["3"]["life"] = "dying"
    assert run(local, later) == [
        "db-relation-departed mysql/0 @3",
        "db-relation-departed mysql/2 @3",
        "db-relation-broken @3",
        "leave-scope 3",
    ]
    assert set(local.relations) == {"0"}
    # the removed relation vanishes from the view: nothing more to do
    del later["relations"]["3"]
    assert next_op(local, later, MODEL, NOW) is None


def test_joined_records_version_at_join_and_changed_catches_up() -> None:
    local = started({"1": lr()})
    op = next_op(local, remote({"1": rv(members={"mysql/0": 1})}), MODEL, NOW)
    assert op is not None
    feed(local, op)
    assert local.relations["1"]["members"] == {"mysql/0": 1}
    assert local.relations["1"]["changed_pending"] == "mysql/0"
    # the unit wrote again before the queued changed ran: changed covers the latest version
    op = next_op(local, remote({"1": rv(members={"mysql/0": 3})}), MODEL, NOW)
    assert describe(op) == "db-relation-changed mysql/0 @1"
    assert op is not None
    feed(local, op)
    assert local.relations["1"]["members"] == {"mysql/0": 3}
    assert next_op(local, remote({"1": rv(members={"mysql/0": 3})}), MODEL, NOW) is None


def test_relation_error_blocks_relation_hooks() -> None:
    local = started({"1": lr()}, error={"hook": HookInfo(kind="relation-joined", relation_id=1,
                                                         endpoint="db",
                                                         remote_unit="mysql/0").to_dict(),
                                        "effects": {}})
    assert next_op(local, remote({"1": rv(members={"mysql/0": 1})}), MODEL, NOW) is None


# -- uniter bookkeeping --------------------------------------------------------------------


def test_apply_relation_bookkeeping() -> None:
    local = LocalState()
    agent = agent_for(local)
    agent._apply_relation({"id": 5, "action": "created", "endpoint": "db", "remote_app": "mysql",
                           "peer": False, "implicit": False})
    assert local.relations["5"] == lr()
    agent._apply_relation({"id": "5", "action": "joined", "unit": "mysql/0", "version": 2})
    assert local.relations["5"]["members"] == {"mysql/0": 2}
    assert local.relations["5"]["changed_pending"] == "mysql/0"
    agent._apply_relation({"id": "5", "action": "joined", "unit": "mysql/1", "version": 1})
    agent._apply_relation({"id": "5", "action": "departed", "unit": "mysql/1"})
    assert local.relations["5"]["changed_pending"] == ""
    assert local.relations["5"]["members"] == {"mysql/0": 2}
    agent._apply_relation({"id": "5", "action": "app-changed", "app": "mysql", "version": 3})
    assert local.relations["5"]["app_members"] == {"mysql": 3}
    agent._apply_relation({"id": "5", "action": "broken"})
    assert local.relations["5"]["broken"] is True
    # effects for a relation the unit no longer has are ignored
    agent._apply_relation({"id": "99", "action": "joined", "unit": "x/0", "version": 1})
    assert "99" not in local.relations


def context_relations(local: LocalState, hook: HookInfo,
                      view: dict[str, Any] | None = None) -> dict[int, dict[str, Any]]:
    agent = agent_for(local)
    agent.remote = view
    return agent._context_relations(hook)


def test_context_relations_as_the_hook_sees_them() -> None:
    local = started({"1": lr(members={"mysql/0": 1}), "2": lr("cluster", "wp", peer=True),
                     "3": lr("juju-info", "nrpe", implicit=True)})
    joined = HookInfo(kind="relation-joined", relation_id=1, endpoint="db", remote_unit="mysql/1")
    rels = context_relations(local, joined)
    assert set(rels) == {1, 2}  # implicit relations are invisible to hooks
    assert set(rels[1]["members"]) == {"mysql/0", "mysql/1"}
    assert local.relations["1"]["members"] == {"mysql/0": 1}  # a copy, not the state
    departed = HookInfo(kind="relation-departed", relation_id=1, endpoint="db",
                        remote_unit="mysql/0")
    assert context_relations(local, departed)[1]["members"] == {}
    broken = HookInfo(kind="relation-broken", relation_id=1, endpoint="db")
    assert context_relations(local, broken)[1]["members"] == {}
    created = HookInfo(kind="relation-created", relation_id=7, endpoint="db2", remote_app="pg")
    rels = context_relations(local, created, remote({"7": rv("db2", "pg")}))
    assert rels[7]["endpoint"] == "db2" and rels[7]["members"] == {}
