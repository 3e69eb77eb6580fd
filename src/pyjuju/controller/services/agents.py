"""What machine agents report and commit, with per-machine authorisation.

Each public function here serves one agent call of the registry in
``pyjuju.wire.agent``: it takes ``(svc, model, machine id, unit, request)``
and returns the call's reply model, so the API binds calls to functions
without adapters. A machine's credential may act only on the units assigned
to that machine (and on their subordinates): every function first checks that.
"""

from __future__ import annotations

from typing import Any

from ...core import timefmt
from ...core.errors import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    NotLeaderError,
    UnitNotFoundError,
)
from ...core.ports import PortRange
from ...store import ModelRow, ReadTx, UnitRow
from ...wire import (
    AgentStatusParams,
    CommitReply,
    Empty,
    GoalState,
    GoalStatus,
    HookCommitParams,
    LeaderSettingsParams,
    LogBatch,
    RelationRef,
    RelationSettingsQuery,
    SecretChange,
    SecretGetParams,
    SecretIds,
    SecretInfoReply,
    SecretQuery,
    SecretValue,
    Settings,
    StatusValue,
    StorageAttached,
    StorageRef,
    TaskBegun,
    TaskFinish,
    TaskLog,
    TaskRef,
    UnitState,
    UnitStatusQuery,
    UnitStatusReply,
    decode_content,
    encode_content,
)
from . import operations, relations, secrets, storage
from .base import Services
from .resources import blob_path
from .status import derived_app_status, unit_display_status
from .units import finish_unit_removal


def _own_unit(tx: ReadTx, m: ModelRow, machine_id: str, unit: str) -> UnitRow:
    u = tx.unit(m.uuid, unit)
    if u is None:
        raise UnitNotFoundError(f'unit "{unit}" not found', unit=unit)
    if u.machine_id != machine_id:
        raise ForbiddenError(f'machine {machine_id} may not act for unit "{unit}"', unit=unit)
    return u


def set_machine_status(
    svc: Services, model_uuid: str, machine_id: str, status: str, message: str = ""
) -> None:
    with svc.store.write() as tx:
        mm = tx.machine(model_uuid, machine_id)
        if mm is None:
            return
        if mm.agent_status.get("current") != status or mm.agent_status.get("message") != message:
            tx.update_machine(
                model_uuid,
                machine_id,
                kind="machine-status",
                agent_status={"current": status, "message": message, "since": timefmt.now_iso()},
            )


def set_unit_status(svc: Services, m: ModelRow, machine_id: str, unit: str, p: AgentStatusParams) -> Empty:
    now = timefmt.now_iso()
    with svc.store.write() as tx:
        u = _own_unit(tx, m, machine_id, unit)
        fields: dict[str, Any] = {}
        only_status = True
        if p.agent is not None:
            fields["agent_status"] = {
                "current": p.agent.status,
                "message": p.agent.message,
                "data": p.agent.data,
                "since": now,
            }
            if p.agent.status != "error" and u.resolved:
                fields["resolved"] = ""
                only_status = False
        if p.workload is not None:
            fields["workload_status"] = {
                "current": p.workload.status,
                "message": p.workload.message,
                "data": p.workload.data,
                "since": now,
            }
        if p.mark_status_set:
            fields["status_ever_set"] = True
        if p.workload_version is not None:
            fields["workload_version"] = p.workload_version
        if p.application is not None:
            app = tx.application(m.uuid, u.application)
            if app is None or app.leader != unit:
                raise NotLeaderError("this unit is not the leader", unit=unit)
            tx.update_application(
                m.uuid,
                u.application,
                kind="application-status",
                status={"current": p.application.status, "message": p.application.message,
                        "data": p.application.data, "since": now},
            )
        if fields:
            tx.update_unit(m.uuid, unit, kind="unit-status" if only_status else "unit", **fields)
    return Empty()


def commit_hook(svc: Services, m: ModelRow, machine_id: str, unit: str, p: HookCommitParams) -> CommitReply:
    """Apply one hook's buffered writes atomically; a repeated ``commit_id`` is a no-op."""
    with svc.store.write() as tx:
        u = _own_unit(tx, m, machine_id, unit)
        if u.commit_id == p.commit_id:
            return CommitReply(applied=False)
        fields: dict[str, Any] = {"commit_id": p.commit_id}
        if p.ports:
            fields["opened_ports"] = apply_port_changes(u.opened_ports, p)
        if p.state_set or p.state_delete:
            state = dict(u.state)
            for k in p.state_delete:
                state.pop(k, None)
            state.update(p.state_set)
            fields["state"] = state
        if p.relation_settings or p.app_relation_settings:
            relations.write_settings(tx, m, u, p.relation_settings, p.app_relation_settings)
        if p.secrets:
            secrets.apply_changes(svc, tx, m, u, [_stored(c) for c in p.secrets])
        if p.storage_add:
            storage.add_instances(tx, m, u, p.storage_add)
        tx.update_unit(m.uuid, unit, kind="unit" if ("opened_ports" in fields or "state" in fields)
                       else "unit-status", **fields)
    return CommitReply(applied=True)


