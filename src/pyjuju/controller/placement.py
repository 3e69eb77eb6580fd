"""Placement: a pure function from a model snapshot to a plan.

The planner never touches the store. It receives the machines that exist and
the directives the user gave, and returns where each new unit goes and which
machines must be created. The caller applies the plan in the same
transaction it read the snapshot in, so a plan can never be stale.
"""

from __future__ import annotations

import dataclasses

from ..core.errors import InvalidArgumentError, MachineNotFoundError, NotSupportedError
from ..core.names import is_valid_machine_id

NEW = "new"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class MachineSnapshot:
    id: str
    alive: bool


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """``targets[i]`` is an existing machine id, or ``None`` for a new machine."""

    targets: tuple[str | None, ...]

    @property
    def new_machines(self) -> int:
        return sum(1 for t in self.targets if t is None)


def plan_units(machines: list[MachineSnapshot], count: int, directives: list[str]) -> Plan:
    """Place ``count`` units; directives beyond ``count`` are an error, missing ones mean new machines."""
    if len(directives) > count:
        raise InvalidArgumentError(
            f"{len(directives)} placement directives given for {count} unit(s)",
        )
    by_id = {m.id: m for m in machines}
    targets: list[str | None] = []
    for i in range(count):
        d = directives[i].strip() if i < len(directives) else NEW
        if d in ("", NEW):
            targets.append(None)
        elif is_valid_machine_id(d):
            m = by_id.get(d)
            if m is None:
                raise MachineNotFoundError(f'machine "{d}" not found', machine=d)
            if not m.alive:
                raise InvalidArgumentError(f'machine "{d}" is being removed', machine=d)
            targets.append(d)
        elif d.startswith(("lxd", "kvm")) or "/lxd/" in d or "/kvm/" in d:
            raise NotSupportedError(
                f'placement "{d}": containers are not supported by the local provider',
                directive=d,
            )
        else:
            raise InvalidArgumentError(f'invalid placement directive "{d}"', directive=d)
    return Plan(targets=tuple(targets))
