"""Machine-agent routes: the watch stream, charm and resource downloads, and the agent calls.

The calls themselves (status, hook commits, scope changes, ...) come from the
registry in :mod:`.agent_ops`; this module adds what is not a call: the
stream of views pushed to each machine and the two file downloads.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses

from fastapi import APIRouter, Depends, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse

from ...core.errors import PyjujuError
from ...store import ModelRow
from ...wire import MachineView, ModelView, UnitView, WatchMessage
from ..hub import drain
from ..services import agents, charms
from ..services.base import Services
from ..services.views import machine_unit_views, machine_view, model_view
from . import agent_ops, agent_rpc
from .agent_ops import model_of
from .auth import Identity, authenticate, require_machine
from .deps import machine, services

router = APIRouter(prefix="/api/agent")

WATCHED_KINDS = {"unit", "application", "model", "machine", "relation", "task", "secret"}


@router.get("/charms/{sha256}")
async def download_charm(sha256: str, ident: Identity = Depends(machine), svc: Services = Depends(services)) -> FileResponse:
    return FileResponse(charms.charm_blob(svc, sha256), media_type="application/zip")


@router.get("/resources/{application}/{name}")
async def download_resource(application: str, name: str, ident: Identity = Depends(machine),
                            svc: Services = Depends(services)) -> FileResponse:
    return FileResponse(agents.resource_blob(svc, model_of(svc, ident), ident.entity, application, name))


agent_ops.add_routes(router)


@router.websocket("/watch")
async def watch(ws: WebSocket) -> None:
    """Push the machine's unit views: a snapshot, then only the units that changed."""
    svc: Services = ws.app.state.svc
    try:
        ident = require_machine(authenticate(svc, ws.headers.get("authorization")))
        m = model_of(svc, ident)
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
            sent: _Sent | None = None
            rev = m.revision
            pending: set[str] = {"model"}
            changes_iter = drain(q)
            while True:
                if pending:
                    msg, sent = _compute(svc, m.uuid, machine_id, rev, sent)
                    if msg is not None:
                        async with send_lock:
                            await ws.send_text(msg.model_dump_json(exclude_defaults=True))
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


@dataclasses.dataclass(frozen=True, slots=True)
class _Sent:
    """What this agent has been sent, to send only differences."""

    units: dict[str, UnitView]
    model: ModelView | None
    machine: MachineView


def _compute(svc: Services, model_uuid: str, machine_id: str, rev: int,
             sent: _Sent | None) -> tuple[WatchMessage | None, _Sent]:
    """The next message for this machine (None when nothing it sees changed)."""
    with svc.store.read() as tx:
        m = tx.model(model_uuid)
        mm = tx.machine(model_uuid, machine_id)
        if m is None or mm is None:
            dead = MachineView(id=machine_id, life="dead")
            gone: dict[str, UnitView | None] = {name: None for name in (sent.units if sent else {})}
            return WatchMessage(type="update", revision=rev, machine=dead, units=gone), _Sent({}, None, dead)
        # The per-revision snapshot makes this cheap for every machine after the first.
        views = machine_unit_views(tx, m, machine_id)
        mv = model_view(m)
        machine = machine_view(tx, m, mm)
    now = _Sent(views, mv, machine)
    if sent is None:
        return WatchMessage(type="snapshot", revision=m.revision, model=mv, machine=machine,
                            units=dict(views)), now
    units: dict[str, UnitView | None] = {name: view for name, view in views.items()
                                         if sent.units.get(name) != view}
    units.update({name: None for name in sent.units if name not in views})
    if not units and mv == sent.model and machine == sent.machine:
        return None, now
    return WatchMessage(type="update", revision=m.revision, units=units,
                        model=mv if mv != sent.model else None,
                        machine=machine if machine != sent.machine else None), now


async def _serve_rpc(ws: WebSocket, svc: Services, m: ModelRow, machine_id: str, lock: asyncio.Lock) -> None:
    with contextlib.suppress(Exception):
        await agent_rpc.serve(ws, svc, m, machine_id, lock)
