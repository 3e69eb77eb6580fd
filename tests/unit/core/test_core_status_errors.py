"""Application status derivation and the error registry."""

from __future__ import annotations

import pytest

from pyjuju.core import errors
from pyjuju.core.errors import PyjujuError
from pyjuju.core.status import SEVERITY, derive_application_status


@pytest.mark.parametrize(
    "units, expected",
    [
        ([], ("unknown", "", "")),
        ([("active", "a", "t1")], ("active", "a", "t1")),
        ([("active", "a", "t1"), ("waiting", "w", "t2")], ("waiting", "w", "t2")),
        ([("waiting", "w", "t1"), ("maintenance", "m", "t2")], ("maintenance", "m", "t2")),
        ([("maintenance", "m", "t1"), ("blocked", "b", "t2")], ("blocked", "b", "t2")),
        ([("blocked", "b", "t1"), ("error", "e", "t2"), ("blocked", "b2", "t3")], ("error", "e", "t2")),
        # ties keep the first unit
        ([("blocked", "first", "t1"), ("blocked", "second", "t2")], ("blocked", "first", "t1")),
        ([("unknown", "u", "t1")], ("unknown", "", "")),
        ([("terminated", "x", "t1"), ("unknown", "u", "t2")], ("terminated", "x", "t1")),
        ([("bogus", "?", "t1")], ("unknown", "", "")),
        ([("bogus", "?", "t1"), ("active", "a", "t2")], ("active", "a", "t2")),
    ],
)
def test_derive_application_status(units, expected) -> None:
    assert derive_application_status(units) == expected


def test_severity_order() -> None:
    order = ["error", "blocked", "maintenance", "waiting", "active", "terminated", "unknown"]
    assert sorted(SEVERITY, key=lambda s: -SEVERITY[s]) == order


ALL_ERRORS = [
    cls for cls in vars(errors).values()
    if isinstance(cls, type) and issubclass(cls, PyjujuError) and cls is not PyjujuError
]


@pytest.mark.parametrize("cls", ALL_ERRORS, ids=lambda c: c.__name__)
def test_error_round_trip(cls) -> None:
    err = cls("something broke", unit="app/0", n=3)
    wire = err.to_dict()
    assert wire == {"code": cls.code, "message": "something broke", "details": {"unit": "app/0", "n": 3}}
    back = PyjujuError.from_dict(wire)
    assert type(back) is cls
    assert str(back) == "something broke" and back.message == "something broke"
    assert back.details == {"unit": "app/0", "n": 3}
    assert errors.REGISTRY[cls.code] is cls


def test_codes_are_unique_and_registered() -> None:
    codes = [c.code for c in ALL_ERRORS]
    assert len(codes) == len(set(codes))
    assert set(codes) <= set(errors.REGISTRY)


def test_hierarchy_survives_round_trip() -> None:
    back = PyjujuError.from_dict(errors.ModelNotFoundError("gone", model="m").to_dict())
    assert isinstance(back, errors.NotFoundError)
    back = PyjujuError.from_dict(errors.ConfigError("bad").to_dict())
    assert isinstance(back, errors.InvalidArgumentError)


@pytest.mark.parametrize("data", [{"code": "no-such-code", "message": "m"}, {"message": "m"}, {}])
def test_unknown_code_is_base_error(data) -> None:
    back = PyjujuError.from_dict(data)
    assert type(back) is PyjujuError
    assert back.message == data.get("message", "") and back.details == {}


def test_register_makes_subclass_rebuildable() -> None:
    @errors.register
    class CustomError(errors.ConflictError):
        code = "test-custom-conflict"

    try:
        back = PyjujuError.from_dict({"code": "test-custom-conflict", "message": "x", "details": None})
        assert type(back) is CustomError and back.details == {}
    finally:
        errors.REGISTRY.pop("test-custom-conflict", None)
