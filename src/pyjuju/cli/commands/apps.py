"""config, add-unit, remove-unit, remove-application, resolved."""

from __future__ import annotations

from typing import Any

import click

from ...core.errors import InvalidArgumentError, NotSupportedError, UsageError
from ...core.names import is_valid_unit_name
from ...core.placement import split_directives
from ..app import Session, cli, emit, format_option, info, model_option
from ..keyvalues import parse_config_args


@cli.command()
@model_option
@click.argument("application")
@click.argument("args", nargs=-1)
@click.option("--reset", multiple=True, metavar="KEY[,KEY...]", help="Reset options to their defaults.")
@click.option("--file", "file_", default=None, type=click.Path(exists=True, dir_okay=False),
              help="YAML file of options, {app: {key: value}}.")
@format_option("yaml", ("yaml", "json"))
def config(model: str | None, application: str, args: tuple[str, ...], reset: tuple[str, ...],
           file_: str | None, fmt: str, output: str | None) -> None:
    """Get or set an application's charm config.

    \b
      pyjuju config APP                 all options (yaml; --format json)
      pyjuju config APP KEY             one value
      pyjuju config APP k=v [k2=v2...]  set (values are parsed by option type)
      pyjuju config APP --reset k1,k2   back to defaults
    """
    sess = Session(model)
    client = sess.client()
    resets = [k for item in reset for k in item.split(",") if k]
    sets = [a for a in args if "=" in a]
    gets = [a for a in args if "=" not in a]
    if sets or resets or file_:
        if gets:
            raise UsageError("cannot get and set config at the same time")
        values, strings = parse_config_args((file_,) if file_ else (), application)
        for item in sets:
            key, _, value = item.partition("=")
            if value.startswith("@"):
                with open(value[1:]) as f:
                    value = f.read()
            strings[key] = value
        client.set_config(sess.model, application, strings=strings, values=values, reset=resets)
        return
    doc = client.get_config(sess.model, application)
    if gets:
        if len(gets) > 1:
            raise UsageError("can only retrieve a single value, or all values")
        key = gets[0]
        entry = doc["settings"].get(key) or doc.get("application-config", {}).get(key)
        if entry is None:
            raise InvalidArgumentError(f'key "{key}" not found in "{application}" application config or charm settings.')
        value = entry.get("value")
        click.echo(_plain(value))
        return
    emit(doc, fmt, output=output)


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@cli.command("add-unit")
@model_option
@click.argument("application")
@click.option("-n", "--num-units", default=1, type=int, show_default=True)
@click.option("--to", default=None, metavar="MACHINE[,MACHINE...]", help="Placement directives.")
@click.option("--attach-storage", multiple=True, hidden=True)
def add_unit(model: str | None, application: str, num_units: int, to: str | None,
             attach_storage: tuple[str, ...]) -> None:
    """Add units to an application (each on a new machine unless --to says otherwise).

    \b
    --to takes one directive per unit, comma-separated; units without one get new
    machines:
      pyjuju add-unit web --to 3              # on machine 3
      pyjuju add-unit web -n 3 --to 2,new     # machine 2, then two new machines
      pyjuju add-unit web --to db/0           # on the machine of unit db/0
    New machines get the model's constraints overridden by the application's.
    """
    if attach_storage:
        raise NotSupportedError("add-unit --attach-storage: attaching existing storage is not supported yet "
                                "(a unit's storage is removed with the unit)", feature="attach-storage")
    if num_units < 1:
        raise UsageError("--num-units must be a positive integer")
    placement = split_directives(to)
    sess = Session(model)
    sess.client().add_units(sess.model, application, num_units, placement)


@cli.command("remove-unit")
@model_option
@click.argument("units", nargs=-1, required=True)
@click.option("--no-prompt", is_flag=True, help="Accepted; pyjuju never prompts.")
@click.option("--force", is_flag=True, help="Remove units stuck in a failed hook at once, without their hooks.")
@click.option("--no-wait", is_flag=True, hidden=True)
@click.option("--destroy-storage", is_flag=True,
              help="Accepted: a unit's storage is always removed with it so far.")
@click.option("--num-units", default=None, type=int, hidden=True)
def remove_unit(model: str | None, units: tuple[str, ...], no_prompt: bool, force: bool, no_wait: bool,
                destroy_storage: bool, num_units: int | None) -> None:
    """Remove units: each runs its stop and remove hooks, then its machine goes if it was made for it."""
    if num_units is not None:
        raise UsageError("--num-units is only supported on kubernetes models; name the units "
                         "to remove (e.g. app/1)")
    for u in units:
        if not is_valid_unit_name(u):
            raise UsageError(f'invalid unit name "{u}"')
    sess = Session(model)
    for u in units:
        for note in sess.client().remove_unit(sess.model, u, force=force):
            info(note)


@cli.command("remove-application")
@model_option
@click.argument("applications", nargs=-1, required=True)
@click.option("--no-prompt", is_flag=True, help="Accepted; pyjuju never prompts.")
@click.option("--force", is_flag=True, help="Remove units stuck in a failed hook at once, without their hooks.")
@click.option("--no-wait", is_flag=True, hidden=True)
@click.option("--destroy-storage", is_flag=True,
              help="Accepted: a unit's storage is always removed with it so far.")
def remove_application(model: str | None, applications: tuple[str, ...], no_prompt: bool, force: bool,
                       no_wait: bool, destroy_storage: bool) -> None:
    """Remove applications with all their units."""
    sess = Session(model)
    for app in applications:
        for note in sess.client().remove_application(sess.model, app, force=force):
            info(note)


@cli.command("resolved")
@model_option
@click.argument("units", nargs=-1)
@click.option("--no-retry", is_flag=True, help="Mark the failed hook done without running it again.")
@click.option("--all", "all_", is_flag=True, help="Resolve every unit in error.")
def resolved(model: str | None, units: tuple[str, ...], no_retry: bool, all_: bool) -> None:
    """Clear a unit's hook error: re-run the failed hook, or skip it with --no-retry."""
    sess = Session(model)
    client = sess.client()
    targets = list(units)
    if all_:
        if targets:
            raise UsageError("specify unit or --all option, not both")
        targets = [
            name
            for app in client.status(sess.model)["applications"].values()
            for name, u in (app.get("units") or {}).items()
            if u.get("workload-status", {}).get("current") == "error"
        ]
    elif not targets:
        raise UsageError("no unit specified")
    for u in targets:
        client.resolved(sess.model, u, retry=not no_retry)


cli.add_command(resolved, "resolve")


@cli.command("show-application")
@model_option
@click.argument("applications", nargs=-1, required=True)
@format_option("yaml", ("yaml", "json"))
def show_application(model: str | None, applications: tuple[str, ...], fmt: str, output: str | None) -> None:
    """Show an application's charm, base, exposure and endpoint bindings."""
    sess = Session(model)
    emit({a: sess.client().show_application(sess.model, a) for a in applications}, fmt, output=output)
