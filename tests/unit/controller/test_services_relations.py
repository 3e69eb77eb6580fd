"""Relations against a real store: integrate, remove, scopes, settings bags, subordinates."""

from __future__ import annotations

from typing import Any

import pytest

from pyjuju.controller.services import agents, charms, relations, status
from pyjuju.controller.services import applications as apps
from pyjuju.controller.services import units as units_svc
from pyjuju.core import timefmt
from pyjuju.core.errors import (
    AlreadyExistsError,
    ConflictError,
    ForbiddenError,
    InvalidArgumentError,
    NotLeaderError,
    RelationNotFoundError,
)
from pyjuju.store import ModelRow, RelationRow
from pyjuju.wire import Empty, HookCommitParams, RelationRef, RelationSettingsQuery

MYSQL = {"provides": {"server": {"interface": "mysql"},
                      "single": {"interface": "single", "limit": 1}}}
WP = {"requires": {"db": {"interface": "mysql"}}, "peers": {"cluster": {"interface": "wp-peers"}}}
SOLO = {"requires": {"db": {"interface": "mysql"}, "one": {"interface": "single"}}}
SUB = {"subordinate": True,
       "requires": {"general-info": {"interface": "juju-info", "scope": "container"}}}
TWO_PEERS = {"peers": {"ring": {"interface": "ring"}, "gossip": {"interface": "gossip"}}}


@pytest.fixture
def deploy(svc, model, charm_bytes):
    urls: dict[str, str] = {}

    def do(app: str, md: dict[str, Any], n: int, charm: str | None = None) -> None:
        charm = charm or app
        if charm not in urls:
            urls[charm] = charms.add_charm(svc, "default", charm_bytes(name=charm, metadata=md)).url
        apps.deploy(svc, "default", application=app, charm_url=urls[charm], num_units=n,
                    config={}, config_strings={}, directives=[])

    return do


@pytest.fixture
def wp_db(deploy):
    """wp (wp/0 leader on machine 0, wp/1 on machine 1) and mysql (mysql/0 on machine 2)."""
    deploy("wp", WP, 2)
    deploy("mysql", MYSQL, 1)


@pytest.fixture
def subord(deploy):
    """wp (2 units) related to the subordinate nrpe through juju-info."""
    deploy("wp", WP, 2)
    deploy("nrpe", SUB, 0)


def rels(svc, model) -> list[RelationRow]:
    with svc.store.read() as tx:
        return tx.relations(model.uuid)


def rel_by_key(svc, model, key: str) -> RelationRow | None:
    return next((r for r in rels(svc, model) if r.key == key), None)


def unit(svc, model, name: str):
    with svc.store.read() as tx:
        return tx.unit(model.uuid, name)


def units(svc, model, app: str | None = None):
    with svc.store.read() as tx:
        return tx.units(model.uuid, application=app)


def revision(svc, model) -> int:
    with svc.store.read() as tx:
        return tx.model(model.uuid).revision  # type: ignore[union-attr]


def machine_of(svc, model, name: str) -> str:
    u = unit(svc, model, name)
    assert u is not None and u.machine_id is not None
    return u.machine_id


def enter(svc, model, name: str, rid: int) -> None:
    agents.enter_scope(svc, model, machine_of(svc, model, name), name, RelationRef(relation_id=rid))


def leave(svc, model, name: str, rid: int) -> None:
    agents.leave_scope(svc, model, machine_of(svc, model, name), name, RelationRef(relation_id=rid))


def bag(svc, model, rid: int, owner: str, is_app: bool = False):
    with svc.store.read() as tx:
        return tx.settings(model.uuid, rid, owner, is_app)


def read(svc, model, reader: str, rid: int, owner: str, is_app: bool = False) -> dict[str, str]:
    return agents.relation_settings(svc, model, machine_of(svc, model, reader), reader,
                                    RelationSettingsQuery(relation_id=rid, owner=owner, is_app=is_app)).values


_commits = iter(range(1_000_000))


def commit(svc, model, name: str, units_: dict[int, dict[str, str]] | None = None,
           apps_: dict[int, dict[str, str]] | None = None) -> None:
    p = HookCommitParams(
        commit_id=f"c{next(_commits)}",
        relation_settings={str(k): v for k, v in (units_ or {}).items()},
        app_relation_settings={str(k): v for k, v in (apps_ or {}).items()},
    )
    agents.commit_hook(svc, model, machine_of(svc, model, name), name, p)


