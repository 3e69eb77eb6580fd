"""Storage instances (filesystem kind): created with their unit, attached by its agent.

On the local provider an instance is a directory the unit agent makes; the
agent reports where, then runs ``<name>-storage-attached``. Directives follow
Juju's ``--storage name=[pool,][size][,count]`` syntax.
"""

from __future__ import annotations

from typing import Any

from ... import charm as charmlib
from ...charm import storage as charm_storage
from ...core import timefmt
from ...core.errors import InvalidArgumentError, NotFoundError
from ...store import CharmRow, ModelRow, ReadTx, StorageRow, UnitRow, WriteTx
from .base import Services
from .lookup import find_unit, resolve_model

parse_directive = charm_storage.parse_directive


def _specs(charm: CharmRow) -> dict[str, charmlib.StorageSpec]:
    return charmlib.parse_metadata(charm.metadata, file=f"{charm.url} metadata").storage


def validate_directives(charm: CharmRow, directives: dict[str, str]) -> dict[str, dict[str, Any]]:
    return charm_storage.check_directives(charm.name, _specs(charm), directives)


def create_for_unit(tx: WriteTx, m: ModelRow, u: UnitRow, charm: CharmRow,
                    directives: dict[str, dict[str, Any]]) -> None:
    for name, spec in _specs(charm).items():
        d = directives.get(name, {})
        lo = spec.multiple_range[0] if spec.multiple_range else 1
        count = int(d.get("count", lo))
        if spec.type != "filesystem":
            continue
        size = int(d.get("size_mb") or spec.minimum_size_mb or 1024)
        for _ in range(count):
            _new_instance(tx, m, u, name, spec.type, d.get("pool", "rootfs"), size)


def _new_instance(tx: WriteTx, m: ModelRow, u: UnitRow, name: str, kind: str, pool: str, size: int) -> str:
    model = tx.model(m.uuid)
    assert model is not None
    counters = dict(model.storage_counters or {})
    n = counters.get(name, 0)
    counters[name] = n + 1
    tx.update_model(m.uuid, kind="model-seq", storage_counters=counters)
    sid = f"{name}/{n}"
    tx.add_storage(StorageRow(model_uuid=m.uuid, id=sid, name=name, kind=kind, unit=u.name, life="alive",
                              pool=pool, size_mb=size, location="", attached=False, created=timefmt.now_iso()))
    return sid


def add_instances(tx: WriteTx, m: ModelRow, u: UnitRow, counts: dict[str, int]) -> list[str]:
    """``storage-add`` / ``add-storage``: more instances of a store, within the charm's range."""
    app = tx.application(m.uuid, u.application)
    charm = tx.charm(m.uuid, app.charm_url) if app else None
    if charm is None:
        raise NotFoundError(f'unit "{u.name}" has no charm')
    specs = _specs(charm)
    added = []
    existing = tx.storage_instances(m.uuid, u.name)
    for name, count in counts.items():
        spec = specs.get(name)
        if spec is None:  # Juju's text when a hook's storage-add (or add-storage) names no store
            raise NotFoundError(f'charm storage "{name}" not found', storage=name)
        have = sum(1 for s in existing if s.name == name and s.life == "alive")
        hi = spec.multiple_range[1] if spec.multiple_range else 1
        if hi is not None and have + count > hi:
            raise InvalidArgumentError(f'storage "{name}": at most {hi} instances (unit has {have})', storage=name)
        d = (app.storage or {}).get(name, {}) if app else {}
        for _ in range(count):
            added.append(_new_instance(tx, m, u, name, spec.type, d.get("pool", "rootfs"),
                                       int(d.get("size_mb") or spec.minimum_size_mb or 1024)))
    return added


def add_storage(svc: Services, model_ref: str, unit: str, counts: dict[str, int]) -> list[str]:
    """``add-storage UNIT name=count``; returns the new storage ids."""
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        return add_instances(tx, m, find_unit(tx, m, unit), counts)


def attached(tx: WriteTx, m: ModelRow, u: UnitRow, storage_id: str, location: str) -> None:
    s = tx.storage_instance(m.uuid, storage_id)
    if s is None or s.unit != u.name:
        raise NotFoundError(f'storage "{storage_id}" not found for unit "{u.name}"', storage=storage_id)
    tx.update_storage(m.uuid, storage_id, u.name, attached=True, location=location)


def detached(tx: WriteTx, m: ModelRow, u: UnitRow, storage_id: str) -> None:
    s = tx.storage_instance(m.uuid, storage_id)
    if s is not None and s.unit == u.name:
        tx.remove_storage(m.uuid, storage_id, u.name)


def kill_for_unit(tx: WriteTx, m: ModelRow, unit: str) -> None:
    for s in tx.storage_instances(m.uuid, unit):
        if s.life == "alive":
            tx.update_storage(m.uuid, s.id, unit, life="dying")


def unit_views(tx: ReadTx, m: ModelRow) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for s in tx.storage_instances(m.uuid):
        out.setdefault(s.unit, {})[s.id] = {"name": s.name, "kind": s.kind, "life": s.life,
                                            "attached": s.attached, "location": s.location}
    return out


def status_doc(tx: ReadTx, m: ModelRow, machines_of: dict[str, str | None]) -> dict[str, Any]:
    """The ``storage`` key of status JSON; ``{}`` when the model has none."""
    rows = tx.storage_instances(m.uuid)
    if not rows:
        return {}
    storage: dict[str, Any] = {}
    filesystems: dict[str, Any] = {}
    for i, s in enumerate(rows):
        status = {"current": "attached" if s.attached else "pending", "since": s.created}
        att = {"machine": machines_of.get(s.unit) or "", "location": s.location, "life": s.life}
        storage[s.id] = {"kind": s.kind, "life": s.life, "status": status, "persistent": False,
                         "attachments": {"units": {s.unit: att}}}
        filesystems[f"{machines_of.get(s.unit) or 0}/{i}"] = {
            "provider-id": s.id, "storage": s.id, "pool": s.pool, "size": s.size_mb, "life": s.life,
            "status": status,
            "attachments": {"units": {s.unit: att}},
        }
    return {"storage": storage, "filesystems": filesystems}
