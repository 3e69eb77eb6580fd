"""Reading bundle files: YAML documents, overlays, and the shape of every key.

Checks here need nothing but the files: unknown keys, wrong types, placement
onto machines the bundle does not declare, charm and resource paths that do
not exist. Checks that need the charms (options, endpoints, storage names) are
in :mod:`.check`. Every error names the file, the application and the key.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from ..core import placement
from ..core.constraints import Constraints
from ..core.errors import NotSupportedError, PyjujuError
from ..core.names import is_valid_application_name
from .spec import (
    ALL_ENDPOINTS,
    EVERYWHERE,
    ApplicationSpec,
    Bundle,
    BundleError,
    ExposedEndpoint,
    MachineSpec,
    RelationSpec,
    normalise_exposure,
)

TOP_KEYS = {"bundle", "description", "default-base", "series", "applications", "services", "machines",
            "relations", "saas", "tags", "name", "type"}
APP_KEYS = {"charm", "channel", "revision", "base", "series", "num_units", "scale", "to", "placement", "expose",
            "exposed-endpoints", "options", "constraints", "storage", "devices", "bindings", "resources",
            "annotations", "trust", "offers", "plan"}
MACHINE_KEYS = {"constraints", "annotations", "base", "series"}
_BASE_DIR = "__dir__"
"""Private key recording the directory of the document an application's charm came from."""
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's loader when present: a 500-application bundle parses in milliseconds, not a quarter second."""


def read_documents(path: Path) -> list[dict[str, Any]]:
    """The YAML documents of a bundle or overlay file, each a mapping."""
    if not path.is_file():
        raise BundleError(f'bundle "{path}" not found', file=str(path))
    try:
        docs = [d for d in yaml.load_all(path.read_text(), Loader=_LOADER) if d is not None]
    except yaml.YAMLError as e:
        raise BundleError(f'bundle "{path}": invalid YAML: {e}', file=str(path)) from None
    if not docs:
        raise BundleError(f'bundle "{path}" is empty', file=str(path))
    for doc in docs:
        if not isinstance(doc, dict):
            raise BundleError(f'bundle "{path}": a document must be a mapping, got {type(doc).__name__}',
                              file=str(path))
    return docs


def merge(base: dict[str, Any], overlay: Mapping[str, Any], overlay_dir: Path) -> dict[str, Any]:
    """Apply one overlay (docs/juju-compat.md, Bundles): relations append, machines overwrite, an empty
    application removes it, other application keys overwrite key by key (options merge)."""
    out = copy.deepcopy(base)
    for key, value in overlay.items():
        if key == "applications":
            apps = out.setdefault("applications", {}) or {}
            out["applications"] = apps
            if not isinstance(value, dict):
                out[key] = value  # reported by the shape check
                continue
            for name, body in value.items():
                if body is None or body == {}:
                    apps.pop(name, None)
                    continue
                if not isinstance(body, dict) or not isinstance(apps.get(name), dict):
                    apps[name] = _tag_dir(body, overlay_dir)
                    continue
                target = apps[name]
                for k, v in body.items():
                    if k == "options" and isinstance(v, dict) and isinstance(target.get("options"), dict):
                        target["options"].update(v)
                    else:
                        target[k] = v
                if "charm" in body:
                    target[_BASE_DIR] = str(overlay_dir)
        elif key == "machines" and isinstance(value, dict) and isinstance(out.get("machines"), dict):
            out["machines"].update(copy.deepcopy(value))
        elif key == "relations" and isinstance(value, list) and isinstance(out.get("relations"), list):
            out["relations"] = out["relations"] + value
        else:
            out[key] = copy.deepcopy(value)
    return out


def _tag_dir(body: Any, directory: Path) -> Any:
    if isinstance(body, dict):
        body = dict(body)
        body[_BASE_DIR] = str(directory)
    return body


def load_bundle(path: Path, overlays: Sequence[Path] = ()) -> Bundle:
    """Read a bundle file and its overlays (later documents of the file, then ``--overlay`` files)."""
    docs = read_documents(path)
    root = path.parent.resolve()
    merged = _tag_apps(docs[0], root)
    for doc in docs[1:]:
        merged = merge(merged, doc, root)
    for ov in overlays:
        for doc in read_documents(ov):
            merged = merge(merged, doc, ov.parent.resolve())
    source = str(path) if not overlays else f"{path} (with {', '.join(str(o) for o in overlays)})"
    return parse_bundle(merged, source=source, base_dir=root,
                        overlay_only=_overlay_keys(docs[1:], [d for o in overlays for d in read_documents(o)]))


def _tag_apps(doc: dict[str, Any], directory: Path) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    apps = doc.get("applications")
    if isinstance(apps, dict):
        for name, body in apps.items():
            apps[name] = _tag_dir(body, directory)
    return doc


