"""Placement: a pure function from a model snapshot to a plan.

The planner never touches the store. It receives the machines and units that
exist and the directives the user gave, and returns where each new unit goes
and which machines must be created. The caller applies the plan in the same
transaction it read the snapshot in, so a plan can never be stale; and since
every directive is checked before the plan is returned, a refused placement
changes nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from ..core.errors import (
    InvalidArgumentError,
    MachineNotFoundError,
    UnitNotFoundError,
)
from ..core.placement import parse_directive, refusal

NEW = "new"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class MachineSnapshot:
    id: str
    alive: bool


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class UnitSnapshot:
    """What co-location (``--to app/1``) needs to know about an existing unit."""

    name: str
    machine_id: str | None
    alive: bool


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """``targets[i]`` is an existing machine id, or ``None`` for a new machine."""

    targets: tuple[str | None, ...]

    @property
    def new_machines(self) -> int:
        return sum(1 for t in self.targets if t is None)


def plan_units(
    machines: Sequence[MachineSnapshot],
    count: int,
    directives: Sequence[str],
    units: Sequence[UnitSnapshot] = (),
) -> Plan:
    """Place ``count`` units; directives beyond ``count`` are an error, missing ones mean new machines."""
    if len(directives) > count:
        raise InvalidArgumentError(
            f"{len(directives)} placement directives given for {count} unit(s)",
        )
    by_id = {m.id: m for m in machines}
    unit_by_name = {u.name: u for u in units}
    targets: list[str | None] = []
    for i in range(count):
        d = parse_directive(directives[i] if i < len(directives) else NEW)
        if d.kind == "new":
            targets.append(None)
        elif d.kind == "machine":
            targets.append(_alive_machine(by_id, d.machine, d.text))
        elif d.kind == "unit":
            u = unit_by_name.get(d.unit)
            if u is None:
                raise UnitNotFoundError(f'placement "{d.text}": unit "{d.unit}" not found', unit=d.unit)
            if not u.alive:
                raise InvalidArgumentError(f'placement "{d.text}": unit "{d.unit}" is being removed',
                                           unit=d.unit)
            if u.machine_id is None:
                raise InvalidArgumentError(f'placement "{d.text}": unit "{d.unit}" has no machine',
                                           unit=d.unit)
            targets.append(_alive_machine(by_id, u.machine_id, d.text))
        else:
            err = refusal(d)
            raise err if err is not None else InvalidArgumentError(f'invalid placement directive "{d.text}"')
    return Plan(targets=tuple(targets))


def _alive_machine(by_id: dict[str, MachineSnapshot], machine_id: str, text: str) -> str:
    m = by_id.get(machine_id)
    if m is None:
        raise MachineNotFoundError(f"machine {machine_id} not found", machine=machine_id)
    if not m.alive:
        raise InvalidArgumentError(f"machine {machine_id} is being removed", machine=machine_id)
    return machine_id
