"""Names and identifiers: applications, units, models, machines.

Juju's rules, so that names valid here are valid there and the other way round.
"""

from __future__ import annotations

import dataclasses
import re

from .errors import InvalidArgumentError

_APP_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]*[a-z][a-z0-9]*)*$")
_UNIT_RE = re.compile(r"^([a-z][a-z0-9]*(?:-[a-z0-9]*[a-z][a-z0-9]*)*)/(0|[1-9][0-9]*)$")
_MODEL_RE = re.compile(r"^[a-z0-9]+[a-z0-9-]*$")
_MACHINE_RE = re.compile(r"^(0|[1-9][0-9]*)$")


def is_valid_application_name(name: str) -> bool:
    """Lower-case letters, digits and single hyphens; no segment of only digits."""
    return bool(_APP_RE.match(name))


def validate_application_name(name: str) -> str:
    if not is_valid_application_name(name):
        raise InvalidArgumentError(f'invalid application name "{name}"', name=name)
    return name


def is_valid_unit_name(name: str) -> bool:
    return bool(_UNIT_RE.match(name))


def validate_model_name(name: str) -> str:
    if not _MODEL_RE.match(name) or len(name) > 63:
        raise InvalidArgumentError(
            f'"{name}" is not a valid name: model names may only contain '
            "lowercase letters, digits and hyphens",
            name=name,
        )
    return name


def is_valid_machine_id(value: str) -> bool:
    return bool(_MACHINE_RE.match(value))


@dataclasses.dataclass(frozen=True, slots=True)
class UnitName:
    """``app/N``, parsed once."""

    application: str
    number: int

    @classmethod
    def parse(cls, name: str) -> UnitName:
        m = _UNIT_RE.match(name)
        if not m:
            raise InvalidArgumentError(f'invalid unit name "{name}"', name=name)
        return cls(m.group(1), int(m.group(2)))

    def __str__(self) -> str:
        return f"{self.application}/{self.number}"

    @property
    def tag(self) -> str:
        """Juju's entity tag, as shown by debug-log: ``unit-app-0``."""
        return f"unit-{self.application}-{self.number}"


def unit_tag(name: str) -> str:
    return "unit-" + name.replace("/", "-")


def application_tag(name: str) -> str:
    return "application-" + name


def relation_tag(key: str) -> str:
    """Juju's tag of the relation with this key: ``wordpress:db mysql:server`` is
    ``relation-wordpress.db#mysql.server``."""
    return "relation-" + key.replace(":", ".").replace(" ", "#")


def application_of(unit: str) -> str:
    return unit.rsplit("/", 1)[0]


def unit_number(unit: str) -> int:
    return int(unit.rsplit("/", 1)[1])


def natural_key(text: str) -> list[object]:
    """Sort key that orders ``app2`` before ``app10`` (Juju's natural sort)."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


_XID_ALPHABET = "0123456789abcdefghijklmnopqrstuv"


def new_secret_id() -> str:
    """A 20-character id in xid's alphabet, as Juju's secret ids look."""
    import secrets

    return "".join(secrets.choice(_XID_ALPHABET) for _ in range(20))


def secret_id_of(ref: str) -> str:
    """``secret:<id>``, ``secret://<model>/<id>`` or a bare id → the id."""
    r = ref.strip()
    if r.startswith("secret://"):
        return r.rsplit("/", 1)[-1]
    return r.removeprefix("secret:")
