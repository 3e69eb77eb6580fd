"""Log shipping: logging-config parsing, source filtering, batching."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from pyjuju.agent.machine.logs import LEVELS, LogShipper, parse_logging_config
from pyjuju.wire import AgentLogRecord, LogBatch


class FakeClient:
    def __init__(self, fail: int = 0) -> None:
        self.batches: list[list[AgentLogRecord]] = []
        self.fail = fail

    async def call(self, op: Any, batch: LogBatch, unit: str = "") -> None:
        assert op.name == "logs"
        if self.fail:
            self.fail -= 1
            raise ConnectionError("down")
        self.batches.append(list(batch.records))


def shipper(config: str | None = None, **kw: Any) -> LogShipper:
    s = LogShipper(FakeClient(), **kw)  # type: ignore[arg-type]
    if config is not None:
        s.configure(config)
    return s


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", {"": 20}),
        ("<root>=INFO;unit=DEBUG", {"": 20, "unit": 10}),
        ("<root>=WARNING", {"": 30}),
        ("<root>=debug; juju.worker = error", {"": 10, "juju.worker": 40}),
        ("a=TRACE,b=CRITICAL", {"": 20, "a": 5, "b": 50}),
        ("noequals;x=", {"": 20}),
        ("x=BOGUS", {"": 20, "x": 20}),
    ],
)
def test_parse_logging_config(text, expected) -> None:
    assert parse_logging_config(text) == expected


def test_default_config_lets_unit_debug_through_and_drops_juju_debug() -> None:
    s = shipper("<root>=INFO;unit=DEBUG")
    assert s.enabled("unit.app/0.install", "DEBUG")
    assert s.enabled("unit", "DEBUG")
    assert not s.enabled("unit.app/0.install", "TRACE")
    assert not s.enabled("juju.worker.uniter", "DEBUG")
    assert s.enabled("juju.worker.uniter", "INFO")
    assert s.enabled("juju.worker.uniter", "ERROR")
    # a prefix match is on whole dotted components only
    assert not s.enabled("units.other", "DEBUG")


def test_fresh_shipper_uses_the_model_default() -> None:
    s = shipper()
    assert s.enabled("unit.x.y", "DEBUG") and not s.enabled("juju.x", "DEBUG")


@pytest.mark.parametrize(
    "module, level, enabled",
    [
        ("juju.worker.uniter", "DEBUG", True),       # juju.worker=DEBUG
        ("juju.worker.uniter.operation", "DEBUG", False),  # longer prefix: ERROR
        ("juju.worker.uniter.operation", "ERROR", True),
        ("juju.other", "DEBUG", False),               # juju=INFO
        ("juju.other", "INFO", True),
        ("unit.app/0.install", "INFO", False),        # <root>=WARNING
        ("unit.app/0.install", "WARNING", True),
    ],
)
def test_longest_prefix_wins(module, level, enabled) -> None:
    s = shipper("<root>=WARNING;juju=INFO;juju.worker=DEBUG;juju.worker.uniter.operation=ERROR")
    assert s.enabled(module, level) is enabled


def test_unknown_level_counts_as_info() -> None:
    s = shipper("<root>=INFO")
    assert s.enabled("x", "NOTICE")
    s = shipper("<root>=WARNING")
    assert not s.enabled("x", "NOTICE")


def test_emit_filters_and_flush_batches() -> None:
    client = FakeClient()
    s = LogShipper(client, max_batch=2)  # type: ignore[arg-type]
    s.emit("unit-app-0", "DEBUG", "juju.worker", "dropped")
    for i in range(5):
        s.emit("unit-app-0", "DEBUG", "unit.app/0.install", f"line {i}")
    asyncio.run(s.flush())
    assert [[r.message for r in b] for b in client.batches] == [
        ["line 0", "line 1"], ["line 2", "line 3"], ["line 4"],
    ]
    rec = client.batches[0][0]
    assert rec.time and rec.location == ""
    assert (rec.entity, rec.level, rec.module) == ("unit-app-0", "DEBUG", "unit.app/0.install")


def test_failed_send_keeps_lines_in_order() -> None:
    client = FakeClient(fail=1)
    s = LogShipper(client)  # type: ignore[arg-type]
    s.emit("e", "INFO", "m", "a")
    s.emit("e", "INFO", "m", "b")
    asyncio.run(s.flush())
    assert client.batches == []
    s.emit("e", "INFO", "m", "c")
    asyncio.run(s.flush())
    assert [r.message for b in client.batches for r in b] == ["a", "b", "c"]


def test_levels_are_ordered() -> None:
    order = ["TRACE", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
    assert [LEVELS[x] for x in order] == sorted(LEVELS[x] for x in order)
