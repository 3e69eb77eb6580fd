"""``diff-bundle``: how a model and a bundle differ, in Juju's output shape.

Unlike a plan, a diff also reports what the model has and the bundle does
not (``missing: bundle``, ``model-additions``), since a plan never removes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .check import CheckedBundle
from .plan import infer_machine_map, same_constraints
from .snapshot import ModelSnapshot


def diff_bundle(snap: ModelSnapshot, checked: CheckedBundle, *, map_existing: bool = False,
                machine_map: Mapping[str, str] | None = None) -> dict[str, Any]:
    bundle = checked.bundle
    out: dict[str, Any] = {}
    apps: dict[str, Any] = {}
    for name in sorted(set(bundle.applications) | set(snap.applications)):
        spec = bundle.applications.get(name)
        state = snap.applications.get(name)
        if spec is None:
            apps[name] = {"missing": "bundle"}
            continue
        if state is None:
            apps[name] = {"missing": "model"}
            continue
        d: dict[str, Any] = {}
        info = checked.charms[name]
        if (info.url and info.url != state.charm_url) or (not info.url and info.sha256 != state.charm_sha256):
            d["charm"] = {"bundle": info.source, "model": state.charm_url}
        if not state.subordinate and spec.num_units != len(state.units):
            d["num_units"] = {"bundle": spec.num_units, "model": len(state.units)}
        wanted = checked.options[name]
        options = {}
        for key in sorted(set(wanted) | {k for k, v in state.options.items() if v is not None}):
            if wanted.get(key) != state.options.get(key):
                options[key] = {"bundle": wanted.get(key), "model": state.options.get(key)}
        if options:
            d["options"] = options
        if not same_constraints(spec.constraints, state.constraints):
            d["constraints"] = {"bundle": spec.constraints, "model": state.constraints}
        if bool(spec.exposed) != bool(state.exposed):
            d["expose"] = {"bundle": bool(spec.exposed), "model": bool(state.exposed)}
        elif spec.exposed and dict(spec.exposed) != dict(state.exposed):
            d["exposed-endpoints"] = {
                "bundle": {k: v.to_wire() for k, v in sorted(spec.exposed.items())},
                "model": {k: v.to_wire() for k, v in sorted(state.exposed.items())},
            }
        if spec.trust != state.trust:
            d["trust"] = {"bundle": spec.trust, "model": state.trust}
        if d:
            apps[name] = d
    if apps:
        out["applications"] = apps
    machines = _machines(snap, checked, map_existing, machine_map or {})
    if machines:
        out["machines"] = machines
    wanted_rel = {frozenset(r) for r in checked.relations}
    bundle_only = sorted(sorted(r) for r in wanted_rel - snap.relations)
    model_only = sorted(sorted(r) for r in snap.relations - wanted_rel)
    relations: dict[str, Any] = {}
    if bundle_only:
        relations["bundle-additions"] = bundle_only
    if model_only:
        relations["model-additions"] = model_only
    if relations:
        out["relations"] = relations
    return out


def _machines(snap: ModelSnapshot, checked: CheckedBundle, map_existing: bool,
              machine_map: Mapping[str, str]) -> dict[str, Any]:
    mapping = infer_machine_map(snap, checked.bundle, map_existing=map_existing, machine_map=machine_map)
    out: dict[str, Any] = {}
    for mid in sorted(checked.bundle.machines, key=int):
        if mid not in mapping:
            out[mid] = {"missing": "model"}
    # A model machine the bundle has no counterpart for: neither a mapped bundle
    # machine nor the home of a bundle application's unit.
    accounted = set(mapping.values())
    for name in checked.bundle.applications:
        for unit in (snap.applications[name].units if name in snap.applications else ()):
            if unit.machine is not None:
                accounted.add(unit.machine)
    for mid in sorted(snap.machines, key=lambda x: int(x) if x.isdigit() else 0):
        if mid not in accounted:
            out[mid] = {"missing": "bundle"}
    return out
