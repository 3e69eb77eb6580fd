"""status, machines, show-unit."""

from __future__ import annotations

import time
from typing import Any

import click

from ...core import timefmt
from ...core.duration import parse_duration
from ...core.errors import MachineNotFoundError
from ..app import Session, cli, emit, format_option, model_option
from ..render.formats import localize_times
from ..render.machines import machines_tabular
from ..render.status import status_short, status_tabular, strip_tabular_keys

STATUS_FORMATS = ("tabular", "json", "yaml", "short", "line", "oneline")


@cli.command()
@model_option
@click.argument("selectors", nargs=-1)
@format_option("tabular", STATUS_FORMATS)
@click.option("--relations", "--integrations", "relations", is_flag=True, help="Show the relations section.")
@click.option("--storage", is_flag=True, help="Show the storage section.")
@click.option("--utc", is_flag=True, help="Show times in UTC.")
@click.option("--watch", default=None, metavar="INTERVAL", help="Redraw every INTERVAL (e.g. 2s).")
@click.option("--color/--no-color", default=False, hidden=True)
@click.option("--retry-count", default=None, hidden=True)
@click.option("--retry-delay", default=None, hidden=True)
def status(model: str | None, selectors: tuple[str, ...], fmt: str, output: str | None, relations: bool,
           storage: bool, utc: bool, watch: str | None, color: bool, retry_count: str | None,
           retry_delay: str | None) -> None:
    """Show the model: applications, units, machines (Juju's tabular layout, or --format json|yaml)."""
    sess = Session(model)
    client = sess.client()
    interval = parse_duration(watch) if watch else None
    while True:
        doc = client.status(sess.model)
        doc = _select(doc, selectors)
        doc["controller"] = {"timestamp": timefmt.juju_timestamp(utc=utc)}
        doc = localize_times(doc, utc=utc)

        def tabular(d: dict[str, Any]) -> str:
            return status_tabular(d, relations=relations, storage=storage)

        out = doc if fmt not in ("json", "yaml") else strip_tabular_keys(doc)
        if interval:
            click.clear()
        emit(out, fmt, tabular, output=output,
             extra={"short": status_short, "line": status_short, "oneline": status_short})
        if not interval:
            return
        time.sleep(interval)


def _select(doc: dict[str, Any], selectors: tuple[str, ...]) -> dict[str, Any]:
    """Keep only the applications, units and machines named by the selectors."""
    if not selectors:
        return doc
    import fnmatch

    apps: dict[str, Any] = {}
    machines: set[str] = set()
    for name, app in doc["applications"].items():
        units = app.get("units") or {}
        if any(fnmatch.fnmatch(name, s) for s in selectors):
            apps[name] = app
        else:
            kept = {u: v for u, v in units.items() if any(fnmatch.fnmatch(u, s) for s in selectors)
                    or v.get("machine") in selectors}
            if kept:
                apps[name] = {**app, "units": kept}
        for u in (apps.get(name) or {}).get("units", {}).values():
            if u.get("machine"):
                machines.add(u["machine"])
    machines |= {m for m in doc["machines"] if m in selectors}
    return {**doc, "applications": apps, "machines": {k: v for k, v in doc["machines"].items() if k in machines}}


@cli.command()
@model_option
@format_option("tabular", ("tabular", "json", "yaml"))
@click.option("--utc", is_flag=True)
def machines(model: str | None, fmt: str, output: str | None, utc: bool) -> None:
    """List the model's machines."""
    sess = Session(model)
    doc = localize_times(sess.client().machines(sess.model), utc=utc)
    emit(doc, fmt, machines_tabular, output=output)


cli.add_command(machines, "list-machines")


@cli.command("show-machine")
@model_option
@click.argument("machine_ids", nargs=-1, required=True)
@format_option("yaml", ("yaml", "json", "tabular"))
@click.option("--utc", is_flag=True)
def show_machine(model: str | None, machine_ids: tuple[str, ...], fmt: str, output: str | None, utc: bool) -> None:
    """Show machines' details (status, addresses, hardware, constraints), like `machines`
    narrowed to the ids given; an unknown id is an error.

    \b
      pyjuju show-machine 0 1 --format json
    """
    sess = Session(model)
    doc = localize_times(sess.client().machines(sess.model), utc=utc)
    missing = [m for m in machine_ids if m not in doc["machines"]]
    if missing:
        raise MachineNotFoundError(f"machine {missing[0]} not found", machine=missing[0])
    doc = {**doc, "machines": {m: doc["machines"][m] for m in machine_ids}}
    emit(doc, fmt, machines_tabular, output=output)


@cli.command("show-unit")
@model_option
@click.argument("units", nargs=-1, required=True)
@format_option("yaml", ("yaml", "json"))
@click.option("--app", is_flag=True, help="Only application relation data.")
@click.option("--endpoint", default=None, help="Only relations on this endpoint.")
@click.option("--related-unit", default=None, help="Only this related unit's data.")
def show_unit(model: str | None, units: tuple[str, ...], fmt: str, output: str | None, app: bool,
              endpoint: str | None, related_unit: str | None) -> None:
    """Show a unit's details: charm, leadership, opened ports, relation data."""
    sess = Session(model)
    doc = {u: filter_relation_info(sess.client().show_unit(sess.model, u), app=app, endpoint=endpoint,
                                   related_unit=related_unit) for u in units}
    emit(doc, fmt, output=output)


def filter_relation_info(info: dict[str, Any], *, app: bool = False, endpoint: str | None = None,
                         related_unit: str | None = None) -> dict[str, Any]:
    """``show-unit --app/--endpoint/--related-unit``: narrow the relation-info list."""
    entries = []
    for rel in info.get("relation-info") or []:
        if endpoint and rel.get("endpoint") != endpoint:
            continue
        rel = dict(rel)
        if app:
            rel.pop("local-unit", None)
            rel.pop("related-units", None)
        elif related_unit:
            kept = {n: v for n, v in (rel.get("related-units") or {}).items() if n == related_unit}
            rel.pop("related-units", None)
            if kept:
                rel["related-units"] = kept
        entries.append(rel)
    return {**info, "relation-info": entries}
