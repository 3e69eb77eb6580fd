"""Routes bundle tools need: one snapshot of a model, and its stored charm and resource files."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse

from ...wire import AnnotationsParams
from ..services import snapshot
from ..services.base import Services
from .deps import services, user

router = APIRouter(prefix="/api", dependencies=[Depends(user)])


@router.get("/models/{model}/snapshot")
async def model_snapshot(model: str, svc: Services = Depends(services)) -> dict[str, Any]:
    return snapshot.model_snapshot(svc, model)


@router.post("/models/{model}/applications/{application}/annotations")
async def set_annotations(model: str, application: str, p: AnnotationsParams,
                          svc: Services = Depends(services)) -> dict[str, Any]:
    return {"annotations": snapshot.set_annotations(svc, model, application, p.annotations)}


@router.get("/models/{model}/charm-archive")
async def charm_archive(model: str, url: str, svc: Services = Depends(services)) -> FileResponse:
    return FileResponse(snapshot.charm_archive(svc, model, url), media_type="application/zip")


@router.get("/models/{model}/applications/{application}/resources/{name}/file")
async def resource_file(model: str, application: str, name: str, svc: Services = Depends(services)) -> FileResponse:
    return FileResponse(snapshot.resource_file(svc, model, application, name),
                        media_type="application/octet-stream")
