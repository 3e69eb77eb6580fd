"""FastAPI dependencies: the services bundle and authenticated identities.

They are ``async`` on purpose: FastAPI runs plain functions in a thread pool,
and the store's single SQLite connection must only ever be used from the
event loop's thread.
"""

from __future__ import annotations

from fastapi import Request

from ..services.base import Services
from .auth import Identity, authenticate, require_machine, require_user


async def services(request: Request) -> Services:
    svc: Services = request.app.state.svc  # set by create_app; Starlette's state is untyped
    return svc


async def user(request: Request) -> Identity:
    return require_user(authenticate(request.app.state.svc, request.headers.get("authorization")))


async def machine(request: Request) -> Identity:
    return require_machine(authenticate(request.app.state.svc, request.headers.get("authorization")))
