"""Storage and resource declarations of ``metadata.yaml``.

Kept apart from :mod:`.meta` only to keep modules short; :mod:`.meta`
re-exports the public names.
"""

from __future__ import annotations

import dataclasses
import math
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

__all__ = ["ResourceSpec", "StorageSpec", "parse_resource", "parse_storage"]

_RANGE_RE = re.compile(r"^([0-9]+)(?:([-+])|-([0-9]+))?$")
_SIZE_RE = re.compile(r"^([0-9]+(?:\.[0-9]+)?)\s*([MGTP]?)(?:i?B)?$", re.IGNORECASE)
_SIZE_FACTOR = {"": 1, "M": 1, "G": 1024, "T": 1024**2, "P": 1024**3}


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class StorageSpec:
    """A storage declaration; the provisioner sizes and attaches volumes from it."""

    name: str
    type: str
    """``filesystem`` or ``block``."""
    description: str = ""
    location: str | None = None
    """Mount point for filesystems (the parent directory when ``multiple``)."""
    shared: bool = False
    read_only: bool = False
    multiple_range: tuple[int, int | None] | None = None
    """``(min, max)`` instance count, ``max`` ``None`` when unbounded; ``None`` = single."""
    minimum_size_mb: int | None = None
    properties: tuple[str, ...] = ()
    """Storage properties; only ``transient`` means anything to Juju."""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ResourceSpec:
    """A resource the charm expects to be supplied at deploy time."""

    name: str
    type: str
    """``file`` or ``oci-image``."""
    filename: str | None = None
    """Name the file is delivered under; required for ``file`` resources."""
    description: str = ""


def parse_storage(name: str, spec: Any, file: str) -> StorageSpec:
    """Validate one ``storage.<name>`` entry (Juju's storage rules)."""
    field = f"storage.{name}"
    spec = expect_mapping(spec, file, field, allow_none=False)
    kind = spec.get("type")
    if kind is None:
        raise charm_error(file, f"{field}.type", "missing")
    if kind not in ("filesystem", "block"):
        raise charm_error(file, f"{field}.type", f'expected "filesystem" or "block", got {kind!r}')

    def opt_str(key: str) -> str | None:
        value = spec.get(key)
        return None if value is None else expect_str(value, file, f"{field}.{key}")

    def opt_bool(key: str) -> bool:
        value = spec.get(key)
        return False if value is None else expect_bool(value, file, f"{field}.{key}")

    location = opt_str("location")
    if location is not None and kind == "block":
        raise charm_error(file, f"{field}.location", "not allowed for block storage")
    multiple_range = None
    if spec.get("multiple") is not None:
        multiple = expect_mapping(spec["multiple"], file, f"{field}.multiple")
        if multiple.get("range") is None:
            raise charm_error(file, f"{field}.multiple.range", "missing")
        multiple_range = _parse_range(multiple["range"], file, f"{field}.multiple.range")
    size = None
    if spec.get("minimum-size") is not None:
        size = _parse_size(spec["minimum-size"], file, f"{field}.minimum-size")
    properties: tuple[str, ...] = ()
    if spec.get("properties") is not None:
        properties = tuple(expect_str_list(spec["properties"], file, f"{field}.properties"))
    return StorageSpec(
        name=name,
        type=kind,
        description=opt_str("description") or "",
        location=location,
        shared=opt_bool("shared"),
        read_only=opt_bool("read-only"),
        multiple_range=multiple_range,
        minimum_size_mb=size,
        properties=properties,
    )


def _parse_range(value: Any, file: str, field: str) -> tuple[int, int | None]:
    """Parse a storage count: ``n``, ``n-m``, ``n-`` or ``n+``."""
    bad = charm_error(file, field, f"value {value!r} does not match 'n', 'n-m', 'n-' or 'n+'")
    if isinstance(value, bool):
        raise bad
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise bad
    m = _RANGE_RE.match(text)
    if not m:
        raise bad
    low = int(m.group(1))
    if m.group(2):
        return (low, None)
    if m.group(3) is None:
        if low <= 0:
            raise charm_error(file, field, f"invalid count {low}")
        return (low, low)
    high = int(m.group(3))
    if high < low or high <= 0:
        raise charm_error(file, field, f"invalid count range {text!r}")
    return (low, high)


def _parse_size(value: Any, file: str, field: str) -> int:
    """Parse a size in MiB, with an optional M/G/T/P suffix (M is the default)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise charm_error(file, field, f"expected a size like 1G, got {type_name(value)}")
    m = _SIZE_RE.match(str(value).strip())
    if not m:
        raise charm_error(
            file, field, f"invalid size {value!r}: expected a number with M, G, T or P"
        )
    return math.ceil(float(m.group(1)) * _SIZE_FACTOR[m.group(2).upper()])


def parse_resource(name: str, spec: Any, file: str) -> ResourceSpec:
    """Validate one ``resources.<name>`` entry; ``file`` resources need a filename."""
    field = f"resources.{name}"
    spec = expect_mapping(spec, file, field, allow_none=False)
    kind = spec.get("type")
    if kind is None:
        raise charm_error(file, f"{field}.type", "missing")
    if kind not in ("file", "oci-image"):
        raise charm_error(file, f"{field}.type", f'expected "file" or "oci-image", got {kind!r}')
    filename = spec.get("filename")
    if filename is not None:
        expect_str(filename, file, f"{field}.filename")
    if kind == "file" and not filename:
        raise charm_error(file, f"{field}.filename", "missing (required for file resources)")
    description = spec.get("description")
    if description is not None:
        expect_str(description, file, f"{field}.description")
    return ResourceSpec(name=name, type=kind, filename=filename, description=description or "")
