"""Client calls for bundle tools: the model snapshot and the stored files export needs."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from ._errors import connection_failed, raise_for
from .user import Client, _object


def snapshot(client: Client, model: str) -> dict[str, Any]:
    """Everything a bundle plan, diff or export reads, from one read transaction."""
    return client._call_object("GET", f"/api/models/{client._m(model)}/snapshot")


def set_annotations(client: Client, model: str, application: str, annotations: dict[str, str]) -> dict[str, str]:
    doc = client._call_object(
        "POST", f"/api/models/{client._m(model)}/applications/{quote(application)}/annotations",
        body={"annotations": annotations})
    return _object(doc["annotations"], "annotations")


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
