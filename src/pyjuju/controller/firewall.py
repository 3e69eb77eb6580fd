"""Ingress rules: a pure function from opened ports and exposure to per-machine rules.

Juju's semantics (worker/firewaller): a port range a unit opened is reachable
from outside only when its application is exposed, and then from the CIDRs (and
spaces' subnets) the exposure names:

- exposure of ``""`` (all endpoints) covers every port range the unit opened;
- exposure of endpoint ``db`` covers ranges opened for ``db`` and ranges opened
  without naming endpoints (those are open for every endpoint);
- a range covered by several exposures is open to the union of their sources.

Kept apart from the worker so it can be tested on its own, like placement.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from ..core.ports import PortRange
from ..providers import IngressRule

Exposure = Mapping[str, Mapping[str, list[str]]]


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class UnitPorts:
    """One unit's opened ports: ``(range, endpoints)``, endpoints ``None`` meaning all of them."""

    machine_id: str
    application: str
    opened: tuple[tuple[str, tuple[str, ...] | None], ...]


def machine_ingress(
    units: Iterable[UnitPorts],
    exposure: Mapping[str, Exposure],
    space_cidrs: Mapping[str, tuple[str, ...]],
) -> dict[str, tuple[IngressRule, ...]]:
    """Rules per machine id; machines with nothing to let in are absent."""
    wanted: dict[str, dict[PortRange, set[str]]] = {}
    for u in units:
        exposed = exposure.get(u.application) or {}
        if not exposed:
            continue
        for text, endpoints in u.opened:
            sources: set[str] = set()
            for ep, details in exposed.items():
                if ep == "" or endpoints is None or ep in endpoints:
                    sources.update(details.get("expose-to-cidrs") or [])
                    for space in details.get("expose-to-spaces") or []:
                        sources.update(space_cidrs.get(space, ()))
            if sources:
                rng = PortRange.parse(text)
                wanted.setdefault(u.machine_id, {}).setdefault(rng, set()).update(sources)
    return {
        mid: tuple(
            IngressRule(protocol=r.protocol, from_port=r.from_port, to_port=r.to_port,
                        source_cidrs=tuple(sorted(srcs)))
            for r, srcs in sorted(ranges.items())
        )
        for mid, ranges in wanted.items()
    }
