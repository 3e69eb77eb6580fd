"""Helpers shared by the charm parsers: YAML loading and field-naming errors.

Every parser in this package reports problems the same way, as
``<file>: <field>: <problem>``, so that a charm author can find the offending
line without reading a traceback, and so that callers can read ``file`` and
``field`` from ``CharmError.details`` instead of parsing the message.
"""

from __future__ import annotations

from typing import Any

import yaml

from pyjuju.core.errors import CharmError

# The C loader is several times faster; hook dispatch parses metadata often.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def charm_error(file: str, field: str, problem: str, **extra: Any) -> CharmError:
    """Build the one error shape this package raises for malformed charms.

    Args:
        file: The charm file at fault, for example ``metadata.yaml``.
        field: Dotted path of the offending key (``requires.db.interface``);
            empty when the whole file is at fault.
        problem: What is wrong, phrased for a charm author.
        **extra: More structured details (line numbers, the other file...).
    """
    where = f"{file}: {field}: " if field else f"{file}: "
    return CharmError(where + problem, file=file, field=field, **extra)


def load_yaml(text: str | bytes, file: str) -> Any:
    """Parse YAML text, turning syntax errors into a CharmError with a line number.

    PyYAML's own message is kept (it says what it expected), but prefixed with
    the file and 1-based line so the author can jump straight to it.
    """
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        where = f"line {line}: " if line is not None else ""
        raise charm_error(file, "", f"{where}invalid YAML: {problem}", line=line) from None
    except yaml.YAMLError as exc:
        raise charm_error(file, "", f"invalid YAML: {exc}") from None


def type_name(value: Any) -> str:
    """Name a YAML value's type the way a charm author thinks of it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    return type(value).__name__


def expect_mapping(value: Any, file: str, field: str, *, allow_none: bool = True) -> dict[str, Any]:
    """Return ``value`` as a dict; ``None`` (an empty YAML key) becomes ``{}``."""
    if value is None and allow_none:
        return {}
    if not isinstance(value, dict):
        raise charm_error(file, field, f"expected a mapping, got {type_name(value)}")
    for key in value:
        if not isinstance(key, str):
            sub = f"{field}.{key}" if field else str(key)
            raise charm_error(file, sub, f"expected a string key, got {type_name(key)}")
    return value


def expect_str(value: Any, file: str, field: str) -> str:
    """Return ``value`` if it is a string; YAML numbers and bools are refused."""
    if not isinstance(value, str):
        raise charm_error(file, field, f"expected a string, got {type_name(value)}")
    return value


def expect_bool(value: Any, file: str, field: str) -> bool:
    """Return ``value`` if it is a YAML boolean."""
    if not isinstance(value, bool):
        raise charm_error(file, field, f"expected a boolean, got {type_name(value)}")
    return value


def expect_list(value: Any, file: str, field: str) -> list[Any]:
    """Return ``value`` if it is a YAML sequence."""
    if not isinstance(value, list):
        raise charm_error(file, field, f"expected a list, got {type_name(value)}")
    return value


def expect_str_list(value: Any, file: str, field: str) -> list[str]:
    """Return ``value`` if it is a list of strings, naming the bad item otherwise."""
    items = expect_list(value, file, field)
    for i, item in enumerate(items):
        expect_str(item, file, f"{field}[{i}]")
    return items
