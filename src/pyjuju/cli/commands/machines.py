"""remove-machine, set-constraints/constraints, expose/unexpose.

(``add-machine`` and the model's constraints live with the other commands jubilant
calls, in ``compat``; ``machines`` with ``status``.)
"""

from __future__ import annotations

import click

from ...core.constraints import Constraints
from ...core.errors import NotSupportedError, UsageError
from ...core.names import is_valid_machine_id
from ..app import Session, cli, emit, format_option, info, model_option


def _csv(values: tuple[str, ...]) -> list[str]:
    """``--endpoints a,b --endpoints c`` → ``[a, b, c]``."""
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


@cli.command("remove-machine")
@model_option
@click.argument("machines", nargs=-1, required=True)
@click.option("--force", is_flag=True, help="Also remove the units on the machines, at once and without their hooks.")
@click.option("--keep-instance", is_flag=True, help="Not supported by the local provider.")
@click.option("--dry-run", is_flag=True, help="Only print what would be removed.")
@click.option("--no-prompt", is_flag=True, help="Accepted; pyjuju never prompts.")
@click.option("--no-wait", is_flag=True, help="Accepted; removal never blocks the command.")
def remove_machine(model: str | None, machines: tuple[str, ...], force: bool, keep_instance: bool,
                   dry_run: bool, no_prompt: bool, no_wait: bool) -> None:
    """Remove machines; their instances are stopped and deleted.

    A machine that still has units is refused unless --force, which removes those
    units too (without running their stop and remove hooks). Nothing is removed
    unless every machine named can be.

    \b
    Examples:
      pyjuju remove-machine 3
      pyjuju remove-machine 3 4 --dry-run
      pyjuju remove-machine 2 --force      # and the units on it
    """
    if keep_instance:
        raise NotSupportedError("remove-machine --keep-instance: the local provider cannot keep a machine's "
                                "instance once it leaves the model", feature="keep-instance")
    for mid in machines:
        if not is_valid_machine_id(mid):
            raise UsageError(f'invalid machine id "{mid}"')
    sess = Session(model)
    for note in sess.client().remove_machines(sess.model, list(machines), force=force, dry_run=dry_run):
        info(note)


@cli.command("set-constraints")
@model_option
@click.argument("application")
@click.argument("constraints", nargs=-1)
def set_constraints(model: str | None, application: str, constraints: tuple[str, ...]) -> None:
    """Set an application's constraints for the machines made for its units from now on.

    The new set replaces the old one, as in Juju; `key=` leaves a key unset. They
    override the model's constraints key by key. Machines that already exist are
    not changed.

    \b
    Examples:
      pyjuju set-constraints web cores=2 mem=4G
      pyjuju set-constraints web mem=          # no constraints any more
    """
    text = str(Constraints.parse(*constraints))
    sess = Session(model)
    sess.client().set_application_constraints(sess.model, application, text)


@cli.command("constraints")
@model_option
@click.argument("application")
@format_option("constraints", ("constraints", "json", "yaml"))
def show_constraints(model: str | None, application: str, fmt: str, output: str | None) -> None:
    """Show an application's own constraints (see model-constraints for the model's).

    \b
    Examples:
      pyjuju constraints web                 # cores=2 mem=4G
      pyjuju constraints web --format json   # {"cores": 2, "mem": 4096}
    """
    sess = Session(model)
    doc = sess.client().application_constraints(sess.model, application)
    if fmt == "constraints":
        click.echo(str(Constraints(tuple(doc.items()))))
        return
    emit(doc, fmt, output=output)


cli.add_command(show_constraints, "get-constraints")


@cli.command()
@model_option
@click.argument("application")
@click.option("--endpoints", multiple=True, metavar="EP[,EP...]",
              help="Expose only these endpoints (default: all of them).")
@click.option("--to-cidrs", multiple=True, metavar="CIDR[,CIDR...]",
              help="Reachable from these networks (default 0.0.0.0/0 and ::/0).")
@click.option("--to-spaces", multiple=True, metavar="SPACE[,SPACE...]",
              help='Reachable from these spaces (only "alpha" exists).')
def expose(model: str | None, application: str, endpoints: tuple[str, ...], to_cidrs: tuple[str, ...],
           to_spaces: tuple[str, ...]) -> None:
    """Make an application's opened ports reachable from outside its machines.

    Without --endpoints every endpoint is exposed; without --to-cidrs or --to-spaces
    from everywhere. Exposing endpoints again replaces their settings; other
    endpoints keep theirs. Only ports the charm opened (open-port) are affected.

    \b
    Examples:
      pyjuju expose web
      pyjuju expose web --endpoints website --to-cidrs 10.0.0.0/8,192.168.1.0/24
      pyjuju expose web --endpoints admin --to-spaces alpha
    """
    sess = Session(model)
    sess.client().expose(sess.model, application, endpoints=_csv(endpoints), cidrs=_csv(to_cidrs),
                         spaces=_csv(to_spaces))


@cli.command()
@model_option
@click.argument("application")
@click.option("--endpoints", multiple=True, metavar="EP[,EP...]",
              help="Unexpose only these endpoints (default: all of them).")
def unexpose(model: str | None, application: str, endpoints: tuple[str, ...]) -> None:
    """Take away an application's exposure, entirely or for some endpoints.

    \b
    Examples:
      pyjuju unexpose web
      pyjuju unexpose web --endpoints admin
    """
    sess = Session(model)
    sess.client().unexpose(sess.model, application, endpoints=_csv(endpoints))
