"""debug-log: query stored log lines, or stream new ones over a WebSocket."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends, Query, WebSocket, WebSocketDisconnect

from ...core.errors import PyjujuError
from ..services import logs
from ..services.base import Services
from .auth import authenticate, require_user
from .deps import services, user

router = APIRouter(prefix="/api")

KEEPALIVE_SECONDS = 5


@router.get("/models/{model}/logs", dependencies=[Depends(user)])
async def get_logs(
    model: str,
    after: int = 0,
    lines: int | None = None,
    include: list[str] = Query(default_factory=list),
    exclude: list[str] = Query(default_factory=list),
    level: str | None = None,
    svc: Services = Depends(services),
) -> list[dict[str, Any]]:
    return logs.query(svc, model, logs.LogFilter.of(include, exclude, level), after=after, lines=lines)


@router.websocket("/models/{model}/logs/stream")
async def stream_logs(ws: WebSocket, model: str, after: int = 0) -> None:
    """Sends each batch of new lines that pass the filters; an empty batch every few seconds
    keeps the connection alive and notices a client that went away."""
    svc: Services = ws.app.state.svc
    try:
        require_user(authenticate(svc, ws.headers.get("authorization")))
        model_uuid = logs.stream_model(svc, model)
    except PyjujuError as e:
        await ws.close(code=4401, reason=e.message)
        return
    params = ws.query_params
    flt = logs.LogFilter.of(params.getlist("include"), params.getlist("exclude"), params.get("level"))
    await ws.accept()
    last = after
    try:
        with svc.hub.subscribe_logs(model_uuid) as ev:
            while True:
                ev.clear()
                last, batch = logs.lines_after(svc, model_uuid, last, flt)
                if batch:
                    await ws.send_json(batch)
                try:
                    await asyncio.wait_for(ev.wait(), KEEPALIVE_SECONDS)
                except TimeoutError:
                    await ws.send_json([])
    except (WebSocketDisconnect, RuntimeError):
        return
