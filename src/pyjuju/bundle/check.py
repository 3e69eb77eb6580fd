"""Checking a bundle against its charms, before anything changes.

Options are validated by the same schema ``config`` uses, relations are matched
by the same function ``integrate`` uses, so a bundle that passes here fails
later only for reasons outside it (a model that changed meanwhile).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from ..charm import ConfigSchema
from ..charm import endpoints as eplib
from ..charm import storage as charm_storage
from ..charm.meta import CharmMeta
from ..core.errors import PyjujuError
from .spec import ALL_ENDPOINTS, ApplicationSpec, Bundle, BundleError

SPACES = ("alpha",)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class CharmInfo:
    """What planning needs of a bundle application's charm."""

    source: str
    """As the bundle names it (``./charms/web`` or ``local:web-0``)."""
    sha256: str
    meta: CharmMeta
    config: ConfigSchema
    url: str = ""
    """The model's URL when the bundle names a charm already stored (``local:...``)."""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class CheckedBundle:
    bundle: Bundle
    charms: Mapping[str, CharmInfo]
    """Application name → its charm."""
    options: Mapping[str, Mapping[str, Any]]
    """Application name → options, normalised by the charm's schema."""
    relations: tuple[tuple[str, str], ...]
    """Each bundle relation resolved to ``(app:endpoint, app:endpoint)``."""


def check_bundle(bundle: Bundle, charms: Mapping[str, CharmInfo], *, host_base: str = "",
                 force: bool = False) -> CheckedBundle:
    """Refuse what the charms make impossible; return the bundle with relations resolved.

    ``host_base`` is the base the model's machines run (local machines run the
    host's OS): a bundle asking for another is refused unless ``force``, as
    ``deploy --base`` is.
    """
    if host_base and not force:
        _check_bases(bundle, host_base)
    options = {}
    for app in bundle.applications.values():
        charm = charms[app.name]
        options[app.name] = _check_app(bundle, app, charm)
    relations = []
    seen: set[frozenset[str]] = set()
    for rel in bundle.relations:
        a_app, b_app = rel.a.partition(":")[0], rel.b.partition(":")[0]
        try:
            ea, eb = eplib.match(
                eplib.parse_spec(rel.a), eplib.app_endpoints(a_app, charms[a_app].meta),
                eplib.parse_spec(rel.b), eplib.app_endpoints(b_app, charms[b_app].meta),
            )
        except PyjujuError as e:
            raise BundleError(f'bundle "{bundle.source}", relation "{rel}": {e.message}', file=bundle.source,
                              key="relations", relation=str(rel)) from None
        pair = (str(ea), str(eb))
        if frozenset(pair) in seen:
            raise BundleError(f'bundle "{bundle.source}", relation "{rel}": listed twice', file=bundle.source,
                              key="relations", relation=str(rel))
        seen.add(frozenset(pair))
        relations.append(pair)
    return CheckedBundle(bundle=bundle, charms=charms, options=options, relations=tuple(relations))


def _check_app(bundle: Bundle, app: ApplicationSpec, charm: CharmInfo) -> dict[str, Any]:
    def fail(key: str, message: str) -> BundleError:
        return BundleError(f'bundle "{bundle.source}", application "{app.name}", key "{key}": {message}',
                           file=bundle.source, application=app.name, key=key)

    try:
        options = charm.config.validate(dict(app.options))
    except PyjujuError as e:
        raise fail("options", e.message) from None
    meta = charm.meta
    if meta.subordinate and app.num_units:
        raise fail("num_units", f'"{meta.name}" is a subordinate charm: its units come from relations, so '
                                "num_units must be 0")
    if meta.subordinate and app.to:
        raise fail("to", f'"{meta.name}" is a subordinate charm and cannot be placed')
    try:
        charm_storage.check_directives(meta.name, meta.storage, app.storage)
    except PyjujuError as e:
        raise fail("storage", e.message) from None
    for name in app.resources:
        if name not in meta.resources:
            raise fail("resources", f'charm "{meta.name}" has no resource called "{name}"')
    endpoints = meta.endpoints()
    for ep, spec in app.exposed.items():
        if ep != ALL_ENDPOINTS and ep not in endpoints:
            raise fail("exposed-endpoints", f'charm "{meta.name}" has no endpoint "{ep}"')
        for space in spec.spaces:
            if space not in SPACES:
                raise fail("exposed-endpoints", f'space "{space}" not found (spaces: {", ".join(SPACES)})')
    for ep, space in app.bindings.items():
        if ep and ep not in endpoints and ep not in meta.extra_bindings:
            raise fail("bindings", f'charm "{meta.name}" has no endpoint "{ep}"')
        if space not in SPACES:
            raise fail("bindings", f'space "{space}" not found (spaces: {", ".join(SPACES)})')
    return options


def _check_bases(bundle: Bundle, host_base: str) -> None:
    def refuse(where: str, base: str, **details: str) -> BundleError:
        return BundleError(f'bundle "{bundle.source}", {where}: base "{base}" is not available: machines run '
                           f"{host_base} (--force uses them anyway)", file=bundle.source, **details)

    if bundle.default_base and bundle.default_base != host_base:
        raise refuse('key "default-base"', bundle.default_base, key="default-base")
    for app in bundle.applications.values():
        if app.base and app.base != host_base:
            raise refuse(f'application "{app.name}", key "base"', app.base, application=app.name, key="base")
    for m in bundle.machines.values():
        if m.base and m.base != host_base:
            raise refuse(f'machine "{m.id}", key "base"', m.base, machine=m.id, key="base")
