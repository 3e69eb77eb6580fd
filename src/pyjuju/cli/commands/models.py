"""add-model, models, switch, destroy-model, show-model, model-config."""

from __future__ import annotations

import time
from typing import Any

import click

from ...core.duration import parse_duration
from ...core.errors import (
    InvalidArgumentError,
    ModelNotFoundError,
    NotFoundError,
    NotSupportedError,
    PyjujuError,
    UsageError,
)
from ..app import Session, cli, emit, format_option, info, model_option
from ..clientfiles import client_credential
from ..context import qualify, split_model_ref
from ..keyvalues import parse_settings
from ..render.models import models_tabular
from ..render.tables import Table


@cli.command("add-model")
@click.argument("name")
@click.argument("cloud_region", required=False)
@click.option("-c", "--controller", default=None, help="Controller to add the model to.")
@click.option("--config", multiple=True, metavar="KEY=VALUE|FILE", help="Model config.")
@click.option("--no-switch", is_flag=True, help="Do not switch to the new model.")
@click.option("--credential", default=None, help="A credential from `pyjuju add-credential` (local needs none).")
@click.option("--owner", default=None, help='The model\'s owner; only "admin" so far.')
def add_model(name: str, cloud_region: str | None, controller: str | None, config: tuple[str, ...],
              no_switch: bool, credential: str | None, owner: str | None) -> None:
    """Add a model to the controller and (unless --no-switch) make it current."""
    cloud = (cloud_region or "local").partition("/")[0]
    if cloud not in ("local", "localhost"):
        raise InvalidArgumentError(f'cloud "{cloud}" not found: this controller runs on the "local" cloud')
    if owner and owner != "admin":
        raise NotSupportedError(f'--owner "{owner}": users other than admin are not supported yet',
                                feature="users")
    if credential and client_credential(cloud, credential) is None:
        raise NotFoundError(f'credential "{credential}" not found for cloud "{cloud}" (see `pyjuju credentials`)',
                            credential=credential)
    sess = Session()
    ctl, _ = sess.store.controller(controller)
    sess.client(ctl).add_model(name, parse_settings(config))
    info(f'Added "{name}" model on local/localhost with credential "local" for user "admin"')
    if not no_switch:
        sess.store.set_current_controller(ctl)
        sess.store.set_current_model(ctl, qualify(name))


@cli.command("models")
@click.option("-c", "--controller", default=None)
@format_option("tabular", ("tabular", "json", "yaml"))
@click.option("--all", "all_", is_flag=True, hidden=True)
@click.option("--uuid", is_flag=True, hidden=True)
def models(controller: str | None, fmt: str, output: str | None, all_: bool, uuid: bool) -> None:
    """List the models of a controller."""
    sess = Session()
    ctl, _ = sess.store.controller(controller)
    current = (sess.store.current_model(ctl) or "").rpartition("/")[2]
    doc = {"models": sess.client(ctl).models(), "current-model": current}
    emit(doc, fmt, lambda d: models_tabular(d, controller=ctl), output=output)


@cli.command()
@click.argument("target", required=False)
def switch(target: str | None) -> None:
    """Show or change the current controller and model: `switch [CTL:]MODEL`, `switch CTL:`."""
    sess = Session()
    store = sess.store
    if not target:
        ctl = store.current_controller()
        if not ctl:
            raise PyjujuError("no currently specified controller")
        model = store.current_model(ctl)
        click.echo(f"{ctl}:{model}" if model else ctl)
        return
    old_ctl = store.current_controller() or ""
    old = f"{old_ctl}:{store.current_model(old_ctl) or ''}" if old_ctl else ""
    ctl_name, model = split_model_ref(target)
    if ctl_name is None and target in store.controllers():
        ctl_name, model = target, ""
    ctl, _ = store.controller(ctl_name)
    if model:
        names = {m["name"] for m in sess.client(ctl).models()}
        if qualify(model) not in names:
            raise ModelNotFoundError(f'"{ctl}:{qualify(model)}" is not the name of a model or controller')
        store.set_current_model(ctl, qualify(model))
    store.set_current_controller(ctl)
    new = f"{ctl}:{store.current_model(ctl) or ''}"
    info(f"{old} -> {new}" if old != new else f"{new} (no change)")


