"""The asyncio client a machine agent uses: its watch stream and agent calls."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx

from ..wire import AgentStatusParams, HookCommitParams, LeaderSettingsParams
from ._errors import connection_failed, raise_for


class AgentClient:
    def __init__(self, base_url: str, token: str, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _call(self, method: str, path: str, body: Any = None, params: Any = None) -> Any:
        try:
            resp = await self._http.request(method, path, json=body, params=params)
        except httpx.TransportError as e:
            raise connection_failed(self.base_url, e) from None
        raise_for(resp)
        return resp.json()

    @staticmethod
    def _u(unit: str) -> str:
        app, _, num = unit.rpartition("/")
        return f"/api/agent/units/{app}/{num}"

    async def watch(self) -> AsyncIterator[dict[str, Any]]:
        """Messages of the watch stream; ends (or raises) when the connection drops."""
        from websockets.asyncio.client import connect

        url = self.base_url.replace("http://", "ws://").replace("https://", "wss://") + "/api/agent/watch"
        try:
            ws = await connect(url, additional_headers={"Authorization": f"Bearer {self.token}"},
                               max_size=None, ping_interval=20, ping_timeout=60)
        except OSError as e:
            raise connection_failed(self.base_url, e) from None
        async with ws:
            async for raw in ws:
                yield json.loads(raw)

    async def download_charm(self, sha256: str, dest: Path) -> None:
        tmp = dest.with_suffix(".part")
        try:
            async with self._http.stream("GET", f"/api/agent/charms/{sha256}") as resp:
                if resp.status_code >= 400:
                    await resp.aread()
                    raise_for(resp)
                with open(tmp, "wb") as f:
                    async for chunk in resp.aiter_bytes():
                        f.write(chunk)
        except httpx.TransportError as e:
            raise connection_failed(self.base_url, e) from None
        tmp.replace(dest)

    async def set_status(self, unit: str, params: AgentStatusParams) -> None:
        await self._call("POST", self._u(unit) + "/status", params.model_dump(exclude_none=True))

    async def unit_status(self, unit: str, application: bool) -> dict[str, Any]:
        return await self._call("GET", self._u(unit) + "/status", params={"application": application})

    async def commit(self, unit: str, params: HookCommitParams) -> bool:
        return bool((await self._call("POST", self._u(unit) + "/commit", params.model_dump()))["applied"])

    async def set_leader_settings(self, unit: str, values: dict[str, str]) -> None:
        await self._call("POST", self._u(unit) + "/leader-settings",
                         LeaderSettingsParams(values=values).model_dump())

    async def state(self, unit: str) -> dict[str, str]:
        return await self._call("GET", self._u(unit) + "/state")

    async def goal_state(self, unit: str) -> dict[str, Any]:
        return await self._call("GET", self._u(unit) + "/goal-state")

    async def unit_dead(self, unit: str) -> None:
        await self._call("POST", self._u(unit) + "/dead", {})

    async def enter_scope(self, unit: str, relation_id: int) -> None:
        await self._call("POST", self._u(unit) + f"/relations/{relation_id}/enter-scope", {})

    async def leave_scope(self, unit: str, relation_id: int) -> None:
        await self._call("POST", self._u(unit) + f"/relations/{relation_id}/leave-scope", {})

    async def relation_settings(self, unit: str, relation_id: int, owner: str, is_app: bool) -> dict[str, str]:
        return await self._call("GET", self._u(unit) + f"/relations/{relation_id}/settings",
                                params={"owner": owner, "is_app": is_app})

    async def send_logs(self, records: list[dict[str, Any]]) -> None:
        await self._call("POST", "/api/agent/logs", records)