def activate(svc, model, *names: str) -> None:
    """Make units look provisioned, so removing them waits for their agents."""
    with svc.store.write() as tx:
        for n in names:
            tx.update_unit(model.uuid, n, agent_status={"current": "idle", "message": "",
                                                        "since": timefmt.now_iso()})


def set_address(svc, model, machine: str, address: str) -> None:
    with svc.store.write() as tx:
        tx.update_machine(model.uuid, machine, addresses=[address])


def integrate(svc, a: str, b: str) -> RelationRow:
    return relations.integrate(svc, "default", a, b)


# -- integrate ------------------------------------------------------------------------


def test_integrate_creates_a_relation_row(svc, model, wp_db) -> None:
    before = {r.id for r in rels(svc, model)}
    rel = integrate(svc, "mysql", "wp")
    assert rel.id not in before
    assert rel.key == "wp:db mysql:server"
    assert (rel.life, rel.scope, rel.is_peer) == ("alive", "global", False)
    assert [(e["application"], e["name"], e["role"]) for e in rel.endpoints] == [
        ("mysql", "server", "provider"), ("wp", "db", "requirer")]
    stored = rel_by_key(svc, model, rel.key)
    assert stored is not None and stored.id == rel.id and stored.endpoints == rel.endpoints


def test_relation_ids_increase_and_are_never_reused(svc, model, wp_db, deploy) -> None:
    deploy("wp2", WP, 1, charm="wp")
    first = integrate(svc, "wp", "mysql")
    relations.remove_relation(svc, "default", [str(first.id)])
    assert rel_by_key(svc, model, first.key) is None  # nobody was in scope: gone at once
    second = integrate(svc, "wp", "mysql")
    assert second.id > first.id
    apps.remove_application(svc, "default", "wp")
    third = integrate(svc, "wp2", "mysql")
    assert third.id > second.id
    assert max(r.id for r in rels(svc, model)) == third.id


def test_duplicate_relation_refused_either_way_round(svc, model, wp_db, snapshot) -> None:
    integrate(svc, "wp", "mysql")
    before = snapshot()
    for a, b in (("wp", "mysql"), ("mysql:server", "wp"), ("wp:db", "mysql:server")):
        with pytest.raises(AlreadyExistsError, match="already exists"):
            integrate(svc, a, b)
    assert snapshot() == before


def test_integrate_refused_while_the_same_relation_is_still_dying(svc, model, wp_db) -> None:
    # Juju keys relation documents by their key and refuses AddRelation while a not-yet-dead
    # relation with that key exists (state.AddRelation: isNotDead -> AlreadyExists, 3.x message
    # "relation K is dying, but not yet removed"); a second row with the same key would show
    # the relation twice in status.
    rel = integrate(svc, "wp", "mysql")
    enter(svc, model, "wp/0", rel.id)
    relations.remove_relation(svc, "default", ["wp", "mysql"])
    assert rel_by_key(svc, model, rel.key).life == "dying"  # type: ignore[union-attr]
    with pytest.raises(AlreadyExistsError, match="already exists|dying, but not yet removed"):
        integrate(svc, "wp", "mysql")
    assert [r.key for r in rels(svc, model)].count(rel.key) == 1


def test_limit_enforced_with_juju_message(svc, model, deploy) -> None:
    deploy("mysql", MYSQL, 1)
    deploy("solo", SOLO, 1)
    deploy("solo2", SOLO, 1, charm="solo")
    integrate(svc, "solo:one", "mysql")
    with pytest.raises(InvalidArgumentError) as e:
        integrate(svc, "solo2:one", "mysql")
    assert e.value.message == ("establishing a new relation for mysql:single would exceed its "
                               "maximum relation limit of 1")
    # the unlimited endpoint is unaffected, and removal frees the slot
    integrate(svc, "solo2:db", "mysql")
    relations.remove_relation(svc, "default", ["solo:one", "mysql"])
    integrate(svc, "solo2:one", "mysql")


