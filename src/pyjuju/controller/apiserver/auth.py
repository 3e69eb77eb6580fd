"""Bearer-token authentication for users and machine agents.

Verified tokens are remembered for a few seconds: agents make many small
calls and each would otherwise cost a store read. A removed credential
(a machine that is gone) stops working within :data:`CACHE_SECONDS`.
"""

from __future__ import annotations

import dataclasses
import time

from ...core.errors import ForbiddenError, UnauthorizedError
from ..services.base import Services, hash_token


@dataclasses.dataclass(frozen=True, slots=True)
class Identity:
    kind: str  # "user" | "machine"
    entity: str
    model_uuid: str | None


CACHE_SECONDS = 5.0
_cache: dict[str, tuple[float, Identity]] = {}


def authenticate(svc: Services, header: str | None) -> Identity:
    if not header:
        raise UnauthorizedError("no credentials provided: missing bearer token")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise UnauthorizedError("invalid authorization header: expected a bearer token")
    digest = hash_token(token.strip())
    now = time.monotonic()
    hit = _cache.get(digest)
    if hit is not None and hit[0] > now:
        return hit[1]
    with svc.store.read() as tx:
        row = tx.credential(digest)
    if row is None:
        raise UnauthorizedError("invalid credentials: unknown token")
    ident = Identity(row.kind, row.entity, row.model_uuid)
    if len(_cache) > 10_000:
        _cache.clear()
    _cache[digest] = (now + CACHE_SECONDS, ident)
    return ident


def require_user(ident: Identity) -> Identity:
    if ident.kind != "user":
        raise ForbiddenError("permission denied: this call needs a user credential")
    return ident


def require_machine(ident: Identity) -> Identity:
    if ident.kind != "machine":
        raise ForbiddenError("permission denied: this call needs a machine agent credential")
    return ident
