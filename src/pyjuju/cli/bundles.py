"""Deploying bundles: read and check everything, plan, then apply the plan through the client.

Everything that can be refused is refused before the first change is sent:
files and shape (:func:`pyjuju.bundle.load_bundle`), charms, options and
relations (:func:`pyjuju.bundle.check_bundle`), and constraints the provider
cannot meet. Only then are the plan's changes applied, in order, each printed
as it runs.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .. import bundle as bundlelib
from .. import charm as charmlib
from ..client import bundles as bundle_client
from ..client.user import Client
from ..core.errors import PyjujuError, UsageError
from ..wire import DeployParams


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Prepared:
    """A checked bundle with what applying it needs: the archives of its local charms."""

    checked: bundlelib.CheckedBundle
    snapshot: bundlelib.ModelSnapshot
    archives: Mapping[str, bytes]
    """Charm path → archive bytes (directories are archived, source trees packed)."""


def is_bundle_path(path: Path) -> bool:
    if path.is_file():
        return path.suffix in (".yaml", ".yml")
    return path.is_dir() and (path / "bundle.yaml").is_file() and not (path / "metadata.yaml").exists() \
        and not (path / "charmcraft.yaml").exists()


def parse_map_machines(value: str | None) -> tuple[bool, dict[str, str]]:
    """``--map-machines=existing[,BUNDLE=MODEL...]``: ``existing`` takes model machine N for
    bundle machine N where it exists; ``0=3`` puts bundle machine 0 on model machine 3."""
    existing, explicit = False, {}
    for item in (value or "").split(","):
        item = item.strip()
        if not item:
            continue
        if item == "existing":
            existing = True
            continue
        bid, sep, mid = item.partition("=")
        if not (sep and bid.isdigit() and mid.isdigit()):
            raise UsageError(f'--map-machines "{value}": expected "existing" and/or BUNDLE-ID=MACHINE-ID '
                             f'pairs, got "{item}"')
        explicit[str(int(bid))] = str(int(mid))
    return existing, explicit


def bundle_file(path: Path) -> Path:
    return path / "bundle.yaml" if path.is_dir() else path


def prepare(client: Client, model: str, path: Path, overlays: Sequence[Path],
            archive_of: Callable[[Path], tuple[bytes, charmlib.Charm]], *, force: bool = False) -> Prepared:
    """Load, check and snapshot: everything short of changing the model."""
    spec = bundlelib.load_bundle(bundle_file(path), overlays)
    raw = bundle_client.snapshot(client, model)
    snap = bundlelib.ModelSnapshot.from_wire(raw)
    charms: dict[str, bundlelib.CharmInfo] = {}
    archives: dict[str, bytes] = {}
    loaded: dict[str, bundlelib.CharmInfo] = {}
    for app in spec.applications.values():
        if app.charm_path is None:
            charms[app.name] = _stored_charm(spec, app, raw)
            continue
        key = str(app.charm_path)
        if key not in loaded:
            try:
                data, charm = archive_of(app.charm_path)
            except PyjujuError as e:
                raise bundlelib.BundleError(
                    f'bundle "{spec.source}", application "{app.name}", key "charm": {e.message}',
                    file=spec.source, application=app.name, key="charm") from None
            archives[key] = data
            loaded[key] = bundlelib.CharmInfo(source=app.charm, sha256=hashlib.sha256(data).hexdigest(),
                                              meta=charm.meta, config=charm.config)
        charms[app.name] = dataclasses.replace(loaded[key], source=app.charm)
    checked = bundlelib.check_bundle(spec, charms, host_base=snap.default_base, force=force)
    return Prepared(checked=checked, snapshot=snap, archives=archives)


def _stored_charm(spec: bundlelib.Bundle, app: bundlelib.ApplicationSpec,
                  raw: Mapping[str, Any]) -> bundlelib.CharmInfo:
    stored = (raw.get("charms") or {}).get(app.charm)
    if stored is None:
        raise bundlelib.BundleError(
            f'bundle "{spec.source}", application "{app.name}", key "charm": charm "{app.charm}" is not in '
            f'model "{raw.get("name")}"; a local: URL only names a charm the model already has (export with '
            "--filename to save the charm archives next to the bundle)",
            file=spec.source, application=app.name, key="charm")
    meta = charmlib.parse_metadata(stored["metadata"], file=f"{app.charm} metadata")
    config = charmlib.parse_config_yaml({"options": stored["config"]}, file=f"{app.charm} config")
    return bundlelib.CharmInfo(source=app.charm, sha256=stored["sha256"], meta=meta, config=config, url=app.charm)


def check_constraints(client: Client, model: str, plan: bundlelib.Plan) -> None:
    """Ask the provider about every machine the plan would create, before creating any."""
    seen = set()
    for change in plan.changes:
        text = change.args.get("constraints") if change.kind in ("add-machine", "set-constraints") else None
        if text and text not in seen:
            seen.add(text)
            client.check_constraints(model, text)


def apply(client: Client, model: str, prepared: Prepared, plan: bundlelib.Plan, *, force: bool,
          progress: Callable[[str], None]) -> None:
    """Run the plan's changes in order; ``$id`` arguments take the results of earlier changes."""
    results: dict[str, str] = {}
    changes = list(plan.changes)
    i = 0
    while i < len(changes):
        change = changes[i]
        # Consecutive add-unit changes of one application go in one call, as do identical add-machines.
        j = i + 1
        while j < len(changes) and _batchable(change, changes[j]):
            j += 1
        batch = changes[i:j]
        for c in batch:
            progress(f"- {c.description}")
        _apply_batch(client, model, prepared, batch, results, force)
        i = j


