"""relation_index / relation_views: the relations each unit agent is shown."""

from __future__ import annotations

from typing import Any

import pytest

from pyjuju.controller.services import agents, charms, relations, views
from pyjuju.controller.services import applications as apps
from pyjuju.wire import HookCommitParams, RelationRef, RelationView

MYSQL = {"provides": {"server": {"interface": "mysql"}}}
WP = {"requires": {"db": {"interface": "mysql"}}, "peers": {"cluster": {"interface": "wp-peers"}}}
SUB = {"subordinate": True,
       "requires": {"general-info": {"interface": "juju-info", "scope": "container"}},
       "provides": {"monitors": {"interface": "nagios"}}}
NAGIOS = {"requires": {"monitors": {"interface": "nagios"}}}


@pytest.fixture
def world(svc, model, charm_bytes) -> dict[str, int]:
    """wp/0, wp/1 + mysql/0, mysql/1 (wp:db), wp2/0, nrpe attached to wp and wp2, nagios/0
    monitoring nrpe; everybody in scope of everything they take part in."""
    urls: dict[str, str] = {}

    def deploy(app: str, md: dict[str, Any], n: int, charm: str | None = None) -> None:
        charm = charm or app
        if charm not in urls:
            urls[charm] = charms.add_charm(svc, "default", charm_bytes(name=charm, metadata=md)).url
        apps.deploy(svc, "default", application=app, charm_url=urls[charm], num_units=n,
                    config={}, config_strings={}, directives=[])

    deploy("wp", WP, 2)
    deploy("mysql", MYSQL, 2)
    deploy("wp2", WP, 1, charm="wp")
    deploy("nrpe", SUB, 0)
    deploy("nagios", NAGIOS, 1)
    ids = {
        "db": relations.integrate(svc, "default", "wp", "mysql").id,
        "sub": relations.integrate(svc, "default", "nrpe", "wp").id,
        "sub2": relations.integrate(svc, "default", "nrpe", "wp2").id,
        "mon": relations.integrate(svc, "default", "nrpe", "nagios").id,
    }
    with svc.store.read() as tx:
        ids["peer"] = next(r.id for r in tx.relations(model.uuid) if r.key == "wp:cluster")
    for name in ("wp/0", "wp/1", "mysql/0", "mysql/1"):
        enter(svc, model, name, ids["db"])
    for name in ("wp/0", "wp/1"):
        enter(svc, model, name, ids["peer"])
        enter(svc, model, name, ids["sub"])
    enter(svc, model, "wp2/0", ids["sub2"])
    # nrpe/0 -> wp/0, nrpe/1 -> wp/1, nrpe/2 -> wp2/0
    for name in ("nrpe/0", "nrpe/1"):
        enter(svc, model, name, ids["sub"])
        enter(svc, model, name, ids["mon"])
    enter(svc, model, "nrpe/2", ids["sub2"])
    enter(svc, model, "nrpe/2", ids["mon"])
    enter(svc, model, "nagios/0", ids["mon"])
    return ids


def unit(svc, model, name: str):
    with svc.store.read() as tx:
        return tx.unit(model.uuid, name)


def enter(svc, model, name: str, rid: int) -> None:
    u = unit(svc, model, name)
    agents.enter_scope(svc, model, u.machine_id, name, RelationRef(relation_id=rid))


_n = iter(range(1_000_000))


def commit(svc, model, name: str, unit_bags: dict[int, dict[str, str]] | None = None,
           app_bags: dict[int, dict[str, str]] | None = None) -> None:
    u = unit(svc, model, name)
    agents.commit_hook(svc, model, u.machine_id, name, HookCommitParams(
        commit_id=f"v{next(_n)}",
        relation_settings={str(k): v for k, v in (unit_bags or {}).items()},
        app_relation_settings={str(k): v for k, v in (app_bags or {}).items()}))


def view_of(svc, model, name: str) -> dict[int, RelationView]:
    with svc.store.read() as tx:
        m = tx.model(model.uuid)
        return views.relation_views(views.relation_index(tx, m), tx.unit(model.uuid, name))


def version(svc, model, rid: int, owner: str, is_app: bool = False) -> int:
    with svc.store.read() as tx:
        row = tx.settings(model.uuid, rid, owner, is_app)
        return row.version if row else 0


def test_regular_relation_members_exclude_own_application(svc, model, world) -> None:
    v = view_of(svc, model, "wp/0")[world["db"]]
    assert v.model_dump() == {
        "endpoint": "db", "interface": "mysql", "role": "requirer", "scope": "global",
        "implicit": False, "peer": False, "remote_app": "mysql", "life": "alive",
        "members": {"mysql/0": 1, "mysql/1": 1}, "app_version": 0,
    }
    other = view_of(svc, model, "mysql/1")[world["db"]]
    assert other.members == {"wp/0": 1, "wp/1": 1}
    assert (other.endpoint, other.role, other.remote_app) == ("server", "provider", "wp")


