"""HookContext: snapshot reads, buffered transactional writes, immediate status writes."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest
from agent_fakes import FakeAgentClient, unit_view

from pyjuju.agent.hooks.context import HookContext, MachineNetwork
from pyjuju.agent.hooks.toolctx import ToolError
from pyjuju.charm import parse_metadata
from pyjuju.controller.services.agents import apply_port_changes
from pyjuju.core.errors import NotLeaderError
from pyjuju.core.ports import PortRange
from pyjuju.wire import AgentStatusParams, HookCommitParams, LeaderSettingsParams, UnitState

NET = MachineNetwork(address="10.1.0.5", cidr="10.1.0.0/16", mac_address="aa:bb", interface="eth0")
META = parse_metadata({"name": "app", "summary": "s", "description": "d",
                       "provides": {"website": {"interface": "http"}},
                       "extra-bindings": {"admin": None}})


def make(view: dict[str, Any] | None = None, send_status=None) -> tuple[HookContext, FakeAgentClient, list]:
    client = FakeAgentClient(state=lambda req, unit: UnitState(state={"a": "1", "b": "2"}))
    sent: list[AgentStatusParams] = []
    flags: list[str] = []

    async def default_send(p: AgentStatusParams) -> None:
        sent.append(p)

    async def log(level: str, message: str) -> None:
        flags.append(f"log:{level}:{message}")

    ctx = HookContext(
        unit_name="app/0", hook_name="install", view=unit_view(**(view or {})), meta=META,
        client=client,  # type: ignore[arg-type]
        network=NET, log=log, send_status=send_status or default_send,
        on_status_set=lambda: flags.append("status-set"),
    )
    return ctx, client, [sent, flags]


def test_context_id_format() -> None:
    ctx, _, _ = make()
    unit, hook, rand = ctx.id.rsplit("-", 2)
    assert (unit, hook) == ("app/0", "install") and rand.isdigit()
    assert make()[0].id != ctx.id


def test_config_is_a_copy_of_the_snapshot() -> None:
    ctx, _, _ = make({"config": {"port": 80}, "config_options": ["port", "name"]})
    cfg = ctx.config()
    cfg["port"] = 1
    assert ctx.config() == {"port": 80}
    assert ctx.config_option_names() == ["port", "name"]


def test_state_fetched_once_and_overlaid() -> None:
    ctx, client, _ = make()
    assert asyncio.run(ctx.state()) == {"a": "1", "b": "2"}
    ctx.set_state({"c": "3", "a": "9"})
    ctx.delete_state("b")
    assert asyncio.run(ctx.state()) == {"a": "9", "c": "3"}
    ctx.delete_state("c")
    ctx.set_state({"b": "again"})
    assert asyncio.run(ctx.state()) == {"a": "9", "b": "again"}
    assert [(name, unit) for name, unit, _ in client.calls] == [("state", "app/0")]
    p = ctx.commit_params()
    assert p.commit_id == ctx.id
    assert p.state_set == {"a": "9", "b": "again"}
    assert p.state_delete == ["c"]


def test_nothing_buffered_means_empty_commit() -> None:
    ctx, _, _ = make()
    p = ctx.commit_params()
    assert p == HookCommitParams(commit_id=ctx.id)


def test_unit_status_set_is_immediate_and_marks_status_set() -> None:
    ctx, _, (sent, flags) = make()
    asyncio.run(ctx.set_status("active", "ready", application=False))
    assert len(sent) == 1 and sent[0].workload is not None
    assert sent[0].workload.status == "active" and sent[0].mark_status_set is True
    assert sent[0].application is None
    assert flags == ["status-set"]


def test_application_status_needs_leadership() -> None:
    ctx, _, (sent, flags) = make({"leader": False})
    with pytest.raises(ToolError, match="not the leader"):
        asyncio.run(ctx.set_status("active", "", application=True))
    assert sent == [] and flags == []
    ctx, _, (sent, flags) = make({"leader": True})
    asyncio.run(ctx.set_status("blocked", "x", application=True))
    assert sent[0].application is not None and sent[0].workload is None
    assert flags == []  # application status does not count as the unit's own status


def test_controller_refusal_becomes_tool_error() -> None:
    async def refuse(p: AgentStatusParams) -> None:
        raise NotLeaderError("nope")

    ctx, _, (_, flags) = make({"leader": True}, send_status=refuse)
    with pytest.raises(ToolError, match="this unit is not the leader"):
        asyncio.run(ctx.set_status("active", "", application=True))
    assert flags == []


def test_leader_settings_snapshot_and_writes() -> None:
    ctx, client, _ = make({"leader": False, "leader_settings": {"k": "v"}})
    assert asyncio.run(ctx.leader_settings()) == {"k": "v"}
    assert asyncio.run(ctx.is_leader()) is False
    with pytest.raises(ToolError):
        asyncio.run(ctx.set_leader_settings({"k": "w"}))
    assert client.calls == []
    ctx, client, _ = make({"leader": True, "leader_settings": {"k": "v", "x": "1"}})
    asyncio.run(ctx.set_leader_settings({"k": "w", "x": ""}))
    assert client.requests("leader-settings") == [LeaderSettingsParams(values={"k": "w", "x": ""})]
    assert asyncio.run(ctx.leader_settings()) == {"k": "w"}


def test_network_info_for_known_bindings_only() -> None:
    ctx, _, _ = make()
    info = ctx.network_info("website", None)
    assert info.ingress_addresses == ("10.1.0.5",)
    assert info.egress_subnets == ("10.1.0.5/32",)
    iface = info.bind_addresses[0]
    assert iface.interface_name == "eth0" and iface.mac_address == "aa:bb"
    assert iface.addresses[0].cidr == "10.1.0.0/16"
    assert ctx.network_info("admin", None).ingress_addresses == ("10.1.0.5",)
    with pytest.raises(ToolError, match='binding "nope"'):
        ctx.network_info("nope", None)
    assert ctx.unit_address("private") == "10.1.0.5"


def test_opened_ports_view_matches_controller_merge() -> None:
    """What ``opened-ports`` shows during a hook equals what the controller stores after commit."""
    rng = random.Random(1234)
    ranges = [PortRange("tcp", 80, 80), PortRange("tcp", 8000, 8010), PortRange("udp", 53, 53),
              PortRange("icmp")]
    endpoint_sets: list[tuple[str, ...] | None] = [None, ("website",), ("admin",),
                                                    ("admin", "website")]
    for _ in range(200):
        committed = []
        for r in rng.sample(ranges, rng.randint(0, 3)):
            eps = rng.choice(endpoint_sets)
            committed.append({"range": str(r), "endpoints": None if eps is None else sorted(eps)})
        ctx, _, _ = make({"opened_ports": committed})
        for _ in range(rng.randint(1, 6)):
            r = rng.choice(ranges)
            eps = rng.choice(endpoint_sets)
            (ctx.open_port if rng.random() < 0.6 else ctx.close_port)(r, eps)
        shown = [{"range": str(p.range), "endpoints": None if p.endpoints is None else list(p.endpoints)}
                 for p in ctx.opened_ports()]
        stored = apply_port_changes(committed, ctx.commit_params())
        assert shown == stored, (committed, ctx.commit_params().ports)
