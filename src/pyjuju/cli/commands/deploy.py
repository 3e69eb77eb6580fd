"""deploy and pack: local charm directories, .charm archives and charm source trees."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import click
import yaml

from ... import charm as charmlib
from ...core.errors import (
    AlreadyExistsError,
    ApplicationNotFoundError,
    InvalidArgumentError,
    NotFoundError,
    NotSupportedError,
)
from ...core.names import validate_application_name
from ...wire import DeployParams
from ..app import Session, cli, info, model_option
from ..clientstore import data_dir


def pack_cache_dir() -> Path:
    return data_dir() / "cache" / "pack"


def charm_archive_bytes(path: Path, progress: Any = None) -> tuple[bytes, charmlib.Charm]:
    """Validate a local charm and return its archive bytes (packing a source tree first)."""
    if not path.exists():
        raise NotFoundError(f'charm or bundle path "{path}" not found', path=str(path))
    with tempfile.TemporaryDirectory(prefix="pyjuju-") as tmp:
        if path.is_dir() and charmlib.is_source_tree(path):
            archive = charmlib.pack_source_tree(path, Path(tmp), cache_dir=pack_cache_dir(),
                                                progress=progress)
        elif path.is_dir():
            charmlib.load_charm(path)
            archive = charmlib.build_archive(path, Path(tmp) / "charm.charm")
        else:
            archive = path
        loaded = charmlib.load_charm(archive)
        return archive.read_bytes(), loaded


def _progress(message: str) -> None:
    info(message)


@cli.command()
@model_option
@click.argument("charm_path")
@click.argument("application", required=False)
@click.option("-n", "--num-units", default=1, type=int, show_default=True, help="Number of units.")
@click.option("--config", "config", multiple=True, metavar="KEY=VALUE|FILE",
              help="Config value, or a YAML file {app: {key: value}}; repeatable.")
@click.option("--to", "to", default=None, metavar="MACHINE[,MACHINE...]", help="Placement directives.")
@click.option("--constraints", multiple=True, metavar="KEY=VALUE", help="Application constraints.")
@click.option("--base", default=None, hidden=True)
@click.option("--channel", default=None, hidden=True)
@click.option("--revision", default=None, hidden=True)
@click.option("--trust", is_flag=True, hidden=True)
@click.option("--force", is_flag=True, hidden=True)
@click.option("--dry-run", is_flag=True, help="Validate and show what would be deployed.")
def deploy(model: str | None, charm_path: str, application: str | None, num_units: int,
           config: tuple[str, ...], to: str | None, constraints: tuple[str, ...], base: str | None,
           channel: str | None, revision: str | None, trust: bool, force: bool, dry_run: bool) -> None:
    """Deploy a local charm (directory, .charm archive or source tree) as an application.

    \b
    Examples:
      pyjuju deploy ./charms/hello
      pyjuju deploy ./mycharm web -n 3 --config port=8080
      pyjuju deploy ./mycharm --config settings.yaml --to 2
    """
    path = Path(charm_path)
    if not (charm_path.startswith((".", "/", "~")) or path.exists()):
        raise NotSupportedError(
            f'cannot deploy "{charm_path}": Charmhub is not supported yet; deploy a local charm path '
            "(./dir, ./x.charm or a charm source tree)",
            charm=charm_path,
        )
    path = path.expanduser()
    if num_units < 0:
        raise InvalidArgumentError("--num-units must be a positive integer", usage=True)
    data, loaded = charm_archive_bytes(path, _progress)
    app = application or loaded.meta.name
    validate_application_name(app)
    values, strings = parse_config_args(config, app)
    # Refuse bad config before anything is uploaded: a refused deploy changes nothing.
    loaded.config.validate(values)
    for key, text in strings.items():
        loaded.config.parse_string(key, text)
    placement = [d for d in (to or "").split(",") if d.strip()]
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
        ),
    )


def parse_config_args(items: tuple[str, ...], app: str) -> tuple[dict[str, Any], dict[str, str]]:
    """``--config`` values: ``key=value`` strings, or YAML files keyed by application name."""
    values: dict[str, Any] = {}
    strings: dict[str, str] = {}
    for item in items:
        p = Path(item)
        if "=" not in item or (p.is_file() and item.endswith((".yaml", ".yml"))):
            if not p.is_file():
                raise InvalidArgumentError(f'config file "{item}" not found', usage=True)
            try:
                doc = yaml.safe_load(p.read_text()) or {}
            except yaml.YAMLError as e:
                raise InvalidArgumentError(f"{item}: invalid YAML: {e}") from None
            if not isinstance(doc, dict):
                raise InvalidArgumentError(f"{item}: expected a map of application name to options")
            if app in doc:
                section = doc[app]
            elif all(not isinstance(v, dict) for v in doc.values()):
                section = doc  # a flat map of options is accepted too
            else:
                raise InvalidArgumentError(f'{item}: no options for application "{app}"')
            if not isinstance(section, dict):
                raise InvalidArgumentError(f"{item}: options for {app} must be a map")
            values.update(section)
        else:
            key, _, value = item.partition("=")
            if not key:
                raise InvalidArgumentError(f'expected "key=value", got "{item}"', usage=True)
            strings[key] = value
    return values, strings


@cli.command()
@click.argument("source", default=".", required=False)
@click.option("-o", "--output-dir", default=".", type=click.Path(file_okay=False), help="Where to write the .charm.")
def pack(source: str, output_dir: str) -> None:
    """Pack a charm source tree (charmcraft.yaml + src/ + requirements) into a .charm archive."""
    src = Path(source)
    if not src.exists():
        raise NotFoundError(f'charm source "{source}" not found')
    if not charmlib.is_source_tree(src):
        raise InvalidArgumentError(f'"{source}" is not a charm source tree (no charmcraft.yaml with src/)')
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    archive = charmlib.pack_source_tree(src, out, cache_dir=pack_cache_dir(), progress=_progress)
    click.echo(f"Packed {archive}")


@cli.command()
@model_option
@click.argument("application")
@click.option("--path", "path", default=None, help="A local charm (directory, .charm or source tree).")
@click.option("--revision", type=int, default=None, help="Switch to this stored revision (roll back or forward).")
@click.option("--config", "config", multiple=True, metavar="KEY=VALUE|FILE", help="Config to set with the refresh.")
@click.option("--force", is_flag=True, hidden=True)
@click.option("--force-base", is_flag=True, hidden=True)
@click.option("--force-units", is_flag=True, hidden=True)
@click.option("--channel", default=None, hidden=True)
@click.option("--base", default=None, hidden=True)
@click.option("--trust", default=None, hidden=True)
@click.option("--switch", default=None, hidden=True)
def refresh(model: str | None, application: str, path: str | None, revision: int | None,
            config: tuple[str, ...], force: bool, force_base: bool, force_units: bool, channel: str | None,
            base: str | None, trust: str | None, switch: str | None) -> None:
    """Refresh an application to a new charm: upgrade-charm, then config-changed, on every unit.

    \b
    Files the charm wrote in its directory survive; options the new charm no
    longer has are dropped and new ones take their defaults.
      pyjuju refresh hello --path ./charms/hello
      pyjuju refresh hello --revision 0        # back to the first revision
    """
    if path is not None and revision is not None:
        raise InvalidArgumentError("--path and --revision cannot be used together", usage=True)
    if switch:
        raise NotSupportedError("--switch: switching to another charm is not supported yet")
    sess = Session(model)
    client = sess.client()
    if path is None and revision is None:
        cfg = client.get_config(sess.model, application)
        shown = client.status(sess.model)["applications"].get(application, {})
        info(f'charm "{cfg["charm"]}", revision {shown.get("charm-rev", 0)}: already up-to-date')
        return
    if path is not None:
        data, _ = charm_archive_bytes(Path(path).expanduser(), _progress)
        uploaded = client.upload_charm(sess.model, data)
        res = client.refresh(sess.model, application, charm_url=uploaded["url"])
    else:
        res = client.refresh(sess.model, application, revision=revision)
    name = res["charm-url"].removeprefix("local:").rsplit("-", 1)[0]
    if not res["changed"]:
        info(f'charm "{name}", revision {res["revision"]}: already up-to-date')
    else:
        info(f'Added local charm "{name}", revision {res["revision"]}, to the model')
    if config:
        values, strings = parse_config_args(config, application)
        client.set_config(sess.model, application, strings=strings, values=values)
