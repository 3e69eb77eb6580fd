"""Helpers for the bundle tests: bundles in tmp_path next to copies of the suite's bash charms."""

from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path

from pyjuju import bundle as bundlelib
from pyjuju import charm as charmlib

CHARMS = Path(__file__).resolve().parents[2] / "charms"
USED = ("bash-provider", "bash-requirer", "bash-sub", "bash-hooks", "bash-peer")

FIVE_APPS = """\
description: five applications
machines:
  "0": {}
  "1":
    constraints: mem=256M
applications:
  provider:
    charm: ./charms/bash-provider
    num_units: 2
    to: ["0", "1"]
  requirer:
    charm: ./charms/bash-requirer
    num_units: 2
    to: ["provider/0", "new"]
  sub:
    charm: ./charms/bash-sub
  hooks:
    charm: ./charms/bash-hooks
    num_units: 1
    options:
      greeting: hi
      count: 3
    expose: true
  peer:
    charm: ./charms/bash-peer
    num_units: 2
    to: ["1"]
relations:
- [requirer:data, provider:data]
- [sub:host, requirer]
"""


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.write_text(textwrap.dedent(text))
    return path


def charm_infos(bundle: bundlelib.Bundle) -> dict[str, bundlelib.CharmInfo]:
    """What the CLI computes: each application's charm, hashed by its directory's name."""
    out = {}
    for app in bundle.applications.values():
        assert app.charm_path is not None
        loaded = charmlib.load_charm(app.charm_path)
        out[app.name] = bundlelib.CharmInfo(source=app.charm, sha256=sha_of(app.charm_path), meta=loaded.meta,
                                            config=loaded.config)
    return out


def sha_of(path: Path) -> str:
    return hashlib.sha256(path.name.encode()).hexdigest()


def checked(path: Path, overlays: tuple[Path, ...] = ()) -> bundlelib.CheckedBundle:
    spec = bundlelib.load_bundle(path, overlays)
    return bundlelib.check_bundle(spec, charm_infos(spec))


def simulate(snap: bundlelib.ModelSnapshot, checked_bundle: bundlelib.CheckedBundle,
             plan: bundlelib.Plan) -> bundlelib.ModelSnapshot:
    """Apply a plan to a snapshot the way the controller would (a seam for pure tests)."""
    import dataclasses

    apps = {n: a for n, a in snap.applications.items()}
    machines = dict(snap.machines)
    relations = set(snap.relations)
    charms = dict(snap.charms)
    results: dict[str, str] = {}
    next_machine = max((int(m) for m in machines), default=-1) + 1

    def ref(value: str) -> str:
        return results[value[1:]] if value.startswith("$") else value

    for c in plan.changes:
        a = c.args
        if c.kind == "upload-charm":
            info = next(i for i in checked_bundle.charms.values() if i.source == a["source"])
            url = next((u for u, s in charms.items() if s == info.sha256), None)
            if url is None:
                url = f"local:{info.meta.name}-{sum(1 for u in charms if u.startswith('local:' + info.meta.name))}"
                charms[url] = info.sha256
            results[c.id] = url
        elif c.kind == "add-machine":
            mid = str(next_machine)
            next_machine += 1
            machines[mid] = bundlelib.MachineState(id=mid, constraints=a["constraints"], base=a["base"],
                                                   annotations=dict(a.get("annotations") or {}))
            results[c.id] = mid
        elif c.kind == "deploy":
            url = ref(a["charm"])
            info = checked_bundle.charms[a["application"]]
            apps[a["application"]] = bundlelib.ApplicationState(
                name=a["application"], charm_url=url, charm_name=info.meta.name, charm_revision=0,
                charm_sha256=charms[url], options=dict(a["options"]), constraints=a["constraints"],
                trust=a["trust"], subordinate=info.meta.subordinate, storage=dict(a["storage"]))
        elif c.kind == "add-unit":
            app = apps[a["application"]]
            unit = bundlelib.UnitState(name=f"{app.name}/{app.next_unit}", machine=ref(a["to"]))
            apps[app.name] = dataclasses.replace(app, units=app.units + (unit,), next_unit=app.next_unit + 1)
        elif c.kind == "set-options":
            app = apps[a["application"]]
            apps[app.name] = dataclasses.replace(app, options={**app.options, **a["options"]})
        elif c.kind == "set-constraints":
            apps[a["application"]] = dataclasses.replace(apps[a["application"]], constraints=a["constraints"])
        elif c.kind == "refresh":
            url = ref(a["charm"])
            apps[a["application"]] = dataclasses.replace(apps[a["application"]], charm_url=url,
                                                         charm_sha256=charms[url])
        elif c.kind == "add-relation":
            relations.add(frozenset(a["endpoints"]))
        elif c.kind == "expose":
            exposed = {k: bundlelib.ExposedEndpoint.from_wire(v) for k, v in a["endpoints"].items()}
            apps[a["application"]] = dataclasses.replace(apps[a["application"]], exposed=exposed)
        elif c.kind == "set-annotations":
            app = apps[a["application"]]
            apps[app.name] = dataclasses.replace(app, annotations={**app.annotations, **a["annotations"]})
        elif c.kind == "trust":
            apps[a["application"]] = dataclasses.replace(apps[a["application"]], trust=True)
        else:
            raise AssertionError(c.kind)
    return dataclasses.replace(snap, applications=apps, machines=machines, relations=frozenset(relations),
                               charms=charms)
