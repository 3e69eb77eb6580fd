"""debug-log: query stored log lines, or stream new ones over a WebSocket."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from fastapi import APIRouter, Depends, Query, WebSocket, WebSocketDisconnect

from ...core.errors import PyjujuError
from ...store import LogRow
from ..services import models
from ..services.base import Services
from .auth import authenticate, require_user
from .deps import services, user

router = APIRouter(prefix="/api")

LEVELS = ["TRACE", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class LogFilter:
    """Juju's debug-log filters: entity includes/excludes and a minimum level."""

    def __init__(self, include: list[str], exclude: list[str], level: str | None) -> None:
        self.include = [_entity_pattern(x) for x in include]
        self.exclude = [_entity_pattern(x) for x in exclude]
        lvl = (level or "").upper()
        if lvl == "WARN":
            lvl = "WARNING"
        self.min_level = LEVELS.index(lvl) if lvl in LEVELS else 0

    def __call__(self, row: LogRow) -> bool:
        if self.include and not any(p.match(row.entity) for p in self.include):
            return False
        if self.exclude and any(p.match(row.entity) for p in self.exclude):
            return False
        return LEVELS.index(row.level) >= self.min_level if row.level in LEVELS else True


def _entity_pattern(spec: str) -> re.Pattern[str]:
    """``unit-app-0``, ``app/0``, ``machine-1``, ``1`` or ``app`` (all its units)."""
    s = spec.strip()
    if "/" in s:
        return re.compile(re.escape("unit-" + s.replace("/", "-")) + "$")
    if s.isdigit():
        return re.compile(re.escape(f"machine-{s}") + "$")
    if s.startswith(("unit-", "machine-", "application-")):
        return re.compile(re.escape(s) + "$")
    return re.compile(re.escape(f"unit-{s}-") + r"\d+$")


def row_dict(r: LogRow) -> dict[str, Any]:
    return {
        "id": r.id,
        "time": r.time,
        "entity": r.entity,
        "level": r.level,
        "module": r.module,
        "location": r.location,
        "message": r.message,
    }


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
    flt = LogFilter(include, exclude, level)
    with svc.store.read() as tx:
        m = models.resolve_model(tx, model)
        rows = [r for r in tx.logs(m.uuid, after_id=after) if flt(r)]
    if lines is not None and lines >= 0:
        rows = rows[-lines:] if lines else []
    return [row_dict(r) for r in rows]


@router.websocket("/models/{model}/logs/stream")
async def stream_logs(ws: WebSocket, model: str, after: int = 0) -> None:
    svc: Services = ws.app.state.svc
    try:
        require_user(authenticate(svc, ws.headers.get("authorization")))
        with svc.store.read() as tx:
            m = models.resolve_model(tx, model)
    except PyjujuError as e:
        await ws.close(code=4401, reason=e.message)
        return
    params = ws.query_params
    flt = LogFilter(params.getlist("include"), params.getlist("exclude"), params.get("level"))
    await ws.accept()
    last = after
    try:
        with svc.hub.subscribe_logs(m.uuid) as ev:
            while True:
                ev.clear()
                with svc.store.read() as tx:
                    rows = tx.logs(m.uuid, after_id=last)
                if rows:
                    last = rows[-1].id
                    batch = [row_dict(r) for r in rows if flt(r)]
                    if batch:
                        await ws.send_json(batch)
                try:
                    await asyncio.wait_for(ev.wait(), 5)
                except TimeoutError:
                    await ws.send_json([])  # keep-alive; also detects a gone client
    except (WebSocketDisconnect, RuntimeError):
        return
