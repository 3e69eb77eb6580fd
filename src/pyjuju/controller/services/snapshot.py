"""One consistent picture of a model for bundle planning, diffing and export.

Read in a single transaction, so a plan is made against a state that existed
(never half of one deploy and half of the next). The shape is the wire form
:meth:`pyjuju.bundle.ModelSnapshot.from_wire` reads.
"""

from __future__ import annotations

from typing import Any

from ...core.constraints import Constraints
from ...core.errors import CharmNotFoundError
from ...store import UnitRow
from .base import Services
from .charms import charm_blob, get_charm
from .lookup import find_alive_application, resolve_model
from .resources import blob_path


def model_snapshot(svc: Services, model_ref: str) -> dict[str, Any]:
    host = svc.host.base()
    with svc.store.read() as tx:
        m = resolve_model(tx, model_ref)
        charms = {c.url: c for c in tx.charms(m.uuid)}
        units_by_app: dict[str, list[UnitRow]] = {}
        for u in sorted(tx.units(m.uuid), key=lambda u: u.number):
            if u.life == "alive":
                units_by_app.setdefault(u.application, []).append(u)
        resources: dict[str, dict[str, tuple[int, str, str]]] = {}
        for r in tx.resources(m.uuid):
            have = resources.setdefault(r.application, {})
            if r.name not in have or have[r.name][0] < r.revision:
                have[r.name] = (r.revision, r.sha256, r.filename)
        apps = {}
        for app in tx.applications(m.uuid):
            if app.life != "alive":
                continue
            charm = charms.get(app.charm_url)
            apps[app.name] = {
                "charm-url": app.charm_url,
                "charm-name": charm.name if charm else app.charm_url,
                "charm-revision": charm.revision if charm else 0,
                "charm-sha256": charm.sha256 if charm else "",
                "options": dict(app.config),
                "constraints": app.constraints,
                "exposed-endpoints": app.exposed_endpoints,
                "trust": app.trust,
                "annotations": dict(app.annotations),
                "subordinate": app.subordinate,
                "storage": {k: _directive(v) for k, v in (app.storage or {}).items()},
                "units": [{"name": u.name, "machine": u.machine_id, "principal": u.principal}
                          for u in units_by_app.get(app.name, [])],
                "next-unit": app.next_unit,
                "resources": {k: sha for k, (_, sha, _) in resources.get(app.name, {}).items()},
                "resource-filenames": {k: fn for k, (_, _, fn) in resources.get(app.name, {}).items()},
            }
        machines = [{"id": mm.id, "constraints": mm.constraints, "base": mm.base, "annotations": mm.annotations}
                    for mm in tx.machines(m.uuid) if mm.life == "alive"]
        relations = []
        for rel in tx.relations(m.uuid):
            if rel.life == "alive" and len(rel.endpoints) == 2:
                relations.append([f'{e["application"]}:{e["name"]}' for e in rel.endpoints])
        return {
            "name": m.name,
            "constraints": str(Constraints.parse(m.constraints)) if m.constraints else "",
            "default-base": f'{host["name"]}@{host["channel"]}',
            "applications": apps,
            "machines": machines,
            "relations": relations,
            "charms": {url: {"sha256": c.sha256, "metadata": c.metadata, "config": c.config}
                       for url, c in charms.items()},
        }


def _directive(d: Any) -> str:
    """A stored storage directive back in the ``[pool,]size,count`` form a bundle writes."""
    if isinstance(d, str):
        return d
    parts = []
    if d.get("pool"):
        parts.append(str(d["pool"]))
    if d.get("size_mb"):
        parts.append(f'{d["size_mb"]}M')
    if d.get("count") is not None:
        parts.append(str(d["count"]))
    return ",".join(parts)


def set_annotations(svc: Services, model_ref: str, application: str, values: dict[str, str]) -> dict[str, str]:
    """Merge annotations into an application's (an empty value removes a key), as Juju's
    set-annotations does; bundles set them. Returns the result."""
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        app = find_alive_application(tx, m, application)
        merged = {**app.annotations, **values}
        merged = {k: v for k, v in merged.items() if v != ""}
        if merged != app.annotations:
            tx.update_application(m.uuid, application, kind="application-annotations", annotations=merged)
        return merged


def charm_archive(svc: Services, model_ref: str, url: str) -> Any:
    """The stored archive of one of the model's charms (export-bundle saves it next to the bundle)."""
    with svc.store.read() as tx:
        m = resolve_model(tx, model_ref)
        row = get_charm(tx, m.uuid, url)
    return charm_blob(svc, row.sha256)


def resource_file(svc: Services, model_ref: str, application: str, name: str) -> Any:
    with svc.store.read() as tx:
        m = resolve_model(tx, model_ref)
        rows = [r for r in tx.resources(m.uuid, application) if r.name == name]
    if not rows:
        raise CharmNotFoundError(f'application "{application}" has no resource "{name}"', resource=name)
    return blob_path(svc, max(rows, key=lambda r: r.revision).sha256)
