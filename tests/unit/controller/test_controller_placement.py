"""Placement: a pure planner, table-driven."""

from __future__ import annotations

import pytest

from pyjuju.controller.placement import MachineSnapshot, plan_units
from pyjuju.core.errors import InvalidArgumentError, MachineNotFoundError, NotSupportedError

MACHINES = [
    MachineSnapshot(id="0", alive=True),
    MachineSnapshot(id="1", alive=True),
    MachineSnapshot(id="2", alive=False),
]


@pytest.mark.parametrize(
    "count, directives, targets",
    [
        (0, [], ()),
        (1, [], (None,)),
        (3, [], (None, None, None)),
        (1, ["0"], ("0",)),
        (2, ["1"], ("1", None)),
        (3, ["0", "new", "0"], ("0", None, "0")),
        (2, ["", " 1 "], (None, "1")),
    ],
)
def test_plan_units(count, directives, targets) -> None:
    plan = plan_units(MACHINES, count, directives)
    assert plan.targets == targets
    assert plan.new_machines == sum(1 for t in targets if t is None)


@pytest.mark.parametrize(
    "count, directives, error",
    [
        (1, ["0", "1"], InvalidArgumentError),
        (0, ["0"], InvalidArgumentError),
        (1, ["9"], MachineNotFoundError),
        (1, ["2"], InvalidArgumentError),  # dying machine
        (1, ["lxd"], NotSupportedError),
        (1, ["lxd:0"], NotSupportedError),
        (1, ["kvm:1"], NotSupportedError),
        (1, ["0/lxd/0"], NotSupportedError),
        (1, ["zone=us-east-1a"], InvalidArgumentError),
        (1, ["01"], InvalidArgumentError),
        (1, ["-1"], InvalidArgumentError),
        (1, ["machine-0"], InvalidArgumentError),
    ],
)
def test_plan_units_errors(count, directives, error) -> None:
    with pytest.raises(error):
        plan_units(MACHINES, count, directives)


def test_plan_on_empty_model() -> None:
    assert plan_units([], 2, []).new_machines == 2
    with pytest.raises(MachineNotFoundError) as ei:
        plan_units([], 1, ["0"])
    assert ei.value.details == {"machine": "0"}
