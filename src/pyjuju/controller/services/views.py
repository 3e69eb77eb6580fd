"""What each machine agent sees: per-unit remote state, computed from the store.

A view holds everything the unit agent's resolver compares with its local
state (charm, config version, leadership, life, resolved requests) and what
hook tools read without a round trip (config values, leader settings,
addresses, committed ports). It is recomputed only for units that a commit
touched, and sent only when it differs from what the agent already has.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ...core.choices import one_of
from ...store import ApplicationRow, CharmRow, MachineRow, ModelRow, ReadTx, RelationRow, UnitRow
from ...wire import (
    QUEUED_TASK_STATUSES,
    RESOLVED_MODES,
    CharmRef,
    MachineView,
    ModelView,
    OpenedPortView,
    ProxySettings,
    RelationView,
    ResourceView,
    SecretsView,
    StorageView,
    TaskView,
    UnitView,
)
from . import modelconfig
from .charms import config_schema
from .secrets import unit_secret_views
from .storage import unit_views as storage_views


def model_view(m: ModelRow) -> ModelView:
    cfg = modelconfig.effective(m.config)
    return ModelView(
        uuid=m.uuid,
        name=m.name,
        life=m.life,
        update_status_interval=modelconfig.update_status_seconds(m.config),
        automatically_retry_hooks=bool(cfg["automatically-retry-hooks"]),
        logging_config=str(cfg["logging-config"]),
        proxy=ProxySettings(**{name: str(cfg[name.replace("_", "-")] or "")
                               for name in ProxySettings.model_fields}),
    )


@dataclasses.dataclass(frozen=True, slots=True)
class RelationIndex:
    """Everything about relations that unit views need, read once per model revision."""

    relations: list[RelationRow]
    scopes: dict[int, frozenset[str]]
    versions: dict[tuple[int, str, bool], int]
    principals: dict[str, str]
    """unit -> its principal, for every subordinate unit."""


_index_cache: dict[str, tuple[int, RelationIndex]] = {}


def relation_index(tx: ReadTx, m: ModelRow) -> RelationIndex:
    """Shared by every machine's watcher: a settings write recomputes this once, not per machine."""
    cached = _index_cache.get(m.uuid)
    if cached is not None and cached[0] == m.revision:
        return cached[1]
    scopes: dict[int, set[str]] = {}
    for sc in tx.scopes(m.uuid):
        scopes.setdefault(sc.relation_id, set()).add(sc.unit)
    index = RelationIndex(
        relations=tx.relations(m.uuid),
        scopes={k: frozenset(v) for k, v in scopes.items()},
        versions={(rid, owner, is_app): v for rid, owner, is_app, v in tx.settings_versions(m.uuid)},
        principals={u.name: u.principal for u in tx.units(m.uuid) if u.principal},
    )
    _index_cache[m.uuid] = (m.revision, index)
    return index


def relation_views(index: RelationIndex, u: UnitRow) -> dict[int, RelationView]:
    """The relations ``u`` takes part in, with their remote members and bag versions."""
    out: dict[int, RelationView] = {}
    for rel in index.relations:
        mine = rel.endpoint_of(u.application)
        if mine is None:
            continue
        other = rel.other_side(u.application)
        assert other is not None
        if rel.scope == "container" and u.principal and other["application"] != u.principal.rsplit("/", 1)[0]:
            continue  # a subordinate only joins container relations with its own principal's app
        in_scope = index.scopes.get(rel.id, frozenset())
        members = {}
        for name in in_scope:
            if name == u.name or name.rsplit("/", 1)[0] != other["application"]:
                continue
            if rel.scope == "container" and not (
                index.principals.get(name) == u.name or index.principals.get(u.name) == name
            ):
                continue
            members[name] = index.versions.get((rel.id, name, False), 0)
        out[rel.id] = RelationView(
            endpoint=mine["name"],
            interface=mine["interface"],
            role=mine["role"],
            scope=rel.scope,
            implicit=bool(mine.get("implicit")),
            peer=rel.is_peer,
            remote_app=other["application"],
            life=rel.life,
            members=members,
            app_version=index.versions.get((rel.id, other["application"], True), 0),
        )
    return out


_schemas: dict[tuple[str, str], Any] = {}


def _schema(charm: CharmRow) -> Any:
    """Charm rows never change, so their parsed config schema is cached for good."""
    key = (charm.model_uuid, charm.url)
    schema = _schemas.get(key)
    if schema is None:
        if len(_schemas) > 4096:
            _schemas.clear()
        schema = _schemas[key] = config_schema(charm)
    return schema


