"""Matching ``integrate A[:ep] B[:ep]`` to a pair of endpoints: a pure function.

Endpoints match when their interfaces are equal and their roles are
provider↔requirer (a peer endpoint only relates to itself, at deploy). When
several pairs match, pairs using the implicit ``juju-info`` endpoint are
dropped first (as Juju does); if more than one pair remains the request is
ambiguous and the error lists the candidates.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from ..core.errors import InvalidArgumentError, UsageError

if TYPE_CHECKING:
    from .meta import CharmMeta

@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class AppEndpoint:
    application: str
    name: str
    role: str  # provider | requirer | peer
    interface: str
    scope: str = "global"
    limit: int | None = None
    implicit: bool = False
    subordinate: bool = False
    """Whether the application is a subordinate charm."""

    def __str__(self) -> str:
        return f"{self.application}:{self.name}"

    def to_dict(self) -> dict[str, object]:
        return {
            "application": self.application,
            "name": self.name,
            "role": self.role,
            "interface": self.interface,
            "scope": self.scope,
            "limit": self.limit,
            "implicit": self.implicit,
        }


def app_endpoints(application: str, meta: CharmMeta) -> list[AppEndpoint]:
    """Every endpoint of an application of this charm, the implicit ``juju-info`` included.

    Shared by the controller (integrate) and the bundle planner, so that a
    bundle's relations are matched exactly as ``integrate`` would match them.
    """
    declared = {**meta.provides, **meta.requires, **meta.peers}
    return [
        AppEndpoint(application=application, name=name, role=ep.role, interface=ep.interface, scope=ep.scope,
                    limit=ep.limit, implicit=name not in declared, subordinate=meta.subordinate)
        for name, ep in meta.endpoints().items()
    ]


def parse_spec(text: str) -> tuple[str, str | None]:
    app, _, ep = text.partition(":")
    if not app:
        raise UsageError(f'invalid endpoint "{text}"')
    return app, ep or None


def match(
    a: tuple[str, str | None], a_eps: list[AppEndpoint],
    b: tuple[str, str | None], b_eps: list[AppEndpoint],
) -> tuple[AppEndpoint, AppEndpoint]:
    """The one pair ``integrate`` means, or an error naming what is wrong."""
    a_app, a_name = a
    b_app, b_name = b
    if a_app == b_app:
        raise InvalidArgumentError(
            f'cannot relate "{a_app}" to itself: peer relations are created at deploy'
        )
    for app, name, eps in ((a_app, a_name, a_eps), (b_app, b_name, b_eps)):
        if name is not None and not any(e.name == name for e in eps):
            raise InvalidArgumentError(f'application "{app}" has no "{name}" relation', endpoint=f"{app}:{name}")
    pairs = []
    for ea in a_eps:
        if a_name is not None and ea.name != a_name:
            continue
        for eb in b_eps:
            if b_name is not None and eb.name != b_name:
                continue
            if _compatible(ea, eb):
                pairs.append((ea, eb))
    if not pairs:
        raise InvalidArgumentError(
            f'no relations found between "{_fmt(a)}" and "{_fmt(b)}": no provides/requires pair '
            "with the same interface",
            endpoints=[_fmt(a), _fmt(b)],
        )
    if len(pairs) > 1:
        explicit = [p for p in pairs if not (p[0].implicit or p[1].implicit)]
        if explicit:
            pairs = explicit
    if len(pairs) > 1:
        options = "; ".join(f'"{x} {y}"' for x, y in pairs)
        raise InvalidArgumentError(
            f'ambiguous relation: "{_fmt(a)} {_fmt(b)}" could refer to {options}',
            candidates=[[str(x), str(y)] for x, y in pairs],
        )
    return pairs[0]


def _compatible(a: AppEndpoint, b: AppEndpoint) -> bool:
    if a.interface != b.interface:
        return False
    if {a.role, b.role} != {"provider", "requirer"}:
        return False
    container = a.scope == "container" or b.scope == "container"
    if container and a.subordinate == b.subordinate:
        return False  # a container relation joins a principal and a subordinate
    return True


def relation_key(eps: list[AppEndpoint]) -> str:
    """``requirer:ep provider:ep`` (Juju lists the requirer first), or ``app:ep`` for peers."""
    order = {"requirer": 0, "peer": 1, "provider": 2}
    return " ".join(str(e) for e in sorted(eps, key=lambda e: order[e.role]))


def _fmt(spec: tuple[str, str | None]) -> str:
    return spec[0] if spec[1] is None else f"{spec[0]}:{spec[1]}"
