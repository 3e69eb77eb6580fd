"""The asyncio client a machine agent uses.

While the watch stream is open, every call travels over that same WebSocket
as a small RPC message (ordered, and an order of magnitude cheaper than an
HTTP request per status update); while it is not, calls use the equivalent
HTTP routes. Charm archives are always downloaded over HTTP.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx

from ..core.errors import ConnectionFailedError, PyjujuError
from ..wire import AgentStatusParams, HookCommitParams, LeaderSettingsParams
from ._errors import connection_failed, raise_for, tls_verify


class AgentClient:
    def __init__(self, base_url: str, token: str, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
            verify=tls_verify(self.base_url),
        )
        self._ws: Any = None
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[Any]] = {}

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- transports ------------------------------------------------------------
    async def _http_call(self, method: str, path: str, body: Any = None, params: Any = None) -> Any:
        try:
            resp = await self._http.request(method, path, json=body, params=params)
        except httpx.TransportError as e:
            raise connection_failed(self.base_url, e) from None
        raise_for(resp)
        return resp.json()

    async def _call(self, op: str, unit: str, params: dict[str, Any], method: str, path: str,
                    query: Any = None) -> Any:
        ws = self._ws
        if ws is None:
            return await self._http_call(method, path, None if method == "GET" else params, query)
        rid = next(self._ids)
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[rid] = fut
        try:
            await ws.send(json.dumps({"id": rid, "op": op, "unit": unit, "params": params}))
        except Exception as e:
            self._pending.pop(rid, None)
            raise ConnectionFailedError(f"cannot reach the controller: {e}") from None
        try:
            return await asyncio.wait_for(fut, self.timeout)
        except TimeoutError:
            raise ConnectionFailedError(f"no answer from the controller to {op}") from None
        finally:
            self._pending.pop(rid, None)

    @staticmethod
    def _u(unit: str) -> str:
        app, _, num = unit.rpartition("/")
        return f"/api/agent/units/{app}/{num}"

    async def watch(self) -> AsyncIterator[dict[str, Any]]:
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
                        fut = self._pending.get(msg["id"])
                        if fut is not None and not fut.done():
                            if "error" in msg:
                                fut.set_exception(PyjujuError.from_dict(msg["error"]))
                            else:
                                fut.set_result(msg.get("result"))
                        continue
                    yield msg
        finally:
            self._ws = None
            for fut in self._pending.values():
                if not fut.done():
                    fut.set_exception(ConnectionFailedError("connection to the controller lost"))

    # -- calls ------------------------------------------------------------------
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

    async def storage_attached(self, unit: str, storage_id: str, location: str) -> None:
        await self._call("storage-attached", unit, {"storage_id": storage_id, "location": location}, "POST",
                         self._u(unit) + "/storage-attached")

    async def storage_detached(self, unit: str, storage_id: str) -> None:
        await self._call("storage-detached", unit, {"storage_id": storage_id}, "POST",
                         self._u(unit) + "/storage-detached")

    async def set_status(self, unit: str, params: AgentStatusParams) -> None:
        await self._call("set-status", unit, params.model_dump(exclude_none=True), "POST", self._u(unit) + "/status")

    async def unit_status(self, unit: str, application: bool) -> dict[str, Any]:
        return await self._call("unit-status", unit, {"application": application}, "GET",
                                self._u(unit) + "/status", {"application": application})

    async def commit(self, unit: str, params: HookCommitParams) -> bool:
        res = await self._call("commit", unit, params.model_dump(), "POST", self._u(unit) + "/commit")
        return bool(res["applied"])

    async def set_leader_settings(self, unit: str, values: dict[str, str]) -> None:
        await self._call("leader-settings", unit, LeaderSettingsParams(values=values).model_dump(), "POST",
                         self._u(unit) + "/leader-settings")

    async def state(self, unit: str) -> dict[str, str]:
        return await self._call("state", unit, {}, "GET", self._u(unit) + "/state")

    async def goal_state(self, unit: str) -> dict[str, Any]:
        return await self._call("goal-state", unit, {}, "GET", self._u(unit) + "/goal-state")

    async def unit_dead(self, unit: str) -> None:
        await self._call("dead", unit, {}, "POST", self._u(unit) + "/dead")

    async def enter_scope(self, unit: str, relation_id: int) -> None:
        await self._call("enter-scope", unit, {"relation_id": relation_id}, "POST",
                         self._u(unit) + f"/relations/{relation_id}/enter-scope")

    async def leave_scope(self, unit: str, relation_id: int) -> None:
        await self._call("leave-scope", unit, {"relation_id": relation_id}, "POST",
                         self._u(unit) + f"/relations/{relation_id}/leave-scope")

    async def relation_settings(self, unit: str, relation_id: int, owner: str, is_app: bool) -> dict[str, str]:
        return await self._call("relation-settings", unit,
                                {"relation_id": relation_id, "owner": owner, "is_app": is_app}, "GET",
                                self._u(unit) + f"/relations/{relation_id}/settings",
                                {"owner": owner, "is_app": is_app})

    async def secret_get(self, unit: str, ref: str | None, label: str | None, peek: bool,
                         refresh: bool) -> dict[str, Any]:
        p = {"ref": ref, "label": label, "peek": peek, "refresh": refresh}
        return await self._call("secret-get", unit, p, "POST", self._u(unit) + "/secrets/get")

    async def secret_info(self, unit: str, ref: str | None, label: str | None) -> dict[str, Any]:
        return await self._call("secret-info", unit, {"ref": ref, "label": label}, "POST",
                                self._u(unit) + "/secrets/info")

    async def secret_ids(self, unit: str) -> list[str]:
        return await self._call("secret-ids", unit, {}, "POST", self._u(unit) + "/secrets/ids")

    async def begin_task(self, task_id: str) -> bool:
        res = await self._call("task-begin", "", {"task_id": task_id}, "POST", f"/api/agent/tasks/{task_id}/begin")
        return bool(res["run"])

    async def log_task(self, task_id: str, message: str) -> None:
        await self._call("task-log", "", {"task_id": task_id, "message": message}, "POST",
                         f"/api/agent/tasks/{task_id}/log")

    async def finish_task(self, task_id: str, status: str, message: str, results: dict[str, Any]) -> None:
        await self._call("task-finish", "", {"task_id": task_id, "status": status, "message": message,
                                              "results": results}, "POST", f"/api/agent/tasks/{task_id}/finish")

    async def send_logs(self, records: list[dict[str, Any]]) -> None:
        if self._ws is not None:
            await self._call("logs", "", {"records": records}, "POST", "/api/agent/logs")
        else:
            await self._http_call("POST", "/api/agent/logs", records)
