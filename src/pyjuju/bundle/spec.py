"""A bundle as typed values: what the YAML says, after overlays, before planning.

Values only: reading files is :mod:`.load`, checking against charms is
:mod:`.check`. Local charm and resource paths are already resolved against
the directory of the file that named them, so a spec can be planned from
anywhere.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..core.errors import InvalidArgumentError, register

ALL_ENDPOINTS = ""
"""The key of ``exposed-endpoints`` (and of stored exposure) meaning every endpoint."""
EVERYWHERE = ("0.0.0.0/0", "::/0")


@register
class BundleError(InvalidArgumentError):
    """A bundle is malformed or cannot be deployed; details name the file, application and key."""

    code = "bundle-invalid"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ExposedEndpoint:
    """Who may reach an endpoint's opened ports (Juju's ``ExposedEndpointSpec``)."""

    cidrs: tuple[str, ...] = ()
    spaces: tuple[str, ...] = ()

    def to_wire(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        if self.spaces:
            out["expose-to-spaces"] = list(self.spaces)
        if self.cidrs:
            out["expose-to-cidrs"] = list(self.cidrs)
        return out

    @classmethod
    def from_wire(cls, data: Mapping[str, Any] | None) -> ExposedEndpoint:
        data = data or {}
        return cls(cidrs=tuple(data.get("expose-to-cidrs") or ()), spaces=tuple(data.get("expose-to-spaces") or ()))


def normalise_exposure(endpoints: Mapping[str, ExposedEndpoint]) -> dict[str, ExposedEndpoint]:
    """Juju's defaulting: an endpoint exposed to no CIDR and no space is open to everyone."""
    out = {}
    for name, ep in endpoints.items():
        if not ep.cidrs and not ep.spaces:
            ep = ExposedEndpoint(cidrs=EVERYWHERE)
        out[name] = ExposedEndpoint(cidrs=tuple(sorted(ep.cidrs)), spaces=tuple(sorted(ep.spaces)))
    return out


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class MachineSpec:
    id: str
    constraints: str = ""
    base: str = ""
    annotations: Mapping[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ApplicationSpec:
    name: str
    charm: str
    """As written in the bundle (shown in plans and errors)."""
    charm_path: Path | None
    """The resolved local path, or ``None`` for a ``local:`` charm already in the model."""
    num_units: int = 0
    to: tuple[str, ...] = ()
    options: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    constraints: str = ""
    exposed: Mapping[str, ExposedEndpoint] = dataclasses.field(default_factory=dict)
    """Normalised exposure, keyed by endpoint (``""`` = all); empty means not exposed."""
    storage: Mapping[str, str] = dataclasses.field(default_factory=dict)
    resources: Mapping[str, Path] = dataclasses.field(default_factory=dict)
    resource_sha256: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """Resource name → sha256 of the file, to tell whether the model already has it."""
    trust: bool = False
    base: str = ""
    bindings: Mapping[str, str] = dataclasses.field(default_factory=dict)
    annotations: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def placement(self, index: int) -> str:
        """The directive for unit ``index``: its own, else the last one repeated, else ``new``."""
        if not self.to:
            return "new"
        return self.to[index] if index < len(self.to) else self.to[-1]


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class RelationSpec:
    a: str
    b: str

    def __str__(self) -> str:
        return f"{self.a} {self.b}"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Bundle:
    source: str
    """The bundle file (and overlays) the spec came from, for error messages."""
    applications: Mapping[str, ApplicationSpec]
    machines: Mapping[str, MachineSpec] = dataclasses.field(default_factory=dict)
    relations: tuple[RelationSpec, ...] = ()
    description: str = ""
    default_base: str = ""
