"""``config.yaml``: the schema of an application's configuration options.

Parsing follows Juju's ``ReadConfig`` (a missing ``type`` means string; a
``default: ""`` is accepted for string and secret options). Value checking
follows Juju's ``ParseSettingsStrings`` for command-line strings and its
schema checkers for typed values, so ``pyjuju config`` accepts and refuses
exactly what ``juju config`` does, with the same error texts.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from typing import Any

from pyjuju.core.errors import ConfigError

from ._common import charm_error, expect_mapping, expect_str, type_name

__all__ = ["OPTION_TYPES", "ConfigOption", "ConfigSchema", "parse_config_yaml"]

OPTION_TYPES = ("string", "int", "float", "boolean", "secret")

_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1
# Go's strconv.ParseBool, which Juju uses for boolean options.
_BOOLS = {
    **dict.fromkeys(("1", "t", "T", "TRUE", "true", "True"), True),
    **dict.fromkeys(("0", "f", "F", "FALSE", "false", "False"), False),
}
_INT_RE = re.compile(r"^[+-]?[0-9]+$")
_FLOAT_RE = re.compile(
    r"^[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)$",
    re.IGNORECASE,
)
_HEX_FLOAT_RE = re.compile(r"^[+-]?0[xX][0-9a-fA-F]*\.?[0-9a-fA-F]*[pP][+-]?[0-9]+$")


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ConfigOption:
    """One option of ``config.yaml``."""

    name: str
    type: str
    """One of ``string``, ``int``, ``float``, ``boolean``, ``secret``."""
    default: Any = None
    """Already type-checked; ``None`` means the option is unset by default."""
    description: str = ""


def _describe(value: Any) -> str:
    """Show a value the way Juju's ``%#v`` shows it: JSON-ish, strings double-quoted."""
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)


def _check_value(option: ConfigOption, value: Any) -> Any:
    """Return ``value`` normalised to the option's type, or raise ValueError."""
    kind = option.type
    if kind in ("string", "secret"):
        if isinstance(value, str):
            return value
    elif kind == "boolean":
        if isinstance(value, bool):
            return value
    elif kind == "int":
        # bool is an int subclass in Python, but YAML true is not a number.
        if isinstance(value, int) and not isinstance(value, bool) and _INT_MIN <= value <= _INT_MAX:
            return value
    elif kind == "float":
        if isinstance(value, int | float) and not isinstance(value, bool):
            try:
                return float(value)
            except OverflowError:
                pass
    raise ValueError(kind)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ConfigSchema:
    """All options a charm declares; converts and checks user-supplied values."""

    options: dict[str, ConfigOption] = dataclasses.field(default_factory=dict)

    def defaults(self) -> dict[str, Any]:
        """Option name → default, for options that have one."""
        return {name: opt.default for name, opt in self.options.items() if opt.default is not None}

    def _option(self, key: str) -> ConfigOption:
        try:
            return self.options[key]
        except KeyError:
            raise ConfigError(f'unknown option "{key}"', key=key) from None

    def parse_string(self, key: str, text: str) -> Any:
        """Convert a command-line string (``key=value``) to the option's type.

        Mirrors Juju's ``ParseSettingsStrings``: booleans use Go's ``ParseBool``
        spellings, ints are base-10 64-bit, strings and secrets are taken as-is.

        Raises:
            ConfigError: for an unknown key or a value that does not convert.
        """
        option = self._option(key)
        kind = option.type
        if kind in ("string", "secret"):
            return text
        value: Any = None
        if kind == "boolean":
            value = _BOOLS.get(text)
        elif kind == "int":
            if _INT_RE.match(text) and _INT_MIN <= int(text) <= _INT_MAX:
                value = int(text)
        elif kind == "float":
            value = _parse_go_float(text)
        if value is None:
            raise ConfigError(
                f'option "{key}" expected {kind}, got "{text}"', key=key, expected=kind
            )
        return value

    def validate(self, values: dict[str, Any]) -> dict[str, Any]:
        """Check already-typed values (for example from a YAML file).

        ``None`` means "reset to default" and is passed through. An int is
        accepted for a float option (YAML writes ``1`` for ``1.0``); a boolean
        is never accepted as an int.

        Returns:
            The values, normalised (ints given for float options become floats).

        Raises:
            ConfigError: for an unknown key or a value of the wrong type.
        """
        result: dict[str, Any] = {}
        for key, value in values.items():
            option = self._option(key)
            if value is None:
                result[key] = None
                continue
            try:
                result[key] = _check_value(option, value)
            except ValueError:
                raise ConfigError(
                    f'option "{key}" expected {option.type}, got {_describe(value)}',
                    key=key,
                    expected=option.type,
                ) from None
        return result

    def effective(self, user_values: dict[str, Any]) -> dict[str, Any]:
        """The configuration a unit sees: defaults overlaid with user values.

        A user value of ``None`` (reset) lets the default show through, and
        options with neither are left out, as ``config-get`` omits them.
        """
        result = self.defaults()
        for key, value in user_values.items():
            if value is None:
                continue
            result[key] = value
        return {key: value for key, value in result.items() if value is not None}


def _parse_go_float(text: str) -> float | None:
    """Parse like Go's ``strconv.ParseFloat(text, 64)``; None if Go would fail."""
    try:
        if _FLOAT_RE.match(text):
            value = float(text)
        elif _HEX_FLOAT_RE.match(text):
            value = float.fromhex(text)
        else:
            return None
    except (ValueError, OverflowError):
        return None
    # Go reports a range error for finite literals that overflow float64.
    if math.isinf(value) and "inf" not in text.lower():
        return None
    return value


def parse_config_yaml(data: Any, file: str = "config.yaml") -> ConfigSchema:
    """Validate a loaded ``config.yaml`` and build its :class:`ConfigSchema`.

    ``None`` (no file, or an empty one) is an empty schema, as ops treats it.
    A document without an ``options`` key is refused, as Juju refuses it.

    Raises:
        CharmError: naming ``file`` and the field, for example ``options.port.default``.
    """
    if data is None:
        return ConfigSchema()
    if not isinstance(data, dict):
        raise charm_error(file, "", f"expected a mapping, got {type_name(data)}")
    if "options" not in data:
        raise charm_error(file, "options", "missing")
    options: dict[str, ConfigOption] = {}
    for name, spec in expect_mapping(data["options"], file, "options").items():
        field = f"options.{name}"
        if not name:
            raise charm_error(file, field, "empty option name")
        spec = expect_mapping(spec, file, field)
        kind = spec.get("type")
        if kind is None or kind == "":
            kind = "string"  # Juju: a missing type is valid and means string.
        expect_str(kind, file, f"{field}.type")
        if kind not in OPTION_TYPES:
            raise charm_error(
                file,
                f"{field}.type",
                f'unknown type "{kind}" (expected one of {", ".join(OPTION_TYPES)})',
            )
        description = spec.get("description")
        if description is None:
            description = ""
        expect_str(description, file, f"{field}.description")
        option = ConfigOption(name=name, type=kind, description=description)
        default = spec.get("default")
        if default is not None and not (default == "" and kind in ("string", "secret")):
            try:
                default = _check_value(option, default)
            except ValueError:
                raise charm_error(
                    file,
                    f"{field}.default",
                    f"expected {kind}, got {_describe(default)}",
                ) from None
        options[name] = dataclasses.replace(option, default=default)
    return ConfigSchema(options=options)
