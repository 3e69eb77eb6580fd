"""New machines: their rows, and the constraints they are made with.

Shared by deploy/add-unit (machines made for a unit) and add-machine (empty
machines), so both agree on what a machine's constraints are and both refuse,
before anything is stored, a machine the provider could never make.
"""

from __future__ import annotations

from ...core import timefmt
from ...core.constraints import Constraints
from ...store import MachineRow, ModelRow
from .base import Services


def effective_constraints(m: ModelRow, own: str) -> Constraints:
    """Model constraints overridden key by key by the application's (or add-machine's)."""
    return Constraints.parse(m.constraints).merged(Constraints.parse(own))


def check_new_machine(svc: Services, cons: Constraints) -> None:
    """Refuse (``ConstraintsNotMetError``) constraints the provider cannot meet.

    Only for machines about to be created: a unit placed on an existing machine
    takes it as it is, as in Juju."""
    svc.host.check_constraints(cons)


def new_machine(svc: Services, m: ModelRow, machine_id: str, *, created_for: str,
                constraints: Constraints, annotations: dict[str, str] | None = None) -> MachineRow:
    now = timefmt.now_iso()
    base = svc.host.base()
    return MachineRow(
        model_uuid=m.uuid,
        id=machine_id,
        life="alive",
        instance_id="",
        hostname="",
        addresses=[],
        agent_status={"current": "pending", "message": "", "since": now},
        machine_status={"current": "pending", "message": "", "since": now},
        constraints=str(constraints),
        hardware=svc.host.hardware(),
        base=f"{base['name']}@{base['channel']}",
        created_for=created_for,
        created=now,
        annotations=dict(annotations or {}),
    )
