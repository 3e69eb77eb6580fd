"""Constraints: ``mem=4G cores=2 tags=a,b``.

Parsed once into a typed value; sizes are MiB, rounded up; naming a key twice
is an error, as in Juju. An empty value (``mem=``) leaves the key unset, which is
how ``set-constraints``/``set-model-constraints`` reset a key: both replace the
whole set, as Juju's do.
"""

from __future__ import annotations

import dataclasses
import math
import re
from typing import Any

from .errors import InvalidArgumentError

_SIZE_KEYS = ("mem", "root-disk")
_INT_KEYS = ("cores", "cpu-power")
_LIST_KEYS = ("tags", "spaces", "zones")
_BOOL_KEYS = ("allocate-public-ip",)
_STR_KEYS = ("arch", "container", "instance-type", "instance-role", "virt-type", "root-disk-source", "image-id")
KEYS = ("arch", "container", "cores", "cpu-power", "mem", "root-disk", "root-disk-source", "tags",
        "instance-role", "instance-type", "spaces", "virt-type", "zones", "allocate-public-ip", "image-id")
_UNITS = {"M": 1, "G": 1024, "T": 1024**2, "P": 1024**3}
_SIZE = re.compile(r"^(\d+(?:\.\d+)?)([MGTP]?)$")


@dataclasses.dataclass(frozen=True, slots=True)
class Constraints:
    values: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def parse(cls, *texts: str) -> Constraints:
        """Parse one or more ``key=value ...`` strings (joined by spaces, as Juju joins flags)."""
        out: dict[str, Any] = {}
        seen: set[str] = set()
        for item in " ".join(t for t in texts if t).split():
            key, sep, raw = item.partition("=")
            if not sep:
                raise InvalidArgumentError(f'malformed constraint "{item}"', constraint=item)
            if key == "cpu-cores":
                key = "cores"
            if key not in KEYS:
                raise InvalidArgumentError(f'unknown constraint "{key}"', constraint=key)
            if key in seen:
                raise InvalidArgumentError(f'bad "{key}" constraint: already set', constraint=key)
            seen.add(key)
            if raw:
                out[key] = _value(key, raw)
        return cls(tuple(out.items()))

    def get(self, key: str, default: Any = None) -> Any:
        return self.as_dict().get(key, default)

    def item_text(self, key: str) -> str:
        """One ``key=value`` as the user would write it (for error messages)."""
        return str(Constraints(((key, self.as_dict()[key]),)))

    def as_dict(self) -> dict[str, Any]:
        return dict(self.values)

    def merged(self, over: Constraints) -> Constraints:
        d = self.as_dict()
        d.update(over.as_dict())
        return Constraints(tuple(d.items()))

    def __str__(self) -> str:
        parts = []
        for key, value in self.values:
            if key in _SIZE_KEYS:
                parts.append(f"{key}={_fmt_size(value)}")
            elif key in _LIST_KEYS:
                parts.append(f"{key}={','.join(value)}")
            elif key in _BOOL_KEYS:
                parts.append(f"{key}={'true' if value else 'false'}")
            else:
                parts.append(f"{key}={value}")
        return " ".join(parts)


def _value(key: str, raw: str) -> Any:
    if key in _SIZE_KEYS:
        m = _SIZE.match(raw.upper())
        if not m:
            raise InvalidArgumentError(f'bad "{key}" constraint: must be a non-negative float with optional '
                                       f'M/G/T/P suffix, got "{raw}"', constraint=key)
        return int(math.ceil(float(m.group(1)) * _UNITS[m.group(2) or "M"]))
    if key in _INT_KEYS:
        if not raw.isdigit():
            raise InvalidArgumentError(f'bad "{key}" constraint: must be a non-negative integer', constraint=key)
        return int(raw)
    if key in _LIST_KEYS:
        return [x for x in raw.split(",") if x]
    if key in _BOOL_KEYS:
        if raw.lower() not in ("true", "false"):
            raise InvalidArgumentError(f'bad "{key}" constraint: must be true or false', constraint=key)
        return raw.lower() == "true"
    return raw


def _fmt_size(mib: int) -> str:
    for unit, mult in (("P", 1024**3), ("T", 1024**2), ("G", 1024)):
        if mib and mib % mult == 0:
            return f"{mib // mult}{unit}"
    return f"{mib}M"
