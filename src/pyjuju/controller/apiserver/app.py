"""Application factory: routes, error translation, OpenAPI document."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from ...core import errors
from ...core.version import PYJUJU_VERSION
from ..services.base import Services
from . import agent_routes, bundle_routes, log_routes, user_routes


def create_app(
    svc: Services,
    *,
    destroy: Callable[[], Awaitable[None]],
) -> FastAPI:
    app = FastAPI(
        title="pyjuju controller API",
        version=PYJUJU_VERSION,
        description="Every call needs `Authorization: Bearer <token>`: the admin token written "
        "at bootstrap, or a machine agent's own token.",
    )
    app.state.svc = svc
    app.state.destroy = destroy

    @app.exception_handler(errors.PyjujuError)
    async def _pyjuju_error(_req: Request, exc: errors.PyjujuError) -> JSONResponse:
        return JSONResponse({"error": exc.to_dict()}, status_code=exc.http_status)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_req: Request, exc: RequestValidationError) -> JSONResponse:
        msgs = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg')}" for e in exc.errors()
        )
        err = errors.InvalidArgumentError(f"invalid request: {msgs}")
        return JSONResponse({"error": err.to_dict()}, status_code=err.http_status)

    @app.get("/api/health")
    async def health() -> dict[str, str]:
        return {"status": "ok", "controller-uuid": svc.controller_uuid, "version": PYJUJU_VERSION}

    app.include_router(user_routes.router)
    app.include_router(bundle_routes.router)
    app.include_router(log_routes.router)
    app.include_router(agent_routes.router)
    return app
