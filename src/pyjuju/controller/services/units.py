"""Units and leadership: add, remove, resolve, and who leads each application.

Removal is a lifecycle: a unit is marked dying, its agent runs the stop hooks
and reports it dead, and :func:`finish_unit_removal` then drops it with what
only it was holding (scopes, storage, a machine made for it, an application
that was waiting for its last unit). Relations and machines depend on this
module, never the other way round.
"""

from __future__ import annotations

from ...core import timefmt
from ...core.errors import InvalidArgumentError
from ...core.names import UnitName
from ...store import ApplicationRow, ModelRow, UnitRow, WriteTx
from .. import placement
from . import scopes
from . import storage as storage_svc
from .base import Services
from .charms import get_charm
from .hosts import check_new_machine, effective_constraints, new_machine
from .lookup import find_alive_application, find_unit, resolve_model


def add_units(svc: Services, model_ref: str, application: str, count: int, directives: list[str]) -> list[str]:
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        app = find_alive_application(tx, m, application)
        if app.subordinate:
            raise InvalidArgumentError(
                f'cannot add unit to application "{application}": application is subordinate',
                application=application,
            )
        return create_units(svc, tx, m, app, count, directives)


def create_units(
    svc: Services, tx: WriteTx, m: ModelRow, app: ApplicationRow, count: int, directives: list[str]
) -> list[str]:
    """Place ``count`` new units by ``directives``, making the machines the plan needs."""
    if count == 0:
        if directives:
            raise InvalidArgumentError("placement given for zero units")
        return []
    snapshot = [placement.MachineSnapshot(id=mm.id, alive=mm.life == "alive") for mm in tx.machines(m.uuid)]
    unit_snapshot = [placement.UnitSnapshot(name=u.name, machine_id=u.machine_id, alive=u.life == "alive")
                     for u in tx.units(m.uuid)]
    plan = placement.plan_units(snapshot, count, directives, unit_snapshot)
    cons = effective_constraints(m, app.constraints)
    if plan.new_machines:
        check_new_machine(svc, cons)
    names: list[str] = []
    next_machine = m.next_machine_id
    next_unit = app.next_unit
    for target in plan.targets:
        name = f"{app.name}/{next_unit}"
        next_unit += 1
        if target is None:
            target = str(next_machine)
            next_machine += 1
            tx.add_machine(new_machine(svc, m, target, created_for=name, constraints=cons))
        new = _new_unit(m, app, name, next_unit - 1, target, principal="")
        tx.add_unit(new)
        storage_svc.create_for_unit(tx, m, new, get_charm(tx, m.uuid, app.charm_url), app.storage or {})
        names.append(name)
    if next_machine != m.next_machine_id:
        tx.update_model(m.uuid, next_machine_id=next_machine)
    tx.update_application(m.uuid, app.name, next_unit=next_unit)
    ensure_leader(tx, m.uuid, app.name)
    return names


def _new_unit(m: ModelRow, app: ApplicationRow, name: str, number: int, machine_id: str | None,
              principal: str) -> UnitRow:
    now = timefmt.now_iso()
    return UnitRow(
        model_uuid=m.uuid,
        name=name,
        application=app.name,
        number=number,
        machine_id=machine_id,
        principal=principal,
        life="alive",
        workload_status={"current": "waiting", "message": "waiting for machine", "since": now},
        agent_status={"current": "allocating", "message": "", "since": now},
        status_ever_set=False,
        workload_version="",
        opened_ports=[],
        state={},
        resolved="",
        resolved_seq=0,
        commit_id="",
        created=now,
    )


def add_subordinate_unit(tx: WriteTx, m: ModelRow, app: ApplicationRow, principal: UnitRow) -> str:
    """A subordinate unit lives on its principal's machine and goes with it."""
    name = f"{app.name}/{app.next_unit}"
    new = _new_unit(m, app, name, app.next_unit, principal.machine_id, principal=principal.name)
    tx.add_unit(new)
    storage_svc.create_for_unit(tx, m, new, get_charm(tx, m.uuid, app.charm_url), app.storage or {})
    tx.update_application(m.uuid, app.name, next_unit=app.next_unit + 1)
    ensure_leader(tx, m.uuid, app.name)
    return name


def ensure_leader(tx: WriteTx, model_uuid: str, application: str) -> None:
    """Keep exactly one leader: the current one while it exists, else the lowest live unit."""
    app = tx.application(model_uuid, application)
    if app is None:
        return
    units = tx.units(model_uuid, application=application)
    names = {u.name for u in units}
    if app.leader in names:
        return
    candidates = [u for u in units if u.life == "alive"] or [u for u in units if u.life == "dying"]
    leader = min(candidates, key=lambda u: u.number).name if candidates else None
    if leader != app.leader:
        tx.update_application(model_uuid, application, leader=leader)


