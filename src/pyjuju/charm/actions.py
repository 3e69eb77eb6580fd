"""``actions.yaml``: the actions a charm offers and the JSON schema of their params.

Juju wraps each action's ``params`` into an object schema and validates user
input against it (and fills in defaults from it) before the action runs; this
module builds that same schema so the controller can do the same.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from ._common import (
    charm_error,
    expect_bool,
    expect_mapping,
    expect_str,
    expect_str_list,
    type_name,
)

__all__ = ["ActionSpec", "is_valid_action_name", "parse_actions_yaml"]

_NAME_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
_FORBIDDEN_KEYS = ("$ref", "$schema")


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ActionSpec:
    """One action; :attr:`schema` is what params are validated against."""

    name: str
    description: str = "No description"
    params: dict[str, Any] = dataclasses.field(default_factory=dict)
    """Parameter name → JSON-schema fragment (the ``properties`` of :attr:`schema`)."""
    required: tuple[str, ...] = ()
    additional_properties: bool = True
    """Whether params not declared are allowed (Juju < 4 default: true)."""
    parallel: bool = False
    execution_group: str = ""
    schema: dict[str, Any] = dataclasses.field(default_factory=dict)
    """The full draft-4 object schema Juju builds, extra keys passed through."""


def is_valid_action_name(name: str) -> bool:
    """Lower-case letters, digits and inner hyphens, as Juju requires."""
    return bool(_NAME_RE.match(name))


def _reserved(charm_name: str, name: str) -> bool:
    if charm_name.startswith("juju-"):
        return False
    return name == "juju" or name.startswith("juju-")


def _cleanse(value: Any, file: str, field: str) -> Any:
    """Copy a YAML value into plain JSON shapes, refusing what Juju refuses.

    Juju stores schemas as JSON, so map keys must be strings; and it rejects
    ``$ref``/``$schema`` because it cannot resolve external schemas.
    """
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            sub = f"{field}.{key}"
            if not isinstance(key, str):
                raise charm_error(file, sub, f"expected a string key, got {type_name(key)}")
            if key in _FORBIDDEN_KEYS:
                raise charm_error(file, sub, f'schema key "{key}" is not supported')
            result[key] = _cleanse(item, file, sub)
        return result
    if isinstance(value, list):
        return [_cleanse(item, file, f"{field}[{i}]") for i, item in enumerate(value)]
    return value


def parse_actions_yaml(
    data: Any, file: str = "actions.yaml", *, charm_name: str = ""
) -> dict[str, ActionSpec]:
    """Validate a loaded ``actions.yaml`` and build one :class:`ActionSpec` per action.

    Args:
        data: The YAML document; ``None`` (empty file) means no actions.
        file: File name used in error messages.
        charm_name: Charms named ``juju-*`` may use the reserved ``juju-`` prefix.

    Raises:
        CharmError: naming ``file`` and the field (``<action>.params`` etc.).
    """
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise charm_error(file, "", f"expected a mapping, got {type_name(data)}")
    result: dict[str, ActionSpec] = {}
    for name, raw in expect_mapping(data, file, "").items():
        if not is_valid_action_name(name):
            raise charm_error(
                file,
                name,
                f'invalid action name "{name}": use lower-case letters, digits and hyphens',
            )
        if _reserved(charm_name, name):
            raise charm_error(file, name, f'action name "{name}" is reserved')
        result[name] = _parse_action(name, raw, file)
    return result


def _parse_action(name: str, raw: Any, file: str) -> ActionSpec:
    spec = _cleanse(expect_mapping(raw, file, name), file, name)
    description = "No description"
    params: dict[str, Any] = {}
    required: list[str] = []
    additional = True
    parallel = False
    group = ""
    schema: dict[str, Any] = {"type": "object", "title": name}
    for key, value in spec.items():
        field = f"{name}.{key}"
        if key == "description":
            description = expect_str(value, file, field)
        elif key == "title":
            schema["title"] = expect_str(value, file, field)
        elif key == "params":
            params = expect_mapping(value, file, field)
            for pname, pspec in params.items():
                if not isinstance(pspec, dict):
                    raise charm_error(
                        file, f"{field}.{pname}", f"expected a mapping, got {type_name(pspec)}"
                    )
        elif key == "required":
            required = expect_str_list(value, file, field)
        elif key == "additionalProperties":
            additional = expect_bool(value, file, field)
        elif key == "parallel":
            parallel = expect_bool(value, file, field)
        elif key == "execution-group":
            group = expect_str(value, file, field)
        else:
            schema[key] = value
    schema["description"] = description
    schema["properties"] = params
    # Draft 4 forbids an empty "required" list, so it is only set when non-empty.
    if required:
        schema["required"] = list(required)
    schema["additionalProperties"] = additional
    return ActionSpec(
        name=name,
        description=description,
        params=params,
        required=tuple(required),
        additional_properties=additional,
        parallel=parallel,
        execution_group=group,
        schema=schema,
    )
