"""Machine-agent routes: the watch stream, charm downloads, status, hook commits."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from fastapi import APIRouter, Depends, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse

from ...core.errors import ModelNotFoundError, PyjujuError
from ...store import ModelRow
from ...wire import AgentLogRecord, AgentStatusParams, HookCommitParams, LeaderSettingsParams
from ..hub import drain
from ..services import agents, charms, operations
from ..services.base import Services
from ..services.views import machine_tasks, machine_unit_views, model_view
from . import agent_rpc
from .auth import Identity, authenticate, require_machine
from .deps import machine, services

router = APIRouter(prefix="/api/agent")

WATCHED_KINDS = {"unit", "application", "model", "machine", "relation", "task", "secret"}


def _model(svc: Services, ident: Identity) -> ModelRow:
    with svc.store.read() as tx:
        m = tx.model(ident.model_uuid or "")
    if m is None:
        raise ModelNotFoundError("model not found")
    return m


def _unit(app: str, num: int) -> str:
    return f"{app}/{num}"


@router.get("/charms/{sha256}")
async def download_charm(sha256: str, ident: Identity = Depends(machine), svc: Services = Depends(services)) -> FileResponse:
    return FileResponse(charms.charm_blob(svc, sha256), media_type="application/zip")


@router.post("/units/{app}/{num}/storage-attached")
async def storage_attached(app: str, num: int, body: dict[str, Any], ident: Identity = Depends(machine),
                           svc: Services = Depends(services)) -> dict[str, Any]:
    agents.storage_attached(svc, _model(svc, ident), ident.entity, _unit(app, num), str(body["storage_id"]),
                            str(body.get("location", "")))
    return {}


@router.post("/units/{app}/{num}/storage-detached")
async def storage_detached(app: str, num: int, body: dict[str, Any], ident: Identity = Depends(machine),
                           svc: Services = Depends(services)) -> dict[str, Any]:
    agents.storage_detached(svc, _model(svc, ident), ident.entity, _unit(app, num), str(body["storage_id"]))
    return {}


@router.get("/resources/{application}/{name}")
async def download_resource(application: str, name: str, ident: Identity = Depends(machine),
                            svc: Services = Depends(services)) -> FileResponse:
    return FileResponse(agents.resource_blob(svc, _model(svc, ident), ident.entity, application, name))


@router.post("/units/{app}/{num}/status")
async def unit_status(
    app: str, num: int, p: AgentStatusParams, ident: Identity = Depends(machine), svc: Services = Depends(services)
) -> dict[str, Any]:
    agents.set_unit_status(svc, _model(svc, ident), ident.entity, _unit(app, num), p)
    return {}


@router.get("/units/{app}/{num}/status")
async def get_unit_status(
    app: str, num: int, application: bool = False, ident: Identity = Depends(machine),
    svc: Services = Depends(services),
) -> dict[str, Any]:
    return agents.status_for_tools(svc, _model(svc, ident), ident.entity, _unit(app, num), application)


@router.post("/units/{app}/{num}/commit")
async def commit(
    app: str, num: int, p: HookCommitParams, ident: Identity = Depends(machine), svc: Services = Depends(services)
) -> dict[str, Any]:
    applied = agents.commit_hook(svc, _model(svc, ident), ident.entity, _unit(app, num), p)
    return {"applied": applied}


@router.post("/units/{app}/{num}/leader-settings")
async def leader_settings(
    app: str, num: int, p: LeaderSettingsParams, ident: Identity = Depends(machine),
    svc: Services = Depends(services),
) -> dict[str, Any]:
    agents.set_leader_settings(svc, _model(svc, ident), ident.entity, _unit(app, num), p.values)
    return {}


@router.get("/units/{app}/{num}/state")
async def unit_state(app: str, num: int, ident: Identity = Depends(machine), svc: Services = Depends(services)) -> dict[str, str]:
    return agents.unit_state(svc, _model(svc, ident), ident.entity, _unit(app, num))


@router.get("/units/{app}/{num}/goal-state")
async def goal_state(app: str, num: int, ident: Identity = Depends(machine), svc: Services = Depends(services)) -> dict[str, Any]:
    return agents.goal_state(svc, _model(svc, ident), ident.entity, _unit(app, num))


@router.post("/units/{app}/{num}/dead")
async def unit_dead(app: str, num: int, ident: Identity = Depends(machine), svc: Services = Depends(services)) -> dict[str, Any]:
    agents.unit_dead(svc, _model(svc, ident), ident.entity, _unit(app, num))
    return {}


@router.post("/units/{app}/{num}/relations/{relation_id}/enter-scope")
async def enter_scope(app: str, num: int, relation_id: int, ident: Identity = Depends(machine),
                      svc: Services = Depends(services)) -> dict[str, Any]:
    agents.enter_scope(svc, _model(svc, ident), ident.entity, _unit(app, num), relation_id)
    return {}


@router.post("/units/{app}/{num}/relations/{relation_id}/leave-scope")
async def leave_scope(app: str, num: int, relation_id: int, ident: Identity = Depends(machine),
                      svc: Services = Depends(services)) -> dict[str, Any]:
    agents.leave_scope(svc, _model(svc, ident), ident.entity, _unit(app, num), relation_id)
    return {}


@router.get("/units/{app}/{num}/relations/{relation_id}/settings")
async def relation_settings(app: str, num: int, relation_id: int, owner: str, is_app: bool = False,
                            ident: Identity = Depends(machine),
                            svc: Services = Depends(services)) -> dict[str, str]:
    return agents.relation_settings(svc, _model(svc, ident), ident.entity, _unit(app, num), relation_id,
                                    owner, is_app)


@router.post("/units/{app}/{num}/secrets/{what}")
async def unit_secrets(app: str, num: int, what: str, body: dict[str, Any], ident: Identity = Depends(machine),
                       svc: Services = Depends(services)) -> Any:
    m, unit = _model(svc, ident), _unit(app, num)
    if what == "get":
        return agents.secret_get(svc, m, ident.entity, unit, body)
    if what == "info":
        return agents.secret_info(svc, m, ident.entity, unit, body)
    if what == "ids":
        return agents.secret_ids(svc, m, ident.entity, unit)
    from ...core.errors import NotFoundError

    raise NotFoundError(f"no such secret call {what}")


@router.post("/tasks/{task_id}/begin")
async def task_begin(task_id: int, ident: Identity = Depends(machine), svc: Services = Depends(services)) -> dict[str, Any]:
    return {"run": operations.begin_task(svc, _model(svc, ident), ident.entity, task_id)}


@router.post("/tasks/{task_id}/log")
async def task_log(task_id: int, body: dict[str, Any], ident: Identity = Depends(machine),
                   svc: Services = Depends(services)) -> dict[str, Any]:
    operations.log_task(svc, _model(svc, ident), ident.entity, task_id, str(body.get("message", "")))
    return {}


@router.post("/tasks/{task_id}/finish")
async def task_finish(task_id: int, body: dict[str, Any], ident: Identity = Depends(machine),
                      svc: Services = Depends(services)) -> dict[str, Any]:
    operations.finish_task(svc, _model(svc, ident), ident.entity, task_id, str(body.get("status")),
                           str(body.get("message", "")), dict(body.get("results") or {}))
    return {}


@router.post("/logs")
async def logs(records: list[AgentLogRecord], ident: Identity = Depends(machine), svc: Services = Depends(services)) -> dict[str, Any]:
    agents.add_logs(svc, _model(svc, ident), [r.model_dump() for r in records])
    return {}


@router.websocket("/watch")
async def watch(ws: WebSocket) -> None:
    """Push the machine's unit views: a snapshot, then only the units that changed."""
    svc: Services = ws.app.state.svc
    try:
        ident = require_machine(authenticate(svc, ws.headers.get("authorization")))
        m = _model(svc, ident)
    except PyjujuError as e:
        await ws.close(code=4401, reason=e.message)
        return
    machine_id = ident.entity
    await ws.accept()
    agents.set_machine_status(svc, m.uuid, machine_id, "started")
    send_lock = asyncio.Lock()
    reader = asyncio.create_task(_serve_rpc(ws, svc, m, machine_id, send_lock))
    try:
        with svc.hub.subscribe(m.uuid) as q:
            sent_units: dict[str, Any] = {}
            sent_model: dict[str, Any] | None = None
            sent_machine: dict[str, Any] | None = None
            first = True
            rev = m.revision
            pending: set[str] = {"model"}
            changes_iter = drain(q).__aiter__()
            while True:
                if pending:
                    msg = _compute(svc, m.uuid, machine_id, rev, sent_units, sent_model, sent_machine, first)
                    if msg is None:
                        return
                    body, sent_units, sent_model, sent_machine = msg
                    if body is not None:
                        async with send_lock:
                            await ws.send_json(body)
                    first = False
                nxt = asyncio.create_task(changes_iter.__anext__())
                done, _ = await asyncio.wait({nxt, reader}, return_when=asyncio.FIRST_COMPLETED)
                if reader in done:
                    nxt.cancel()
                    return
                rev, changes = nxt.result()
                pending = {kind for kind, key in changes if kind in WATCHED_KINDS}
    except (WebSocketDisconnect, RuntimeError):
        return
    finally:
        reader.cancel()
        with contextlib.suppress(Exception):
            with svc.store.read() as tx:
                mm = tx.machine(m.uuid, machine_id)
            if mm is not None and mm.life == "alive":
                agents.set_machine_status(svc, m.uuid, machine_id, "down", "agent is not communicating")


