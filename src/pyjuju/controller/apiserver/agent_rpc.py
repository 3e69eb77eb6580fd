"""Agent calls over the watch WebSocket: one ordered channel per machine agent.

The calls of :data:`.agent_ops.BINDINGS`, without an HTTP request per call:
an agent sends ``{"id", "op", "unit", "params"}`` and gets ``{"id",
"result"}`` or ``{"id", "error": {"code", "message", "details"}}``. Messages
are handled one at a time, in the order sent, so a unit's status updates and
hook commits are applied in order. (Juju's agents also speak RPC over a
WebSocket.)
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from fastapi import WebSocket

from ...core.errors import PyjujuError
from ...store import ModelRow
from ..services.base import Services
from .agent_ops import dispatch

log = logging.getLogger(__name__)


async def serve(ws: WebSocket, svc: Services, m: ModelRow, machine_id: str, send_lock: asyncio.Lock) -> None:
    """Answer calls until the agent disconnects."""
    while True:
        msg = await ws.receive_json()
        if not isinstance(msg, dict) or "id" not in msg:
            continue
        reply: dict[str, Any] = {"id": msg["id"]}
        try:
            result = dispatch(svc, m, machine_id, str(msg.get("op")), str(msg.get("unit") or ""),
                              msg.get("params"))
            reply["result"] = result.model_dump(mode="json")
        except PyjujuError as e:
            reply["error"] = e.to_dict()
        except Exception as e:  # a bug: report it, keep the channel
            log.exception("agent call %s failed", msg.get("op"))
            reply["error"] = PyjujuError(f"internal error: {e}").to_dict()
        async with send_lock:
            await ws.send_json(reply)