def test_limit_counts_a_dying_relation_until_it_is_removed(svc, model, deploy) -> None:
    # Juju's enforceMaxRelationLimit counts every relation document of the endpoint
    # (app.Relations() includes dying ones; only suspended ones are skipped).
    deploy("mysql", MYSQL, 1)
    deploy("solo", SOLO, 1)
    deploy("solo2", SOLO, 1, charm="solo")
    rel = integrate(svc, "solo:one", "mysql")
    enter(svc, model, "mysql/0", rel.id)
    relations.remove_relation(svc, "default", [str(rel.id)])
    assert rel_by_key(svc, model, rel.key).life == "dying"  # type: ignore[union-attr]
    with pytest.raises(InvalidArgumentError, match="maximum relation limit of 1"):
        integrate(svc, "solo2:one", "mysql")
    leave(svc, model, "mysql/0", rel.id)  # now gone: the slot is free
    integrate(svc, "solo2:one", "mysql")


def test_unknown_or_dying_application_cannot_be_related(svc, model, wp_db) -> None:
    with pytest.raises(Exception, match='application "nope" not found'):
        integrate(svc, "wp", "nope")
    apps.remove_application(svc, "default", "mysql")
    with pytest.raises(Exception, match='application "mysql" not found'):
        integrate(svc, "wp", "mysql")


def test_peer_relations_created_at_deploy(svc, model, deploy) -> None:
    deploy("ring", TWO_PEERS, 1)
    deploy("mysql", MYSQL, 1)
    peers = [r for r in rels(svc, model) if r.is_peer]
    assert sorted(r.key for r in peers) == ["ring:gossip", "ring:ring"]
    assert len({r.id for r in peers}) == 2
    for r in peers:
        assert r.life == "alive" and r.scope == "global"
        assert r.endpoints[0]["role"] == "peer" and r.endpoints[0]["application"] == "ring"
    assert not any(r.endpoint_of("mysql") for r in rels(svc, model))
    # a peer relation cannot be made (again) with integrate
    with pytest.raises(InvalidArgumentError, match="to itself"):
        integrate(svc, "ring", "ring")


# -- scopes ---------------------------------------------------------------------------


def test_enter_scope_writes_network_keys_once(svc, model, wp_db) -> None:
    rel = integrate(svc, "wp", "mysql")
    set_address(svc, model, machine_of(svc, model, "wp/0"), "10.0.0.5")
    enter(svc, model, "wp/0", rel.id)
    row = bag(svc, model, rel.id, "wp/0")
    assert row is not None and row.version == 1
    assert row.settings == {"private-address": "10.0.0.5", "ingress-address": "10.0.0.5",
                            "egress-subnets": "10.0.0.5/32"}
    rev = revision(svc, model)
    enter(svc, model, "wp/0", rel.id)  # idempotent: no write, no revision bump
    assert bag(svc, model, rel.id, "wp/0").version == 1
    assert revision(svc, model) == rev
    with svc.store.read() as tx:
        assert [s.unit for s in tx.scopes(model.uuid, rel.id)] == ["wp/0"]


def test_enter_scope_without_address_falls_back_to_loopback(svc, model, wp_db) -> None:
    rel = integrate(svc, "wp", "mysql")
    enter(svc, model, "mysql/0", rel.id)
    assert bag(svc, model, rel.id, "mysql/0").settings["private-address"] == "127.0.0.1"


def test_enter_scope_refused_for_dying_relation_or_foreign_relation(svc, model, deploy) -> None:
    deploy("wp", WP, 1)
    deploy("mysql", MYSQL, 1)
    deploy("other", MYSQL, 1, charm="mysql")
    rel = integrate(svc, "wp", "mysql")
    with pytest.raises(RelationNotFoundError):
        enter(svc, model, "other/0", rel.id)
    enter(svc, model, "mysql/0", rel.id)  # keeps the relation from vanishing when removed
    relations.remove_relation(svc, "default", [str(rel.id)])
    with pytest.raises(InvalidArgumentError, match="not alive"):
        enter(svc, model, "wp/0", rel.id)


def test_container_relation_creates_one_subordinate_per_principal(svc, model, subord) -> None:
    rel = integrate(svc, "nrpe", "wp")
    assert rel.scope == "container" and rel.key == "nrpe:general-info wp:juju-info"
    assert units(svc, model, "nrpe") == []  # created as principals enter scope
    enter(svc, model, "wp/0", rel.id)
    enter(svc, model, "wp/0", rel.id)
    subs = units(svc, model, "nrpe")
    assert [(u.name, u.principal, u.machine_id) for u in subs] == [
        ("nrpe/0", "wp/0", machine_of(svc, model, "wp/0"))]
    enter(svc, model, "wp/1", rel.id)
    subs = units(svc, model, "nrpe")
    assert [(u.name, u.principal, u.machine_id) for u in subs] == [
        ("nrpe/0", "wp/0", machine_of(svc, model, "wp/0")),
        ("nrpe/1", "wp/1", machine_of(svc, model, "wp/1"))]
    with svc.store.read() as tx:
        assert tx.application(model.uuid, "nrpe").leader == "nrpe/0"  # type: ignore[union-attr]
    # the subordinate entering scope creates nothing more
    enter(svc, model, "nrpe/0", rel.id)
    assert len(units(svc, model, "nrpe")) == 2


