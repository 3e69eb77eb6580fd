"""HookContext relation methods: ids, units, bags with pending writes and access checks."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from agent_fakes import unit_view

from pyjuju.agent.hooks.context import HookContext, HookRelation, MachineNetwork
from pyjuju.agent.hooks.toolctx import ToolError
from pyjuju.charm import parse_metadata
from pyjuju.core.errors import ForbiddenError, PyjujuError, RelationNotFoundError
from pyjuju.wire import RelationSettingsQuery, Settings

NET = MachineNetwork(address="10.1.0.5", cidr="10.1.0.0/16", mac_address="aa:bb", interface="eth0")
META = parse_metadata({"name": "app", "summary": "s", "description": "d",
                       "requires": {"db": {"interface": "mysql"}},
                       "peers": {"cluster": {"interface": "app-peers"}}})

RELATIONS: dict[int, HookRelation] = {
    3: HookRelation(endpoint="db", remote_app="mysql", members=frozenset({"mysql/1", "mysql/0"})),
    12: HookRelation(endpoint="db", remote_app="pg"),
    1: HookRelation(endpoint="cluster", remote_app="app", peer=True, members=frozenset({"app/1"})),
}


class FakeClient:
    """Hands out bags; records every read."""

    def __init__(self, bags: dict[tuple[int, str, bool], dict[str, str]] | None = None,
                 errors: dict[tuple[int, str, bool], PyjujuError] | None = None) -> None:
        self.bags = bags or {}
        self.errors = errors or {}
        self.calls: list[tuple[str, int, str, bool]] = []

    async def call(self, op: Any, q: RelationSettingsQuery, unit: str) -> Settings:
        assert op.name == "relation-settings"
        self.calls.append((unit, q.relation_id, q.owner, q.is_app))
        key = (q.relation_id, q.owner, q.is_app)
        if key in self.errors:
            raise self.errors[key]
        return Settings(values=dict(self.bags.get(key, {})))


def make(leader: bool = False, client: FakeClient | None = None,
         relations: dict[int, HookRelation] | None = None, hook: str = "db-relation-changed",
         relation_id: int = 3) -> tuple[HookContext, FakeClient]:
    client = client or FakeClient()

    async def send(p: Any) -> None:
        pass

    async def log(level: str, message: str) -> None:
        pass

    ctx = HookContext(
        unit_name="app/0", hook_name=hook, view=unit_view(leader=leader), meta=META,
        client=client,  # type: ignore[arg-type]
        network=NET, log=log, send_status=send, on_status_set=lambda: None,
        relation_id=relation_id, remote_unit="mysql/0", remote_app="mysql",
        relations=RELATIONS if relations is None else relations,
        model_uuid="uuid-1",
    )
    return ctx, client


def get(ctx: HookContext, rid: int, owner: str, app: bool = False) -> dict[str, str]:
    return asyncio.run(ctx.relation_settings(rid, owner, app))


# -- ids, units --------------------------------------------------------------------------


def test_relation_ids_per_endpoint() -> None:
    ctx, _ = make()
    assert sorted(ctx.relation_ids("db")) == ["db:12", "db:3"]
    assert ctx.relation_ids("cluster") == ["cluster:1"]
    assert ctx.relation_ids("nope") == []


def test_relation_broken_leaves_relation_ids_but_stays_reachable() -> None:
    """Juju's context marks the relation of a relation-broken hook broken: not listed any more."""
    ctx, _ = make(hook="db-relation-broken")
    assert ctx.relation_ids("db") == ["db:12"]
    assert ctx.has_relation(3) and ctx.relation_endpoint(3) == "db"
    ctx, _ = make(hook="db-relation-departed")
    assert sorted(ctx.relation_ids("db")) == ["db:12", "db:3"]


def test_peer_relations_never_break() -> None:
    ctx, _ = make(hook="cluster-relation-broken", relation_id=1)
    assert ctx.relation_ids("cluster") == ["cluster:1"]


