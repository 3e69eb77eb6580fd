"""The agent API: every registered call over HTTP and over the watch WebSocket, and the watch stream.

The real app is served by uvicorn on loopback in the test's own event loop (the
store's SQLite connection belongs to that thread), and the real AgentClient
talks to it, so both transports and the views are checked end to end.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import uvicorn

from pyjuju.client import AgentClient
from pyjuju.controller.apiserver import create_app
from pyjuju.controller.services import appconfig, charms
from pyjuju.controller.services import applications as apps
from pyjuju.controller.services.base import hash_token
from pyjuju.core import timefmt
from pyjuju.core.errors import (
    ForbiddenError,
    InvalidArgumentError,
    RelationNotFoundError,
    UnauthorizedError,
    UnitNotFoundError,
)
from pyjuju.store import CredentialRow
from pyjuju.wire import (
    AGENT_OPS,
    AgentStatusParams,
    CommitReply,
    Empty,
    HookCommitParams,
    RelationSettingsQuery,
    SecretAdd,
    SecretGetParams,
    StatusValue,
    UnitStatusQuery,
    WatchMessage,
    decode_content,
    encode_content,
)
from pyjuju.wire import agent as ops


@pytest.fixture
def tokens() -> dict[str, str]:
    """Fresh tokens per test: the API remembers verified tokens for a few seconds."""
    return {name: f"{name}-{uuid.uuid4().hex}" for name in ("machine-0", "machine-1", "admin")}


@pytest.fixture
def deployed(svc, model, charm_bytes, tokens):
    """``app`` with app/0 on machine 0 and app/1 on machine 1; a token for each machine."""
    url = charms.add_charm(svc, "default", charm_bytes()).url
    apps.deploy(svc, "default", application="app", charm_url=url, num_units=2, config={},
                config_strings={}, directives=[])
    with svc.store.write() as tx:
        for machine in ("0", "1"):
            tx.add_credential(CredentialRow(token_hash=hash_token(tokens[f"machine-{machine}"]), kind="machine",
                                            entity=machine, model_uuid=model.uuid, created=timefmt.now_iso()))
        tx.add_credential(CredentialRow(token_hash=hash_token(tokens["admin"]), kind="user", entity="admin",
                                        model_uuid=None, created=timefmt.now_iso()))
    return model


async def _noop() -> None:
    pass


def client_for(svc, token: str) -> AgentClient:
    app = create_app(svc, destroy=_noop)
    return AgentClient("http://agent.test", token, transport=httpx.ASGITransport(app=app))


# -- HTTP -----------------------------------------------------------------------------------


def test_calls_over_http_act_for_the_machines_own_units(svc, deployed, tokens) -> None:
    async def go() -> None:
        c = client_for(svc, tokens["machine-0"])
        await c.call(ops.SET_STATUS, AgentStatusParams(workload=StatusValue(status="active", message="up")),
                     "app/0")
        status = await c.call(ops.UNIT_STATUS, UnitStatusQuery(), "app/0")
        assert status.unit == StatusValue(status="active", message="up")
        commit = HookCommitParams(commit_id="c1", state_set={"k": "v"})
        assert await c.call(ops.COMMIT, commit, "app/0") == CommitReply(applied=True)
        assert await c.call(ops.COMMIT, commit, "app/0") == CommitReply(applied=False)  # a re-send
        assert (await c.call(ops.STATE, Empty(), "app/0")).state == {"k": "v"}
        goal = await c.call(ops.GOAL_STATE, Empty(), "app/0")
        assert set(goal.units) == {"app/0", "app/1"}
        with pytest.raises(ForbiddenError, match='machine 0 may not act for unit "app/1"'):
            await c.call(ops.STATE, Empty(), "app/1")
        with pytest.raises(UnitNotFoundError):
            await c.call(ops.STATE, Empty(), "app/9")
        with pytest.raises(InvalidArgumentError, match='"state" needs a unit'):
            await c.call(ops.STATE, Empty())
        await c.aclose()

    asyncio.run(go())


def test_agent_calls_need_a_machine_credential(svc, deployed, tokens) -> None:
    async def go() -> None:
        for token, error in (("nope", UnauthorizedError), (tokens["admin"], ForbiddenError)):
            c = client_for(svc, token)
            with pytest.raises(error):
                await c.call(ops.STATE, Empty(), "app/0")
            await c.aclose()

    asyncio.run(go())


def test_a_bad_body_is_refused_naming_the_field(svc, deployed, tokens) -> None:
    async def go() -> httpx.Response:
        app = create_app(svc, destroy=_noop)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t",
                                     headers={"Authorization": f"Bearer {tokens['machine-0']}"}) as http:
            return await http.post("/api/agent/ops/relation-settings", params={"unit": "app/0"},
                                   json={"relation_id": "x", "owner": "mysql/0"})

    resp = asyncio.run(go())
    assert resp.status_code == 400
    err = resp.json()["error"]
    assert err["code"] == "invalid-argument" and "relation_id" in err["message"]


def test_every_registered_call_has_a_typed_route(svc) -> None:
    doc = create_app(svc, destroy=_noop).openapi()
    for name, op in AGENT_OPS.items():
        route = doc["paths"][f"/api/agent/ops/{name}"]["post"]
        body = route["requestBody"]["content"]["application/json"]["schema"]
        assert body["$ref"].endswith(f"/{op.request.__name__}"), name
        reply = route["responses"]["200"]["content"]["application/json"]["schema"]
        assert reply["$ref"].endswith(f"/{op.reply.__name__}"), name


# -- WebSocket: the watch stream and calls over it ----------------------------------------


@pytest.fixture
def served(svc, deployed) -> Any:
    """Serve the app on a loopback port inside the test's event loop."""

    @contextlib.asynccontextmanager
    async def serve() -> AsyncIterator[str]:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(create_app(svc, destroy=_noop), log_level="warning",
                                               lifespan="off"))
        task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started:
            await asyncio.sleep(0.01)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            await task

    return serve


