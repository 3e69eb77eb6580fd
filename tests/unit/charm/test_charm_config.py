"""config.yaml parsing and value conversion (Juju's ParseSettingsStrings rules)."""

from __future__ import annotations

from typing import Any

import pytest

from pyjuju.charm import ConfigOption, ConfigSchema, parse_config_yaml
from pyjuju.core.errors import CharmError, ConfigError, InvalidArgumentError

SCHEMA = parse_config_yaml(
    {
        "options": {
            "name": {"type": "string", "default": "blog", "description": "Site name."},
            "port": {"type": "int", "default": 80},
            "ratio": {"type": "float", "default": 1},
            "debug": {"type": "boolean", "default": False},
            "token": {"type": "secret"},
            "untyped": {"default": "x"},
            "empty": {"type": "string", "default": ""},
        }
    }
)


def test_parse_types_and_defaults() -> None:
    opts = SCHEMA.options
    assert opts["name"] == ConfigOption(
        name="name", type="string", default="blog", description="Site name."
    )
    assert opts["port"].default == 80
    assert opts["ratio"].default == 1.0 and isinstance(opts["ratio"].default, float)
    assert opts["debug"].default is False
    assert opts["token"].default is None
    assert opts["untyped"].type == "string"
    assert opts["empty"].default == ""


def test_defaults_skip_unset_options() -> None:
    assert SCHEMA.defaults() == {
        "name": "blog",
        "port": 80,
        "ratio": 1.0,
        "debug": False,
        "untyped": "x",
        "empty": "",
    }


def test_empty_or_absent_config() -> None:
    assert parse_config_yaml(None).options == {}
    assert parse_config_yaml({"options": None}).options == {}
    assert parse_config_yaml({"options": {}}).options == {}


@pytest.mark.parametrize(
    ("doc", "field", "message"),
    [
        ({}, "options", "config.yaml: options: missing"),
        ({"options": []}, "options", "expected a mapping"),
        ({"options": {"a": {"type": "integer"}}}, "options.a.type", 'unknown type "integer"'),
        ({"options": {"a": {"type": "int", "default": "5"}}}, "options.a.default", "expected int"),
        ({"options": {"a": {"type": "int", "default": True}}}, "options.a.default", "expected int"),
        ({"options": {"a": {"type": "int", "default": 1.5}}}, "options.a.default", "expected int"),
        ({"options": {"a": {"type": "int", "default": ""}}}, "options.a.default", "expected int"),
        (
            {"options": {"a": {"type": "boolean", "default": "yes"}}},
            "options.a.default",
            'expected boolean, got "yes"',
        ),
        ({"options": {"a": {"type": "float", "default": "x"}}}, "options.a.default", "float"),
        ({"options": {"a": {"type": "string", "default": 3}}}, "options.a.default", "string"),
        ({"options": {"a": {"description": 3}}}, "options.a.description", "expected a string"),
        ({"options": {"a": "int"}}, "options.a", "expected a mapping"),
    ],
)
def test_parse_errors_name_the_field(doc: dict, field: str, message: str) -> None:
    with pytest.raises(CharmError) as info:
        parse_config_yaml(doc)
    assert info.value.details["file"] == "config.yaml"
    assert info.value.details["field"] == field
    assert str(info.value).startswith(f"config.yaml: {field}")
    assert message in str(info.value)


@pytest.mark.parametrize("text", ["1", "t", "T", "TRUE", "true", "True"])
def test_parse_string_true(text: str) -> None:
    assert SCHEMA.parse_string("debug", text) is True


@pytest.mark.parametrize("text", ["0", "f", "F", "FALSE", "false", "False"])
def test_parse_string_false(text: str) -> None:
    assert SCHEMA.parse_string("debug", text) is False


@pytest.mark.parametrize(
    ("key", "text", "value"),
    [
        ("port", "8080", 8080),
        ("port", "-7", -7),
        ("port", "+3", 3),
        ("port", "9223372036854775807", 2**63 - 1),
        ("ratio", "1.5", 1.5),
        ("ratio", "2", 2.0),
        ("ratio", "1e3", 1000.0),
        ("ratio", ".5", 0.5),
        ("name", " spaced  ", " spaced  "),
        ("name", "", ""),
        ("token", "secret:abc", "secret:abc"),
    ],
)
def test_parse_string_converts(key: str, text: str, value: Any) -> None:
    result = SCHEMA.parse_string(key, text)
    assert result == value
    assert type(result) is type(value)


@pytest.mark.parametrize(
    ("key", "text", "kind"),
    [
        ("debug", "yes", "boolean"),
        ("debug", "on", "boolean"),
        ("debug", "", "boolean"),
        ("port", "1.0", "int"),
        ("port", " 4", "int"),
        ("port", "1_000", "int"),
        ("port", "0x10", "int"),
        ("port", "9223372036854775808", "int"),
        ("ratio", "abc", "float"),
        ("ratio", "1_0", "float"),
        ("ratio", "1e999", "float"),
    ],
)
def test_parse_string_rejects(key: str, text: str, kind: str) -> None:
    with pytest.raises(ConfigError) as info:
        SCHEMA.parse_string(key, text)
    assert str(info.value) == f'option "{key}" expected {kind}, got "{text}"'
    assert info.value.details == {"key": key, "expected": kind}
    assert isinstance(info.value, InvalidArgumentError)


def test_unknown_key() -> None:
    for call in (lambda: SCHEMA.parse_string("nope", "1"), lambda: SCHEMA.validate({"nope": 1})):
        with pytest.raises(ConfigError, match='^unknown option "nope"$') as info:
            call()
        assert info.value.details["key"] == "nope"


def test_validate_normalises() -> None:
    result = SCHEMA.validate({"port": 8080, "ratio": 2, "debug": True, "name": "x", "token": None})
    assert result == {"port": 8080, "ratio": 2.0, "debug": True, "name": "x", "token": None}
    assert isinstance(result["ratio"], float)


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        ("port", True, "true"),
        ("port", 1.0, "1.0"),
        ("port", "80", '"80"'),
        ("port", 2**63, str(2**63)),
        ("ratio", False, "false"),
        ("ratio", "1.5", '"1.5"'),
        ("debug", "true", '"true"'),
        ("debug", 1, "1"),
        ("name", 5, "5"),
        ("token", ["x"], '["x"]'),
    ],
)
def test_validate_rejects_wrong_types(key: str, value: Any, shown: str) -> None:
    kind = SCHEMA.options[key].type
    with pytest.raises(ConfigError) as info:
        SCHEMA.validate({key: value})
    assert str(info.value) == f'option "{key}" expected {kind}, got {shown}'
    assert info.value.details == {"key": key, "expected": kind}


def test_effective_overlays_user_values_and_drops_none() -> None:
    eff = SCHEMA.effective({"port": 8080, "name": None, "token": "secret:1"})
    assert eff["port"] == 8080
    assert eff["name"] == "blog"  # reset to default
    assert eff["token"] == "secret:1"
    assert ConfigSchema().effective({"x": None}) == {}
