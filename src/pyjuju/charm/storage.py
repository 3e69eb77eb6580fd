"""Storage directives (``--storage name=[pool,][size][,count]``) checked against a charm.

Shared by the controller (deploy) and the bundle checker, so a bundle whose
storage the controller would refuse is refused before any change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..core.errors import InvalidArgumentError
from ._specs import StorageSpec

_SIZE = re.compile(r"^(\d+(?:\.\d+)?)([MGTP]?)(?:i?B)?$", re.IGNORECASE)
_MULT = {"": 1, "M": 1, "G": 1024, "T": 1024**2, "P": 1024**3}


def parse_directive(text: str) -> dict[str, Any]:
    """``10G``, ``10G,2``, ``2``, ``rootfs,10G,2``, ``tmpfs,1G`` -> pool, size_mb, count.

    As in Juju, each comma-separated part is recognised by its form: a bare
    number is a count, a number with a unit (M, G, T, P) a size, a name a pool.
    """
    out: dict[str, Any] = {}
    for part in (p.strip() for p in text.split(",") if p.strip()):
        m = _SIZE.match(part)
        value: int | str
        if part.isdigit():
            key, value = "count", int(part)
        elif m and m.group(2):
            key, value = "size_mb", int(float(m.group(1)) * _MULT[m.group(2).upper()] + 0.999)
        elif re.match(r"^[a-z][a-z0-9-]*$", part):
            key, value = "pool", part
        else:
            raise InvalidArgumentError(f'invalid storage directive "{text}"', directive=text)
        if key in out:
            raise InvalidArgumentError(f'invalid storage directive "{text}": {key} given twice', directive=text)
        out[key] = value
    return out


def check_directives(charm_name: str, specs: Mapping[str, StorageSpec],
                     directives: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """Parse each directive and check it against the charm's declaration."""
    out = {}
    for name, text in directives.items():
        if name not in specs:
            raise InvalidArgumentError(f'charm "{charm_name}" has no store called "{name}"', storage=name)
        d = parse_directive(text)
        spec = specs[name]
        count = int(d.get("count", 1))
        lo, hi = spec.multiple_range or (1, 1)
        if count < lo or (hi is not None and count > hi):
            raise InvalidArgumentError(
                f'storage "{name}": {count} instances requested, the charm allows {lo}-{hi if hi is not None else ""}',
                storage=name,
            )
        if spec.type != "filesystem":
            raise InvalidArgumentError(f'storage "{name}": only filesystem storage is supported so far')
        out[name] = d
    return out
