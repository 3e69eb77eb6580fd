"""bootstrap, destroy-controller, controllers, kill-controller (start/stop: startstop.py)."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import click

from ...core.constraints import Constraints
from ...core.errors import (
    AlreadyExistsError,
    ConnectionFailedError,
    InvalidArgumentError,
    NotFoundError,
    NotSupportedError,
)
from .. import controllerproc
from ..app import Session, cli, emit, format_option, info
from ..clientfiles import client_credential, host_base
from ..clientstore import ClientStore
from ..keyvalues import parse_settings

CLOUDS = {"local": "local", "localhost": "local"}
PROVIDER_KEYS = {"network"}


@cli.command()
@click.argument("cloud", required=False, default="local")
@click.argument("controller_name", required=False)
@click.option("--config", "config", multiple=True, metavar="KEY=VALUE",
              help="Controller or default-model config; `network=netns|loopback|auto` picks local networking.")
@click.option("--no-switch", is_flag=True, help="Do not switch to the new controller.")
@click.option("--model-default", multiple=True, metavar="KEY=VALUE", help="Config for every model.")
@click.option("--constraints", multiple=True, metavar="KEY=VALUE",
              help="Model constraints of the controller and default models.")
@click.option("--bootstrap-constraints", multiple=True, metavar="KEY=VALUE",
              help="Checked only: the local controller is a process on this host, not a machine.")
@click.option("--bootstrap-base", default=None, metavar="NAME@CHANNEL",
              help="Must be this host's base on the local cloud (unless --force).")
@click.option("--credential", default=None, help="A credential from `pyjuju add-credential` (local needs none).")
@click.option("--force", is_flag=True, help="Accept a --bootstrap-base that is not this host's.")
@click.option("--storage-pool", multiple=True, hidden=True)
@click.option("--to", "to", default=None, hidden=True)
@click.option("--metadata-source", default=None, hidden=True)
def bootstrap(cloud: str, controller_name: str | None, config: tuple[str, ...], no_switch: bool,
              model_default: tuple[str, ...], constraints: tuple[str, ...],
              bootstrap_constraints: tuple[str, ...], bootstrap_base: str | None, credential: str | None,
              force: bool, storage_pool: tuple[str, ...], to: str | None, metadata_source: str | None) -> None:
    """Start a controller on CLOUD (only `local` so far) and add a `default` model.

    \b
    The local controller is a background process on this host; every machine
    it makes is a directory plus an agent process (in its own network
    namespace when running as root).
    """
    cloud_name, _, region = cloud.partition("/")
    if cloud_name not in CLOUDS:
        raise InvalidArgumentError(f'unknown cloud "{cloud_name}": the only cloud so far is "local"')
    if to:
        raise NotSupportedError("bootstrap --to: the local controller runs on this host; placement is not "
                                "supported", feature="bootstrap-to")
    if metadata_source:
        raise NotSupportedError("bootstrap --metadata-source: the local cloud uses no image metadata",
                                feature="metadata-source")
    if storage_pool:
        raise NotSupportedError("bootstrap --storage-pool: storage pools are not supported yet",
                                feature="storage-pool")
    Constraints.parse(*bootstrap_constraints)
    model_constraints = str(Constraints.parse(*constraints)) if constraints else ""
    if bootstrap_base and bootstrap_base != host_base() and not force:
        raise InvalidArgumentError(f'--bootstrap-base "{bootstrap_base}": the local controller runs on this '
                                   f'host ({host_base()}); --force accepts that')
    if credential and client_credential(cloud_name, credential) is None:
        raise NotFoundError(f'credential "{credential}" not found for cloud "{cloud_name}" '
                            "(see `pyjuju credentials`)", credential=credential)
    name = controller_name or cloud_name
    store = ClientStore()
    if name in store.controllers():
        raise AlreadyExistsError(f'controller "{name}" already exists')
    settings = parse_settings(config) | {}
    model_cfg = {k: v for k, v in settings.items() if k not in PROVIDER_KEYS}
    model_cfg.update(parse_settings(model_default))
    data_dir = store.root / "controllers" / name
    if data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True)
    os.chmod(data_dir, 0o700)
    token = secrets.token_urlsafe(32)
    ctl_uuid = str(uuid.uuid4())
    cfg = {
        "name": name,
        "uuid": ctl_uuid,
        "cloud": "local",
        "region": region or "localhost",
        "network": settings.get("network", "auto"),
        "admin_token_hash": hashlib.sha256(token.encode()).hexdigest(),
        "initial_models": ["controller", "default"],
        "model_config": model_cfg,
        "model_constraints": model_constraints,
    }
    (data_dir / "controller.json").write_text(json.dumps(cfg, indent=1))
    info(f'Creating controller "{name}" on {cloud_name}/{cfg["region"]}')
    proc = controllerproc.spawn_controller(data_dir)
    api = controllerproc.wait_for_api(data_dir, proc)
    info_doc = {
        "uuid": ctl_uuid,
        **controllerproc.endpoints(api),
        "cloud": "local",
        "region": cfg["region"],
        "data-dir": str(data_dir),
    }
    store.add_controller(name, info_doc, token, switch=not no_switch)
    store.set_current_model(name, "admin/default")
    info(f"Bootstrap complete, controller \"{name}\" is now available (API {info_doc['api-endpoints'][0]})")
    info('Current model is "default". Deploy with: pyjuju deploy <charm path>')




@cli.command("destroy-controller")
@click.argument("controller_name")
@click.option("--no-prompt", is_flag=True, help="Do not ask for confirmation (pyjuju never asks).")
@click.option("--destroy-all-models", is_flag=True, help="Accepted for Juju compatibility.")
@click.option("--destroy-storage", is_flag=True, help="Accepted for Juju compatibility.")
@click.option("--force", is_flag=True, help="Remove local records even if the controller is unreachable.")
def destroy_controller(controller_name: str, no_prompt: bool, destroy_all_models: bool,
                       destroy_storage: bool, force: bool) -> None:
    """Destroy a controller: every machine, process, namespace and file it made."""
    sess = Session()
    name, ctl = sess.store.controller(controller_name)
    info(f'Destroying controller "{name}"')
    data_dir = Path(ctl.get("data-dir", ""))
    pid = int(ctl.get("pid") or 0)
    try:
        sess.client(name).destroy_controller()
    except ConnectionFailedError:
        info("controller is not responding; cleaning up locally")
        _local_cleanup(data_dir, pid)
    controllerproc.wait_exit(pid, data_dir)
    if data_dir.is_dir():
        shutil.rmtree(data_dir, ignore_errors=True)
    sess.store.remove_controller(name)
    info(f'Controller "{name}" destroyed')


@cli.command("kill-controller")
@click.argument("controller_name")
@click.option("--no-prompt", is_flag=True)
@click.option("-t", "--timeout", default=None, hidden=True)
def kill_controller(controller_name: str, no_prompt: bool, timeout: str | None) -> None:
    """Forcibly destroy a controller without asking it: kill it and clean up locally."""
    store = ClientStore()
    name, ctl = store.controller(controller_name)
    data_dir = Path(ctl.get("data-dir", ""))
    _local_cleanup(data_dir, int(ctl.get("pid") or 0))
    shutil.rmtree(data_dir, ignore_errors=True)
    store.remove_controller(name)
    info(f'Controller "{name}" killed')


def _local_cleanup(data_dir: Path, pid: int) -> None:
    controllerproc.stop(pid, data_dir)
    if (data_dir / "controller.json").exists():
        subprocess.run([sys.executable, "-m", "pyjuju.cmd.controller", "--data-dir", str(data_dir), "--destroy"],
                       check=False)


@cli.command()
@format_option("tabular", ("tabular", "json", "yaml"))
def controllers(fmt: str, output: str | None) -> None:
    """List the controllers this client knows."""
    store = ClientStore()
    current = store.current_controller()
    doc: dict[str, Any] = {"controllers": {}, "current-controller": current or ""}
    for name, ctl in store.controllers().items():
        doc["controllers"][name] = {
            "uuid": ctl.get("uuid", ""),
            "api-endpoints": ctl.get("api-endpoints", []),
            "ca-cert": "",
            "cloud": ctl.get("cloud", "local"),
            "region": ctl.get("region", "localhost"),
            "user": "admin",
            "access": "superuser",
            "current-model": (store.current_model(name) or "").rpartition("/")[2],
        }

    def tabular(d: dict[str, Any]) -> str:
        from ..render.tables import Table

        t = Table(["Controller", "Model", "User", "Access", "Cloud/Region", "Endpoint"])
        for name, c in d["controllers"].items():
            mark = "*" if name == d["current-controller"] else ""
            t.add_row(name + mark, c["current-model"], c["user"], c["access"],
                      f"{c['cloud']}/{c['region']}", (c["api-endpoints"] or [""])[0])
        return t.render()

    emit(doc, fmt, tabular, output=output)
