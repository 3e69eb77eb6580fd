"""integrate (relate, add-relation) and remove-relation."""

from __future__ import annotations

import click

from ...core.errors import NotSupportedError, UsageError
from ..app import Session, cli, info, model_option


@cli.command()
@model_option
@click.argument("endpoint_a")
@click.argument("endpoint_b")
@click.option("--via", default=None, metavar="CIDRS", help="Cross-model relations only (not supported yet).")
def integrate(model: str | None, endpoint_a: str, endpoint_b: str, via: str | None) -> None:
    """Relate two applications: `integrate APP[:ENDPOINT] APP[:ENDPOINT]`.

    \b
    Endpoints are matched by interface and role (provides ↔ requires); give the
    endpoint names when more than one pair would match.
      pyjuju integrate wordpress mysql
      pyjuju integrate wordpress:db mysql:server
    """
    for spec in (endpoint_a, endpoint_b):
        if "." in spec.split(":")[0] or "/" in spec.split(":")[0]:
            raise NotSupportedError(f'"{spec}": cross-model relations (offers) are not supported yet')
    if via:
        raise NotSupportedError("--via: cross-model relations are not supported yet")
    sess = Session(model)
    rel = sess.client().integrate(sess.model, endpoint_a, endpoint_b)
    eps = " ".join(f"{e['application']}:{e['name']}" for e in rel["endpoints"])
    info(f"Added relation {rel['id']}: {eps}")


cli.add_command(integrate, "relate")
cli.add_command(integrate, "add-relation")


@cli.command("remove-relation")
@model_option
@click.argument("endpoints", nargs=-1, required=True)
@click.option("--force", is_flag=True, hidden=True)
def remove_relation(model: str | None, endpoints: tuple[str, ...], force: bool) -> None:
    """Remove a relation, given by its two endpoints or by its id.

    Both sides run relation-departed for each remote unit, then relation-broken.
    """
    if len(endpoints) not in (1, 2) or (len(endpoints) == 1 and not endpoints[0].isdigit()):
        raise UsageError("a relation is given by two endpoints or by its id")
    sess = Session(model)
    sess.client().remove_relation(sess.model, list(endpoints))