@cli.command("destroy-model")
@click.argument("model")
@click.option("--no-prompt", is_flag=True, help="Accepted; pyjuju never prompts.")
@click.option("--force", is_flag=True, help="Remove units without running their teardown hooks.")
@click.option("--no-wait", is_flag=True, help="Return as soon as destruction has started.")
@click.option("-t", "--timeout", default=None, help="How long to wait (e.g. 120s; default 30m).")
@click.option("--destroy-storage", is_flag=True, help="Accepted for Juju compatibility.")
@click.option("--release-storage", is_flag=True, help="Accepted for Juju compatibility.")
def destroy_model(model: str, no_prompt: bool, force: bool, no_wait: bool, timeout: str | None,
                  destroy_storage: bool, release_storage: bool) -> None:
    """Destroy a model: its applications are removed, then its machines."""
    sess = Session(model)
    tgt = sess.target
    client = sess.client()
    client.destroy_model(tgt.model, force=force)
    info(f"Destroying model {tgt.model}")
    if not no_wait:
        limit = parse_duration(timeout) if timeout else 1800.0
        deadline = time.monotonic() + limit
        while True:
            try:
                client.show_model(tgt.model)
            except ModelNotFoundError:
                break
            if time.monotonic() > deadline:
                raise PyjujuError(f"timed out waiting for model {tgt.model} to be destroyed")
            time.sleep(0.2)
    if sess.store.current_model(tgt.controller) == tgt.model:
        sess.store.set_current_model(tgt.controller, None)
    info(f"Model {tgt.model} destroyed")


@cli.command("show-model")
@click.option("-m", "--model", "model_opt", default=None, metavar="[CONTROLLER:][USER/]MODEL",
              help="Same as the MODEL argument.")
@click.argument("model", required=False)
@format_option("yaml", ("yaml", "json"))
def show_model(model_opt: str | None, model: str | None, fmt: str, output: str | None) -> None:
    """Show a model's details (MODEL or --model; default: the current model)."""
    if model and model_opt and model != model_opt:
        raise UsageError(f"two different models given: {model_opt!r} and {model!r}")
    sess = Session(model or model_opt)
    body = sess.client().show_model(sess.model)
    emit({body["short-name"]: body}, fmt, output=output)


@cli.command("model-config")
@model_option
@click.argument("args", nargs=-1)
@click.option("--reset", multiple=True, metavar="KEY[,KEY...]", help="Reset keys to their defaults.")
@click.option("--file", "file_", default=None, type=click.Path(exists=True, dir_okay=False))
@format_option("tabular", ("tabular", "json", "yaml"))
def model_config(model: str | None, args: tuple[str, ...], reset: tuple[str, ...], file_: str | None,
                 fmt: str, output: str | None) -> None:
    """Show model config, one key, or set `key=value` pairs (and `--reset k1,k2`)."""
    sess = Session(model)
    client = sess.client()
    resets = [k for item in reset for k in item.split(",") if k]
    sets = [a for a in args if "=" in a]
    gets = [a for a in args if "=" not in a]
    if sets or resets or file_:
        if gets:
            raise UsageError("cannot get and set model config at the same time")
        values: dict[str, Any] = parse_settings(tuple(sets))
        if file_:
            import yaml

            with open(file_) as f:
                values = (yaml.safe_load(f) or {}) | values
        client.set_model_config(sess.model, values, resets)
        return
    doc = client.model_config(sess.model)
    if gets:
        if len(gets) > 1:
            raise UsageError("can only retrieve a single value, or all values")
        key = gets[0]
        if key not in doc:
            raise PyjujuError(f'key "{key}" not found in "{sess.target.short_model}" model.')
        value = doc[key]["Value"]
        emit(value, "json" if fmt == "json" else "yaml", output=output) if fmt in ("json", "yaml") \
            else click.echo(_plain(value))
        return

    def tabular(d: dict[str, Any]) -> str:
        t = Table(["Attribute", "From", "Value"])
        for k, v in d.items():
            t.add_row(k, v["Source"], _plain(v["Value"]))
        return t.render()

    emit(doc, fmt, tabular, output=output)


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
