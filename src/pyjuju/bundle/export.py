"""The model as a bundle (``export-bundle``): a pure function of a snapshot.

The result deploys back into an identical topology: machines that hold units
keep their ids as bundle machines, every principal application lists where its
units are (``to:``), and exposure to particular endpoints or CIDRs goes into an
overlay document, because Juju accepts ``exposed-endpoints`` only there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..core.names import natural_key
from .plan import INTERNAL
from .snapshot import ApplicationState, ModelSnapshot
from .spec import ALL_ENDPOINTS, EVERYWHERE, ExposedEndpoint


def export_bundle(snap: ModelSnapshot, charm_ref: Callable[[ApplicationState], str], *,
                  defaults: Mapping[str, Mapping[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The bundle document, plus an overlay document when exposure needs one.

    ``defaults`` (application → option defaults) adds the charm's defaults for
    options the user never set, as ``--include-charm-defaults`` asks.
    """
    apps: dict[str, Any] = {}
    overlay: dict[str, Any] = {}
    used_machines: set[str] = set()
    for name in sorted(snap.applications):
        app = snap.applications[name]
        body: dict[str, Any] = {"charm": charm_ref(app)}
        if app.base and app.base != snap.default_base:
            body["base"] = app.base
        if not app.subordinate:
            body["num_units"] = len(app.units)
            placed = [u.machine for u in app.units if u.machine is not None]
            if placed:
                body["to"] = [str(m) for m in placed]
                used_machines.update(str(m) for m in placed)
        options = dict((defaults or {}).get(name) or {})
        options.update({k: v for k, v in app.options.items() if v is not None})
        if options:
            body["options"] = dict(sorted(options.items()))
        if app.constraints:
            body["constraints"] = app.constraints
        if app.storage:
            body["storage"] = dict(sorted(app.storage.items()))
        if app.trust:
            body["trust"] = True
        if app.annotations:
            body["annotations"] = dict(sorted(app.annotations.items()))
        if _everywhere(app.exposed):
            body["expose"] = True
        elif app.exposed:
            overlay[name] = {"exposed-endpoints": {ep: spec.to_wire() for ep, spec in sorted(app.exposed.items())}}
        apps[name] = body
    doc: dict[str, Any] = {}
    if snap.default_base:
        doc["default-base"] = snap.default_base
    doc["applications"] = apps
    machines = {}
    for mid in sorted(used_machines, key=natural_key):
        m = snap.machines.get(mid)
        body = {}
        if m is not None and m.constraints:
            body["constraints"] = m.constraints
        if m is not None and m.base and m.base != snap.default_base:
            body["base"] = m.base
        notes = {k: v for k, v in (m.annotations if m is not None else {}).items() if k not in INTERNAL}
        if notes:
            body["annotations"] = dict(sorted(notes.items()))
        machines[mid] = body
    if machines:
        doc["machines"] = machines
    relations = sorted(sorted(r) for r in snap.relations)
    if relations:
        doc["relations"] = [list(r) for r in relations]
    docs = [doc]
    if overlay:
        docs.append({"applications": overlay})
    return docs


def _everywhere(exposed: Mapping[str, ExposedEndpoint]) -> bool:
    return set(exposed) == {ALL_ENDPOINTS} and not exposed[ALL_ENDPOINTS].spaces and \
        set(exposed[ALL_ENDPOINTS].cidrs) == set(EVERYWHERE)
