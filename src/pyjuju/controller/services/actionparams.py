"""Action parameters: validated against the charm's JSON schema, defaults filled in.

Juju validates ``juju run`` parameters (JSON Schema draft 4) before anything
runs and inserts the schema's defaults, so ``action-get`` also returns values
the user did not give.
"""

from __future__ import annotations

import copy
from typing import Any

import jsonschema

from ...core.errors import InvalidArgumentError


def _with_defaults(cls: Any) -> Any:
    validate_properties = cls.VALIDATORS["properties"]

    def set_defaults(validator: Any, properties: Any, instance: Any, schema: Any) -> Any:
        if isinstance(instance, dict):
            for name, sub in properties.items():
                if isinstance(sub, dict) and "default" in sub and name not in instance:
                    instance[name] = copy.deepcopy(sub["default"])
        yield from validate_properties(validator, properties, instance, schema)

    return jsonschema.validators.extend(cls, {"properties": set_defaults})


_Validator = _with_defaults(jsonschema.Draft4Validator)


def validate(action: str, schema: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """The parameters with defaults inserted; InvalidArgumentError naming what is wrong."""
    out = copy.deepcopy(params)
    errors = sorted(_Validator(schema).iter_errors(out), key=lambda e: list(e.absolute_path))
    if errors:
        e = errors[0]
        where = ".".join(str(p) for p in e.absolute_path)
        where = f" at {where}" if where else ""
        raise InvalidArgumentError(
            f'validation failed for action "{action}"{where}: {e.message}', action=action, field=where.strip()
        )
    return out
