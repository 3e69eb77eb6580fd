"""Rows of the ``juju status --relations`` Integration table.

Juju builds this table from the relation list of the status API, where every
endpoint carries its role. The JSON status document  only keeps,
per application, ``endpoint → [{related-application, interface, scope}]``:
it does not say which side provides. So the server may add a top-level
``relations-tabular`` list of ready rows, and we use it when present. It is a
tabular-only key: callers must remove it (``status.strip_tabular_keys``)
before printing JSON or YAML, whose shape must stay Juju's.

Without it, rows are derived from the per-application maps, pairing both
sides of each relation by application and interface; roles are guessed from
what the document does say (SAAS endpoint roles, subordinate-ness), falling
back to alphabetical order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict, cast

TABULAR_KEY = "relations-tabular"


class RelationRow(TypedDict, total=False):
    provider: str
    requirer: str
    interface: str
    type: str
    status: str
    message: str


def relation_rows(doc: Mapping[str, Any]) -> list[RelationRow]:
    """The Integration rows, sorted by provider then requirer as Juju does."""
    given = doc.get(TABULAR_KEY)
    if isinstance(given, list):
        rows = [cast(RelationRow, r) for r in given if isinstance(r, Mapping)]
    else:
        rows = _derive(doc)
    return sorted(rows, key=lambda r: (r.get("provider", ""), r.get("requirer", "")))


def _derive(doc: Mapping[str, Any]) -> list[RelationRow]:
    apps: Mapping[str, Any] = doc.get("applications") or {}
    saas: Mapping[str, Any] = doc.get("application-endpoints") or {}
    # Every relation end seen from its own application: (app, endpoint, other, interface, scope).
    ends: list[tuple[str, str, str, str, str]] = []
    for app, info in apps.items():
        if not isinstance(info, Mapping):
            continue
        for endpoint, related in (info.get("relations") or {}).items():
            for rel in related or []:
                if isinstance(rel, Mapping):
                    ends.append(
                        (
                            app,
                            endpoint,
                            str(rel.get("related-application", "")),
                            str(rel.get("interface", "")),
                            str(rel.get("scope", "global")),
                        )
                    )

    rows: list[RelationRow] = []
    used: set[int] = set()
    for i, (app, endpoint, other, interface, scope) in enumerate(ends):
        if i in used:
            continue
        used.add(i)
        if other == app:
            ep = f"{app}:{endpoint}"
            rows.append(_row(ep, ep, interface, "peer"))
            continue
        kind = "subordinate" if scope == "container" else "regular"
        here = f"{app}:{endpoint}"
        if other in saas:
            there, role = _saas_end(other, saas[other], app, interface)
            if role == "requirer":
                rows.append(_row(here, there, interface, kind))
            else:
                rows.append(_row(there, here, interface, kind))
            continue
        there = other
        for j in range(i + 1, len(ends)):
            o_app, o_endpoint, o_other, o_interface, _ = ends[j]
            if j not in used and o_app == other and o_other == app and o_interface == interface:
                used.add(j)
                there = f"{other}:{o_endpoint}"
                break
        if kind == "subordinate" and _is_subordinate(apps.get(app)):
            rows.append(_row(there, here, interface, kind))
        elif kind == "subordinate" and _is_subordinate(apps.get(other)):
            rows.append(_row(here, there, interface, kind))
        else:
            provider, requirer = sorted((here, there))
            rows.append(_row(provider, requirer, interface, kind))
    return rows


def _saas_end(name: str, remote: Any, local_app: str, interface: str) -> tuple[str, str]:
    """The SAAS side's ``name:endpoint`` and role for a relation to ``local_app``."""
    if not isinstance(remote, Mapping):
        return name, ""
    endpoints: Mapping[str, Any] = remote.get("endpoints") or {}
    relations: Mapping[str, Any] = remote.get("relations") or {}
    for endpoint, local_apps in relations.items():
        info = endpoints.get(endpoint) or {}
        if local_app in (local_apps or []) and info.get("interface", interface) == interface:
            return f"{name}:{endpoint}", str(info.get("role", ""))
    for endpoint, info in endpoints.items():
        if isinstance(info, Mapping) and info.get("interface") == interface:
            return f"{name}:{endpoint}", str(info.get("role", ""))
    return name, ""


def _is_subordinate(app: Any) -> bool:
    return isinstance(app, Mapping) and bool(app.get("subordinate-to"))


def _row(provider: str, requirer: str, interface: str, kind: str) -> RelationRow:
    return {
        "provider": provider,
        "requirer": requirer,
        "interface": interface,
        "type": kind,
        "message": "",
    }