def test_subordinate_cannot_be_added_or_removed_as_a_unit(svc, model, subord) -> None:
    rel = integrate(svc, "nrpe", "wp")
    enter(svc, model, "wp/0", rel.id)
    with pytest.raises(InvalidArgumentError, match="subordinate"):
        units_svc.add_units(svc, "default", "nrpe", 1, [])
    with pytest.raises(InvalidArgumentError, match="remove the relation instead"):
        units_svc.remove_units(svc, "default", ["nrpe/0"])


def test_kill_relation_nobody_in_scope_removes_at_once(svc, model, wp_db) -> None:
    rel = integrate(svc, "wp", "mysql")
    relations.remove_relation(svc, "default", ["wp", "mysql"])
    assert all(r.id != rel.id for r in rels(svc, model))


def test_kill_relation_waits_for_last_leave_scope(svc, model, wp_db) -> None:
    rel = integrate(svc, "wp", "mysql")
    for name in ("wp/0", "mysql/0"):
        enter(svc, model, name, rel.id)
    commit(svc, model, "wp/0", {rel.id: {"k": "v"}}, {rel.id: {"a": "b"}})
    relations.remove_relation(svc, "default", ["mysql:server", "wp:db"])
    assert rel_by_key(svc, model, rel.key).life == "dying"  # type: ignore[union-attr]
    leave(svc, model, "wp/0", rel.id)
    assert rel_by_key(svc, model, rel.key).life == "dying"  # type: ignore[union-attr]
    assert bag(svc, model, rel.id, "wp/0") is not None  # still readable while the relation lives
    leave(svc, model, "mysql/0", rel.id)
    assert rel_by_key(svc, model, rel.key) is None
    with svc.store.read() as tx:
        assert not [v for v in tx.settings_versions(model.uuid) if v[0] == rel.id]
        assert tx.scopes(model.uuid, rel.id) == []


def test_leave_scope_of_alive_relation_keeps_it(svc, model, wp_db) -> None:
    rel = integrate(svc, "wp", "mysql")
    enter(svc, model, "wp/0", rel.id)
    leave(svc, model, "wp/0", rel.id)
    leave(svc, model, "wp/0", rel.id)  # harmless twice
    assert rel_by_key(svc, model, rel.key).life == "alive"  # type: ignore[union-attr]
    assert bag(svc, model, rel.id, "wp/0") is not None


def test_remove_relation_by_endpoints(svc, model, deploy) -> None:
    deploy("mysql", MYSQL, 1)
    deploy("solo", SOLO, 1)
    integrate(svc, "solo:db", "mysql")
    one = integrate(svc, "solo:one", "mysql:single")
    with pytest.raises(InvalidArgumentError, match="ambiguous relation"):
        relations.remove_relation(svc, "default", ["solo", "mysql"])
    relations.remove_relation(svc, "default", ["mysql:single", "solo"])
    assert all(r.id != one.id for r in rels(svc, model))
    with pytest.raises(RelationNotFoundError):
        relations.remove_relation(svc, "default", ["solo:one", "mysql"])
    with pytest.raises(RelationNotFoundError):
        relations.remove_relation(svc, "default", ["999"])


# -- settings -------------------------------------------------------------------------


def test_write_settings_merges_deletes_and_versions(svc, model, wp_db) -> None:
    rel = integrate(svc, "wp", "mysql")
    enter(svc, model, "wp/0", rel.id)
    v0 = bag(svc, model, rel.id, "wp/0").version
    commit(svc, model, "wp/0", {rel.id: {"a": "1", "b": "2"}})
    row = bag(svc, model, rel.id, "wp/0")
    assert row.version == v0 + 1 and row.settings["a"] == "1" and row.settings["b"] == "2"
    assert "private-address" in row.settings  # merged, not replaced
    commit(svc, model, "wp/0", {rel.id: {"a": "1"}})  # no change: no bump
    assert bag(svc, model, rel.id, "wp/0").version == v0 + 1
    commit(svc, model, "wp/0", {rel.id: {"a": "", "c": "3"}})
    row = bag(svc, model, rel.id, "wp/0")
    assert row.version == v0 + 2 and "a" not in row.settings and row.settings["c"] == "3"
    commit(svc, model, "wp/0", {rel.id: {"nope": ""}})  # deleting a missing key: no change
    assert bag(svc, model, rel.id, "wp/0").version == v0 + 2