def _stored(change: SecretChange) -> dict[str, Any]:
    """A hook's secret change as the secrets service stores it: values as text, bytes
    that are not UTF-8 carried by surrogateescape (the wire carries them in base64)."""
    out = change.model_dump()
    if out.get("content") is not None:
        out["content"] = {k: v.decode("utf-8", "surrogateescape") for k, v in decode_content(out["content"]).items()}
    return out


def apply_port_changes(current: list[dict[str, Any]], p: HookCommitParams) -> list[dict[str, Any]]:
    """The unit's opened ports after a commit's port changes (hook contexts show the same merge)."""
    ports: dict[str, set[str] | None] = {}
    for entry in current:
        eps = entry.get("endpoints")
        ports[entry["range"]] = None if eps is None else set(eps)
    for ch in p.ports:
        rng = str(PortRange(ch.protocol, ch.from_port, ch.to_port))
        have = ports.get(rng, set())  # None: open on every endpoint
        if ch.action == "open":
            ports[rng] = None if ch.endpoints is None or have is None else have | set(ch.endpoints)
        elif ch.endpoints is None or have is None:
            ports.pop(rng, None)
        elif left := have - set(ch.endpoints):
            ports[rng] = left
        else:
            ports.pop(rng, None)
    out = [
        {"range": r, "endpoints": None if e is None else sorted(e)}
        for r, e in ports.items()
    ]
    return sorted(out, key=lambda x: PortRange.parse(x["range"]))


def set_leader_settings(svc: Services, m: ModelRow, machine_id: str, unit: str,
                        p: LeaderSettingsParams) -> Empty:
    with svc.store.write() as tx:
        u = _own_unit(tx, m, machine_id, unit)
        app = tx.application(m.uuid, u.application)
        if app is None or app.leader != unit:
            raise NotLeaderError(
                "cannot write leadership settings: cannot write settings: not the leader", unit=unit
            )
        settings = dict(app.leader_settings)
        for k, v in p.values.items():
            if v == "":
                settings.pop(k, None)
            else:
                settings[k] = v
        if settings != app.leader_settings:
            tx.update_application(
                m.uuid,
                u.application,
                leader_settings=settings,
                leader_settings_version=app.leader_settings_version + 1,
            )
    return Empty()


def unit_state(svc: Services, m: ModelRow, machine_id: str, unit: str, _: Empty) -> UnitState:
    with svc.store.read() as tx:
        return UnitState(state=dict(_own_unit(tx, m, machine_id, unit).state))


def status_for_tools(
    svc: Services, m: ModelRow, machine_id: str, unit: str, q: UnitStatusQuery
) -> UnitStatusReply:
    """What ``status-get`` needs: the unit's status, or the app's plus its units'."""
    with svc.store.read() as tx:
        u = _own_unit(tx, m, machine_id, unit)
        if not q.application:
            return UnitStatusReply(unit=_status_value(u.workload_status))
        app = tx.application(m.uuid, u.application)
        if app is None or app.leader != unit:
            raise NotLeaderError("finding application status: this unit is not the leader", unit=unit)
        units = tx.units(m.uuid, application=u.application)
        app_status = app.status or derived_app_status(units)
        return UnitStatusReply(
            application=_status_value(app_status),
            units={x.name: _status_value(unit_display_status(x)[0]) for x in units},
        )


def _status_value(s: dict[str, Any]) -> StatusValue:
    return StatusValue(status=s.get("current", "unknown"), message=s.get("message", ""), data=s.get("data") or {})


def goal_state(svc: Services, m: ModelRow, machine_id: str, unit: str, _: Empty) -> GoalState:
    """What the unit's application is heading for: its units and relations."""
    with svc.store.read() as tx:
        u = _own_unit(tx, m, machine_id, unit)
        all_units = tx.units(m.uuid)

        def unit_entry(x: UnitRow) -> GoalStatus:
            status = "dying" if x.life != "alive" else x.workload_status.get("current", "unknown")
            return GoalStatus(status=status, since=timefmt.goal_state_since(x.workload_status["since"]))

        units = {x.name: unit_entry(x) for x in all_units if x.application == u.application
                 and (not x.principal or not u.principal or x.principal == u.principal)}
        rels: dict[str, dict[str, GoalStatus]] = {}
        for rel in tx.relations(m.uuid):
            mine = rel.endpoint_of(u.application)
            if mine is None or rel.is_peer:
                continue
            other = rel.other_side(u.application)
            assert other is not None
            entry = rels.setdefault(mine["name"], {})
            status = "joined" if rel.life == "alive" else "broken"
            entry[other["application"]] = GoalStatus(status=status, since=timefmt.goal_state_since(rel.created))
            for x in all_units:
                if x.application == other["application"]:
                    entry[x.name] = unit_entry(x)
        return GoalState(units=units, relations=rels)