def _batchable(first: bundlelib.Change, other: bundlelib.Change) -> bool:
    if first.kind in ("deploy", "add-unit") and other.kind == "add-unit":
        return bool(first.args["application"] == other.args["application"])
    if first.kind != other.kind:
        return False
    if first.kind == "add-machine":
        return dict(first.args) == dict(other.args)
    return False


def _ref(results: Mapping[str, str], value: str) -> str:
    return results[value[1:]] if value.startswith("$") else value


def _apply_batch(client: Client, model: str, prepared: Prepared, batch: list[bundlelib.Change],
                 results: dict[str, str], force: bool) -> None:
    change = batch[0]
    args = change.args
    kind = change.kind
    if kind == "upload-charm":
        results[change.id] = client.upload_charm(model, prepared.archives[args["path"]])["url"]
    elif kind == "add-machine":
        ids = client.add_machines(model, len(batch), args["constraints"], None, base=args["base"],
                                  annotations=args.get("annotations"))
        for c, mid in zip(batch, ids, strict=True):
            results[c.id] = mid
    elif kind == "deploy":
        # The application's add-unit changes that follow it go in the same call.
        placement = [_ref(results, c.args["to"]) for c in batch[1:]]
        blobs = {name: {"sha256": client.upload_resource(model, Path(p).read_bytes()), "filename": Path(p).name}
                 for name, p in args["resources"].items()}
        client.deploy(model, DeployParams(
            application=args["application"], charm_url=_ref(results, args["charm"]), num_units=len(placement),
            config=args["options"], config_strings={}, placement=placement, constraints=args["constraints"],
            storage=args["storage"], resources=blobs, trust=args["trust"], base=args["base"], force=force,
        ))
    elif kind == "refresh":
        client.refresh(model, args["application"], charm_url=_ref(results, args["charm"]))
    elif kind == "add-unit":
        placement = [_ref(results, c.args["to"]) for c in batch]
        client.add_units(model, args["application"], len(batch), placement)
    elif kind == "attach-resource":
        path = Path(args["path"])
        sha = client.upload_resource(model, path.read_bytes())
        client.attach_resource(model, args["application"], args["resource"], sha, path.name)
    elif kind == "set-options":
        client.set_config(model, args["application"], values=args["options"])
    elif kind == "set-constraints":
        client.set_application_constraints(model, args["application"], args["constraints"])
    elif kind == "trust":
        client.trust(model, args["application"], True)
    elif kind == "add-relation":
        a, b = args["endpoints"]
        client.integrate(model, a, b)
    elif kind == "set-annotations":
        bundle_client.set_annotations(client, model, args["application"], dict(args["annotations"]))
    elif kind == "expose":
        for endpoint, spec in sorted(args["endpoints"].items()):
            client.expose(model, args["application"], endpoints=[endpoint] if endpoint else None,
                          cidrs=spec.get("expose-to-cidrs") or None, spaces=spec.get("expose-to-spaces") or None)
    else:  # pragma: no cover - the planner emits only the kinds above
        raise AssertionError(f"unknown change {kind}")


def export(client: Client, model: str, filename: Path | None, *, include_defaults: bool) -> str:
    """The model as bundle YAML; with a file name, charm archives and resources are saved beside it."""
    import yaml

    raw = bundle_client.snapshot(client, model)
    snap = bundlelib.ModelSnapshot.from_wire(raw)
    out_dir = filename.parent if filename is not None else None
    saved: dict[str, str] = {}

    def charm_ref(app: bundlelib.ApplicationState) -> str:
        if out_dir is None:
            return app.charm_url
        if app.charm_url not in saved:
            name = app.charm_url.removeprefix("local:")
            target = out_dir / "charms" / f"{name}.charm"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(bundle_client.charm_archive(client, model, app.charm_url))
            saved[app.charm_url] = f"./charms/{name}.charm"
        return saved[app.charm_url]

    defaults: dict[str, dict[str, Any]] = {}
    if include_defaults:
        for name, app in snap.applications.items():
            options = (raw["charms"].get(app.charm_url) or {}).get("config") or {}
            defaults[name] = {k: o.get("default") for k, o in options.items() if o.get("default") is not None}
    docs = bundlelib.export_bundle(snap, charm_ref, defaults=defaults)
    if out_dir is not None:
        for name, app in snap.applications.items():
            if app.resources:
                res = {}
                files = raw["applications"][name].get("resource-filenames") or {}
                for rname in sorted(app.resources):
                    fname = Path(files.get(rname) or rname).name
                    target = out_dir / "resources" / name / rname / fname
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(bundle_client.resource_file(client, model, name, rname))
                    res[rname] = f"./resources/{name}/{rname}/{fname}"
                docs[0]["applications"][name]["resources"] = res
    return "---\n".join(yaml.safe_dump(d, sort_keys=False, default_flow_style=False) for d in docs)
