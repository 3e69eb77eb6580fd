"""The relation part of the resolver: created, joined, changed, app-changed, departed, broken.

Pure ``next_op`` on hand-built local state and remote views; effects are fed back through
the uniter's own pure :func:`apply_effects` so whole sequences can be checked.
"""

from __future__ import annotations

import pytest
from resolver_helpers import MODEL, NOW, describe, feed, lr, peer_rv, remote, rv, settle, started

from pyjuju.agent.unit.operations import EnterScope, LeaveScope, ReportDead, RunHook
from pyjuju.agent.unit.resolver import next_op
from pyjuju.agent.unit.state import (
    AppBagSeen,
    Effects,
    HookError,
    HookInfo,
    LocalState,
    MemberDeparted,
    MemberSeen,
    RelationCreated,
)


def run(local: LocalState, view) -> list[str]:
    return settle(local, view, show=describe)[0]


# -- relation-created -------------------------------------------------------------------


def test_first_deploy_creates_relations_after_install_before_leader_and_config() -> None:
    view = remote({10: rv(), 2: peer_rv()}, leader=True)
    seen, local = settle(LocalState(), view, show=describe)
    assert seen == [
        "deploy-charm",
        "install",
        "cluster-relation-created @2",   # numeric order: 2 before 10
        "db-relation-created @10",
        "leader-elected", "config-changed", "start",
    ]
    assert set(local.relations) == {2, 10}
    assert local.relations[2].peer is True and local.relations[10].peer is False
    assert local.relations[10].remote_app == "mysql"


def test_relation_created_op_and_effects() -> None:
    op = next_op(started(), remote({4: rv()}), MODEL, NOW)
    assert op == RunHook(hook=HookInfo(kind="relation-created", relation_id=4, endpoint="db", remote_app="mysql"),
                         effects=Effects(relation=RelationCreated(id=4, endpoint="db", remote_app="mysql")))
    assert op.hook.name == "db-relation-created"


def test_no_relation_created_before_install() -> None:
    assert describe(next_op(started(installed=False), remote({1: rv()}), MODEL, NOW)) == "install"


def test_no_relation_created_while_unit_dying() -> None:
    view = remote({1: rv()}, life="dying")
    assert run(started(), view) == ["stop", "remove", "report-dead"]


def test_no_relation_created_for_dying_relation() -> None:
    assert next_op(started(), remote({1: rv(life="dying")}), MODEL, NOW) is None


def test_new_relation_outranks_config_and_leadership() -> None:
    view = remote({5: rv()}, leader=True, config_version=7)
    assert describe(next_op(started(), view, MODEL, NOW)) == "db-relation-created @5"


def test_relation_hooks_wait_for_start() -> None:
    local = started({1: lr()}, started=False)
    view = remote({1: rv(members={"mysql/0": 1}, app_version=1)}, config_version=2)
    assert run(local, view)[:2] == ["config-changed", "start"]


# -- implicit relations -----------------------------------------------------------------


def test_implicit_relation_enters_scope_without_hooks() -> None:
    view = remote({3: rv("juju-info", "nrpe", implicit=True)})
    op = next_op(started(), view, MODEL, NOW)
    assert isinstance(op, EnterScope) and op.relation_id == 3
    assert isinstance(op.effects.relation, RelationCreated) and op.effects.relation.implicit is True
    seen, local = settle(started(), view, show=describe)
    assert seen == ["enter-scope 3"]
    # members joining, changing and an app bag write: still no hooks
    busy = remote({3: rv("juju-info", "nrpe", members={"nrpe/0": 4}, app_version=2, implicit=True)})
    assert next_op(local, busy, MODEL, NOW) is None
    # dying: leave scope, no departed/broken
    dying = remote({3: rv("juju-info", "nrpe", members={"nrpe/0": 4}, life="dying", implicit=True)})
    seen, local = settle(local, dying, show=describe)
    assert seen == ["leave-scope 3"]
    assert local.relations == {}


def test_implicit_relation_enters_scope_before_install_is_never_attempted() -> None:
    view = remote({3: rv("juju-info", "nrpe", implicit=True)})
    assert describe(next_op(started(installed=False), view, MODEL, NOW)) == "install"


# -- order within one relation ------------------------------------------------------------


def test_full_order_within_a_relation() -> None:
    local = started({7: lr(members={"mysql/0": 1, "mysql/1": 1, "mysql/3": 1})})
    view = remote({7: rv(members={"mysql/1": 2, "mysql/2": 1, "mysql/4": 5}, app_version=1)})
    seen, local = settle(local, view, show=describe)
    assert seen == [
        "db-relation-departed mysql/0 @7",
        "db-relation-departed mysql/3 @7",
        "db-relation-changed @7",               # app-level: the remote app bag changed
        "db-relation-joined mysql/2 @7",
        "db-relation-changed mysql/2 @7",       # straight after its joined
        "db-relation-joined mysql/4 @7",
        "db-relation-changed mysql/4 @7",
        "db-relation-changed mysql/1 @7",       # unit-level change last
    ]
    assert local.relations[7].members == {"mysql/1": 2, "mysql/2": 1, "mysql/4": 5}
    assert local.relations[7].app_version == 1
    assert local.relations[7].changed_pending == ""