def test_app_settings_written_by_leader_only(svc, model, wp_db, snapshot) -> None:
    rel = integrate(svc, "wp", "mysql")
    commit(svc, model, "wp/0", apps_={rel.id: {"x": "1"}})
    row = bag(svc, model, rel.id, "wp", True)
    assert row is not None and row.settings == {"x": "1"} and row.version == 1
    before = snapshot()
    with pytest.raises(NotLeaderError) as e:
        # the unit-bag part of the same commit is rolled back with it
        commit(svc, model, "wp/1", {rel.id: {"mine": "1"}}, {rel.id: {"x": "2"}})
    assert e.value.message == "cannot write relation settings"
    assert snapshot() == before


def test_write_to_a_relation_of_another_application_refused(svc, model, deploy) -> None:
    deploy("wp", WP, 1)
    deploy("mysql", MYSQL, 1)
    deploy("other", MYSQL, 1, charm="mysql")
    rel = integrate(svc, "wp", "mysql")
    with pytest.raises(RelationNotFoundError):
        commit(svc, model, "other/0", {rel.id: {"a": "1"}})


@pytest.fixture
def bags(svc, model, wp_db) -> dict[str, int]:
    """wp:db-mysql:server and wp's peer relation, everyone in scope, every bag written."""
    rel = integrate(svc, "wp", "mysql")
    peer = rel_by_key(svc, model, "wp:cluster")
    assert peer is not None
    for name in ("wp/0", "wp/1", "mysql/0"):
        enter(svc, model, name, rel.id)
    for name in ("wp/0", "wp/1"):
        enter(svc, model, name, peer.id)
        commit(svc, model, name, {rel.id: {"who": name}, peer.id: {"who": name}})
    commit(svc, model, "wp/0", apps_={rel.id: {"app": "wp"}, peer.id: {"app": "wp-peer"}})
    commit(svc, model, "mysql/0", {rel.id: {"who": "mysql/0"}}, {rel.id: {"app": "mysql"}})
    return {"rel": rel.id, "peer": peer.id}


READ_RULES: list[tuple[str, str, str, bool, Any]] = [
    # reader, relation, owner, is_app, the bag's "who"/"app" value or the error
    ("wp/0", "rel", "wp/0", False, "wp/0"),          # own unit bag
    ("wp/1", "rel", "wp/1", False, "wp/1"),
    ("wp/1", "rel", "mysql/0", False, "mysql/0"),    # remote unit bag
    ("wp/1", "rel", "mysql", True, "mysql"),         # remote app bag, any unit
    ("mysql/0", "rel", "wp", True, "wp"),
    ("mysql/0", "rel", "wp/1", False, "wp/1"),
    ("wp/0", "rel", "wp", True, "wp"),               # own app bag: leader
    ("wp/1", "rel", "wp", True, ForbiddenError),     # own app bag: non-leader, non-peer
    ("wp/1", "rel", "wp/0", False, ForbiddenError),  # another own-app unit, non-peer
    ("wp/0", "rel", "wp/1", False, ForbiddenError),
    ("wp/1", "peer", "wp", True, "wp-peer"),         # peer app bag: any unit
    ("wp/0", "peer", "wp", True, "wp-peer"),
    ("wp/1", "peer", "wp/0", False, "wp/0"),         # other peers' unit bags
    ("wp/0", "peer", "wp/1", False, "wp/1"),
    ("mysql/0", "peer", "wp", True, RelationNotFoundError),  # not in that relation at all
    ("wp/0", "rel", "other/0", False, ForbiddenError),       # an unrelated application
    ("wp/0", "rel", "other", True, ForbiddenError),
]


