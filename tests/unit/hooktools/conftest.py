"""Fixtures for the hook-tool tests: a hook of ``wordpress/0`` and a way to run tools in it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from toolscene import Scene

from pyjuju.agent.hooks.tools import ToolResult

Runner = Callable[..., ToolResult]


@pytest.fixture
def ctx(tmp_path: Path) -> Scene:
    """``wordpress/0`` in ``config-changed``, related to mysql on ``db:3`` and to its peers on ``peers:1``."""
    s = Scene(unit="wordpress/0", hook="config-changed", resource_dir=tmp_path / "resources")
    s.config = {"port": 80, "title": "My blog", "debug": False, "ratio": 1.5}
    s.config_options = ["port", "title", "debug", "ratio", "unset"]
    s.add_relation(
        3,
        "db",
        "mysql",
        members=["mysql/1", "mysql/0"],
        bags={
            "mysql/0": {"host": "10.0.0.9", "port": "3306", "flag": "true"},
            "mysql": {"database": "wp"},
            "wordpress/0": {"private-address": "10.0.0.5"},
            "wordpress": {"secret": "s3"},
        },
    )
    s.add_relation(1, "peers", "wordpress", members=["wordpress/1"], peer=True)
    return s


@pytest.fixture
def run(ctx: Scene) -> Runner:
    """``run("config-get", "--format=json", stdin=None, cwd="/")`` in ``ctx``'s hook."""
    return ctx.run
