"""Machines: add-machine and remove-machine for users, and what the provisioner records.

The provisioner is the only writer of a machine's instance (its id, host name
and addresses) and of its agent's credential; it does so through the
functions at the end of this module.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...core import timefmt
from ...core.constraints import Constraints
from ...core.errors import (
    ConflictError,
    InvalidArgumentError,
    MachineNotFoundError,
    NotSupportedError,
)
from ...core.names import is_valid_machine_id, natural_key
from ...core.placement import parse_directive
from ...store import CredentialRow, MachineRow, ModelRow, UnitRow
from .base import Services, check_base, hash_token, new_token
from .hosts import check_new_machine, effective_constraints, new_machine
from .lookup import resolve_model
from .units import finish_unit_removal


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


# -- the provisioner's writes ---------------------------------------------------------
def provisioning_work(svc: Services) -> list[tuple[ModelRow, list[MachineRow]]]:
    """Every model with its machines, read at once, for one provisioner pass."""
    with svc.store.read() as tx:
        return [(m, tx.machines(m.uuid)) for m in tx.models()]


def issue_agent_token(svc: Services, model_uuid: str, machine_id: str) -> str:
    """A new credential for the machine's agent (replacing any it had); returns the token.

    Only its hash is stored: the token itself goes into the agent's configuration."""
    token = new_token()
    with svc.store.write() as tx:
        tx.remove_credentials("machine", machine_id, model_uuid)
        tx.add_credential(CredentialRow(token_hash=hash_token(token), kind="machine", entity=machine_id,
                                        model_uuid=model_uuid, created=timefmt.now_iso()))
    return token


def record_provisioning_error(svc: Services, model_uuid: str, machine_id: str, message: str) -> None:
    """The provider could not start the machine's instance; status shows why."""
    with svc.store.write() as tx:
        tx.update_machine(model_uuid, machine_id, machine_status={
            "current": "provisioning error", "message": message, "since": timefmt.now_iso()})


def record_instance(svc: Services, model_uuid: str, machine_id: str, *, instance_id: str, hostname: str,
                    addresses: Sequence[str]) -> None:
    """The machine's instance is running (unless the machine was removed meanwhile)."""
    with svc.store.write() as tx:
        if tx.machine(model_uuid, machine_id) is None:
            return
        tx.update_machine(model_uuid, machine_id, instance_id=instance_id, hostname=hostname,
                          addresses=list(addresses),
                          machine_status={"current": "running", "message": "Running",
                                          "since": timefmt.now_iso()})


def remove_stopped_machine(svc: Services, model_uuid: str, machine_id: str) -> None:
    """The instance of a dying machine is stopped: forget the machine and its agent's credential."""
    with svc.store.write() as tx:
        if tx.machine(model_uuid, machine_id) is not None:
            tx.remove_machine(model_uuid, machine_id)
            tx.remove_credentials("machine", machine_id, model_uuid)