def test_read_settings_access_rules(svc, model, bags) -> None:
    for reader, which, owner, is_app, expected in READ_RULES:
        case = (reader, which, owner, is_app)
        rid = bags[which]
        if isinstance(expected, type):
            with pytest.raises(expected) as e:
                read(svc, model, reader, rid, owner, is_app)
            if expected is ForbiddenError:
                assert e.value.message == "permission denied", case
        else:
            got = read(svc, model, reader, rid, owner, is_app)
            assert got.get("who", got.get("app")) == expected, case


def test_remote_bag_readable_after_it_left_scope(svc, model, bags) -> None:
    leave(svc, model, "mysql/0", bags["rel"])
    assert read(svc, model, "wp/1", bags["rel"], "mysql/0")["who"] == "mysql/0"
    assert read(svc, model, "wp/1", bags["rel"], "mysql", True) == {"app": "mysql"}


def test_never_written_bag_reads_empty(svc, model, wp_db) -> None:
    rel = integrate(svc, "wp", "mysql")
    assert read(svc, model, "wp/0", rel.id, "mysql", True) == {}
    assert read(svc, model, "wp/0", rel.id, "mysql/0") == {}


# -- removal --------------------------------------------------------------------------


def test_remove_application_kills_its_relations(svc, model, wp_db, deploy) -> None:
    deploy("solo", SOLO, 1)
    rel = integrate(svc, "wp", "mysql")
    other = integrate(svc, "solo:one", "mysql:single")
    enter(svc, model, "wp/0", rel.id)
    activate(svc, model, "mysql/0")
    apps.remove_application(svc, "default", "mysql")
    assert rel_by_key(svc, model, rel.key).life == "dying"  # type: ignore[union-attr]
    assert all(r.id != other.id for r in rels(svc, model))  # nobody in scope: gone
    # wp's own peer relation is untouched
    assert rel_by_key(svc, model, "wp:cluster").life == "alive"  # type: ignore[union-attr]


def test_remove_application_of_unprovisioned_app_removes_everything(svc, model, wp_db) -> None:
    rel = integrate(svc, "wp", "mysql")
    apps.remove_application(svc, "default", "mysql")
    with svc.store.read() as tx:
        assert tx.application(model.uuid, "mysql") is None
    assert all(r.id != rel.id for r in rels(svc, model))


def test_removing_a_principal_unit_kills_its_subordinates(svc, model, subord) -> None:
    rel = integrate(svc, "nrpe", "wp")
    enter(svc, model, "wp/0", rel.id)
    enter(svc, model, "wp/1", rel.id)
    activate(svc, model, "wp/0", "wp/1", "nrpe/0", "nrpe/1")
    units_svc.remove_units(svc, "default", ["wp/0"])
    assert unit(svc, model, "wp/0").life == "dying"
    assert unit(svc, model, "nrpe/0").life == "dying"
    assert unit(svc, model, "nrpe/1").life == "alive"


def test_removing_a_container_relation_kills_its_subordinates(svc, model, subord) -> None:
    rel = integrate(svc, "nrpe", "wp")
    enter(svc, model, "wp/0", rel.id)
    activate(svc, model, "wp/0", "nrpe/0")
    relations.remove_relation(svc, "default", ["nrpe", "wp"])
    assert unit(svc, model, "nrpe/0").life == "dying"
    assert unit(svc, model, "wp/0").life == "alive"


def test_unit_dead_refused_while_subordinates_exist(svc, model, subord) -> None:
    rel = integrate(svc, "nrpe", "wp")
    enter(svc, model, "wp/0", rel.id)
    enter(svc, model, "nrpe/0", rel.id)
    activate(svc, model, "wp/0", "nrpe/0")
    units_svc.remove_units(svc, "default", ["wp/0"])
    m0 = machine_of(svc, model, "wp/0")
    with pytest.raises(ConflictError, match="nrpe/0"):
        agents.unit_dead(svc, model, m0, "wp/0", Empty())
    assert unit(svc, model, "wp/0") is not None
    agents.unit_dead(svc, model, m0, "nrpe/0", Empty())  # same machine: its agent may report it
    assert unit(svc, model, "nrpe/0") is None
    agents.unit_dead(svc, model, m0, "wp/0", Empty())
    assert unit(svc, model, "wp/0") is None
    # finishing removal left the scopes: the dying relation is gone with its last member
    with svc.store.read() as tx:
        assert tx.scopes(model.uuid, rel.id) == []


