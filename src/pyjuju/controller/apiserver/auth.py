"""Bearer-token authentication for users and machine agents."""

from __future__ import annotations

import dataclasses

from ...core.errors import ForbiddenError, UnauthorizedError
from ..services.base import Services, hash_token


@dataclasses.dataclass(frozen=True, slots=True)
class Identity:
    kind: str  # "user" | "machine"
    entity: str
    model_uuid: str | None


def authenticate(svc: Services, header: str | None) -> Identity:
    if not header:
        raise UnauthorizedError("no credentials provided: missing bearer token")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise UnauthorizedError("invalid authorization header: expected a bearer token")
    with svc.store.read() as tx:
        row = tx.credential(hash_token(token.strip()))
    if row is None:
        raise UnauthorizedError("invalid credentials: unknown token")
    return Identity(row.kind, row.entity, row.model_uuid)


def require_user(ident: Identity) -> Identity:
    if ident.kind != "user":
        raise ForbiddenError("permission denied: this call needs a user credential")
    return ident


def require_machine(ident: Identity) -> Identity:
    if ident.kind != "machine":
        raise ForbiddenError("permission denied: this call needs a machine agent credential")
    return ident