def test_pending_changed_comes_first() -> None:
    local = started({7: lr(members={"mysql/0": 1, "mysql/2": 3}, pending="mysql/2")})
    view = remote({7: rv(members={"mysql/2": 4, "mysql/5": 1}, app_version=2)})
    op = next_op(local, view, MODEL, NOW)
    assert describe(op) == "db-relation-changed mysql/2 @7"
    assert isinstance(op, RunHook)
    assert op.effects == Effects(relation=MemberSeen(action="changed", id=7, unit="mysql/2", version=4))


def test_unit_names_sorted_as_strings() -> None:
    view = remote({1: rv(members={"mysql/10": 1, "mysql/2": 1})})
    assert run(started({1: lr()}), view) == [
        "db-relation-joined mysql/10 @1", "db-relation-changed mysql/10 @1",
        "db-relation-joined mysql/2 @1", "db-relation-changed mysql/2 @1"]


def test_relations_handled_in_numeric_id_order() -> None:
    local = started({10: lr(), 9: lr()})
    view = remote({10: rv(members={"mysql/0": 1}), 9: rv(members={"mysql/0": 1})})
    assert run(local, view)[0] == "db-relation-joined mysql/0 @9"


@pytest.mark.parametrize("app_version, seen, fires", [
    (0, 0, False),               # never written: no app-level changed
    (1, 0, True),
    (3, 3, False),
    (4, 3, True),
])
def test_app_level_changed_only_when_version_differs(app_version, seen, fires) -> None:
    local = started({1: lr(app_version=seen)})
    op = next_op(local, remote({1: rv(app_version=app_version)}), MODEL, NOW)
    if not fires:
        assert op is None
        return
    assert isinstance(op, RunHook)
    assert (op.hook.kind, op.hook.remote_unit, op.hook.remote_app) == ("relation-changed", "", "mysql")
    assert op.effects == Effects(relation=AppBagSeen(id=1, version=app_version))
    assert next_op(feed(local, op), remote({1: rv(app_version=app_version)}), MODEL, NOW) is None


def test_peer_app_bag_write_reaches_the_leader_too() -> None:
    local = started({2: lr("cluster", "wp", peer=True)}, leader=True)
    op = next_op(local, remote({2: peer_rv(app_version=1)}, leader=True), MODEL, NOW)
    assert isinstance(op, RunHook)
    assert (op.hook.name, op.hook.remote_unit, op.hook.remote_app) == ("cluster-relation-changed", "", "wp")


def test_unit_hooks_name_the_remote_unit_and_its_app() -> None:
    local = started({2: lr("cluster", "wp", peer=True)})
    op = next_op(local, remote({2: peer_rv(members={"wp/1": 1})}), MODEL, NOW)
    assert isinstance(op, RunHook)
    assert op.hook == HookInfo(kind="relation-joined", relation_id=2, endpoint="cluster",
                               remote_unit="wp/1", remote_app="wp")
    assert op.effects == Effects(relation=MemberSeen(action="joined", id=2, unit="wp/1", version=1))


# -- departing, broken --------------------------------------------------------------------


def test_departing_unit_is_the_remote_unit_normally() -> None:
    local = started({1: lr(members={"mysql/0": 2})})
    op = next_op(local, remote({1: rv()}), MODEL, NOW)
    assert isinstance(op, RunHook)
    assert (op.hook.kind, op.hook.remote_unit, op.hook.departing_unit) == (
        "relation-departed", "mysql/0", "mysql/0")
    assert op.effects == Effects(relation=MemberDeparted(id=1, unit="mysql/0"))


def test_departing_unit_is_the_local_unit_when_it_is_dying() -> None:
    local = started({1: lr(members={"mysql/0": 2}),
                     2: lr("cluster", "wp", members={"wp/1": 1}, peer=True)})
    view = remote({1: rv(members={"mysql/0": 2}), 2: peer_rv(members={"wp/1": 1})}, life="dying")
    departs = []
    for _ in range(10):
        op = next_op(local, view, MODEL, NOW)
        assert op is not None
        if isinstance(op, RunHook) and op.hook.kind == "relation-departed":
            departs.append((op.hook.remote_unit, op.hook.departing_unit))
        if isinstance(op, ReportDead):
            break
        local = feed(local, op)
    assert departs == [("mysql/0", "wp/0"), ("wp/1", "wp/0")]


def test_dying_relation_departs_everyone_then_breaks_then_leaves() -> None:
    local = started({1: lr(members={"mysql/1": 1, "mysql/0": 1}, app_version=1)})
    view = remote({1: rv(members={"mysql/0": 1, "mysql/1": 1}, app_version=9, life="dying")})
    seen, local = settle(local, view, show=describe)
    assert seen == [
        "db-relation-departed mysql/0 @1",
        "db-relation-departed mysql/1 @1",
        "db-relation-broken @1",
        "leave-scope 1",
    ]
    assert local.relations == {}