def test_finish_unit_removal_leaves_scopes(svc, model, wp_db) -> None:
    rel = integrate(svc, "wp", "mysql")
    enter(svc, model, "wp/1", rel.id)
    activate(svc, model, "wp/1")
    units_svc.remove_units(svc, "default", ["wp/1"])
    agents.unit_dead(svc, model, machine_of(svc, model, "wp/1"), "wp/1", Empty())
    with svc.store.read() as tx:
        assert tx.scopes(model.uuid, rel.id) == []
    # the bag of the departed unit stays readable for the others
    enter(svc, model, "mysql/0", rel.id)
    assert "private-address" in read(svc, model, "mysql/0", rel.id, "wp/1")


# -- status ---------------------------------------------------------------------------


def doc(svc, model: ModelRow) -> dict[str, Any]:
    with svc.store.read() as tx:
        return status.build_status(svc, tx, tx.model(model.uuid))


def test_status_relations_and_subordinates(svc, model, deploy) -> None:
    deploy("wp", WP, 1)
    deploy("mysql", MYSQL, 1)
    deploy("nrpe", SUB, 0)
    rel = integrate(svc, "wp", "mysql")
    sub = integrate(svc, "wp", "nrpe")
    enter(svc, model, "wp/0", sub.id)
    d = doc(svc, model)
    wp = d["applications"]["wp"]
    assert wp["relations"] == {
        "cluster": [{"related-application": "wp", "interface": "wp-peers", "scope": "global"}],
        "db": [{"related-application": "mysql", "interface": "mysql", "scope": "global"}],
        "juju-info": [{"related-application": "nrpe", "interface": "juju-info",
                       "scope": "container"}],
    }
    assert d["applications"]["mysql"]["relations"] == {
        "server": [{"related-application": "wp", "interface": "mysql", "scope": "global"}]}
    nrpe = d["applications"]["nrpe"]
    assert nrpe["relations"] == {"general-info": [
        {"related-application": "wp", "interface": "juju-info", "scope": "container"}]}
    assert nrpe["subordinate-to"] == ["wp"]
    assert "units" not in nrpe
    assert "subordinate-to" not in wp
    keys = list(nrpe)
    assert keys.index("relations") < keys.index("subordinate-to")
    wp0 = wp["units"]["wp/0"]
    assert list(wp0["subordinates"]) == ["nrpe/0"]
    nested = wp0["subordinates"]["nrpe/0"]
    assert "machine" not in nested and nested["leader"] is True
    assert d["relations-tabular"] == sorted([
        {"provider": "mysql:server", "requirer": "wp:db", "interface": "mysql",
         "type": "regular", "message": ""},
        {"provider": "wp:cluster", "requirer": "wp:cluster", "interface": "wp-peers",
         "type": "peer", "message": ""},
        {"provider": "wp:juju-info", "requirer": "nrpe:general-info", "interface": "juju-info",
         "type": "subordinate", "message": ""},
    ], key=lambda r: (r["provider"], r["requirer"]))
    # a removed relation disappears from both sides
    relations.remove_relation(svc, "default", [str(rel.id)])
    d = doc(svc, model)
    assert "db" not in d["applications"]["wp"]["relations"]
    assert "relations" not in d["applications"]["mysql"]


def test_status_without_relations_has_no_tabular(svc, model, deploy) -> None:
    deploy("mysql", MYSQL, 1)
    d = doc(svc, model)
    assert "relations-tabular" not in d and "relations" not in d["applications"]["mysql"]


def test_show_unit_relation_info(svc, model, bags) -> None:
    with svc.store.read() as tx:
        m = tx.model(model.uuid)
        info = status.show_unit(tx, m, tx.unit(model.uuid, "wp/1"))["relation-info"]
    by_id = {e["relation-id"]: e for e in info}
    r = by_id[bags["rel"]]
    assert (r["endpoint"], r["related-endpoint"], r["cross-model"]) == ("db", "server", False)
    assert r["application-data"] == {"app": "mysql"}
    assert r["local-unit"]["in-scope"] is True and r["local-unit"]["data"]["who"] == "wp/1"
    assert list(r["related-units"]) == ["mysql/0"]
    assert r["related-units"]["mysql/0"] == {"in-scope": True,
                                             "data": bag(svc, model, bags["rel"], "mysql/0").settings}
    p = by_id[bags["peer"]]
    assert (p["endpoint"], p["related-endpoint"]) == ("cluster", "cluster")
    assert p["application-data"] == {"app": "wp-peer"}
    assert list(p["related-units"]) == ["wp/0"]