def test_watch_sends_a_snapshot_then_only_what_changed_and_carries_calls(svc, deployed, served, tokens) -> None:
    async def go() -> list[WatchMessage]:
        seen: list[WatchMessage] = []
        async with served() as url:
            c = AgentClient(url, tokens["machine-0"])
            queue: asyncio.Queue[WatchMessage] = asyncio.Queue()

            async def follow() -> None:  # as the machine agent does: replies arrive on this stream
                async for msg in c.watch():
                    queue.put_nowait(msg)

            follower = asyncio.create_task(follow())
            seen.append(await queue.get())
            # while the socket is open, calls travel over it (in order, answered by id)
            await c.call(ops.SET_STATUS, AgentStatusParams(agent=StatusValue(status="idle")), "app/0")
            with pytest.raises(ForbiddenError):
                await c.call(ops.STATE, Empty(), "app/1")
            with pytest.raises(RelationNotFoundError):  # the error class survives the trip
                await c.call(ops.RELATION_SETTINGS, RelationSettingsQuery(relation_id=99, owner="x/0"), "app/0")
            assert set((await c.call(ops.GOAL_STATE, Empty(), "app/0")).units) == {"app/0", "app/1"}
            appconfig.set_config(svc, "default", "app", strings={"greeting": "hi"}, values={}, reset=[])
            seen.append(await queue.get())
            follower.cancel()
            await asyncio.gather(follower, return_exceptions=True)
            await c.aclose()
        return seen

    snapshot, update = asyncio.run(go())
    assert snapshot.type == "snapshot" and set(snapshot.units) == {"app/0"}
    view = snapshot.units["app/0"]
    assert view is not None and view.leader and view.config["greeting"] == "hello"
    assert snapshot.model is not None and snapshot.model.name == "default"
    assert snapshot.machine is not None and snapshot.machine.id == "0"
    assert update.type == "update" and update.model is None and update.machine is None
    new = update.units["app/0"]
    assert new is not None and new.config["greeting"] == "hi" and new.config_version == view.config_version + 1


def test_secret_content_that_is_not_text_survives_the_round_trip(svc, deployed, tokens) -> None:
    raw = {"key": b"\xff\xfe\x00binary", "text": "héllo".encode()}

    async def go() -> dict[str, bytes]:
        c = client_for(svc, tokens["machine-0"])
        add = SecretAdd(id="d1111111111111111111", owner="unit", content=encode_content(raw))
        await c.call(ops.COMMIT, HookCommitParams(commit_id="s1", secrets=[add]), "app/0")
        got = await c.call(ops.SECRET_GET, SecretGetParams(ref="secret:d1111111111111111111"), "app/0")
        await c.aclose()
        return decode_content(got.content)

    assert asyncio.run(go()) == raw
