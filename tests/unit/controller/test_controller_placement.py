"""Placement: directive parsing and a pure planner, table-driven."""

from __future__ import annotations

import pytest

from pyjuju.controller.placement import MachineSnapshot, UnitSnapshot, plan_units
from pyjuju.core.errors import (
    InvalidArgumentError,
    MachineNotFoundError,
    NotSupportedError,
    UnitNotFoundError,
)
from pyjuju.core.placement import parse_directive, split_directives

MACHINES = [
    MachineSnapshot(id="0", alive=True),
    MachineSnapshot(id="1", alive=True),
    MachineSnapshot(id="2", alive=False),
]
UNITS = [
    UnitSnapshot(name="db/0", machine_id="1", alive=True),
    UnitSnapshot(name="db/1", machine_id="0", alive=False),
    UnitSnapshot(name="old/0", machine_id="2", alive=True),
    UnitSnapshot(name="odd/0", machine_id=None, alive=True),
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
        (1, ["db/0"], ("1",)),
        (3, ["db/0", "0"], ("1", "0", None)),
    ],
)
def test_plan_units(count, directives, targets) -> None:
    plan = plan_units(MACHINES, count, directives, UNITS)
    assert plan.targets == targets
    assert plan.new_machines == sum(1 for t in targets if t is None)


@pytest.mark.parametrize(
    "count, directives, error, message",
    [
        (1, ["0", "1"], InvalidArgumentError, "2 placement directives given for 1 unit"),
        (0, ["0"], InvalidArgumentError, "placement directives given for 0"),
        (1, ["9"], MachineNotFoundError, "machine 9 not found"),
        (1, ["2"], InvalidArgumentError, "machine 2 is being removed"),
        (1, ["lxd"], NotSupportedError, "containers are not supported by the local provider"),
        (1, ["lxd:0"], NotSupportedError, "containers are not supported"),
        (1, ["kvm:1"], NotSupportedError, "containers are not supported"),
        (1, ["kvm"], NotSupportedError, "containers are not supported"),
        (1, ["0/lxd/0"], NotSupportedError, "containers are not supported"),
        (1, ["lxd:new"], NotSupportedError, "containers are not supported"),
        (1, ["zone=us-east-1a"], NotSupportedError, "availability zones are not supported"),
        (1, ["node1.maas"], NotSupportedError, "provider host placement"),
        (1, ["db"], InvalidArgumentError, "only possible in a bundle; name one of its units instead (e.g. --to db/0)"),
        (1, ["db/7"], UnitNotFoundError, 'unit "db/7" not found'),
        (1, ["db/1"], InvalidArgumentError, 'unit "db/1" is being removed'),
        (1, ["old/0"], InvalidArgumentError, "machine 2 is being removed"),
        (1, ["odd/0"], InvalidArgumentError, 'unit "odd/0" has no machine'),
        (1, ["01"], InvalidArgumentError, 'invalid placement directive "01"'),
        (1, ["-1"], InvalidArgumentError, "invalid placement directive"),
        (1, ["machine-0"], InvalidArgumentError, "invalid placement directive"),
        (1, ["lxd:x"], InvalidArgumentError, "invalid placement directive"),
    ],
)
def test_plan_units_errors(count, directives, error, message) -> None:
    with pytest.raises(error) as ei:
        plan_units(MACHINES, count, directives, UNITS)
    assert message in ei.value.message


def test_an_error_in_a_later_directive_refuses_the_whole_plan() -> None:
    # nothing is placed when any directive fails: the caller applies plans whole
    with pytest.raises(NotSupportedError):
        plan_units(MACHINES, 3, ["0", "new", "lxd:1"], UNITS)


def test_plan_on_empty_model() -> None:
    assert plan_units([], 2, []).new_machines == 2
    with pytest.raises(MachineNotFoundError) as ei:
        plan_units([], 1, ["0"])
    assert ei.value.details == {"machine": "0"}


@pytest.mark.parametrize(
    "text, kind, fields",
    [
        ("new", "new", {}),
        ("", "new", {}),
        ("7", "machine", {"machine": "7"}),
        ("lxd", "container", {"container": "lxd", "machine": ""}),
        ("lxd:3", "container", {"container": "lxd", "machine": "3"}),
        ("kvm:new", "container", {"container": "kvm", "machine": ""}),
        ("4/lxd/2", "container", {"container": "lxd", "machine": "4", "number": "2"}),
        ("wordpress/3", "unit", {"unit": "wordpress/3", "application": "wordpress"}),
        ("wordpress", "application", {"application": "wordpress"}),
        ("zone=az1", "zone", {"value": "az1"}),
        ("node3.maas", "provider", {"value": "node3.maas"}),
    ],
)
def test_parse_directive(text, kind, fields) -> None:
    d = parse_directive(text)
    assert d.kind == kind
    for key, value in fields.items():
        assert getattr(d, key) == value


@pytest.mark.parametrize("text", ["01", "zone=", "a b", "lxd:", "4/lxd", "4/docker/1", "APP", "x/01"])
def test_parse_directive_refuses_unknown_shapes(text) -> None:
    with pytest.raises(InvalidArgumentError, match="invalid placement directive"):
        parse_directive(text)


def test_split_directives() -> None:
    assert split_directives(None) == []
    assert split_directives("0, new,,db/1") == ["0", "new", "db/1"]
    with pytest.raises(InvalidArgumentError):
        split_directives("0,??")
    # what pyjuju cannot honour is refused before anything is sent, with the planner's words
    with pytest.raises(NotSupportedError, match='placement "lxd:0": containers are not supported'):
        split_directives("0,lxd:0")
    with pytest.raises(NotSupportedError, match="availability zones"):
        split_directives("zone=a")
    with pytest.raises(InvalidArgumentError, match="only possible in a bundle"):
        split_directives("db")
