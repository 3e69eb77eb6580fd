"""Fixtures for the controller tests: real store and hub, a fake substrate, charm archives."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import yaml
from fakehost import FakeHost

from pyjuju.charm import build_archive
from pyjuju.controller.hub import ChangeHub
from pyjuju.controller.services import models
from pyjuju.controller.services.base import Services, hash_token
from pyjuju.core import timefmt
from pyjuju.store import CredentialRow, ModelRow, open_store, schema

DEFAULT_CONFIG = {
    "options": {
        "port": {"type": "int", "default": 80, "description": "listen port"},
        "name": {"type": "string", "description": "no default"},
        "debug": {"type": "boolean", "default": False},
        "ratio": {"type": "float", "default": 0.5},
        "greeting": {"type": "string", "default": "hello"},
    }
}


@pytest.fixture
def svc(tmp_path: Path) -> Iterator[Services]:
    store = open_store(f"sqlite:///{tmp_path / 'controller.db'}")
    hub = ChangeHub()
    store.add_listener(hub.publish)
    services = Services(
        store=store,
        hub=hub,
        data_dir=tmp_path / "data",
        controller_name="ctl",
        controller_uuid=str(uuid.uuid4()),
        cloud="local",
        region="localhost",
        host=FakeHost(),
    )
    try:
        yield services
    finally:
        store.close()


@pytest.fixture
def model(svc: Services) -> ModelRow:
    return models.add_model(svc, "default")


@pytest.fixture
def charm_bytes(tmp_path: Path) -> Callable[..., bytes]:
    """Build a real ``.charm`` archive and return its bytes."""
    counter = iter(range(1_000_000))

    def make(
        name: str = "mini",
        config: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        files: dict[str, str] | None = None,
    ) -> bytes:
        n = next(counter)
        root = tmp_path / f"charm-src-{n}"
        root.mkdir()
        md = {"name": name, "summary": "test charm", "description": "a charm for tests"}
        md.update(metadata or {})
        (root / "metadata.yaml").write_text(yaml.safe_dump(md))
        (root / "config.yaml").write_text(
            yaml.safe_dump(DEFAULT_CONFIG if config is None else config)
        )
        hooks = root / "hooks"
        hooks.mkdir()
        install = hooks / "install"
        install.write_text("#!/bin/sh\nexit 0\n")
        install.chmod(0o755)
        for rel, text in (files or {}).items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
        return build_archive(root, tmp_path / f"charm-{n}.charm").read_bytes()

    return make


@pytest.fixture
def snapshot(svc: Services) -> Callable[[], dict[str, list[tuple[Any, ...]]]]:
    """Every row of every table, to prove that a failed call left nothing behind."""

    def take() -> dict[str, list[tuple[Any, ...]]]:
        out: dict[str, list[tuple[Any, ...]]] = {}
        with svc.store.engine.connect() as conn:
            for table in schema.metadata.sorted_tables:
                rows = conn.execute(sa.select(table)).all()
                out[table.name] = sorted(tuple(map(repr, r)) for r in rows)
        return out

    return take


# -- the user API in-process ------------------------------------------------------------
ADMIN_TOKEN = "admin-token-for-route-tests"
MACHINE_TOKEN = "machine-token-for-route-tests"


class ASGIOnThisThread(httpx.BaseTransport):
    """Runs each request through the ASGI app on the calling thread.

    The store's SQLite connection may only be used from the thread that opened it,
    so the app cannot run in a portal thread as fastapi's TestClient would run it."""

    def __init__(self, app: Any) -> None:
        self._asgi = httpx.ASGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def go() -> httpx.Response:
            resp = await self._asgi.handle_async_request(request)
            body = await resp.aread()
            return httpx.Response(resp.status_code, headers=resp.headers, content=body, request=request)

        return asyncio.run(go())


@pytest.fixture
def api_app(svc: Services) -> Any:
    """The controller's FastAPI app over ``svc``, with an admin and a machine credential."""
    from pyjuju.controller.apiserver import create_app

    with svc.store.write() as tx:
        for token, kind, entity in ((ADMIN_TOKEN, "user", "admin"), (MACHINE_TOKEN, "machine", "0")):
            tx.add_credential(CredentialRow(token_hash=hash_token(token), kind=kind, entity=entity,
                                            model_uuid=None, created=timefmt.now_iso()))

    async def destroy() -> None:
        raise AssertionError("the route tests never destroy the controller")

    return create_app(svc, destroy=destroy)


@pytest.fixture
def api(api_app: Any) -> Iterator[httpx.Client]:
    """An HTTP client of the app, authenticated as the admin user."""
    with httpx.Client(transport=ASGIOnThisThread(api_app), base_url="http://controller",
                      headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}) as client:
        yield client


@pytest.fixture
def api_as(api_app: Any) -> Iterator[Callable[[str | None], httpx.Client]]:
    """HTTP clients of the app sending this ``Authorization`` header (None: none at all);
    ``"admin"`` and ``"machine"`` stand for the bearer tokens of those credentials."""
    made: list[httpx.Client] = []
    tokens = {"admin": f"Bearer {ADMIN_TOKEN}", "machine": f"Bearer {MACHINE_TOKEN}"}

    def make(authorization: str | None) -> httpx.Client:
        headers = {} if authorization is None else {"Authorization": tokens.get(authorization, authorization)}
        client = httpx.Client(transport=ASGIOnThisThread(api_app), base_url="http://controller", headers=headers)
        made.append(client)
        return client

    try:
        yield make
    finally:
        for client in made:
            client.close()


@pytest.fixture
def user_client(api_app: Any) -> Iterator[Any]:
    """The CLI's :class:`pyjuju.client.user.Client`, talking to the app in-process."""
    from pyjuju.client.user import Client

    client = Client("http://controller", ADMIN_TOKEN)
    client.close()
    client._http = httpx.Client(transport=ASGIOnThisThread(api_app), base_url="http://controller",
                                headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def api_error() -> Callable[[httpx.Response, int, str], dict[str, Any]]:
    """Check that a response is an error body ``{"error": {code, message, details}}`` with
    this HTTP status and code; returns the error."""

    def check(resp: httpx.Response, status: int, code: str) -> dict[str, Any]:
        assert resp.status_code == status, resp.text
        body = resp.json()
        assert list(body) == ["error"] and set(body["error"]) == {"code", "message", "details"}, body
        assert body["error"]["code"] == code, body
        return dict(body["error"])

    return check
