"""File resources: blobs stored by content, attached to applications by name.

``deploy --resource name=PATH`` and ``attach-resource`` upload the file; the
unit agent downloads it on the first ``resource-get`` and keeps its file name
and extension. A new revision of a resource runs upgrade-charm on every unit,
as in Juju.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

from ... import charm as charmlib
from ...core import timefmt
from ...core.errors import InvalidArgumentError, NotFoundError
from ...store import ApplicationRow, CharmRow, ModelRow, ResourceRow, WriteTx
from .base import Services
from .charms import get_charm
from .lookup import find_alive_application, find_application, resolve_model


def blob_dir(svc: Services) -> Path:
    return svc.data_dir / "resources"


def store_blob(svc: Services, data: bytes) -> str:
    sha = hashlib.sha256(data).hexdigest()
    d = blob_dir(svc)
    d.mkdir(parents=True, exist_ok=True)
    path = d / sha
    if not path.exists():
        fd, tmp = tempfile.mkstemp(dir=d, suffix=".part")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    return sha


def upload_blob(svc: Services, model_ref: str, data: bytes) -> str:
    """Keep an uploaded resource file for a model (attached by a later call); returns its sha256."""
    with svc.store.read() as tx:
        resolve_model(tx, model_ref)
    return store_blob(svc, data)


def blob_path(svc: Services, sha256: str) -> Path:
    path = blob_dir(svc) / sha256
    if len(sha256) != 64 or not path.exists():
        raise NotFoundError(f'resource blob "{sha256}" not found')
    return path


def declared(charm: CharmRow) -> dict[str, charmlib.ResourceSpec]:
    return charmlib.parse_metadata(charm.metadata, file=f"{charm.url} metadata").resources


def attach(svc: Services, tx: WriteTx, m: ModelRow, app: ApplicationRow, charm: CharmRow, name: str,
           sha256: str, filename: str, *, upgrade: bool) -> ResourceRow:
    specs = declared(charm)
    spec = specs.get(name)
    if spec is None:
        raise InvalidArgumentError(f'charm "{charm.name}" has no resource called "{name}"', resource=name)
    if spec.type != "file":
        raise InvalidArgumentError(f'resource "{name}" is of type {spec.type}: only file resources are supported')
    path = blob_path(svc, sha256)
    current = next((r for r in tx.resources(m.uuid, app.name) if r.name == name), None)
    if current is not None and current.sha256 == sha256:
        return current
    row = ResourceRow(model_uuid=m.uuid, application=app.name, name=name,
                      revision=(current.revision + 1) if current else 1, sha256=sha256,
                      size=path.stat().st_size, filename=spec.filename or filename, uploaded=timefmt.now_iso())
    tx.set_resource(row)
    if upgrade:
        fresh = tx.application(m.uuid, app.name)
        assert fresh is not None
        tx.update_application(m.uuid, app.name, charm_version=fresh.charm_version + 1,
                              config_version=fresh.config_version + 1)
    return row


def attach_resource(svc: Services, model_ref: str, application: str, name: str, sha256: str,
                    filename: str) -> dict[str, Any]:
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        app = find_alive_application(tx, m, application)
        row = attach(svc, tx, m, app, get_charm(tx, m.uuid, app.charm_url), name, sha256, filename, upgrade=True)
        return {"name": row.name, "revision": row.revision}


def listing(svc: Services, model_ref: str, application: str) -> list[dict[str, Any]]:
    with svc.store.read() as tx:
        m = resolve_model(tx, model_ref)
        app = find_application(tx, m, application)
        specs = declared(get_charm(tx, m.uuid, app.charm_url))
        rows = {r.name: r for r in tx.resources(m.uuid, application)}
    out = []
    for name, spec in sorted(specs.items()):
        r = rows.get(name)
        out.append({"name": name, "type": spec.type, "description": spec.description,
                    "revision": r.revision if r else None, "size": r.size if r else 0,
                    "fingerprint": r.sha256 if r else "", "origin": "upload" if r else "store",
                    "used": bool(r), "filename": (r.filename if r else spec.filename) or ""})
    return out