def _compute(
    svc: Services,
    model_uuid: str,
    machine_id: str,
    rev: int,
    sent_units: dict[str, Any],
    sent_model: dict[str, Any] | None,
    sent_machine: dict[str, Any] | None,
    first: bool,
) -> tuple[dict[str, Any] | None, dict[str, Any], dict[str, Any] | None, dict[str, Any] | None] | None:
    with svc.store.read() as tx:
        m = tx.model(model_uuid)
        mm = tx.machine(model_uuid, machine_id)
        if m is None or mm is None:
            body = {"type": "update", "revision": rev, "model": None, "machine": {"life": "dead"},
                    "units": {name: None for name in sent_units}}
            return body, {}, None, {"life": "dead"}
        views = machine_unit_views(tx, m, machine_id)
        mv = model_view(m)
        machine_info = {"id": mm.id, "life": mm.life, "tasks": machine_tasks(tx, m, machine_id)}
    # (the per-revision snapshot makes this cheap for every machine after the first)
    if first:
        body: dict[str, Any] = {"type": "snapshot", "revision": m.revision, "model": mv,
                                "machine": machine_info, "units": views}
        return body, views, mv, machine_info
    units: dict[str, Any] = {}
    for name, view in views.items():
        if sent_units.get(name) != view:
            units[name] = view
    for name in sent_units:
        if name not in views:
            units[name] = None
    if not units and mv == sent_model and machine_info == sent_machine:
        return None, views, mv, machine_info
    body = {"type": "update", "revision": m.revision, "units": units}
    if mv != sent_model:
        body["model"] = mv
    if machine_info != sent_machine:
        body["machine"] = machine_info
    return body, views, mv, machine_info


async def _serve_rpc(ws: WebSocket, svc: Services, m: ModelRow, machine_id: str, lock: asyncio.Lock) -> None:
    with contextlib.suppress(Exception):
        await agent_rpc.serve(ws, svc, m, machine_id, lock)