def test_relation_units_and_details() -> None:
    ctx, _ = make()
    assert ctx.relation_units(3) == ["mysql/0", "mysql/1"]
    assert ctx.relation_units(12) == []
    assert ctx.relation_units(1) == ["app/1"]
    assert ctx.relation_remote_app(12) == "pg"
    assert ctx.relation_endpoint(1) == "cluster"
    assert ctx.relation_model_uuid(3) == "uuid-1"
    assert ctx.has_relation(3) and not ctx.has_relation(4)


@pytest.mark.parametrize("call", [
    lambda c: c.relation_units(99),
    lambda c: c.relation_remote_app(99),
    lambda c: c.relation_endpoint(99),
    lambda c: c.relation_model_uuid(99),
    lambda c: c.set_relation_settings(99, {"a": "1"}, False),
    lambda c: asyncio.run(c.relation_settings(99, "mysql/0", False)),
])
def test_unknown_relation(call) -> None:
    ctx, client = make(leader=True)
    with pytest.raises(ToolError, match="relation not found"):
        call(ctx)
    assert client.calls == []
    assert ctx.commit_params().relation_settings == {}


def test_no_relations_at_all() -> None:
    ctx, _ = make(relations={})
    assert ctx.relation_ids("db") == []
    with pytest.raises(ToolError, match="relation not found"):
        ctx.relation_units(3)


# -- reading bags ------------------------------------------------------------------------------


def test_first_read_is_cached_per_relation_owner_and_kind() -> None:
    client = FakeClient({(3, "mysql/0", False): {"host": "db0"}, (3, "mysql", True): {"v": "1"}})
    ctx, _ = make(client=client)
    assert get(ctx, 3, "mysql/0") == {"host": "db0"}
    client.bags[(3, "mysql/0", False)] = {"host": "changed"}
    assert get(ctx, 3, "mysql/0") == {"host": "db0"}  # the hook sees one snapshot
    assert get(ctx, 3, "mysql", True) == {"v": "1"}
    assert get(ctx, 3, "mysql", True) == {"v": "1"}
    assert get(ctx, 12, "mysql/0") == {}             # another relation: another read
    assert client.calls == [("app/0", 3, "mysql/0", False), ("app/0", 3, "mysql", True),
                            ("app/0", 12, "mysql/0", False)]


def test_returned_bag_is_a_copy() -> None:
    ctx, _ = make(client=FakeClient({(3, "mysql/0", False): {"a": "1"}}))
    get(ctx, 3, "mysql/0")["a"] = "mutated"
    assert get(ctx, 3, "mysql/0") == {"a": "1"}


def test_own_unit_bag_overlays_pending_writes() -> None:
    client = FakeClient({(3, "app/0", False): {"private-address": "10.1.0.5", "keep": "1",
                                               "old": "x"}})
    ctx, _ = make(client=client)
    ctx.set_relation_settings(3, {"new": "2", "old": ""}, app=False)
    assert get(ctx, 3, "app/0") == {"private-address": "10.1.0.5", "keep": "1", "new": "2"}
    ctx.set_relation_settings(3, {"old": "back", "new": ""}, app=False)
    assert get(ctx, 3, "app/0") == {"private-address": "10.1.0.5", "keep": "1", "old": "back"}
    assert len(client.calls) == 1
    # writes to one relation do not leak into another
    assert get(ctx, 12, "app/0") == {}


def test_own_app_bag_overlays_pending_writes_for_leader() -> None:
    client = FakeClient({(3, "app", True): {"a": "1", "b": "2"}})
    ctx, _ = make(leader=True, client=client)
    ctx.set_relation_settings(3, {"b": "", "c": "3"}, app=True)
    assert get(ctx, 3, "app", True) == {"a": "1", "c": "3"}
    # unit writes do not show in the app bag, nor app writes in the unit bag
    ctx.set_relation_settings(3, {"u": "1"}, app=False)
    assert "u" not in get(ctx, 3, "app", True)
    assert "c" not in get(ctx, 3, "app/0")


