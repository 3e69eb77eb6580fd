"""Planning: a pure function from (model snapshot, checked bundle) to ordered changes.

Nothing here reads a file or calls the controller, so the same inputs always
give the same plan: ``deploy --dry-run`` prints exactly what ``deploy`` then
does, and a model that already matches its bundle plans to nothing.

Like Juju's bundlechanges, a plan only adds and changes: applications,
machines and relations the bundle does not mention are left alone (see
``diff-bundle`` for those). Units whose bundle placement is ``new`` get an
explicit ``add-machine`` change, so co-located units (``to: [web/0]``) can
name the same machine before it exists; changes refer to results of earlier
changes as ``$<change id>``.

Bundle machines are symbolic. On a model that already ran the bundle they are
recognised through the units placed on them: if ``web/0`` was placed on
bundle machine ``"0"`` and the model's first ``web`` unit is on machine 4,
bundle machine ``"0"`` is machine 4.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from ..core.constraints import Constraints
from .check import CheckedBundle
from .snapshot import ModelSnapshot
from .spec import ALL_ENDPOINTS, EVERYWHERE, ApplicationSpec, Bundle, BundleError, ExposedEndpoint

BUNDLE_MACHINE = "pyjuju.bundle-machine"
"""Annotation on a machine made for a bundle machine (its bundle id)."""
BUNDLE_UNIT = "pyjuju.bundle-unit"
"""Annotation on a machine made for a unit placed ``new`` (``app/index``)."""
INTERNAL = (BUNDLE_MACHINE, BUNDLE_UNIT)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    id: str
    kind: str
    """upload-charm | add-machine | deploy | refresh | add-unit | set-options | set-constraints |
    attach-resource | trust | add-relation | expose | set-annotations"""
    args: Mapping[str, Any]
    description: str


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    changes: tuple[Change, ...]

    def render(self, heading: str = "Changes to deploy bundle:") -> str:
        if not self.changes:
            return "No changes to apply.\n"
        return heading + "\n" + "".join(f"- {c.description}\n" for c in self.changes)


def plan_bundle(snapshot: ModelSnapshot, checked: CheckedBundle, *, map_existing: bool = False,
                machine_map: Mapping[str, str] | None = None) -> Plan:
    """``machine_map`` (bundle machine → model machine) and ``map_existing`` are
    ``--map-machines=existing,0=3``."""
    return _Planner(snapshot, checked, map_existing, dict(machine_map or {})).run()


def infer_machine_map(snap: ModelSnapshot, bundle: Bundle, *, map_existing: bool = False,
                      machine_map: Mapping[str, str] | None = None) -> dict[str, str]:
    """Bundle machine id → model machine id, for bundle machines the model already has.

    A bundle machine is recognised through the units placed on it, or, while it
    has none yet (a deploy interrupted between making the machine and placing
    its units), by the annotation recorded when it was made. With
    ``--map-machines=existing`` a model machine with the same id is taken too.
    """
    found: dict[str, str] = {}
    for bid, mid in (machine_map or {}).items():
        if bid not in bundle.machines:
            raise BundleError(f'--map-machines {bid}={mid}: the bundle has no machine "{bid}"', machine=bid)
        if mid not in snap.machines:
            raise BundleError(f'--map-machines {bid}={mid}: the model has no machine "{mid}"', machine=mid)
        found[bid] = mid
    for app in bundle.applications.values():
        current = snap.applications.get(app.name)
        if current is None:
            continue
        for i, unit in enumerate(current.units[: app.num_units]):
            directive = app.placement(i)
            if directive.isdigit() and unit.machine is not None:
                found.setdefault(str(int(directive)), unit.machine)
    empty = empty_machines(snap)
    for mid in sorted(bundle.machines, key=int):
        if mid not in found:
            match = next((m for m in empty if snap.machines[m].annotations.get(BUNDLE_MACHINE) == mid
                          and m not in found.values()), None)
            if match is not None:
                found[mid] = match
    if map_existing:
        for mid in bundle.machines:
            if mid not in found and mid in snap.machines:
                found[mid] = mid
    return found


def empty_machines(snap: ModelSnapshot) -> list[str]:
    """Model machines no unit is on, lowest id first."""
    occupied = {u.machine for a in snap.applications.values() for u in a.units if u.machine is not None}
    return sorted((m for m in snap.machines if m not in occupied), key=lambda m: int(m) if m.isdigit() else -1)


def same_constraints(a: str, b: str) -> bool:
    return Constraints.parse(a).as_dict() == Constraints.parse(b).as_dict()


class _Planner:
    def __init__(self, snapshot: ModelSnapshot, checked: CheckedBundle, map_existing: bool,
                 machine_map: dict[str, str]) -> None:
        self.snap = snapshot
        self.checked = checked
        self.bundle = checked.bundle
        self.map_existing = map_existing
        self.machine_map = machine_map
        self.changes: list[Change] = []
        self.counters: dict[str, int] = {}
        self.machine_of_bundle: dict[str, str] = {}
        self.unit_target: dict[tuple[str, int], str] = {}
        self.resolving: set[tuple[str, int]] = set()
        self.new_machines = 0
        self.empty = empty_machines(snapshot)
        self.claimed: set[str] = set()

    def add(self, kind: str, args: dict[str, Any], description: str) -> str:
        n = self.counters.get(kind, 0)
        self.counters[kind] = n + 1
        cid = f"{kind}-{n}"
        self.changes.append(Change(id=cid, kind=kind, args=args, description=description))
        return cid

    def run(self) -> Plan:
        apps = [self.bundle.applications[n] for n in sorted(self.bundle.applications)]
        charm_refs = self._charms(apps)
        self._bundle_machines()
        # Every new unit's machine first (new machines are added here), so that a new
        # application's deploy and its units can be applied in one call.
        placements = {app.name: self._placements(app) for app in apps}
        for app in apps:
            if app.name not in self.snap.applications:
                self._deploy(app, charm_refs[app.name])
            self._units(app, placements[app.name])
        for app in apps:
            if app.name in self.snap.applications:
                self._reconfigure(app)
        for a, b in self.checked.relations:
            if frozenset((a, b)) not in self.snap.relations:
                self.add("add-relation", {"endpoints": [a, b]}, f"add relation {a} - {b}")
        for app in apps:
            self._expose(app)
        for app in apps:
            current = self.snap.applications.get(app.name)
            have = current.annotations if current is not None else {}
            wanted = {k: v for k, v in app.annotations.items() if have.get(k) != v}
            if wanted:
                self.add("set-annotations", {"application": app.name, "annotations": wanted},
                         f"set annotations for {app.name}")
        return Plan(changes=tuple(self.changes))

    # -- charms --------------------------------------------------------------------------
    def _charms(self, apps: list[ApplicationSpec]) -> dict[str, str]:
        """Each application's charm URL, or the ``$upload-charm-N`` that will provide it."""
        refs: dict[str, str] = {}
        uploads: dict[str, str] = {}
        for app in apps:
            info = self.checked.charms[app.name]
            current = self.snap.applications.get(app.name)
            if info.url:
                ref = info.url
            elif current is not None and current.charm_sha256 == info.sha256:
                ref = current.charm_url
            elif info.sha256 in uploads:
                ref = uploads[info.sha256]
            else:
                ref = "$" + self.add("upload-charm", {"path": str(app.charm_path), "source": info.source},
                                     f"upload charm {info.source}")
                uploads[info.sha256] = ref  # an archive the model has is recognised, not stored twice
            refs[app.name] = ref
            if current is not None and current.charm_name != info.meta.name:
                raise BundleError(
                    f'bundle "{self.bundle.source}", application "{app.name}", key "charm": the model\'s '
                    f'"{app.name}" runs charm "{current.charm_name}", the bundle\'s charm is "{info.meta.name}"; '
                    "switching an application to another charm is not supported",
                    application=app.name, key="charm")
            if current is not None and ref != current.charm_url and current.charm_sha256 != info.sha256:
                self.add("refresh", {"application": app.name, "charm": ref},
                         f"upgrade {app.name} from local charm {info.source}")
        return refs

    # -- machines and units -----------------------------------------------------------
    def _bundle_machines(self) -> None:
        """Map bundle machines to model machines where units show the way; add the rest."""
        self.machine_of_bundle.update(infer_machine_map(self.snap, self.bundle, map_existing=self.map_existing,
                                                        machine_map=self.machine_map))
        for mid in sorted(self.bundle.machines, key=int):
            if mid in self.machine_of_bundle:
                continue
            spec = self.bundle.machines[mid]
            n = self.new_machines
            self.new_machines += 1
            cid = self.add("add-machine", {"constraints": spec.constraints, "base": spec.base or
                                           self.bundle.default_base,
                                           "annotations": {**spec.annotations, BUNDLE_MACHINE: mid}},
                           f"add new machine {n} (bundle machine {mid})")
            self.machine_of_bundle[mid] = "$" + cid

    def _deploy(self, app: ApplicationSpec, charm_ref: str) -> None:
        info = self.checked.charms[app.name]
        args = {
            "application": app.name, "charm": charm_ref, "options": dict(self.checked.options[app.name]),
            "constraints": app.constraints, "storage": dict(app.storage),
            "resources": {k: str(v) for k, v in app.resources.items()}, "trust": app.trust,
            "base": app.base or self.bundle.default_base, "bindings": dict(app.bindings),
        }
        self.add("deploy", args, f"deploy application {app.name} from local charm {info.source}")

    def _placements(self, app: ApplicationSpec) -> list[str]:
        """Machine refs of the units to add, in order."""
        current = self.snap.applications.get(app.name)
        have = len(current.units) if current is not None else 0
        return [self._target(app.name, i) for i in range(have, app.num_units)]

    def _units(self, app: ApplicationSpec, targets: list[str]) -> None:
        current = self.snap.applications.get(app.name)
        next_unit = current.next_unit if current is not None else 0
        for k, target in enumerate(targets):
            unit = f"{app.name}/{next_unit + k}"
            where = (f"existing machine {target}" if not target.startswith("$")
                     else f"new machine {self._machine_label(target)}")
            self.add("add-unit", {"application": app.name, "to": target}, f"add unit {unit} to {where}")

    def _machine_label(self, ref: str) -> str:
        for c in self.changes:
            if "$" + c.id == ref:
                return c.description.removeprefix("add new machine ").split(" ")[0]
        return ref

    def _target(self, app_name: str, index: int) -> str:
        """Where unit ``index`` of ``app_name`` is (existing) or will be (planned), as a machine ref."""
        key = (app_name, index)
        if key in self.unit_target:
            return self.unit_target[key]
        current = self.snap.applications.get(app_name)
        if current is not None and index < len(current.units) and current.units[index].machine:
            return str(current.units[index].machine)
        if key in self.resolving:
            raise BundleError(f'bundle "{self.bundle.source}", application "{app_name}", key "to": placement '
                              "is circular", application=app_name, key="to")
        self.resolving.add(key)
        app = self.bundle.applications[app_name]
        directive = app.placement(index)
        if directive == "new":
            target = self._new_machine(app, index)
        elif directive.isdigit():
            target = self.machine_of_bundle[str(int(directive))]
        else:
            other, _, unit = directive.partition("/")
            target = self._target(other, int(unit) if unit else index)
        self.resolving.discard(key)
        self.unit_target[key] = target
        return target

    def _new_machine(self, app: ApplicationSpec, index: int) -> str:
        tag = f"{app.name}/{index}"
        for mid in self.empty:
            if self.snap.machines[mid].annotations.get(BUNDLE_UNIT) == tag and mid not in self.claimed:
                self.claimed.add(mid)  # made for this unit by an interrupted deploy
                return mid
        n = self.new_machines
        self.new_machines += 1
        cid = self.add("add-machine", {"constraints": app.constraints, "base": app.base or self.bundle.default_base,
                                       "annotations": {BUNDLE_UNIT: tag}},
                       f"add new machine {n}")
        return "$" + cid

    # -- existing applications --------------------------------------------------------
    def _reconfigure(self, app: ApplicationSpec) -> None:
        current = self.snap.applications[app.name]
        wanted = self.checked.options[app.name]
        changed = {k: v for k, v in wanted.items() if current.options.get(k) != v}
        if changed:
            shown = ", ".join(f"{k}={v}" for k, v in sorted(changed.items()))
            self.add("set-options", {"application": app.name, "options": changed},
                     f"set application options for {app.name}: {shown}")
        if app.constraints and not same_constraints(app.constraints, current.constraints):
            self.add("set-constraints", {"application": app.name, "constraints": app.constraints},
                     f'set constraints for {app.name} to "{app.constraints}"')
        for name, sha in sorted(app.resource_sha256.items()):
            if current.resources.get(name) != sha:
                path = app.resources[name]
                self.add("attach-resource", {"application": app.name, "resource": name, "path": str(path)},
                         f"attach resource {name} to {app.name} from {path.name}")
        if app.trust and not current.trust:
            self.add("trust", {"application": app.name}, f"grant trust to {app.name}")

    def _expose(self, app: ApplicationSpec) -> None:
        if not app.exposed:
            return
        current = self.snap.applications.get(app.name)
        if current is not None and exposure_covers(current.exposed, app.exposed):
            return
        self.add("expose", {"application": app.name,
                            "endpoints": {k: v.to_wire() for k, v in app.exposed.items()}},
                 describe_exposure(app.name, app.exposed))


def exposure_covers(have: Mapping[str, ExposedEndpoint], want: Mapping[str, ExposedEndpoint]) -> bool:
    """Whether the model already exposes at least what the bundle asks.

    A bundle only adds (as ``expose`` does), so exposure the model has beyond
    the bundle's is left alone, and a redeploy does not plan it again."""
    for ep, spec in want.items():
        got = have.get(ep)
        if got is None or not (set(spec.cidrs) <= set(got.cidrs) and set(spec.spaces) <= set(got.spaces)):
            return False
    return True


def describe_exposure(app: str, exposed: Mapping[str, ExposedEndpoint]) -> str:
    parts = []
    for ep, spec in sorted(exposed.items()):
        what = "all endpoints" if ep == ALL_ENDPOINTS else f'endpoint "{ep}"'
        cidrs = spec.cidrs or (EVERYWHERE if not spec.spaces else ())
        who = []
        if spec.spaces:
            who.append("spaces " + ", ".join(spec.spaces))
        if cidrs:
            who.append("CIDRs " + " and ".join(cidrs))
        parts.append(f"{what} of {app} and allow access from {' and '.join(who)}")
    return "expose " + "; ".join(parts)