def unit_view(
    u: UnitRow, app: ApplicationRow, charm: CharmRow, machine: MachineRow | None,
    index: RelationIndex | None = None, *, actions: tuple[TaskView, ...] = (),
    secrets: SecretsView | None = None, storage: dict[str, StorageView] | None = None,
    resources: dict[str, ResourceView] | None = None,
) -> UnitView:
    schema = _schema(charm)
    address = machine.addresses[0] if machine is not None and machine.addresses else "127.0.0.1"
    return UnitView(
        name=u.name,
        application=u.application,
        life=u.life,
        principal=u.principal or "",
        machine_id=u.machine_id,
        charm=CharmRef(url=charm.url, sha256=charm.sha256, version=app.charm_version),
        config=schema.effective(app.config),
        config_options=tuple(sorted(schema.options)),
        config_version=app.config_version,
        leader=app.leader == u.name,
        leader_settings=dict(app.leader_settings),
        leader_settings_version=app.leader_settings_version,
        resolved=one_of(u.resolved or "", RESOLVED_MODES),
        resolved_seq=u.resolved_seq,
        opened_ports=tuple(OpenedPortView(range=p["range"], endpoints=p.get("endpoints"))
                           for p in u.opened_ports),
        address=address,
        relations=relation_views(index, u) if index is not None else {},
        actions=actions,
        secrets=secrets or SecretsView(),
        storage=storage or {},
        resources=resources or {},
    )


@dataclasses.dataclass(frozen=True, slots=True)
class ModelSnapshot:
    """The rows every machine's views are built from, read once per model revision.

    After a commit, every connected machine agent's watcher recomputes its
    views; sharing one snapshot turns that into one set of queries per
    revision instead of one per machine.
    """

    units_by_machine: dict[str, list[UnitRow]]
    apps: dict[str, ApplicationRow]
    charms: dict[str, CharmRow]
    machines: dict[str, MachineRow]
    index: RelationIndex
    tasks: dict[str, tuple[TaskView, ...]]
    """Pending and running tasks by receiver (unit name or machine id)."""
    secrets: dict[str, SecretsView]
    """Per unit: the secrets it consumes and owns (no contents)."""
    storage: dict[str, dict[str, StorageView]]
    resources: dict[str, dict[str, ResourceView]]
    """Per application: resource name -> revision, sha256, filename."""


_snapshots: dict[str, tuple[int, ModelSnapshot]] = {}


def model_snapshot(tx: ReadTx, m: ModelRow) -> ModelSnapshot:
    cached = _snapshots.get(m.uuid)
    if cached is not None and cached[0] == m.revision:
        return cached[1]
    by_machine: dict[str, list[UnitRow]] = {}
    for u in tx.units(m.uuid):
        if u.machine_id is not None:
            by_machine.setdefault(u.machine_id, []).append(u)
    snap = ModelSnapshot(
        units_by_machine=by_machine,
        apps={a.name: a for a in tx.applications(m.uuid)},
        charms={c.url: c for c in tx.charms(m.uuid)},
        machines={mm.id: mm for mm in tx.machines(m.uuid)},
        index=relation_index(tx, m),
        tasks=_tasks_by_receiver(tx, m),
        secrets={unit: SecretsView.model_validate(v) for unit, v in unit_secret_views(
            tx, m, [u for us in by_machine.values() for u in us],
            {a.name: a.leader or "" for a in tx.applications(m.uuid)}).items()},
        storage={unit: {sid: StorageView.model_validate(v) for sid, v in per_unit.items()}
                 for unit, per_unit in storage_views(tx, m).items()},
        resources=_resources(tx, m),
    )
    _snapshots[m.uuid] = (m.revision, snap)
    return snap


def _resources(tx: ReadTx, m: ModelRow) -> dict[str, dict[str, ResourceView]]:
    out: dict[str, dict[str, ResourceView]] = {}
    for r in tx.resources(m.uuid):
        out.setdefault(r.application, {})[r.name] = ResourceView(revision=r.revision, sha256=r.sha256,
                                                                 filename=r.filename)
    return out


def _tasks_by_receiver(tx: ReadTx, m: ModelRow) -> dict[str, tuple[TaskView, ...]]:
    out: dict[str, list[TaskView]] = {}
    for t in tx.tasks(m.uuid, statuses=("pending", "running")):
        out.setdefault(t.receiver, []).append(
            TaskView(id=str(t.id), name=t.name, params=t.params, status=one_of(t.status, QUEUED_TASK_STATUSES))
        )
    return {k: tuple(v) for k, v in out.items()}


def machine_view(tx: ReadTx, m: ModelRow, machine: MachineRow) -> MachineView:
    return MachineView(id=machine.id, life=machine.life,
                       tasks=model_snapshot(tx, m).tasks.get(machine.id, ()))


def machine_unit_views(tx: ReadTx, m: ModelRow, machine_id: str) -> dict[str, UnitView]:
    snap = model_snapshot(tx, m)
    machine = snap.machines.get(machine_id)
    out: dict[str, UnitView] = {}
    for u in snap.units_by_machine.get(machine_id, []):
        app = snap.apps.get(u.application)
        charm = snap.charms.get(app.charm_url) if app is not None else None
        if app is None or charm is None:
            continue
        out[u.name] = unit_view(
            u, app, charm, machine, snap.index, actions=snap.tasks.get(u.name, ()),
            secrets=snap.secrets.get(u.name), storage=snap.storage.get(u.name),
            resources=snap.resources.get(u.application),
        )
    return out
