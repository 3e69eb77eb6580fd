"""StatusReporter: ordered, non-blocking status delivery."""

from __future__ import annotations

import asyncio

import pytest

from pyjuju.agent.unit.reporter import StatusReporter
from pyjuju.core.errors import ConnectionFailedError, ForbiddenError
from pyjuju.wire import AgentStatusParams, StatusValue


def agent(status: str) -> AgentStatusParams:
    return AgentStatusParams(agent=StatusValue(status=status))


class FakeClient:
    def __init__(self, script: list[Exception | None] | None = None) -> None:
        self.script = list(script or [])
        self.delivered: list[tuple[str, str]] = []

    async def call(self, op: object, params: AgentStatusParams, unit: str) -> None:
        await asyncio.sleep(0)
        if self.script:
            err = self.script.pop(0)
            if err is not None:
                raise err
        assert params.agent is not None
        self.delivered.append((unit, params.agent.status))


def test_updates_queued_during_a_request_are_merged_in_order() -> None:
    async def go() -> list[tuple[str, str]]:
        client = FakeClient()
        r = StatusReporter(client, "app/0")  # type: ignore[arg-type]
        r.start()
        r.post(agent("executing"))  # sent at once: nothing else is queued yet
        await asyncio.sleep(0)
        r.post(agent("idle"))  # these three queue up while the first is in flight
        r.post(agent("executing"))
        await r.send(agent("maintenance"))  # returns only once delivered
        assert client.delivered[-1] == ("app/0", "maintenance")
        r.post(agent("active"))
        await r.stop()  # flushes
        return client.delivered

    assert asyncio.run(go()) == [("app/0", "executing"), ("app/0", "maintenance"), ("app/0", "active")]


def test_merge_keeps_the_latest_value_of_each_field() -> None:
    from pyjuju.agent.unit.reporter import merge

    m = merge([
        AgentStatusParams(agent=StatusValue(status="executing"),
                          workload=StatusValue(status="maintenance", message="installing")),
        AgentStatusParams(workload=StatusValue(status="active", message="ready"), mark_status_set=True),
        AgentStatusParams(agent=StatusValue(status="idle"), workload_version="1.2"),
    ])
    assert m.agent == StatusValue(status="idle")
    assert m.workload == StatusValue(status="active", message="ready")
    assert m.workload_version == "1.2" and m.mark_status_set is True


def test_refusal_reaches_the_waiter_and_does_not_stop_the_queue() -> None:
    async def go() -> FakeClient:
        client = FakeClient([None, ForbiddenError("no")])
        r = StatusReporter(client, "app/0")  # type: ignore[arg-type]
        r.start()
        await r.send(agent("a"))
        with pytest.raises(ForbiddenError):
            await r.send(agent("refused"))
        client.script = [ForbiddenError("no")]
        r.post(agent("dropped"))  # refused, nobody waits: logged and dropped
        await asyncio.wait_for(r.flush(), 5)
        await r.send(agent("b"))
        await r.stop()
        return client

    delivered = asyncio.run(go()).delivered
    assert delivered[0] == ("app/0", "a") and delivered[-1] == ("app/0", "b")
    assert ("app/0", "refused") not in delivered


def test_connection_failure_fails_a_waiter_but_retries_a_post() -> None:
    async def go() -> FakeClient:
        down = ConnectionFailedError("down")
        client = FakeClient([down, down])
        r = StatusReporter(client, "app/0")  # type: ignore[arg-type]
        r.start()
        with pytest.raises(ConnectionFailedError):
            await r.send(agent("waited"))
        r.post(agent("posted"))  # first try fails, retried after a short backoff
        await asyncio.wait_for(r.flush(), 5)
        await r.stop()
        return client

    assert asyncio.run(go()).delivered == [("app/0", "posted")]