def _overlay_keys(*groups: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """(application, key) pairs set by overlays: ``offers`` and ``exposed-endpoints`` may only come from those."""
    found: set[tuple[str, str]] = set()
    for docs in groups:
        for doc in docs:
            for name, body in (doc.get("applications") or {}).items():
                if isinstance(body, dict):
                    found.update((name, k) for k in body)
    return found


def parse_bundle(data: Mapping[str, Any], *, source: str, base_dir: Path,
                 overlay_only: set[tuple[str, str]] | None = None) -> Bundle:
    """Check the shape of a merged bundle document and return its typed value."""
    err = _Errors(source)
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        raise err(f'unknown key "{unknown[0]}"', key=unknown[0])
    kind = data.get("bundle") or ""
    if kind == "kubernetes":
        raise NotSupportedError(f'bundle "{source}": kubernetes bundles are not supported', file=source)
    if kind:
        raise err(f'"bundle: {kind}" is invalid (only "kubernetes" or nothing)', key="bundle")
    if "services" in data:
        raise err('"services" is the pre-2.0 name of "applications"; rename it', key="services")
    if data.get("saas"):
        raise NotSupportedError(f'bundle "{source}": "saas" (consuming offers from other models) is not '
                                "supported yet", file=source, key="saas")
    if data.get("series") and data.get("default-base"):
        raise err('"series" and "default-base" cannot both be given', key="series")
    default_base = _str(err, data, "default-base", None) or _series_base(err, data.get("series"), "series", None)
    apps_doc = data.get("applications")
    if not isinstance(apps_doc, dict) or not apps_doc:
        raise err("no applications: a bundle needs at least one", key="applications")
    machines = _machines(err, data.get("machines") or {})
    apps = {str(name): _application(err, str(name), body, base_dir, overlay_only or set())
            for name, body in apps_doc.items()}
    relations = _relations(err, data.get("relations") or [], apps)
    used: set[str] = set()
    for app in apps.values():
        if app.num_units and len(app.to) > app.num_units:
            raise err(f"too many placement directives ({len(app.to)}) for {app.num_units} unit(s)",
                      application=app.name, key="to")
        for directive in app.to:
            used.add(_check_placement(err, app, directive, apps, machines))
    for mid in machines:
        if mid not in used:
            raise err(f'machine "{mid}" is not used by any application placement', machine=mid, key="machines")
    desc = data.get("description") or ""
    return Bundle(source=source, applications=apps, machines=machines, relations=relations,
                  description=str(desc), default_base=default_base)


class _Errors:
    """Builds errors that name the bundle, and the application and key when known."""

    def __init__(self, source: str) -> None:
        self.source = source

    def __call__(self, message: str, **details: Any) -> BundleError:
        where = f'bundle "{self.source}"'
        if "application" in details:
            where += f', application "{details["application"]}"'
            if "key" in details:
                where += f', key "{details["key"]}"'
        elif "machine" in details:
            where += f', machine "{details["machine"]}"'
        elif "key" in details:
            where += f', key "{details["key"]}"'
        return BundleError(f"{where}: {message}", file=self.source, **details)


def _str(err: _Errors, doc: Mapping[str, Any], key: str, app: str | None) -> str:
    value = doc.get(key)
    if value is None:
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        details = {"application": app, "key": key} if app else {"key": key}
        raise err(f'"{key}" must be a string, got {type(value).__name__}', **details)
    return str(value)


_SERIES = {"focal": "ubuntu@20.04", "jammy": "ubuntu@22.04", "noble": "ubuntu@24.04",
           "bullseye": "debian@11", "bookworm": "debian@12"}


def _series_base(err: _Errors, series: Any, key: str, app: str | None) -> str:
    if not series:
        return ""
    base = _SERIES.get(str(series))
    if base is None:
        details = {"application": app, "key": key} if app else {"key": key}
        raise err(f'unknown series "{series}" (use "base: NAME@CHANNEL")', **details)
    return base


def _machines(err: _Errors, doc: Any) -> dict[str, MachineSpec]:
    if not isinstance(doc, dict):
        raise err('"machines" must be a map of machine id to machine', key="machines")
    out = {}
    for raw_id, body in doc.items():
        mid = str(raw_id)
        if not mid.isdigit():
            raise err(f'machine id "{mid}" must be a non-negative integer', machine=mid, key="machines")
        body = body or {}
        if not isinstance(body, dict):
            raise err("a machine must be a map", machine=mid)
        unknown = sorted(set(body) - MACHINE_KEYS)
        if unknown:
            raise err(f'unknown key "{unknown[0]}"', machine=mid, key=unknown[0])
        cons = _str(err, body, "constraints", None)
        try:
            cons = str(Constraints.parse(cons)) if cons else ""
        except PyjujuError as e:
            raise err(f"invalid constraints: {e.message}", machine=mid, key="constraints") from None
        base = _str(err, body, "base", None) or _series_base(err, body.get("series"), "series", None)
        notes = body.get("annotations") or {}
        if not isinstance(notes, dict):
            raise err('"annotations" must be a map', machine=mid, key="annotations")
        out[str(int(mid))] = MachineSpec(id=str(int(mid)), constraints=cons, base=base,
                                         annotations={str(k): str(v) for k, v in notes.items()})
    return out


def _application(err: _Errors, name: str, body: Any, default_dir: Path,
                 overlay_keys: set[tuple[str, str]]) -> ApplicationSpec:
    if not is_valid_application_name(name):
        raise err(f'invalid application name "{name}"', application=name, key="applications")
    if not isinstance(body, dict):
        raise err("an application must be a map", application=name, key="applications")
    base_dir = Path(body.get(_BASE_DIR) or default_dir)
    body = {k: v for k, v in body.items() if k != _BASE_DIR}
    unknown = sorted(set(body) - APP_KEYS)
    if unknown:
        raise err(f'unknown key "{unknown[0]}"', application=name, key=unknown[0])

    def fail(key: str, message: str) -> BundleError:
        return err(message, application=name, key=key)

    for key, what in (("offers", "offers to other models"), ("devices", "devices (kubernetes)"),
                      ("placement", "node placement (kubernetes)"), ("plan", "plans")):
        if body.get(key):
            raise NotSupportedError(f'bundle "{err.source}", application "{name}", key "{key}": {what} '
                                    "are not supported", application=name, key=key)
    charm = _str(err, body, "charm", name)
    if not charm:
        raise fail("charm", '"charm" is required')
    if body.get("channel") is not None or body.get("revision") is not None:
        key = "channel" if body.get("channel") is not None else "revision"
        raise fail(key, f'"{key}" selects Charmhub charms; "{charm}" must be a local charm path')
    charm_path: Path | None
    if charm.startswith("local:"):
        charm_path = None
    elif charm.startswith((".", "/", "~")):
        charm_path = (base_dir / Path(charm).expanduser()).resolve()
        if not charm_path.exists():
            raise fail("charm", f'charm path "{charm}" not found (looked in {charm_path})')
    else:
        raise NotSupportedError(f'bundle "{err.source}", application "{name}", key "charm": "{charm}" is a '
                                "Charmhub name; Charmhub is not supported yet, use a local path (./charms/x)",
                                application=name, key="charm")
    if "num_units" in body and "scale" in body:
        raise fail("scale", '"num_units" and "scale" cannot both be given')
    units_key = "scale" if "scale" in body else "num_units"
    num_units = body.get(units_key, 0)
    if num_units is None:
        num_units = 0
    if not isinstance(num_units, int) or isinstance(num_units, bool) or num_units < 0:
        raise fail(units_key, f'"{units_key}" must be a non-negative integer, got {num_units!r}')
    to = body.get("to") or []
    if isinstance(to, str | int):
        to = [to]
    if not isinstance(to, list) or not all(isinstance(t, str | int) and not isinstance(t, bool) for t in to):
        raise fail("to", '"to" must be a list of placement directives')
    options = body.get("options") or {}
    if not isinstance(options, dict):
        raise fail("options", '"options" must be a map of option name to value')
    cons = _str(err, body, "constraints", name)
    try:
        cons = str(Constraints.parse(cons)) if cons else ""
    except PyjujuError as e:
        raise fail("constraints", f"invalid constraints: {e.message}") from None
    exposed = _exposure(err, name, body, overlay_keys)
    storage = _string_map(err, name, body, "storage")
    resources: dict[str, Path] = {}
    resource_sha: dict[str, str] = {}
    for rname, value in _any_map(err, name, body, "resources").items():
        if isinstance(value, int) and not isinstance(value, bool):
            raise fail("resources", f'resource "{rname}": revision {value} selects a Charmhub resource; give '
                                    "a local file path")
        rpath = (base_dir / Path(str(value)).expanduser()).resolve()
        if not rpath.is_file():
            raise fail("resources", f'resource "{rname}": file "{value}" not found (looked in {rpath})')
        resources[rname] = rpath
        resource_sha[rname] = hashlib.sha256(rpath.read_bytes()).hexdigest()
    trust = body.get("trust", False)
    if not isinstance(trust, bool):
        raise fail("trust", f'"trust" must be true or false, got {trust!r}')
    base = _str(err, body, "base", name) or _series_base(err, body.get("series"), "series", name)
    return ApplicationSpec(
        name=name, charm=charm, charm_path=charm_path, num_units=num_units, to=tuple(str(t) for t in to),
        options=options, constraints=cons, exposed=exposed, storage=storage, resources=resources,
        resource_sha256=resource_sha, trust=trust,
        base=base, bindings=_string_map(err, name, body, "bindings"),
        annotations=_string_map(err, name, body, "annotations"),
    )


def _exposure(err: _Errors, app: str, body: Mapping[str, Any],
              overlay_keys: set[tuple[str, str]]) -> dict[str, ExposedEndpoint]:
    expose = body.get("expose", False)
    if not isinstance(expose, bool):
        raise err(f'"expose" must be true or false, got {expose!r}', application=app, key="expose")
    endpoints = body.get("exposed-endpoints")
    if endpoints is None:
        return {ALL_ENDPOINTS: ExposedEndpoint(cidrs=EVERYWHERE)} if expose else {}
    if expose:
        raise err('"expose: true" and "exposed-endpoints" cannot both be given', application=app,
                  key="exposed-endpoints")
    if (app, "exposed-endpoints") not in overlay_keys:
        raise err('"exposed-endpoints" may only be given in an overlay', application=app, key="exposed-endpoints")
    if not isinstance(endpoints, dict):
        raise err('"exposed-endpoints" must be a map of endpoint to {expose-to-cidrs, expose-to-spaces}',
                  application=app, key="exposed-endpoints")
    out = {}
    for ep, spec in endpoints.items():
        spec = spec or {}
        if not isinstance(spec, dict) or set(spec) - {"expose-to-cidrs", "expose-to-spaces"}:
            raise err(f'endpoint "{ep}": expected expose-to-cidrs and/or expose-to-spaces',
                      application=app, key="exposed-endpoints")
        out[str(ep or "")] = ExposedEndpoint.from_wire(spec)
    return normalise_exposure(out)


def _any_map(err: _Errors, app: str, body: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = body.get(key) or {}
    if not isinstance(value, dict):
        raise err(f'"{key}" must be a map', application=app, key=key)
    return {str(k): v for k, v in value.items()}


def _string_map(err: _Errors, app: str, body: Mapping[str, Any], key: str) -> dict[str, str]:
    out = {}
    for k, v in _any_map(err, app, body, key).items():
        if isinstance(v, dict | list) or v is None:
            raise err(f'"{key}.{k}" must be a string', application=app, key=key)
        out[k] = str(v)
    return out


def _relations(err: _Errors, doc: Any, apps: Mapping[str, ApplicationSpec]) -> tuple[RelationSpec, ...]:
    if not isinstance(doc, list):
        raise err('"relations" must be a list of [endpoint, endpoint] pairs', key="relations")
    out = []
    for item in doc:
        if not (isinstance(item, list) and len(item) == 2 and all(isinstance(x, str) and x for x in item)):
            raise err(f"relation {item!r} must be a pair of endpoints like [app:endpoint, other:endpoint]",
                      key="relations")
        a, b = item
        for side in (a, b):
            app = side.partition(":")[0]
            if app not in apps:
                raise err(f'relation "{a} {b}" refers to application "{app}", which is not in the bundle',
                          key="relations", relation=f"{a} {b}")
        if a.partition(":")[0] == b.partition(":")[0]:
            raise err(f'relation "{a} {b}" relates "{a.partition(":")[0]}" to itself', key="relations")
        out.append(RelationSpec(a=a, b=b))
    return tuple(out)


def _check_placement(err: _Errors, app: ApplicationSpec, directive: str, apps: Mapping[str, ApplicationSpec],
                     machines: Mapping[str, MachineSpec]) -> str:
    """Validate one ``to:`` entry; returns the bundle machine it names (or ``""``).

    Parsed by :mod:`pyjuju.core.placement` like ``--to``; in a bundle a number names a
    bundle machine and a bare application name is allowed (its unit of the same index).
    """
    try:
        d = placement.parse_directive(directive)
    except PyjujuError as e:
        raise err(e.message, application=app.name, key="to") from None
    if d.kind not in ("application", "unit"):
        refused = placement.refusal(d)
        if refused is not None:
            raise type(refused)(f'bundle "{err.source}", application "{app.name}", key "to": {refused.message}',
                                application=app.name, key="to")
    if d.kind == "new":
        return ""
    if d.kind == "machine":
        if str(int(d.machine)) not in machines:
            raise err(f'placement "{directive}" refers to machine "{directive}", which is not declared in '
                      '"machines"', application=app.name, key="to")
        return str(int(d.machine))
    target = d.application
    if target not in apps:
        raise err(f'placement "{directive}" refers to application "{target}", which is not in the bundle',
                  application=app.name, key="to")
    if target == app.name:
        raise err(f'placement "{directive}" places "{app.name}" on its own unit', application=app.name, key="to")
    other = apps[target]
    if d.kind == "unit" and int(d.unit.rsplit("/", 1)[1]) >= other.num_units:
        raise err(f'placement "{directive}": "{target}" has only {other.num_units} unit(s)',
                  application=app.name, key="to")
    return ""
