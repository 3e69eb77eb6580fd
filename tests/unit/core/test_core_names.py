"""Names: applications, units, models, machines."""

from __future__ import annotations

import pytest

from pyjuju.core import names
from pyjuju.core.errors import InvalidArgumentError
from pyjuju.core.names import UnitName


@pytest.mark.parametrize(
    "text, app, number",
    [("app/0", "app", 0), ("my-app/12", "my-app", 12), ("a1/3", "a1", 3), ("x-y2z/100", "x-y2z", 100)],
)
def test_unit_name_parse(text, app, number) -> None:
    u = UnitName.parse(text)
    assert (u.application, u.number) == (app, number)
    assert str(u) == text
    assert u.tag == f"unit-{app}-{number}"
    assert names.unit_tag(text) == u.tag
    assert names.application_of(text) == app and names.unit_number(text) == number


@pytest.mark.parametrize(
    "text",
    ["app", "app/", "/0", "app/01", "app/-1", "App/0", "app/0/1", "1app/0", "app-1/0",
     "app_x/0", "app--x/0", "app-/0", "app/x", "", " app/0"],
)
def test_unit_name_invalid(text) -> None:
    assert not names.is_valid_unit_name(text)
    with pytest.raises(InvalidArgumentError) as ei:
        UnitName.parse(text)
    assert ei.value.details == {"name": text}


@pytest.mark.parametrize(
    "name, ok",
    [
        ("app", True), ("my-app", True), ("a1", True), ("a-1b", True), ("mysql-k8s", True),
        ("app-1", False), ("1app", False), ("App", False), ("app_", False), ("", False),
        ("app-", False), ("-app", False), ("a--b", False), ("a.b", False),
    ],
)
def test_application_names(name, ok) -> None:
    assert names.is_valid_application_name(name) is ok
    if ok:
        assert names.validate_application_name(name) == name
    else:
        with pytest.raises(InvalidArgumentError):
            names.validate_application_name(name)


@pytest.mark.parametrize(
    "name, ok",
    [("default", True), ("a", True), ("0", True), ("my-model-2", True), ("a" * 63, True),
     ("a" * 64, False), ("Model", False), ("-x", False), ("x_y", False), ("", False), ("x y", False)],
)
def test_model_names(name, ok) -> None:
    if ok:
        assert names.validate_model_name(name) == name
    else:
        with pytest.raises(InvalidArgumentError):
            names.validate_model_name(name)


@pytest.mark.parametrize(
    "value, ok",
    [("0", True), ("7", True), ("10", True), ("01", False), ("-1", False), ("0/lxd/0", False),
     ("", False), ("a", False)],
)
def test_machine_ids(value, ok) -> None:
    assert names.is_valid_machine_id(value) is ok


def test_natural_key() -> None:
    items = ["app10", "app2", "app1", "b", "app"]
    assert sorted(items, key=names.natural_key) == ["app", "app1", "app2", "app10", "b"]
    assert sorted(["m/10", "m/9"], key=names.natural_key) == ["m/9", "m/10"]
