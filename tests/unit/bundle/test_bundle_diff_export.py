"""diff-bundle and export-bundle, checked against each other and the planner."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import yaml
from bundle_helpers import FIVE_APPS, charm_infos, checked, simulate, write

from pyjuju import bundle as bundlelib

EMPTY = bundlelib.ModelSnapshot(name="m", default_base="debian@12")


def deployed(workdir: Path) -> tuple[bundlelib.CheckedBundle, bundlelib.ModelSnapshot]:
    cb = checked(write(workdir, "bundle.yaml", FIVE_APPS))
    return cb, simulate(EMPTY, cb, bundlelib.plan_bundle(EMPTY, cb))


def test_diff_of_a_matching_model_is_empty(workdir: Path) -> None:
    cb, model = deployed(workdir)
    assert bundlelib.diff_bundle(model, cb) == {}


def test_diff_reports_both_sides(workdir: Path) -> None:
    cb, model = deployed(workdir)
    hooks = model.applications["hooks"]
    extra = dataclasses.replace(hooks, name="extra", units=())
    model = dataclasses.replace(
        model,
        applications={**model.applications, "extra": extra,
                      "hooks": dataclasses.replace(hooks, options={"greeting": "yo", "count": 3})},
        relations=model.relations | {frozenset(("extra:juju-info", "sub:host"))},
    )
    edited = FIVE_APPS.replace("  peer:\n    charm: ./charms/bash-peer\n    num_units: 2",
                               "  peer:\n    charm: ./charms/bash-peer\n    num_units: 3")
    diff = bundlelib.diff_bundle(model, checked(write(workdir, "e.yaml", edited)))
    assert diff["applications"]["extra"] == {"missing": "bundle"}
    assert diff["applications"]["hooks"] == {"options": {"greeting": {"bundle": "hi", "model": "yo"}}}
    assert diff["applications"]["peer"] == {"num_units": {"bundle": 3, "model": 2}}
    assert diff["relations"] == {"model-additions": [["extra:juju-info", "sub:host"]]}


def test_export_deploys_back_into_the_same_topology(workdir: Path) -> None:
    cb, model = deployed(workdir)
    paths = {info.meta.name: workdir / "charms" / info.meta.name for info in cb.charms.values()}
    docs = bundlelib.export_bundle(model, lambda a: f"./charms/{a.charm_name}")
    assert len(docs) == 1
    doc = docs[0]
    assert doc["default-base"] == "debian@12"
    assert doc["applications"]["hooks"]["expose"] is True
    assert doc["applications"]["hooks"]["options"] == {"count": 3, "greeting": "hi"}
    assert "num_units" not in doc["applications"]["sub"]
    text = yaml.safe_dump(doc)
    exported = bundlelib.load_bundle(write(workdir, "exported.yaml", text))
    assert {a.charm_path for a in exported.applications.values()} == {p.resolve() for p in paths.values()}
    again = bundlelib.check_bundle(exported, charm_infos(exported))
    # Into the model it came from: nothing to do. Into an empty model: the same shape.
    assert bundlelib.plan_bundle(model, again).changes == ()
    fresh = simulate(EMPTY, again, bundlelib.plan_bundle(EMPTY, again))
    assert shape(fresh) == shape(model)


def test_export_puts_partial_exposure_in_an_overlay(workdir: Path) -> None:
    _, model = deployed(workdir)
    hooks = dataclasses.replace(model.applications["hooks"],
                                exposed={"": bundlelib.ExposedEndpoint(cidrs=("10.0.0.0/8",))})
    model = dataclasses.replace(model, applications={**model.applications, "hooks": hooks})
    docs = bundlelib.export_bundle(model, lambda a: f"./charms/{a.charm_name}")
    assert "expose" not in docs[0]["applications"]["hooks"]
    assert docs[1] == {"applications": {"hooks": {"exposed-endpoints": {"": {"expose-to-cidrs": ["10.0.0.0/8"]}}}}}
    spec = bundlelib.load_bundle(write(workdir, "x.yaml", yaml.safe_dump_all(docs)))
    assert spec.applications["hooks"].exposed == hooks.exposed


def shape(model: bundlelib.ModelSnapshot) -> dict:
    """Topology without ids: per app its charm, options, unit count and which apps share machines."""
    homes: dict[str, set[str]] = {}
    for app in model.applications.values():
        for u in app.units:
            homes.setdefault(str(u.machine), set()).add(u.name)
    return {
        "apps": {n: (a.charm_name, dict(a.options), len(a.units), dict(a.exposed)) for n, a in
                 model.applications.items()},
        "colocated": sorted(sorted(v) for v in homes.values()),
        "relations": model.relations,
    }
