"""Charms: content-addressed archives on the controller's disk, rows per model.

A local charm is identified by the sha256 of its archive. Uploading the same
archive twice returns the same ``local:<name>-<rev>``; a changed archive with
the same name gets the next revision, as Juju numbers local charms.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

from ... import charm as charmlib
from ...core import timefmt
from ...core.errors import CharmNotFoundError
from ...store import CharmRow, ReadTx
from .base import Services
from .lookup import resolve_model


def add_charm(svc: Services, model_ref: str, data: bytes) -> CharmRow:
    """Validate an uploaded ``.charm`` archive and record it in the model."""
    sha = hashlib.sha256(data).hexdigest()
    svc.charm_dir.mkdir(parents=True, exist_ok=True)
    blob = svc.charm_dir / f"{sha}.charm"
    if not blob.exists():
        fd, tmp = tempfile.mkstemp(dir=svc.charm_dir, suffix=".part")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        try:
            loaded = charmlib.load_charm(Path(tmp))
        except BaseException:
            os.unlink(tmp)
            raise
        os.replace(tmp, blob)
    else:
        loaded = charmlib.load_charm(blob)
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        existing = tx.charms(m.uuid, loaded.meta.name)
        for row in existing:
            if row.sha256 == sha:
                return row
        rev = max((r.revision for r in existing), default=-1) + 1
        row = CharmRow(
            model_uuid=m.uuid,
            url=f"local:{loaded.meta.name}-{rev}",
            name=loaded.meta.name,
            revision=rev,
            sha256=sha,
            size=len(data),
            metadata=loaded.meta.raw,
            config={
                name: {"type": o.type, "default": o.default, "description": o.description}
                for name, o in loaded.config.options.items()
            },
            actions={name: a.schema for name, a in loaded.actions.items()},
            version=loaded.version or "",
            created=timefmt.now_iso(),
        )
        tx.add_charm(row)
    return row


def get_charm(tx: ReadTx, model_uuid: str, url: str) -> CharmRow:
    row = tx.charm(model_uuid, url)
    if row is None:
        raise CharmNotFoundError(f'charm "{url}" not found', charm=url)
    return row


def charm_blob(svc: Services, sha256: str) -> Path:
    path = svc.charm_dir / f"{sha256}.charm"
    if len(sha256) != 64 or not path.exists():
        raise CharmNotFoundError(f'charm archive "{sha256}" not found', sha256=sha256)
    return path


def config_schema(row: CharmRow) -> charmlib.ConfigSchema:
    return charmlib.parse_config_yaml({"options": row.config}, file=f"{row.url} config")


def meta_of(row: CharmRow) -> charmlib.CharmMeta:
    return charmlib.parse_metadata(row.metadata, file=f"{row.url} metadata")


def endpoint_names(row: CharmRow) -> list[str]:
    """Declared relation endpoints and extra bindings (for ``endpoint-bindings``)."""
    md: dict[str, Any] = row.metadata
    names: list[str] = []
    for key in ("provides", "requires", "peers", "extra-bindings"):
        names.extend((md.get(key) or {}).keys())
    return sorted(names)
