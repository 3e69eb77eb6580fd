"""Agent calls over the watch WebSocket: one ordered channel per machine agent.

The same operations as the agent REST routes, without an HTTP request per
call: an agent sends ``{"id", "op", "unit", "params"}`` and gets ``{"id",
"result"}`` or ``{"id", "error": {"code", "message", "details"}}``. Messages
are handled one at a time, in the order sent, so a unit's status updates and
hook commits are applied in order. (Juju's agents also speak RPC over a
WebSocket.)
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from fastapi import WebSocket

from ...core.errors import InvalidArgumentError, PyjujuError
from ...store import ModelRow
from ...wire import AgentLogRecord, AgentStatusParams, HookCommitParams, LeaderSettingsParams
from ..services import agents, operations
from ..services.base import Services

log = logging.getLogger(__name__)

Handler = Callable[[Services, ModelRow, str, str, dict[str, Any]], Any]


def _status(svc: Services, m: ModelRow, machine: str, unit: str, p: dict[str, Any]) -> Any:
    agents.set_unit_status(svc, m, machine, unit, AgentStatusParams.model_validate(p))
    return {}


def _commit(svc: Services, m: ModelRow, machine: str, unit: str, p: dict[str, Any]) -> Any:
    return {"applied": agents.commit_hook(svc, m, machine, unit, HookCommitParams.model_validate(p))}


def _leader_settings(svc: Services, m: ModelRow, machine: str, unit: str, p: dict[str, Any]) -> Any:
    agents.set_leader_settings(svc, m, machine, unit, LeaderSettingsParams.model_validate(p).values)
    return {}


def _logs(svc: Services, m: ModelRow, machine: str, unit: str, p: dict[str, Any]) -> Any:
    records = [AgentLogRecord.model_validate(r).model_dump() for r in p.get("records", [])]
    agents.add_logs(svc, m, records)
    return {}


def _relation_id(p: dict[str, Any]) -> int:
    try:
        return int(p["relation_id"])
    except (KeyError, TypeError, ValueError):
        raise InvalidArgumentError("relation_id: expected an integer") from None


OPS: dict[str, Handler] = {
    "set-status": _status,
    "unit-status": lambda svc, m, mach, u, p: agents.status_for_tools(svc, m, mach, u, bool(p.get("application"))),
    "commit": _commit,
    "leader-settings": _leader_settings,
    "state": lambda svc, m, mach, u, p: agents.unit_state(svc, m, mach, u),
    "goal-state": lambda svc, m, mach, u, p: agents.goal_state(svc, m, mach, u),
    "dead": lambda svc, m, mach, u, p: agents.unit_dead(svc, m, mach, u) or {},
    "enter-scope": lambda svc, m, mach, u, p: agents.enter_scope(svc, m, mach, u, _relation_id(p)) or {},
    "leave-scope": lambda svc, m, mach, u, p: agents.leave_scope(svc, m, mach, u, _relation_id(p)) or {},
    "relation-settings": lambda svc, m, mach, u, p: agents.relation_settings(
        svc, m, mach, u, _relation_id(p), str(p.get("owner", "")), bool(p.get("is_app"))),
    "logs": _logs,
    "secret-get": lambda svc, m, mach, u, p: agents.secret_get(svc, m, mach, u, p),
    "secret-info": lambda svc, m, mach, u, p: agents.secret_info(svc, m, mach, u, p),
    "secret-ids": lambda svc, m, mach, u, p: agents.secret_ids(svc, m, mach, u),
    "storage-attached": lambda svc, m, mach, u, p: agents.storage_attached(
        svc, m, mach, u, str(p["storage_id"]), str(p.get("location", ""))) or {},
    "storage-detached": lambda svc, m, mach, u, p: agents.storage_detached(svc, m, mach, u, str(p["storage_id"]))
    or {},
    "task-begin": lambda svc, m, mach, u, p: {"run": operations.begin_task(svc, m, mach, int(p["task_id"]))},
    "task-log": lambda svc, m, mach, u, p: operations.log_task(
        svc, m, mach, int(p["task_id"]), str(p.get("message", ""))) or {},
    "task-finish": lambda svc, m, mach, u, p: operations.finish_task(
        svc, m, mach, int(p["task_id"]), str(p["status"]), str(p.get("message", "")),
        dict(p.get("results") or {})) or {},
}


async def serve(ws: WebSocket, svc: Services, m: ModelRow, machine_id: str, send_lock: asyncio.Lock) -> None:
    """Answer calls until the agent disconnects."""
    while True:
        msg = await ws.receive_json()
        if not isinstance(msg, dict) or "id" not in msg:
            continue
        reply: dict[str, Any] = {"id": msg["id"]}
        handler = OPS.get(str(msg.get("op")))
        try:
            if handler is None:
                raise InvalidArgumentError(f'unknown agent call "{msg.get("op")}"')
            reply["result"] = handler(svc, m, machine_id, str(msg.get("unit", "")), msg.get("params") or {})
        except PyjujuError as e:
            reply["error"] = e.to_dict()
        except Exception as e:  # a bug: report it, keep the channel
            log.exception("agent call %s failed", msg.get("op"))
            reply["error"] = PyjujuError(f"internal error: {e}").to_dict()
        async with send_lock:
            await ws.send_json(reply)