def test_remote_bags_never_show_own_pending_writes() -> None:
    ctx, _ = make(leader=True, client=FakeClient({(3, "mysql/0", False): {"a": "1"}}))
    ctx.set_relation_settings(3, {"a": "mine"}, app=False)
    ctx.set_relation_settings(3, {"a": "mine"}, app=True)
    assert get(ctx, 3, "mysql/0") == {"a": "1"}
    assert get(ctx, 3, "mysql", True) == {}


@pytest.mark.parametrize("leader, rid, owner, app, allowed", [
    (False, 3, "app", True, False),      # own app bag, non-leader, non-peer
    (True, 3, "app", True, True),        # leader
    (False, 1, "app", True, True),       # peer relation: any unit
    (False, 3, "app/1", False, False),   # another unit of the own app, non-peer
    (True, 3, "app/1", False, False),    # ... even for the leader
    (False, 1, "app/1", False, True),    # peers read each other
    (False, 3, "app/0", False, True),    # own unit bag
    (False, 3, "mysql/1", False, True),  # remote unit
    (False, 3, "mysql", True, True),     # remote app
])
def test_read_access_rules(leader, rid, owner, app, allowed) -> None:
    ctx, client = make(leader=leader)
    if allowed:
        assert get(ctx, rid, owner, app) == {}
        assert client.calls == [("app/0", rid, owner, app)]
    else:
        with pytest.raises(ToolError) as e:
            get(ctx, rid, owner, app)
        assert (e.value.message, e.value.code) == ("permission denied", 1)
        assert client.calls == []  # refused locally, no round trip


def test_controller_refusals_become_tool_errors() -> None:
    client = FakeClient(errors={
        (3, "x/0", False): ForbiddenError("permission denied"),
        (3, "mysql/9", False): RelationNotFoundError("relation not found"),
    })
    ctx, _ = make(client=client)
    with pytest.raises(ToolError, match="^permission denied$"):
        get(ctx, 3, "x/0")
    with pytest.raises(ToolError, match="relation not found"):
        get(ctx, 3, "mysql/9")
    # a failed read is not cached as a bag
    del client.errors[(3, "mysql/9", False)]
    assert get(ctx, 3, "mysql/9") == {}


# -- writing bags --------------------------------------------------------------------------------


def test_app_write_needs_leadership() -> None:
    ctx, _ = make(leader=False)
    with pytest.raises(ToolError) as e:
        ctx.set_relation_settings(3, {"a": "1"}, app=True)
    assert (e.value.message, e.value.code) == ("cannot write relation settings", 1)
    with pytest.raises(ToolError, match="cannot write relation settings"):
        ctx.set_relation_settings(1, {"a": "1"}, app=True)  # peer relation too
    assert ctx.commit_params().app_relation_settings == {}


def test_commit_params_carry_relation_writes_keyed_by_id_string() -> None:
    ctx, _ = make(leader=True)
    ctx.set_relation_settings(3, {"a": "1", "b": "2"}, app=False)
    ctx.set_relation_settings(3, {"b": "", "c": "3"}, app=False)
    ctx.set_relation_settings(12, {"x": "y"}, app=False)
    ctx.set_relation_settings(1, {"leader": "data", "gone": ""}, app=True)
    p = ctx.commit_params()
    assert p.relation_settings == {"3": {"a": "1", "b": "", "c": "3"}, "12": {"x": "y"}}
    assert p.app_relation_settings == {"1": {"leader": "data", "gone": ""}}
    assert p.commit_id == ctx.id


def test_empty_write_is_not_committed() -> None:
    ctx, _ = make(leader=True)
    ctx.set_relation_settings(3, {}, app=False)
    ctx.set_relation_settings(3, {}, app=True)
    p = ctx.commit_params()
    assert p.relation_settings == {} and p.app_relation_settings == {}