def test_members_carry_settings_versions_and_app_version(svc, model, world) -> None:
    rid = world["db"]
    commit(svc, model, "mysql/1", {rid: {"a": "1"}})
    commit(svc, model, "mysql/1", {rid: {"a": "2"}})
    commit(svc, model, "mysql/0", app_bags={rid: {"k": "v"}})  # mysql/0 leads
    v = view_of(svc, model, "wp/1")[rid]
    assert v.members == {"mysql/0": 1, "mysql/1": 3}
    assert v.app_version == version(svc, model, rid, "mysql", True) == 1
    # the own application's bag is not what a non-peer relation reports
    commit(svc, model, "wp/0", app_bags={rid: {"mine": "1"}})
    assert view_of(svc, model, "wp/1")[rid].app_version == 1
    assert view_of(svc, model, "mysql/0")[rid].app_version == 1


def test_peer_relation_members_are_the_other_peers(svc, model, world) -> None:
    rid = world["peer"]
    commit(svc, model, "wp/1", {rid: {"x": "1"}})
    commit(svc, model, "wp/0", app_bags={rid: {"leader": "data"}})
    v0 = view_of(svc, model, "wp/0")[rid]
    assert v0.peer is True and v0.role == "peer" and v0.remote_app == "wp"
    assert v0.members == {"wp/1": 2}
    # the peer app bag is the own application's, seen by the leader who wrote it too
    assert v0.app_version == 1
    v1 = view_of(svc, model, "wp/1")[rid]
    assert v1.members == {"wp/0": 1} and v1.app_version == 1
    # wp2 shares the charm but not the peer relation
    assert rid not in view_of(svc, model, "wp2/0")


@pytest.mark.parametrize("name, members", [
    ("wp/0", {"nrpe/0"}),
    ("wp/1", {"nrpe/1"}),
    ("nrpe/0", {"wp/0"}),
    ("nrpe/1", {"wp/1"}),
])
def test_container_relation_pairs_principal_and_its_subordinate(svc, model, world, name,
                                                                members) -> None:
    v = view_of(svc, model, name)[world["sub"]]
    assert set(v.members) == members
    assert v.scope == "container"


def test_container_relation_implicit_flag_is_per_side(svc, model, world) -> None:
    assert view_of(svc, model, "wp/0")[world["sub"]].implicit is True   # wp:juju-info
    assert view_of(svc, model, "nrpe/0")[world["sub"]].implicit is False


def test_subordinate_sees_only_its_principals_container_relation(svc, model, world) -> None:
    v0 = view_of(svc, model, "nrpe/0")
    assert world["sub"] in v0 and world["sub2"] not in v0
    v2 = view_of(svc, model, "nrpe/2")
    assert world["sub2"] in v2 and world["sub"] not in v2
    assert set(v2[world["sub2"]].members) == {"wp2/0"}
    # the principal side is not filtered: wp2/0 simply sees its own subordinate
    assert set(view_of(svc, model, "wp2/0")[world["sub2"]].members) == {"nrpe/2"}


def test_subordinate_global_relation_sees_every_remote_unit(svc, model, world) -> None:
    assert set(view_of(svc, model, "nrpe/0")[world["mon"]].members) == {"nagios/0"}
    assert set(view_of(svc, model, "nagios/0")[world["mon"]].members) == {
        "nrpe/0", "nrpe/1", "nrpe/2"}


def test_units_see_only_their_own_relations(svc, model, world) -> None:
    assert set(view_of(svc, model, "mysql/0")) == {world["db"]}
    assert set(view_of(svc, model, "wp/0")) == {world["db"], world["peer"],
                                                  world["sub"]}


def test_dying_relation_is_shown_dying_with_its_members(svc, model, world) -> None:
    relations.remove_relation(svc, "default", [str(world["db"])])
    v = view_of(svc, model, "wp/0")[world["db"]]
    assert v.life == "dying" and set(v.members) == {"mysql/0", "mysql/1"}
    agents.leave_scope(svc, model, unit(svc, model, "mysql/0").machine_id, "mysql/0",
                       RelationRef(relation_id=world["db"]))
    assert set(view_of(svc, model, "wp/0")[world["db"]].members) == {"mysql/1"}


def test_index_cached_per_revision_and_fresh_after_a_write(svc, model, world) -> None:
    rid = world["db"]
    with svc.store.read() as tx:
        m = tx.model(model.uuid)
        first = views.relation_index(tx, m)
        assert views.relation_index(tx, m) is first
    commit(svc, model, "mysql/0", {rid: {"new": "1"}})
    with svc.store.read() as tx:
        m2 = tx.model(model.uuid)
        assert m2.revision != m.revision
        second = views.relation_index(tx, m2)
    assert second is not first
    assert second.versions[(rid, "mysql/0", False)] == first.versions[(rid, "mysql/0", False)] + 1
    assert view_of(svc, model, "wp/0")[rid].members["mysql/0"] == 2
    assert second.principals == {"nrpe/0": "wp/0", "nrpe/1": "wp/1", "nrpe/2": "wp2/0"}


def test_unit_view_carries_relations_and_principal(svc, model, world) -> None:
    machine = unit(svc, model, "wp/0").machine_id
    with svc.store.read() as tx:
        out = views.machine_unit_views(tx, tx.model(model.uuid), machine)
    assert set(out) == {"wp/0", "nrpe/0"}
    assert out["nrpe/0"].principal == "wp/0" and out["wp/0"].principal == ""
    assert out["wp/0"].relations == view_of(svc, model, "wp/0")
    assert out["nrpe/0"].relations == view_of(svc, model, "nrpe/0")
