"""What the planner knows about a model: one consistent snapshot, as values.

The controller builds the wire form in a single read transaction
(``GET /models/{model}/snapshot``); :meth:`ModelSnapshot.from_wire` turns it
into these values. Planning, diffing and exporting all read only this.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .spec import ExposedEndpoint, normalise_exposure


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class UnitState:
    name: str
    machine: str | None
    principal: str = ""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ApplicationState:
    name: str
    charm_url: str
    charm_name: str
    charm_revision: int
    charm_sha256: str
    options: Mapping[str, Any]
    """User-set values only (what a bundle's ``options`` compares with)."""
    constraints: str = ""
    exposed: Mapping[str, ExposedEndpoint] = dataclasses.field(default_factory=dict)
    trust: bool = False
    subordinate: bool = False
    storage: Mapping[str, str] = dataclasses.field(default_factory=dict)
    units: tuple[UnitState, ...] = ()
    """Alive units, ordered by number."""
    next_unit: int = 0
    base: str = ""
    resources: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """Resource name → sha256 of the file attached."""
    annotations: Mapping[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class MachineState:
    id: str
    constraints: str = ""
    base: str = ""
    annotations: Mapping[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ModelSnapshot:
    name: str = ""
    applications: Mapping[str, ApplicationState] = dataclasses.field(default_factory=dict)
    machines: Mapping[str, MachineState] = dataclasses.field(default_factory=dict)
    relations: frozenset[frozenset[str]] = frozenset()
    """Each relation as the set of its ``app:endpoint`` ends (peers excluded)."""
    charms: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """Charm URL → sha256 of every charm stored in the model."""
    constraints: str = ""
    default_base: str = ""

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> ModelSnapshot:
        apps = {}
        for name, a in (data.get("applications") or {}).items():
            apps[name] = ApplicationState(
                name=name,
                charm_url=a["charm-url"],
                charm_name=a["charm-name"],
                charm_revision=int(a["charm-revision"]),
                charm_sha256=a["charm-sha256"],
                options=dict(a.get("options") or {}),
                constraints=a.get("constraints") or "",
                exposed=normalise_exposure({k: ExposedEndpoint.from_wire(v)
                                            for k, v in (a.get("exposed-endpoints") or {}).items()}),
                trust=bool(a.get("trust")),
                subordinate=bool(a.get("subordinate")),
                storage=dict(a.get("storage") or {}),
                units=tuple(UnitState(name=u["name"], machine=u.get("machine"), principal=u.get("principal") or "")
                            for u in a.get("units") or ()),
                next_unit=int(a.get("next-unit") or 0),
                base=a.get("base") or "",
                resources=dict(a.get("resources") or {}),
                annotations=dict(a.get("annotations") or {}),
            )
        machines = {m["id"]: MachineState(id=m["id"], constraints=m.get("constraints") or "",
                                          base=m.get("base") or "", annotations=dict(m.get("annotations") or {}))
                    for m in data.get("machines") or ()}
        relations = frozenset(frozenset(r) for r in data.get("relations") or () if len(r) == 2)
        return cls(name=data.get("name") or "", applications=apps, machines=machines, relations=relations,
                   charms=dict(data.get("charms") or {}), constraints=data.get("constraints") or "",
                   default_base=data.get("default-base") or "")