def remove_units(svc: Services, model_ref: str, units: list[str], *, force: bool = False) -> list[str]:
    """Mark units dying; their agents tear them down. Returns what will be removed.

    With ``force``, units stuck in a failed hook go at once (see ``force_away``)."""
    removed: list[str] = []
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        rows = []
        for name in units:
            UnitName.parse(name)
            u = find_unit(tx, m, name)
            if u.principal:
                raise InvalidArgumentError(
                    f'unit "{name}" is a subordinate, remove the relation instead', unit=name
                )
            rows.append(u)
        for u in rows:
            removed.extend(kill_unit(tx, m, u))
        if force:
            force_away(tx, m, [u.name for u in rows])
    return removed


def force_away(tx: WriteTx, m: ModelRow, units: list[str]) -> None:
    """Drop dying units whose hook failed, with their subordinates, without their hooks.

    Such a unit cannot run stop and remove until someone resolves it; ``--force`` is the
    user saying not to wait. Units that are healthy still leave through their hooks. The
    machine agent stops the unit's agent when the unit disappears from its view."""
    for name in units:
        u = tx.unit(m.uuid, name)
        if u is None:
            continue
        stuck = u.agent_status.get("current") == "error"
        for sub in tx.units(m.uuid):
            if sub.principal == name and (stuck or sub.agent_status.get("current") == "error"):
                finish_unit_removal(tx, m.uuid, sub.name)
        if stuck:
            finish_unit_removal(tx, m.uuid, name)


def kill_unit(tx: WriteTx, m: ModelRow, u: UnitRow) -> list[str]:
    """Start removing a unit (and its subordinates); returns what will go, for the user."""
    notes = [f"will remove unit {u.name}"]
    if u.life != "alive":
        return notes
    for sub in tx.units(m.uuid):
        if sub.principal == u.name and sub.life == "alive":
            kill_unit(tx, m, sub)
    storage_svc.kill_for_unit(tx, m, u.name)
    machine = tx.machine(m.uuid, u.machine_id) if u.machine_id else None
    if u.agent_status.get("current") == "allocating" and (machine is None or machine.instance_id == ""):
        finish_unit_removal(tx, m.uuid, u.name)
    else:
        tx.update_unit(m.uuid, u.name, life="dying")
    if machine is not None and machine.created_for:
        others = [x for x in tx.units(m.uuid, machine_id=machine.id)
                  if x.name != u.name and x.principal != u.name]
        if not others:
            notes.append(f"- will remove machine {machine.id}")
    return notes


def finish_unit_removal(tx: WriteTx, model_uuid: str, unit: str) -> None:
    """The unit is dead: drop it, re-elect, and release what only it was using."""
    u = tx.unit(model_uuid, unit)
    if u is None:
        return
    scopes.leave_all(tx, model_uuid, unit)
    for st in tx.storage_instances(model_uuid, unit):
        tx.remove_storage(model_uuid, st.id, unit)
    tx.remove_unit(model_uuid, unit)
    ensure_leader(tx, model_uuid, u.application)
    app = tx.application(model_uuid, u.application)
    if app is not None and app.life != "alive" and not tx.units(model_uuid, application=app.name):
        remove_dead_application(tx, model_uuid, app.name)
    if u.machine_id:
        machine = tx.machine(model_uuid, u.machine_id)
        # A machine that deploy or add-unit made goes with its last unit; one made
        # by add-machine (created_for == "") stays until removed explicitly.
        if (
            machine is not None
            and machine.created_for
            and machine.life == "alive"
            and not tx.units(model_uuid, machine_id=machine.id)
        ):
            tx.update_machine(model_uuid, machine.id, life="dying")


def remove_dead_application(tx: WriteTx, model_uuid: str, application: str) -> None:
    """A dying application's last unit is gone: remove it and the relations only it held."""
    scopes.remove_unheld_relations(tx, model_uuid, application)
    tx.remove_application(model_uuid, application)


def resolved(svc: Services, model_ref: str, units: list[str], retry: bool) -> None:
    """Let units whose hook failed go on: retry the hook, or skip it (``retry=False``)."""
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        for name in units:
            u = find_unit(tx, m, name)
            if u.agent_status.get("current") != "error":
                raise InvalidArgumentError(f'unit "{name}" is not in an error state', unit=name)
            tx.update_unit(
                m.uuid, name, resolved="retry" if retry else "no-retry", resolved_seq=u.resolved_seq + 1
            )


def units_in_error(svc: Services, model_ref: str) -> list[str]:
    with svc.store.read() as tx:
        m = resolve_model(tx, model_ref)
        return [u.name for u in tx.units(m.uuid) if u.agent_status.get("current") == "error"]
