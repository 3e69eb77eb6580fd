"""Translate HTTP responses and transport failures into pyjuju errors, once; transport settings both clients share."""

from __future__ import annotations

from typing import Any

import httpx

from ..core.errors import ConnectionFailedError, PyjujuError, UnauthorizedError


def raise_for(resp: httpx.Response) -> None:
    if resp.status_code < 400:
        return
    try:
        body: Any = resp.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        raise PyjujuError.from_dict(body["error"])
    if resp.status_code == 401:
        raise UnauthorizedError("invalid credentials")
    raise PyjujuError(f"controller returned HTTP {resp.status_code}: {resp.text[:200]}")


def connection_failed(url: str, exc: Exception) -> ConnectionFailedError:
    return ConnectionFailedError(f"cannot connect to the controller at {url}: {exc}", url=url)


def tls_verify(base_url: str) -> bool:
    """Certificate checking for a controller URL: none to do over plain HTTP.

    httpx loads the system CA bundle for every client it makes unless told not
    to (about 30 ms of CPU), which every CLI call and every agent start paid for
    a connection that has no TLS. HTTPS URLs keep full verification."""
    return not base_url.startswith("http://")
