"""debug-log: hook output and juju-log lines, past and as they happen."""

from __future__ import annotations

import sys
from typing import Any

import click

from ...core import timefmt
from ..app import Session, cli, model_option


def format_line(rec: dict[str, Any], *, utc: bool, ms: bool, date: bool, location: bool) -> str:
    """``unit-app-0: 12:34:56 INFO unit.app/0.juju-log message`` (Juju's layout)."""
    t = timefmt.parse_iso(rec["time"])
    t = t.astimezone(timefmt.utcnow().tzinfo) if utc else t.astimezone()
    stamp = t.strftime("%Y-%m-%d " if date else "") + t.strftime("%H:%M:%S")
    if ms:
        stamp += f".{t.microsecond // 1000:03d}"
    loc = f" {rec['location']}" if location and rec.get("location") else ""
    return f"{rec['entity']}: {stamp} {rec['level']} {rec['module']}{loc} {rec['message']}"


@cli.command("debug-log")
@model_option
@click.option("-n", "--lines", default=10, type=int, show_default=True, help="Show this many recent lines first.")
@click.option("--replay", is_flag=True, help="Show the whole log first.")
@click.option("--limit", default=0, type=int, help="Exit after showing this many lines (0 = no limit).")
@click.option("--tail/--no-tail", default=None, help="Wait for new lines (default: only on a terminal).")
@click.option("-i", "--include", multiple=True, metavar="ENTITY", help="unit-app-0, app/0, app, machine-0; repeatable.")
@click.option("-x", "--exclude", multiple=True, metavar="ENTITY", help="Entities to leave out; repeatable.")
@click.option("-l", "--level", default=None, metavar="LEVEL", help="Minimum level: TRACE DEBUG INFO WARNING ERROR.")
@click.option("--include-module", multiple=True, help="Only lines from these module prefixes.")
@click.option("--exclude-module", multiple=True, help="Leave out these module prefixes.")
@click.option("--utc", is_flag=True)
@click.option("--ms", is_flag=True, help="Show milliseconds.")
@click.option("--date", is_flag=True, help="Show dates.")
@click.option("--location", is_flag=True, hidden=True)
@click.option("--color/--no-color", default=False, hidden=True)
def debug_log(model: str | None, lines: int, replay: bool, limit: int, tail: bool | None,
              include: tuple[str, ...], exclude: tuple[str, ...], level: str | None,
              include_module: tuple[str, ...], exclude_module: tuple[str, ...], utc: bool, ms: bool,
              date: bool, location: bool, color: bool) -> None:
    """Show the model's log: hook output (stdout DEBUG, stderr WARNING) and juju-log lines."""
    sess = Session(model)
    client = sess.client()
    if tail is None:
        tail = sys.stdout.isatty()

    def keep(rec: dict[str, Any]) -> bool:
        mod = rec["module"]
        if include_module and not any(mod == p or mod.startswith(p + ".") or mod.startswith(p) for p in include_module):
            return False
        return not any(mod.startswith(p) for p in exclude_module)

    shown = 0

    def show(rec: dict[str, Any]) -> bool:
        nonlocal shown
        if not keep(rec):
            return True
        click.echo(format_line(rec, utc=utc, ms=ms, date=date, location=location))
        shown += 1
        return not (limit and shown >= limit)

    recs = client.logs(sess.model, lines=None if replay else lines, include=list(include),
                       exclude=list(exclude), level=level)
    last = 0
    for rec in recs:
        last = max(last, rec["id"])
        if not show(rec):
            return
    if last == 0 and recs == []:
        # Start streaming after whatever exists now, without printing old lines.
        existing = client.logs(sess.model, lines=1)
        last = existing[-1]["id"] if existing else 0
    if not tail:
        return
    sys.stdout.flush()
    for rec in client.stream_logs(sess.model, after=last, include=list(include), exclude=list(exclude),
                                  level=level):
        if not show(rec):
            return
        sys.stdout.flush()
