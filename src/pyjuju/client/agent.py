"""The asyncio client a machine agent uses.

Every call is one :class:`~pyjuju.wire.agent.AgentOp`: the client sends its
request model and returns its reply model. While the watch stream is open,
calls travel over that same WebSocket as small RPC messages (ordered, and an
order of magnitude cheaper than an HTTP request per status update); while it
is not, they use ``POST /api/agent/ops/<name>``. Charm archives and resources
are downloaded over HTTP.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from ..core.errors import ConnectionFailedError, PyjujuError
from ..wire import WatchMessage
from ..wire import agent as ops
from ._errors import connection_failed, raise_for, tls_verify

Req = TypeVar("Req", bound=BaseModel)
Rep = TypeVar("Rep", bound=BaseModel)


class AgentClient:
    def __init__(self, base_url: str, token: str, timeout: float = 30.0,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        """``transport`` replaces the network (tests pass ``httpx.ASGITransport`` over the app)."""
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
            verify=tls_verify(self.base_url),
            transport=transport,
        )
        self._ws: Any = None
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[Any]] = {}

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- the one way to make a call ----------------------------------------------------
    async def call(self, op: ops.AgentOp[Req, Rep], request: Req, unit: str = "") -> Rep:
        """Send ``request`` for ``unit`` (when the call acts for one) and return the reply."""
        params = request.model_dump(mode="json")
        ws = self._ws
        if ws is None:
            result = await self._http_call(op.name, unit, params)
        else:
            result = await self._ws_call(ws, op.name, unit, params)
        return op.reply.model_validate(result)

    async def _http_call(self, name: str, unit: str, params: dict[str, Any]) -> Any:
        try:
            resp = await self._http.post(f"/api/agent/ops/{name}", json=params,
                                         params={"unit": unit} if unit else None)
        except httpx.TransportError as e:
            raise connection_failed(self.base_url, e) from None
        raise_for(resp)
        return resp.json()

    async def _ws_call(self, ws: Any, name: str, unit: str, params: dict[str, Any]) -> Any:
        rid = next(self._ids)
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[rid] = fut
        try:
            await ws.send(json.dumps({"id": rid, "op": name, "unit": unit, "params": params}))
        except Exception as e:
            self._pending.pop(rid, None)
            raise ConnectionFailedError(f"cannot reach the controller: {e}") from None
        try:
            async with asyncio.timeout(self.timeout):
                return await fut
        except TimeoutError:
            raise ConnectionFailedError(f"no answer from the controller to {name}") from None
        finally:
            self._pending.pop(rid, None)

    async def watch(self) -> AsyncIterator[WatchMessage]:
        """Watch messages; ends (or raises) when the connection drops. Calls made
        while it is open go over it."""
        from websockets.asyncio.client import connect

        url = self.base_url.replace("http://", "ws://").replace("https://", "wss://") + "/api/agent/watch"
        try:
            ws = await connect(url, additional_headers={"Authorization": f"Bearer {self.token}"},
                               max_size=None, ping_interval=20, ping_timeout=60)
        except OSError as e:
            raise connection_failed(self.base_url, e) from None
        self._ws = ws
        try:
            async with ws:
                async for raw in ws:
                    msg = json.loads(raw)
                    if "id" in msg:
                        self._answer(msg)
                        continue
                    yield WatchMessage.model_validate(msg)
        finally:
            self._ws = None
            for fut in self._pending.values():
                if not fut.done():
                    fut.set_exception(ConnectionFailedError("connection to the controller lost"))

    def _answer(self, msg: dict[str, Any]) -> None:
        fut = self._pending.get(msg["id"])
        if fut is None or fut.done():
            return
        if "error" in msg:
            fut.set_exception(PyjujuError.from_dict(msg["error"]))
        else:
            fut.set_result(msg.get("result"))

    # -- downloads ---------------------------------------------------------------------------
    async def download_charm(self, sha256: str, dest: Path) -> None:
        await self._download(f"/api/agent/charms/{sha256}", dest, dest.with_suffix(".part"))

    async def download_resource(self, application: str, name: str, dest: Path) -> None:
        dest.parent.mkdir(parents=True, exist_ok=True)
        await self._download(f"/api/agent/resources/{application}/{name}", dest, dest.with_name(dest.name + ".part"))

    async def _download(self, path: str, dest: Path, tmp: Path) -> None:
        """Stream a file to ``tmp``, then move it into place: ``dest`` is never half written."""
        try:
            async with self._http.stream("GET", path) as resp:
                if resp.status_code >= 400:
                    await resp.aread()
                    raise_for(resp)
                with open(tmp, "wb") as f:
                    async for chunk in resp.aiter_bytes():
                        f.write(chunk)
        except httpx.TransportError as e:
            raise connection_failed(self.base_url, e) from None
        tmp.replace(dest)
