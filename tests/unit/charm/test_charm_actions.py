"""actions.yaml parsing and the JSON schema Juju builds from it."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from pyjuju.charm import parse_actions_yaml
from pyjuju.core.errors import CharmError


def test_full_action() -> None:
    actions = parse_actions_yaml(
        {
            "backup": {
                "description": "Take a backup.",
                "title": "Backup",
                "params": {
                    "target": {"type": "string", "description": "Where."},
                    "level": {"type": "integer", "default": 3},
                },
                "required": ["target"],
                "additionalProperties": False,
                "parallel": True,
                "execution-group": "disk",
                "x-extra": {"nested": [1, 2]},
            }
        }
    )
    spec = actions["backup"]
    assert spec.name == "backup"
    assert spec.description == "Take a backup."
    assert spec.required == ("target",)
    assert spec.additional_properties is False
    assert spec.parallel is True
    assert spec.execution_group == "disk"
    assert spec.params["level"] == {"type": "integer", "default": 3}
    assert spec.schema == {
        "type": "object",
        "title": "Backup",
        "description": "Take a backup.",
        "properties": spec.params,
        "required": ["target"],
        "additionalProperties": False,
        "x-extra": {"nested": [1, 2]},
    }
    # The schema is usable as-is by a draft-4 validator.
    jsonschema.Draft4Validator.check_schema(spec.schema)
    jsonschema.validate({"target": "/tmp"}, spec.schema, cls=jsonschema.Draft4Validator)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"target": "/tmp", "x": 1}, spec.schema, cls=jsonschema.Draft4Validator)


def test_defaults() -> None:
    spec = parse_actions_yaml({"status": None, "other": {}})["status"]
    assert spec.description == "No description"
    assert spec.params == {}
    assert spec.required == ()
    assert spec.additional_properties is True
    assert spec.parallel is False
    assert spec.execution_group == ""
    assert spec.schema == {
        "type": "object",
        "title": "status",
        "description": "No description",
        "properties": {},
        "additionalProperties": True,
    }
    jsonschema.Draft4Validator.check_schema(spec.schema)


def test_empty_file() -> None:
    assert parse_actions_yaml(None) == {}


def test_juju_named_charm_may_use_reserved_action_names() -> None:
    assert "juju-run" in parse_actions_yaml({"juju-run": {}}, charm_name="juju-thing")


@pytest.mark.parametrize(
    ("doc", "field", "message"),
    [
        ({"Backup": {}}, "Backup", "invalid action name"),
        ({"backup-": {}}, "backup-", "invalid action name"),
        ({"-backup": {}}, "-backup", "invalid action name"),
        ({"back_up": {}}, "back_up", "invalid action name"),
        ({"juju": {}}, "juju", "reserved"),
        ({"juju-run": {}}, "juju-run", "reserved"),
        ({"a": {"description": 5}}, "a.description", "expected a string"),
        ({"a": {"params": ["x"]}}, "a.params", "expected a mapping"),
        ({"a": {"params": {"p": "string"}}}, "a.params.p", "expected a mapping"),
        ({"a": {"required": "x"}}, "a.required", "expected a list"),
        ({"a": {"additionalProperties": "no"}}, "a.additionalProperties", "expected a boolean"),
        ({"a": {"parallel": 1}}, "a.parallel", "expected a boolean"),
        ({"a": {"execution-group": 1}}, "a.execution-group", "expected a string"),
        ({"a": {"params": {"p": {"$ref": "#/x"}}}}, "a.params.p.$ref", '"$ref"'),
        ({"a": {"$schema": "http://json-schema.org/draft-04/schema#"}}, "a.$schema", '"$schema"'),
        ({"a": {"params": {1: {"type": "string"}}}}, "a.params.1", "string key"),
        ({"a": "do it"}, "a", "expected a mapping"),
    ],
)
def test_errors_name_file_and_field(doc: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(CharmError) as info:
        parse_actions_yaml(doc)
    assert info.value.details["file"] == "actions.yaml"
    assert info.value.details["field"] == field
    assert str(info.value).startswith(f"actions.yaml: {field}: ")
    assert message in str(info.value)


def test_document_must_be_a_mapping() -> None:
    with pytest.raises(CharmError, match=r"^actions\.yaml: expected a mapping, got list$"):
        parse_actions_yaml(["backup"])
