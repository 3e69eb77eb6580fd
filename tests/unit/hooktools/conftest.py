"""Fixtures for the hook-tool tests: a populated fake context and a way to run tools on it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from pyjuju.agent.hooks.toolctx import NetworkAddress, NetworkInfo, NetworkInterface
from pyjuju.agent.hooks.tools import ToolResult, run_tool
from pyjuju.testing.fake_toolctx import FakeToolContext, default_network

Runner = Callable[..., ToolResult]


@pytest.fixture
def ctx() -> FakeToolContext:
    """``wordpress/0`` related to mysql on ``db:3`` and to itself on ``peers:1``."""
    c = FakeToolContext(unit_name="wordpress/0", hook_name="config-changed")
    c.config_values = {"port": 80, "title": "My blog", "debug": False, "ratio": 1.5, "unset": None}
    c.config_options = ["port", "title", "debug", "ratio", "unset"]
    c.networks["db"] = default_network("10.0.0.5")
    c.networks["website"] = NetworkInfo(
        bind_addresses=(
            NetworkInterface(
                interface_name="eth1",
                mac_address="aa:bb:cc:dd:ee:ff",
                addresses=(
                    NetworkAddress(value="192.168.1.9", cidr="192.168.1.0/24", hostname="web"),
                ),
            ),
        ),
        egress_subnets=(),
        ingress_addresses=(),
    )
    c.add_relation(
        3,
        "db",
        "mysql",
        units=["mysql/1", "mysql/0"],
        bags={
            "mysql/0": {"host": "10.0.0.9", "port": "3306", "flag": "true"},
            "mysql": {"database": "wp"},
            "wordpress/0": {"private-address": "10.0.0.5"},
            "wordpress": {"secret": "s3"},
        },
    )
    c.add_relation(1, "peers", "wordpress", units=["wordpress/1"], peer=True)
    return c


@pytest.fixture
def run(ctx: FakeToolContext) -> Runner:
    """``run("config-get", "--format=json", stdin=None, cwd="/")`` against ``ctx``."""

    def _run(
        name: str, *args: str, stdin: bytes | None = None, cwd: str = "/", on=None
    ) -> ToolResult:
        return asyncio.run(run_tool(on or ctx, name, list(args), stdin, cwd))

    return _run