def unit_dead(svc: Services, m: ModelRow, machine_id: str, unit: str, _: Empty) -> Empty:
    with svc.store.write() as tx:
        _own_unit(tx, m, machine_id, unit)
        subs = [x.name for x in tx.units(m.uuid) if x.principal == unit]
        if subs:
            raise ConflictError(f'unit "{unit}" still has subordinates: {", ".join(subs)}', unit=unit)
        finish_unit_removal(tx, m.uuid, unit)
    return Empty()


def enter_scope(svc: Services, m: ModelRow, machine_id: str, unit: str, r: RelationRef) -> Empty:
    with svc.store.write() as tx:
        u = _own_unit(tx, m, machine_id, unit)
        mm = tx.machine(m.uuid, machine_id)
        address = mm.addresses[0] if mm is not None and mm.addresses else "127.0.0.1"
        relations.enter_scope(tx, m, u, r.relation_id, address)
    return Empty()


def leave_scope(svc: Services, m: ModelRow, machine_id: str, unit: str, r: RelationRef) -> Empty:
    with svc.store.write() as tx:
        u = _own_unit(tx, m, machine_id, unit)
        relations.leave_scope(tx, m, u, r.relation_id)
    return Empty()


def relation_settings(svc: Services, m: ModelRow, machine_id: str, unit: str,
                      q: RelationSettingsQuery) -> Settings:
    with svc.store.read() as tx:
        u = _own_unit(tx, m, machine_id, unit)
        return Settings(values=relations.read_settings(tx, m, u, q.relation_id, q.owner, q.is_app))


def add_logs(svc: Services, m: ModelRow, machine_id: str, unit: str, batch: LogBatch) -> Empty:
    rows = [{"model_uuid": m.uuid, **r.model_dump()} for r in batch.records]
    with svc.store.write() as tx:
        tx.add_logs(rows)
    svc.hub.publish_logs(m.uuid)
    return Empty()


def secret_get(svc: Services, m: ModelRow, machine_id: str, unit: str, p: SecretGetParams) -> SecretValue:
    with svc.store.read() as tx:
        u = _own_unit(tx, m, machine_id, unit)
    found = secrets.get_for_unit(svc, m, u, p.ref, p.label, p.peek, p.refresh)
    content = encode_content({k: v.encode("utf-8", "surrogateescape") for k, v in found["content"].items()})
    return SecretValue(id=found["id"], revision=found["revision"], content=content)


def secret_info(svc: Services, m: ModelRow, machine_id: str, unit: str, q: SecretQuery) -> SecretInfoReply:
    with svc.store.read() as tx:
        u = _own_unit(tx, m, machine_id, unit)
    return SecretInfoReply.model_validate({"secrets": secrets.info_for_unit(svc, m, u, q.ref, q.label)})


def secret_ids(svc: Services, m: ModelRow, machine_id: str, unit: str, _: Empty) -> SecretIds:
    with svc.store.read() as tx:
        u = _own_unit(tx, m, machine_id, unit)
    return SecretIds(ids=secrets.ids_for_unit(svc, m, u))


def storage_attached(svc: Services, m: ModelRow, machine_id: str, unit: str, p: StorageAttached) -> Empty:
    with svc.store.write() as tx:
        u = _own_unit(tx, m, machine_id, unit)
        storage.attached(tx, m, u, p.storage_id, p.location)
    return Empty()


def storage_detached(svc: Services, m: ModelRow, machine_id: str, unit: str, p: StorageRef) -> Empty:
    with svc.store.write() as tx:
        u = _own_unit(tx, m, machine_id, unit)
        storage.detached(tx, m, u, p.storage_id)
    return Empty()


# -- tasks: actions and exec commands addressed to this machine or its units ----------------
def task_begin(svc: Services, m: ModelRow, machine_id: str, unit: str, r: TaskRef) -> TaskBegun:
    return TaskBegun(run=operations.begin_task(svc, m, machine_id, int(r.task_id)))


def task_log(svc: Services, m: ModelRow, machine_id: str, unit: str, p: TaskLog) -> Empty:
    operations.log_task(svc, m, machine_id, int(p.task_id), p.message)
    return Empty()


def task_finish(svc: Services, m: ModelRow, machine_id: str, unit: str, p: TaskFinish) -> Empty:
    operations.finish_task(svc, m, machine_id, int(p.task_id), p.status, p.message, p.results)
    return Empty()


def resource_blob(svc: Services, m: ModelRow, machine_id: str, application: str, name: str) -> Any:
    """The file of an application's resource, for a machine that runs one of its units."""
    with svc.store.read() as tx:
        if not any(u.machine_id == machine_id for u in tx.units(m.uuid, application=application)):
            raise ForbiddenError(f"machine {machine_id} runs no unit of {application}")
        row = next((r for r in tx.resources(m.uuid, application) if r.name == name), None)
    if row is None:
        raise NotFoundError(f'resource "{name}" not found', resource=name)
    return blob_path(svc, row.sha256)
