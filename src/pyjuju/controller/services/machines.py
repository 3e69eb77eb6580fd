"""Machines and model-level settings the ``juju`` client expects: add-machine,
remove-machine, model and application constraints, trust, SSH keys."""

from __future__ import annotations

from typing import Any

from ...core.constraints import Constraints
from ...core.errors import (
    ApplicationNotFoundError,
    ConflictError,
    InvalidArgumentError,
    MachineNotFoundError,
    NotSupportedError,
)
from ...core.names import is_valid_machine_id, natural_key
from ...core.placement import parse_directive
from ...store import MachineRow, UnitRow
from .applications import finish_unit_removal
from .base import Services, check_base
from .hosts import check_new_machine, effective_constraints, new_machine
from .models import resolve_model


def add_machines(svc: Services, model_ref: str, count: int, constraints: str, target: str | None, *,
                 base: str = "", annotations: dict[str, str] | None = None) -> list[str]:
    """New, empty machines (``created_for`` empty: they stay until removed).

    ``annotations`` are stored with each (bundles record which bundle machine a
    machine was made for, so a deploy interrupted before its units were placed
    finds the machine again instead of making another).

    Their constraints are the model's overridden by ``constraints``; ones the
    provider cannot meet are refused before any machine is recorded."""
    check_base(svc, base)
    if count < 1:
        raise InvalidArgumentError("the number of machines must be at least 1", count=count)
    if target:
        d = parse_directive(target) if not target.startswith("ssh:") else None
        what = {"container": "containers", "zone": "availability zones"}.get(d.kind if d else "",
                                                                           "placement targets (ssh:, hosts)")
        raise NotSupportedError(f'add-machine "{target}": {what} are not supported by the local provider',
                                target=target)
    own = Constraints.parse(constraints)
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        cons = effective_constraints(m, str(own))
        check_new_machine(svc, cons)
        ids = []
        for i in range(count):
            mid = str(m.next_machine_id + i)
            tx.add_machine(new_machine(svc, m, mid, created_for="", constraints=cons, annotations=annotations))
            ids.append(mid)
        tx.update_model(m.uuid, next_machine_id=m.next_machine_id + count)
        return ids


def remove_machines(svc: Services, model_ref: str, ids: list[str], *, force: bool = False,
                    dry_run: bool = False) -> list[str]:
    """Mark machines dying (the provisioner then stops their instances); returns what goes.

    Every id is checked before anything changes. A machine with units on it is
    refused unless ``force``, which removes those units at once, without their
    hooks (the machine is going away under them)."""
    for mid in ids:
        if not is_valid_machine_id(mid):
            raise InvalidArgumentError(f'invalid machine id "{mid}"', machine=mid)
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        todo: list[tuple[MachineRow, list[UnitRow]]] = []
        for mid in dict.fromkeys(ids):
            mm = tx.machine(m.uuid, mid)
            if mm is None:
                raise MachineNotFoundError(f"machine {mid} not found", machine=mid)
            units = sorted(tx.units(m.uuid, machine_id=mid), key=lambda u: natural_key(u.name))
            if units and not force:
                names = ", ".join(u.name for u in units)
                raise ConflictError(
                    f"cannot remove machine {mid}: unit(s) {names} are on it; remove them first, "
                    "or use --force to remove them with the machine", machine=mid, units=[u.name for u in units],
                )
            todo.append((mm, units))
        notes: list[str] = []
        for mm, units in todo:
            notes.append(f"will remove machine {mm.id}")
            notes.extend(f"- will remove unit {u.name}" for u in units)
        if dry_run:
            return notes
        for mm, units in todo:
            # Subordinates first: a principal's removal expects them gone.
            for u in sorted(units, key=lambda u: not u.principal):
                finish_unit_removal(tx, m.uuid, u.name)
            left = tx.machine(m.uuid, mm.id)
            if left is not None and left.life == "alive":
                tx.update_machine(m.uuid, mm.id, life="dying")
        return notes


def model_constraints(svc: Services, model_ref: str) -> dict[str, Any]:
    with svc.store.read() as tx:
        m = resolve_model(tx, model_ref)
    return Constraints.parse(m.constraints).as_dict()


def set_model_constraints(svc: Services, model_ref: str, text: str) -> None:
    """Replace the model's constraints (``key=`` leaves a key unset), as Juju does."""
    cons = str(Constraints.parse(text))
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        tx.update_model(m.uuid, constraints=cons)


def application_constraints(svc: Services, model_ref: str, application: str) -> dict[str, Any]:
    """``constraints APP``: the application's own constraints (not merged with the model's)."""
    with svc.store.read() as tx:
        m = resolve_model(tx, model_ref)
        app = tx.application(m.uuid, application)
        if app is None:
            raise ApplicationNotFoundError(f'application "{application}" not found', application=application)
    return Constraints.parse(app.constraints).as_dict()


def set_application_constraints(svc: Services, model_ref: str, application: str, text: str) -> None:
    """Replace an application's constraints, as Juju's ``set-constraints`` does.

    They apply to machines made for its units from now on; existing machines keep
    what they were made with (Juju does the same)."""
    cons = str(Constraints.parse(text))
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        app = tx.application(m.uuid, application)
        if app is None or app.life != "alive":
            raise ApplicationNotFoundError(f'application "{application}" not found', application=application)
        if app.constraints != cons:
            tx.update_application(m.uuid, application, constraints=cons)


def check_constraints(svc: Services, model_ref: str, text: str) -> dict[str, Any]:
    """Would a new machine with these constraints (over the model's) be possible? Changes nothing.

    Returns the effective constraints; raises ``ConstraintsNotMetError`` otherwise."""
    own = Constraints.parse(text)
    with svc.store.read() as tx:
        m = resolve_model(tx, model_ref)
    cons = effective_constraints(m, str(own))
    check_new_machine(svc, cons)
    return cons.as_dict()


def set_trust(svc: Services, model_ref: str, application: str, trust: bool) -> None:
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        app = tx.application(m.uuid, application)
        if app is None:
            raise ApplicationNotFoundError(f'application "{application}" not found', application=application)
        if app.trust != trust:
            tx.update_application(m.uuid, application, trust=trust, config_version=app.config_version + 1)


def ssh_keys(svc: Services, model_ref: str, add: list[str], remove: list[str]) -> list[str]:
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        keys = list(m.ssh_keys or [])
        for k in add:
            if k not in keys:
                keys.append(k)
        for r in remove:
            keys = [k for k in keys if k != r and r not in k.split()[-1:] and r not in k]
        if keys != list(m.ssh_keys or []):
            tx.update_model(m.uuid, kind="model-keys", ssh_keys=keys)
        return keys
