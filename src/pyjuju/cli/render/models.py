"""``juju models`` as a table (Juju's model summaries).

Juju's layout: a ``Controller: <name>`` line, a blank line, then one row per
model with the current model marked ``*``. Counts are right-aligned so the
digits line up; a missing machine count shows ``0`` and a missing unit count
``-``, as in Juju.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pyjuju.core.names import natural_key

from .tables import Table

MODEL_COLUMNS = [
    "Model",
    "Cloud/Region",
    "Type",
    "Status",
    "Machines",
    "Units",
    "Access",
    "Last connection",
]


def models_tabular(
    doc: Mapping[str, Any], *, user: str | None = None, controller: str | None = None
) -> str:
    """Render ``{"models": [summary...], "current-model": name}``.

    ``user`` is the listing user: their own models show by short name and
    others' as ``owner/name`` (Juju's rule). Without it every model shows its
    short name. ``controller`` defaults to the first summary's
    ``controller-name``.
    """
    models = [m for m in doc.get("models") or [] if isinstance(m, Mapping)]
    if controller is None:
        controller = str(models[0].get("controller-name", "")) if models else ""
    current = str(doc.get("current-model") or "")

    table = Table(MODEL_COLUMNS, right_align={4, 5})
    for model in sorted(models, key=lambda m: natural_key(_qualified(m))):
        name = display_name(model, user)
        if current and current in (name, _qualified(model)):
            name += "*"
        cloud_region = "/".join(p for p in (model.get("cloud"), model.get("region")) if p)
        status = (model.get("status") or {}).get("current") or "-"
        table.add_row(
            name,
            cloud_region,
            model.get("type", ""),
            status,
            model.get("machine-count", 0),
            model.get("unit-count", "-"),
            model.get("access") or "-",
            model.get("last-connection") or "never connected",
        )
    return f"Controller: {controller}".rstrip() + "\n\n" + table.render()


def display_name(model: Mapping[str, Any], user: str | None = None) -> str:
    """The name a user sees: short for their own models, ``owner/name`` otherwise."""
    short = str(model.get("short-name") or str(model.get("name", "")).rsplit("/", 1)[-1])
    if user is None or model.get("owner") == user:
        return short
    return _qualified(model)


def _qualified(model: Mapping[str, Any]) -> str:
    name = str(model.get("name", ""))
    if "/" in name or not model.get("owner"):
        return name
    return f"{model['owner']}/{name}"
