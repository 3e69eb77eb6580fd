"""Client calls for bundle tools: the model snapshot and the stored files export needs."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from ._errors import connection_failed, raise_for
from .user import Client


def snapshot(client: Client, model: str) -> dict[str, Any]:
    """Everything a bundle plan, diff or export reads, from one read transaction."""
    result: dict[str, Any] = client._call("GET", f"/api/models/{client._m(model)}/snapshot")
    return result


def set_annotations(client: Client, model: str, application: str, annotations: dict[str, str]) -> dict[str, str]:
    result: dict[str, str] = client._call(
        "POST", f"/api/models/{client._m(model)}/applications/{quote(application)}/annotations",
        body={"annotations": annotations})["annotations"]
    return result


def charm_archive(client: Client, model: str, url: str) -> bytes:
    return _bytes(client, f"/api/models/{client._m(model)}/charm-archive", params={"url": url})


def resource_file(client: Client, model: str, application: str, name: str) -> bytes:
    return _bytes(client, f"/api/models/{client._m(model)}/applications/{quote(application)}/resources/"
                          f"{quote(name)}/file")


def _bytes(client: Client, path: str, params: dict[str, str] | None = None) -> bytes:
    try:
        resp = client._http.get(path, params=params)
    except httpx.TransportError as e:
        raise connection_failed(client.base_url, e) from None
    raise_for(resp)
    return resp.content