def test_broken_may_be_the_only_hook() -> None:
    assert run(started({1: lr()}), remote({1: rv(life="dying")})) == ["db-relation-broken @1", "leave-scope 1"]


def test_relation_missing_from_view_is_broken() -> None:
    local = started({1: lr(members={"mysql/0": 1})})
    assert run(local, remote({})) == ["db-relation-departed mysql/0 @1", "db-relation-broken @1",
                                      "leave-scope 1"]


def test_peer_relation_never_breaks() -> None:
    local = started({2: lr("cluster", "wp", members={"wp/1": 1}, peer=True)})
    assert run(local, remote({2: peer_rv(members={"wp/1": 1}, life="dying")})) == [
        "cluster-relation-departed wp/1 @2", "leave-scope 2"]


def test_broken_relation_only_leaves_scope() -> None:
    local = started({1: lr(broken=True)})
    assert next_op(local, remote({1: rv(members={"mysql/0": 1})}), MODEL, NOW) == LeaveScope(relation_id=1)


def test_dying_unit_tears_down_every_relation_before_stop() -> None:
    local = started({
        10: lr(members={"mysql/0": 1}, pending="mysql/0"),
        2: lr("cluster", "wp", members={"wp/2": 1, "wp/1": 1}, peer=True),
        3: lr("juju-info", "nrpe", members={"nrpe/0": 1}, implicit=True),
        4: lr("website", "haproxy"),
    })
    view = remote({
        10: rv(members={"mysql/0": 3}),
        2: peer_rv(members={"wp/1": 1, "wp/2": 1}),
        3: rv("juju-info", "nrpe", members={"nrpe/0": 1}, implicit=True),
        4: rv("website", "haproxy", members={"haproxy/0": 1}),  # not joined yet: no hooks
        5: rv("other", "x"),                                    # never created: ignored
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
    assert run(LocalState(), remote({1: rv()}, life="dying")) == ["report-dead"]


# -- whole sequences ----------------------------------------------------------------------


def test_join_sequence_converges() -> None:
    view = remote({
        0: peer_rv(members={"wp/1": 2}),
        3: rv(members={"mysql/1": 1, "mysql/0": 4}, app_version=2),
    }, leader=True)
    seen, local = settle(LocalState(), view, show=describe)
    assert seen == [
        "deploy-charm",
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
    assert local.relations[3].members == {"mysql/0": 4, "mysql/1": 1}
    assert local.relations[0].members == {"wp/1": 2}
    # later: a bag write, a new unit, a departure, then removal of the relation
    db = view.relations[3].model_copy(update={"members": {"mysql/0": 5, "mysql/2": 1}})
    later = view.model_copy(update={"relations": {0: view.relations[0], 3: db}})
    seen, local = settle(local, later, show=describe)
    assert seen == [
        "db-relation-departed mysql/1 @3",
        "db-relation-joined mysql/2 @3",
        "db-relation-changed mysql/2 @3",
        "db-relation-changed mysql/0 @3",
    ]
    later = later.model_copy(update={"relations": {0: view.relations[0],
                                                   3: db.model_copy(update={"life": "dying"})}})
    seen, local = settle(local, later, show=describe)
    assert seen == [
        "db-relation-departed mysql/0 @3",
        "db-relation-departed mysql/2 @3",
        "db-relation-broken @3",
        "leave-scope 3",
    ]
    assert set(local.relations) == {0}
    # the removed relation vanishes from the view: nothing more to do
    assert next_op(local, later.model_copy(update={"relations": {0: view.relations[0]}}), MODEL, NOW) is None


def test_joined_records_version_at_join_and_changed_catches_up() -> None:
    local = started({1: lr()})
    op = next_op(local, remote({1: rv(members={"mysql/0": 1})}), MODEL, NOW)
    assert op is not None
    local = feed(local, op)
    assert local.relations[1].members == {"mysql/0": 1}
    assert local.relations[1].changed_pending == "mysql/0"
    # the unit wrote again before the queued changed ran: changed covers the latest version
    op = next_op(local, remote({1: rv(members={"mysql/0": 3})}), MODEL, NOW)
    assert describe(op) == "db-relation-changed mysql/0 @1"
    assert op is not None
    local = feed(local, op)
    assert local.relations[1].members == {"mysql/0": 3}
    assert next_op(local, remote({1: rv(members={"mysql/0": 3})}), MODEL, NOW) is None


def test_relation_error_blocks_relation_hooks() -> None:
    hook = HookInfo(kind="relation-joined", relation_id=1, endpoint="db", remote_unit="mysql/0")
    local = started({1: lr()}, error=HookError(hook=hook))
    assert next_op(local, remote({1: rv(members={"mysql/0": 1})}), MODEL, NOW) is None
