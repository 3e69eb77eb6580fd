"""A real controller API in the test's own process, and the CLI pointed at it.

:class:`InProcessController` builds what ``pyjuju.cmd.controller`` builds (a
SQLite store in a temp directory, the change hub, the services and the FastAPI
app from ``create_app``) but serves it through an httpx transport instead of a
socket, so CLI commands run end to end in milliseconds. No provisioner or
agents run: machines stay pending and units never run hooks, so tests assert
what the controller decides, not what agents do later.

The store's SQLite connection may only be used from the thread that opened it
(the controller's event loop, as in the daemon). So the app lives on an event
loop in a thread of its own, and the transport hands each request to that loop.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import secrets
import threading
import uuid
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import httpx
import yaml
from click.testing import CliRunner
from fakehost import FakeHost

from pyjuju.cli.clientstore import ClientStore
from pyjuju.cli.context import Connector
from pyjuju.cli.main import cli
from pyjuju.controller.apiserver import create_app
from pyjuju.controller.hub import ChangeHub
from pyjuju.controller.services import models as model_svc
from pyjuju.controller.services.base import Services, hash_token
from pyjuju.core import timefmt
from pyjuju.store import open_store
from pyjuju.store.rows import CredentialRow

T = TypeVar("T")

REQUEST_TIMEOUT = 30.0
"""Seconds one request may take on the controller's loop before the test fails."""


@dataclasses.dataclass(frozen=True, slots=True)
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


class LoopTransport(httpx.BaseTransport):
    """A synchronous httpx transport that runs each request on an ASGI app's own event loop."""

    def __init__(self, app: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._asgi = httpx.ASGITransport(app=app)
        self._loop = loop

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()

        async def send() -> tuple[int, httpx.Headers, bytes]:
            inner = httpx.Request(request.method, request.url, headers=request.headers, content=body)
            resp = await self._asgi.handle_async_request(inner)
            return resp.status_code, resp.headers, await resp.aread()

        status, headers, content = asyncio.run_coroutine_threadsafe(send(), self._loop).result(REQUEST_TIMEOUT)
        return httpx.Response(status, headers=headers, content=content, request=request)


class InProcessController:
    """A controller named ``name`` with its ``controller`` and ``default`` models, served in-process."""

    def __init__(self, data_dir: Path, name: str = "inproc") -> None:
        self.name = name
        self.uuid = str(uuid.uuid4())
        self.token = secrets.token_urlsafe(16)
        self.destroyed = False
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=f"controller-{name}", daemon=True)
        self._thread.start()
        data_dir.mkdir(parents=True, exist_ok=True)
        self.svc: Services = self.call(self._build, data_dir)
        self.app = create_app(self.svc, destroy=self._destroy)
        self.transport = LoopTransport(self.app, self._loop)

    def _build(self, data_dir: Path) -> Services:
        store = open_store(f"sqlite:///{data_dir / 'state.db'}")
        hub = ChangeHub()
        store.add_listener(hub.publish)
        svc = Services(store=store, hub=hub, data_dir=data_dir, controller_name=self.name,
                       controller_uuid=self.uuid, cloud="local", region="localhost", host=FakeHost())
        with store.write() as tx:
            tx.set_controller_value("uuid", self.uuid)
            tx.set_controller_value("name", self.name)
            tx.add_credential(CredentialRow(token_hash=hash_token(self.token), kind="user", entity="admin",
                                            model_uuid=None, created=timefmt.now_iso()))
        for model in ("controller", "default"):
            model_svc.add_model(svc, model)
        return svc

    async def _destroy(self) -> None:
        self.destroyed = True

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(*args)`` on the controller's loop thread (the only one that may touch the store)."""

        async def run() -> T:
            return fn(*args)

        return self._run(run())

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(REQUEST_TIMEOUT)

    def register(self, store: ClientStore) -> None:
        """Record the controller in a client store, as bootstrap does, with ``default`` current."""
        info = {"uuid": self.uuid, "api-endpoints": [f"http://{self.name}.inprocess.invalid:17070"],
                "cloud": "local", "region": "localhost"}
        store.add_controller(self.name, info, self.token, switch=True)
        store.set_current_model(self.name, "admin/default")

    def cli(self, *args: str) -> CliResult:
        """Run ``pyjuju ARGS...`` in this process against this controller."""
        result = CliRunner().invoke(cli, list(args), obj=Connector(self.transport))
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return CliResult(result.exit_code, result.stdout, result.stderr)

    def status(self, *args: str) -> dict[str, Any]:
        """``status --format json`` (which must succeed), parsed."""
        r = self.cli("status", "--format", "json", *args)
        assert r.exit_code == 0, r.stderr
        return json.loads(r.stdout)  # type: ignore[no-any-return]

    def close(self) -> None:
        self.call(self.svc.store.close)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()


def write_charm(root: Path, name: str, metadata: dict[str, Any], options: dict[str, Any] | None = None) -> Path:
    """A minimal charm directory (metadata, config, an install hook) at ``root/name``."""
    path = root / name
    (path / "hooks").mkdir(parents=True)
    (path / "metadata.yaml").write_text(yaml.safe_dump(
        {"name": name, "summary": f"{name} for tests", "description": "a charm for tests", **metadata}))
    (path / "config.yaml").write_text(yaml.safe_dump({"options": options or {}}))
    install = path / "hooks" / "install"
    install.write_text("#!/bin/sh\nexit 0\n")
    install.chmod(0o755)
    return path


def without_times(doc: Any) -> Any:
    """``doc`` without its ``since`` and ``timestamp`` keys: two status calls may straddle a second."""
    if isinstance(doc, dict):
        return {k: without_times(v) for k, v in doc.items() if k not in ("since", "timestamp")}
    if isinstance(doc, list):
        return [without_times(v) for v in doc]
    return doc
