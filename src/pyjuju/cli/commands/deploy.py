"""deploy and pack: local charm directories, .charm archives and charm source trees."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ... import bundle as bundlelib
from ... import charm as charmlib
from ...core.errors import (
    AlreadyExistsError,
    ApplicationNotFoundError,
    InvalidArgumentError,
    NotFoundError,
    NotSupportedError,
    UsageError,
)
from ...core.names import validate_application_name
from ...core.placement import split_directives
from ...wire import DeployParams
from .. import bundles
from ..app import Session, cli, info, model_option
from ..keyvalues import parse_config_args
from ..localcharms import charm_archive_bytes, pack_cache_dir


@cli.command()
@model_option
@click.argument("charm_path")
@click.argument("application", required=False)
@click.option("-n", "--num-units", default=1, type=int, show_default=True, help="Number of units.")
@click.option("--config", "config", multiple=True, metavar="KEY=VALUE|FILE",
              help="Config value, or a YAML file {app: {key: value}}; repeatable.")
@click.option("--to", "to", default=None, metavar="MACHINE[,MACHINE...]", help="Placement directives.")
@click.option("--constraints", multiple=True, metavar="KEY=VALUE", help="Application constraints.")
@click.option("--storage", "storage", multiple=True, metavar="NAME=[POOL,][SIZE][,COUNT]",
              help="Storage for each unit, e.g. data=10G,2; repeatable.")
@click.option("--resource", "resources", multiple=True, metavar="NAME=PATH", help="A file resource; repeatable.")
@click.option("--base", default=None, metavar="NAME@CHANNEL",
              help="Base the machines must run; local machines run this host's OS.")
@click.option("--trust", is_flag=True, help="Grant the application trust (access to cloud credentials).")
@click.option("--bind", "bind", default=None, metavar="[SPACE] [ENDPOINT=SPACE...]",
              help='Endpoint bindings; the only space so far is "alpha".')
@click.option("--force", is_flag=True, help="Deploy even if the machines do not run the requested base.")
@click.option("--channel", default=None, hidden=True)
@click.option("--revision", default=None, hidden=True)
@click.option("--attach-storage", multiple=True, hidden=True)
@click.option("--overlay", multiple=True, metavar="FILE",
              help="Bundles: an overlay applied on top of the bundle; repeatable.")
@click.option("--map-machines", default=None, metavar="existing[,B=M...]",
              help="Bundles: use the model's machine N for bundle machine N where it exists (existing), "
                   "or model machine M for bundle machine B.")
@click.option("--dry-run", is_flag=True, help="Validate and show what would be deployed (for a bundle: the plan).")
def deploy(model: str | None, charm_path: str, application: str | None, num_units: int,
           config: tuple[str, ...], to: str | None, constraints: tuple[str, ...], storage: tuple[str, ...],
           resources: tuple[str, ...], base: str | None, trust: bool, bind: str | None, force: bool,
           channel: str | None, revision: str | None, attach_storage: tuple[str, ...], overlay: tuple[str, ...],
           map_machines: str | None, dry_run: bool) -> None:
    """Deploy a local charm (directory, .charm archive or source tree), or a bundle.

    \b
    Examples:
      pyjuju deploy ./charms/hello
      pyjuju deploy ./mycharm web -n 3 --config port=8080
      pyjuju deploy ./mycharm --config settings.yaml --to 2
      pyjuju deploy ./bundle.yaml --overlay ./prod.yaml
      pyjuju deploy ./bundle.yaml --dry-run     # print the plan, change nothing
    """
    path = Path(charm_path)
    if bundles.is_bundle_path(path.expanduser()):
        _refuse_charm_flags(application, channel, revision, attach_storage)
        _deploy_bundle(model, path.expanduser(), overlay, dry_run=dry_run, map_machines=map_machines, force=force)
        return
    if map_machines:
        raise UsageError("flags provided but not supported when deploying a charm: --map-machines")
    if not (charm_path.startswith((".", "/", "~")) or path.exists()):
        raise NotSupportedError(
            f'cannot deploy "{charm_path}": Charmhub is not supported yet; deploy a local charm path '
            "(./dir, ./x.charm or a charm source tree)",
            charm=charm_path,
        )
    if channel or revision:
        raise UsageError(f'--channel and --revision select Charmhub charms; "{charm_path}" is a local charm')
    if overlay:
        raise UsageError("flags provided but not supported when deploying a charm: --overlay")
    if attach_storage:
        raise NotSupportedError("deploy --attach-storage: attaching existing storage is not supported yet "
                                "(a unit's storage is removed with the unit)", feature="attach-storage")
    check_bindings(bind)
    path = path.expanduser()
    if num_units < 0:
        raise UsageError("--num-units must be a positive integer")
    data, loaded = charm_archive_bytes(path, info)
    app = application or loaded.meta.name
    validate_application_name(app)
    values, strings = parse_config_args(config, app)
    # Refuse bad config before anything is uploaded: a refused deploy changes nothing.
    loaded.config.validate(values)
    for key, text in strings.items():
        loaded.config.parse_string(key, text)
    placement = split_directives(to)
    if dry_run:
        info(f'would deploy "{app}" from local charm "{loaded.meta.name}" with {num_units} unit(s)')
        return
    sess = Session(model)
    client = sess.client()
    try:
        client.show_application(sess.model, app)
    except ApplicationNotFoundError:
        pass
    else:
        raise AlreadyExistsError(f'cannot add application "{app}": application already exists')
    if num_units > len([d for d in placement if d != "new"]) and not loaded.meta.subordinate:
        # Some unit gets a new machine: constraints the provider cannot meet are refused
        # here, before anything is uploaded (the controller checks again when it deploys).
        client.check_constraints(sess.model, " ".join(constraints))
    storage_map = _pairs_of(storage, "--storage")
    blobs = {}
    for name, rpath in _resource_files(resources).items():
        if name not in loaded.meta.resources:
            raise InvalidArgumentError(f'charm "{loaded.meta.name}" has no resource called "{name}"')
        blobs[name] = {"sha256": client.upload_resource(sess.model, rpath.read_bytes()), "filename": rpath.name}
    charm = client.upload_charm(sess.model, data)
    info(f'Located local charm "{charm["name"]}", revision {charm["revision"]}')
    info(f'Deploying "{app}" from local charm "{charm["name"]}", revision {charm["revision"]}')
    client.deploy(
        sess.model,
        DeployParams(
            application=app,
            charm_url=charm["url"],
            num_units=num_units,
            config=values,
            config_strings=strings,
            placement=placement,
            constraints=" ".join(constraints),
            storage=storage_map,
            resources=blobs,
            trust=trust,
            base=base or "",
            force=force,
        ),
    )


def _deploy_bundle(model: str | None, path: Path, overlays: tuple[str, ...], *, dry_run: bool,
                   map_machines: str | None, force: bool) -> None:
    """Plan a bundle against the model and apply the plan (or print it with --dry-run)."""
    map_existing, machine_map = bundles.parse_map_machines(map_machines)
    overlay_paths = [Path(o).expanduser() for o in overlays]
    sess = Session(model)
    client = sess.client()
    info(f'Located bundle "{bundles.bundle_file(path)}"')
    prepared = bundles.prepare(client, sess.model, path, overlay_paths, lambda p: charm_archive_bytes(p, info),
                               force=force)
    plan = bundlelib.plan_bundle(prepared.snapshot, prepared.checked, map_existing=map_existing,
                                 machine_map=machine_map)
    if dry_run:
        click.echo(plan.render(), nl=False)
        return
    if not plan.changes:
        info("No changes to apply.")
        return
    bundles.check_constraints(client, sess.model, plan)
    info("Executing changes:")
    bundles.apply(client, sess.model, prepared, plan, force=force, progress=info)
    info("Deploy of bundle completed.")


_CHARM_ONLY = ("num_units", "config", "to", "constraints", "storage", "resources", "base", "trust", "bind")


def _refuse_charm_flags(application: str | None, channel: str | None, revision: str | None,
                        attach_storage: tuple[str, ...]) -> None:
    """A bundle says everything itself: charm flags given with one are an error, not ignored."""
    ctx = click.get_current_context()
    given = [name for name in _CHARM_ONLY
             if ctx.get_parameter_source(name) not in (None, click.core.ParameterSource.DEFAULT)]
    if channel or revision or attach_storage:
        given += [n for n, v in (("channel", channel), ("revision", revision), ("attach_storage", attach_storage)) if v]
    if given:
        flags = ", ".join("--" + n.replace("_", "-") for n in given)
        raise UsageError(f"flags provided but not supported when deploying a bundle: {flags}")
    if application:
        raise UsageError("an application name cannot be given when deploying a bundle")


SPACES = ("alpha",)


def check_bindings(bind: str | None) -> None:
    """``--bind "alpha db=alpha"``: every space named must exist; pyjuju has one, ``alpha``."""
    for item in (bind or "").split():
        endpoint, sep, space = item.rpartition("=")
        if sep and not endpoint:
            raise UsageError(f'--bind: "{item}" names no endpoint')
        if space not in SPACES:
            raise InvalidArgumentError(f'--bind: space "{space}" not found (spaces: {", ".join(SPACES)})')


def _pairs_of(items: tuple[str, ...], flag: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name or not value:
            raise UsageError(f'{flag}: expected NAME=VALUE, got "{item}"')
        out[name] = value
    return out


@cli.command()
@click.argument("source", default=".", required=False)
@click.option("-o", "--output-dir", default=".", type=click.Path(file_okay=False), help="Where to write the .charm.")
def pack(source: str, output_dir: str) -> None:
    """Pack a charmcraft project (charmcraft.yaml, its parts, src/, requirements) into a .charm archive."""
    src = Path(source)
    if not src.exists():
        raise NotFoundError(f'charm source "{source}" not found')
    if not charmlib.is_source_tree(src):
        raise InvalidArgumentError(f'"{source}" is not a charm source tree to pack: it has no charmcraft.yaml, '
                                   'or it is already a charm that deploys as it is')
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    archive = charmlib.pack_source_tree(src, out, cache_dir=pack_cache_dir(), progress=info)
    click.echo(f"Packed {archive}")


@cli.command()
@model_option
@click.argument("application")
@click.option("--path", "path", default=None, help="A local charm (directory, .charm or source tree).")
@click.option("--revision", type=int, default=None, help="Switch to this stored revision (roll back or forward).")
@click.option("--config", "config", multiple=True, metavar="KEY=VALUE|FILE", help="Config to set with the refresh.")
@click.option("--resource", "resources", multiple=True, metavar="NAME=PATH",
              help="Upload a new revision of a file resource with the refresh; repeatable.")
@click.option("--trust", is_flag=True, help="Grant the application trust as well.")
@click.option("--force", is_flag=True, hidden=True)
@click.option("--force-base", is_flag=True, hidden=True)
@click.option("--force-units", is_flag=True, hidden=True)
@click.option("--channel", default=None, hidden=True)
@click.option("--base", default=None, hidden=True)
@click.option("--storage", multiple=True, hidden=True)
@click.option("--switch", default=None, hidden=True)
def refresh(model: str | None, application: str, path: str | None, revision: int | None,
            config: tuple[str, ...], resources: tuple[str, ...], trust: bool, force: bool, force_base: bool,
            force_units: bool, channel: str | None, base: str | None, storage: tuple[str, ...],
            switch: str | None) -> None:
    """Refresh an application to a new charm: upgrade-charm, then config-changed, on every unit.

    \b
    Files the charm wrote in its directory survive; options the new charm no
    longer has are dropped and new ones take their defaults.
      pyjuju refresh hello --path ./charms/hello
      pyjuju refresh hello --revision 0        # back to the first revision
    """
    if path is not None and revision is not None:
        raise UsageError("--path and --revision cannot be used together")
    if switch:
        raise NotSupportedError("--switch: switching to another charm is not supported yet")
    if channel:
        raise UsageError("--channel selects Charmhub charms; pyjuju refreshes local charms "
                         "(--path) and stored revisions (--revision)")
    if base:
        raise NotSupportedError("refresh --base: changing an application's base is not supported yet")
    if storage:
        raise NotSupportedError("refresh --storage: changing storage directives is not supported yet")
    blobs = _resource_files(resources)
    sess = Session(model)
    client = sess.client()
    if trust:
        client.trust(sess.model, application, True)
    res: dict[str, Any] | None = None
    if path is not None:
        data, _ = charm_archive_bytes(Path(path).expanduser(), info)
        uploaded = client.upload_charm(sess.model, data)
        res = client.refresh(sess.model, application, charm_url=uploaded["url"])
    elif revision is not None:
        res = client.refresh(sess.model, application, revision=revision)
    else:
        cfg = client.get_config(sess.model, application)
        shown = client.status(sess.model)["applications"].get(application, {})
        info(f'charm "{cfg["charm"]}", revision {shown.get("charm-rev", 0)}: already up-to-date')
    if res is not None:
        name = res["charm-url"].removeprefix("local:").rsplit("-", 1)[0]
        if not res["changed"]:
            info(f'charm "{name}", revision {res["revision"]}: already up-to-date')
        else:
            info(f'Added local charm "{name}", revision {res["revision"]}, to the model')
    # Resources after the charm, so that a resource the new charm declares can be attached.
    for rname, rpath in blobs.items():
        sha = client.upload_resource(sess.model, rpath.read_bytes())
        attached = client.attach_resource(sess.model, application, rname, sha, rpath.name)
        info(f'resource "{rname}" is now revision {attached["revision"]}')
    if config:
        values, strings = parse_config_args(config, application)
        client.set_config(sess.model, application, strings=strings, values=values)


def _resource_files(items: tuple[str, ...]) -> dict[str, Path]:
    """``NAME=PATH`` pairs whose files exist (checked before anything is sent)."""
    out = {}
    for name, path_text in _pairs_of(items, "--resource").items():
        rpath = Path(path_text).expanduser()
        if not rpath.is_file():
            raise NotFoundError(f'resource "{name}": file "{path_text}" not found', resource=name)
        out[name] = rpath
    return out


@cli.command("attach-resource")
@model_option
@click.argument("application")
@click.argument("resource")
def attach_resource(model: str | None, application: str, resource: str) -> None:
    """Upload a new revision of a file resource: `attach-resource APP NAME=PATH`.

    Every unit runs upgrade-charm, and resource-get returns the new file.
    """
    ((name, rpath),) = _resource_files((resource,)).items()
    sess = Session(model)
    client = sess.client()
    sha = client.upload_resource(sess.model, rpath.read_bytes())
    res = client.attach_resource(sess.model, application, name, sha, rpath.name)
    info(f'resource "{name}" is now revision {res["revision"]}')


@cli.command("resources")
@model_option
@click.argument("application")
@click.option("--format", "fmt", default="tabular", metavar="tabular|json|yaml")
@click.option("--details", is_flag=True, hidden=True)
def resources(model: str | None, application: str, fmt: str, details: bool) -> None:
    """List an application's resources and which revision it uses."""
    from ..app import emit
    from ..render.tables import Table

    sess = Session(model)
    rows = sess.client().resources(sess.model, application)

    def tabular(d: dict[str, Any]) -> str:
        t = Table(["Resource", "Supplied by", "Revision"])
        for r in d["resources"]:
            t.add_row(r["name"], r["origin"], "-" if r["revision"] is None else str(r["revision"]))
        return t.render()

    emit({"resources": rows}, fmt, tabular)


@cli.command("add-storage")
@model_option
@click.argument("unit")
@click.argument("directives", nargs=-1, required=True)
def add_storage(model: str | None, unit: str, directives: tuple[str, ...]) -> None:
    """Add storage instances to a unit: `add-storage UNIT NAME[=COUNT]...`; each runs storage-attached."""
    counts: dict[str, int] = {}
    for d in directives:
        name, _, count = d.partition("=")
        counts[name] = int(count.split(",")[-1]) if count else 1
    sess = Session(model)
    for sid in sess.client().add_storage(sess.model, unit, counts):
        info(f'added storage {sid} to {unit}')


@cli.command("storage")
@model_option
@click.option("--format", "fmt", default="tabular", metavar="tabular|json|yaml")
def storage_list(model: str | None, fmt: str) -> None:
    """List the model's storage instances."""
    from ..app import emit
    from ..render.storage import storage_table

    sess = Session(model)
    doc = sess.client().status(sess.model).get("storage") or {}

    def tabular(d: dict[str, Any]) -> str:
        table = storage_table(d)
        return table.render() if table is not None else "No storage to display.\n"

    emit(doc, fmt, tabular)
