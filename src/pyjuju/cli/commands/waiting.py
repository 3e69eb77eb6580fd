"""wait (until the whole model settles) and wait-for (until one entity matches a query).

Both poll the status document; ``wait`` also polls
the model's operations so a running action or exec keeps the model unsettled.
Progress goes to stderr, and only when stderr is a terminal; stdout stays empty.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import click

from ...core.duration import parse_duration
from ...core.errors import InvalidArgumentError, ModelNotFoundError, PyjujuError, UsageError
from ...core.names import (
    is_valid_application_name,
    is_valid_machine_id,
    is_valid_unit_name,
    natural_key,
)
from ..app import Session, cli, info, model_option
from ..context import split_model_ref
from ..waitquery import BOOL, NUMBER, STRING, Query, compile_query, render_value

WORKLOAD_STATUSES = ("active", "blocked", "maintenance", "waiting", "unknown", "terminated")
BUSY_TASK = ("pending", "running")


# -- reading the status document -----------------------------------------------------------
def iter_units(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], str, str]]:
    """``(unit, unit doc, application, machine)`` for every unit, subordinates included."""

    def walk(units: dict[str, Any], machine: str | None) -> Iterator[tuple[str, dict[str, Any], str, str]]:
        for name in sorted(units, key=natural_key):
            u = units[name] or {}
            where = u.get("machine") or machine or ""
            yield name, u, name.rsplit("/", 1)[0], where
            yield from walk(u.get("subordinates") or {}, where)

    for app_name in sorted(doc.get("applications") or {}, key=natural_key):
        yield from walk((doc["applications"][app_name] or {}).get("units") or {}, None)


def iter_machines(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(id, machine doc)`` for every machine and (nested) container."""

    def walk(machines: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
        for mid in sorted(machines, key=natural_key):
            m = machines[mid] or {}
            yield mid, m
            yield from walk(m.get("containers") or {})

    yield from walk(doc.get("machines") or {})


def _st(obj: dict[str, Any], key: str) -> tuple[str, str]:
    s = obj.get(key) or {}
    return str(s.get("current") or ""), str(s.get("message") or "")


def _with(state: str, message: str) -> str:
    return f"{state} ({message})" if message else state


# -- wait-for: entities as query scopes ----------------------------------------------------
FIELDS: dict[str, dict[str, str]] = {
    "application": {
        "name": STRING, "life": STRING, "status": STRING, "message": STRING, "exposed": BOOL,
        "charm": STRING, "charm-name": STRING, "charm-rev": NUMBER, "scale": NUMBER, "units": NUMBER,
    },
    "unit": {
        "name": STRING, "application": STRING, "life": STRING, "workload-status": STRING,
        "workload-message": STRING, "agent-status": STRING, "agent-message": STRING,
        "machine": STRING, "leader": BOOL,
    },
    "machine": {
        "id": STRING, "life": STRING, "status": STRING, "message": STRING,
        "machine-status": STRING, "machine-message": STRING,
    },
    "model": {"name": STRING, "life": STRING, "status": STRING, "message": STRING, "type": STRING},
}

DEFAULT_QUERIES = {
    "application": 'life=="alive" && status=="active"',
    "unit": 'life=="alive" && workload-status=="active"',
    "machine": 'life=="alive" && status=="started"',
    "model": 'life=="alive" && status=="available"',
}

#: The field the success summary reports (``application "x" is active``).
HEADLINE = {"application": "status", "unit": "workload-status", "machine": "status", "model": "status"}


def application_scope(doc: dict[str, Any], name: str) -> dict[str, Any] | None:
    app = (doc.get("applications") or {}).get(name)
    if app is None:
        return None
    status, message = _st(app, "application-status")
    count = sum(1 for _, _, a, _ in iter_units(doc) if a == name)
    return {
        "name": name, "life": app.get("life") or "alive", "status": status, "message": message,
        "exposed": bool(app.get("exposed")), "charm": str(app.get("charm") or ""),
        "charm-name": str(app.get("charm-name") or ""), "charm-rev": int(app.get("charm-rev") or 0),
        "scale": int(app["scale"]) if isinstance(app.get("scale"), int) else count, "units": count,
    }


def unit_scope(doc: dict[str, Any], name: str) -> dict[str, Any] | None:
    for unit, u, app, machine in iter_units(doc):
        if unit == name:
            workload, wmsg = _st(u, "workload-status")
            agent, amsg = _st(u, "juju-status")
            return {
                "name": unit, "application": app, "life": u.get("life") or "alive",
                "workload-status": workload, "workload-message": wmsg, "agent-status": agent,
                "agent-message": amsg, "machine": machine, "leader": bool(u.get("leader")),
            }
    return None


def machine_scope(doc: dict[str, Any], name: str) -> dict[str, Any] | None:
    for mid, m in iter_machines(doc):
        if mid == name:
            status, message = _st(m, "juju-status")
            mstatus, mmsg = _st(m, "machine-status")
            return {"id": mid, "life": m.get("life") or "alive", "status": status, "message": message,
                    "machine-status": mstatus, "machine-message": mmsg}
    return None


def model_scope(doc: dict[str, Any], name: str) -> dict[str, Any] | None:
    model = doc.get("model") or {}
    status, message = _st(model, "model-status")
    return {"name": str(model.get("name") or name), "life": "dying" if status == "destroying" else "alive",
            "status": status, "message": message, "type": str(model.get("type") or "")}


SCOPES: dict[str, Callable[[dict[str, Any], str], dict[str, Any] | None]] = {
    "application": application_scope, "unit": unit_scope, "machine": machine_scope, "model": model_scope,
}


# -- wait: what keeps a model from being settled -------------------------------------------
@dataclasses.dataclass
class Problem:
    subject: str
    """``app/0``, ``machine 2``, ``task 7 on app/0``, ``application app``."""
    reasons: list[str] = dataclasses.field(default_factory=list)
    tags: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    """``(noun, state)`` pairs counted by the progress line: ``("unit", "executing")``."""

    def add(self, reason: str, noun: str, state: str) -> None:
        self.reasons.append(reason)
        self.tags.append((noun, state))

    def line(self) -> str:
        return f"  {self.subject}: {'; '.join(self.reasons)}"


def model_problems(doc: dict[str, Any], operations: list[dict[str, Any]],
                   workload: str | None = None) -> list[Problem]:
    """Everything that keeps the model from being settled; empty when it is."""
    out: list[Problem] = []

    def keep(p: Problem) -> None:
        if p.reasons:
            out.append(p)

    for name in sorted(doc.get("applications") or {}, key=natural_key):
        app = doc["applications"][name] or {}
        p = Problem(f"application {name}")
        if "status-error" in app:
            p.add(f"status error: {app['status-error']}", "application", "failing status")
        if (app.get("life") or "alive") != "alive":
            p.add(app["life"], "application", app["life"])
        keep(p)
    for unit, u, _, _ in iter_units(doc):
        p = Problem(unit)
        if "status-error" in u:
            p.add(f"status error: {u['status-error']}", "unit", "failing status")
            keep(p)
            continue
        work, wmsg = _st(u, "workload-status")
        agent, amsg = _st(u, "juju-status")
        if work == "error":
            p.add("workload " + _with("error", wmsg), "unit", "in error")
        if agent != "idle":
            p.add("agent " + _with(agent or "unknown", amsg), "unit", agent or "unknown")
        if workload and work not in (workload, "error"):
            p.add(f"workload {_with(work or 'unknown', wmsg)}, want {workload}", "unit", f"not {workload}")
        if (u.get("life") or "alive") != "alive":
            p.add(u["life"], "unit", u["life"])
        keep(p)
    for mid, m in iter_machines(doc):
        p = Problem(f"machine {mid}")
        if "status-error" in m:
            p.add(f"status error: {m['status-error']}", "machine", "failing status")
            keep(p)
            continue
        status, message = _st(m, "juju-status")
        if status != "started":
            p.add(_with(status or "unknown", message), "machine", status or "unknown")
        if (m.get("life") or "alive") != "alive":
            p.add(m["life"], "machine", m["life"])
        keep(p)
    tasks = [t for op in operations for t in op.get("tasks") or []]
    for t in sorted(tasks, key=lambda t: int(t["id"]) if str(t["id"]).isdigit() else 0):
        if t.get("status") in BUSY_TASK:
            receiver = t.get("unit") or (f"machine {t['machine']}" if t.get("machine") else "?")
            p = Problem(f"task {t['id']} on {receiver}")
            p.add(t["status"], "task", t["status"])
            keep(p)
    return out


def progress_summary(problems: list[Problem]) -> str:
    """``3 units executing, 1 machine pending`` (in order of first appearance)."""
    counts: Counter[tuple[str, str]] = Counter()
    for p in problems:
        for tag in dict.fromkeys(p.tags):
            counts[tag] += 1
    return ", ".join(f"{n} {noun}{'' if n == 1 else 's'} {state}" for (noun, state), n in counts.items())


def fingerprint(doc: dict[str, Any], operations: list[dict[str, Any]]) -> str:
    """Changes whenever anything happened between two polls (a hook ran, a task moved on)."""
    body = {k: v for k, v in doc.items() if k != "controller"}
    ops = [(op.get("id"), [(t.get("id"), t.get("status")) for t in op.get("tasks") or []])
           for op in operations]
    return json.dumps([body, ops], sort_keys=True, default=str)


# -- terminal progress ---------------------------------------------------------------------
class Progress:
    """One self-overwriting line on stderr, only when stderr is a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.shown: str | None = None

    def show(self, text: str) -> None:
        if not self.enabled or text == self.shown:
            return
        sys.stderr.write("\r\x1b[K" + text)
        sys.stderr.flush()
        self.shown = text

    def clear(self) -> None:
        if self.shown is not None:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
            self.shown = None


def _duration(option: str, text: str, *, positive: bool = False) -> float:
    try:
        value = parse_duration(text)
    except InvalidArgumentError as e:
        raise UsageError(f'invalid value "{text}" for option {option}: {e.message}') from None
    if value < 0 or (positive and value == 0):
        raise UsageError(
            f'invalid value "{text}" for option {option}: must be {"positive" if positive else "non-negative"}')
    return value


def _tty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


# -- wait ----------------------------------------------------------------------------------
@cli.command("wait")
@model_option
@click.option("--timeout", default="10m", metavar="DURATION", show_default=True,
              help="Give up (exit 1, with a report) after this long.")
@click.option("--workload", default=None, metavar="STATUS",
              help="Also require every unit's workload status to be STATUS (e.g. active).")
@click.option("--interval", default="0.5s", metavar="DURATION", show_default=True,
              help="Time between polls.")
@click.option("-q", "--quiet", is_flag=True, help="No progress line, even on a terminal.")
def wait(model: str | None, timeout: str, workload: str | None, interval: str, quiet: bool) -> None:
    """Block until the model is settled.

    Settled means: every unit's agent is idle and no unit is in error, every
    machine is started, no action or exec task is pending or running, and (with
    --workload) every unit's workload status is the one asked for. The model
    must look settled, unchanged, on two consecutive polls. Prints nothing on
    success; on timeout exits 1 listing what is not settled and why.
    """
    limit = _duration("--timeout", timeout)
    every = _duration("--interval", interval, positive=True)
    if workload is not None and workload not in WORKLOAD_STATUSES:
        hint = " (a unit in error is never settled)" if workload == "error" else ""
        raise UsageError(
            f'invalid value "{workload}" for option --workload{hint}: expected one of '
            + ", ".join(WORKLOAD_STATUSES))
    sess = Session(model)
    client = sess.client()
    progress = Progress(enabled=not quiet and _tty())
    deadline = time.monotonic() + limit
    last: str | None = None
    try:
        while True:
            doc = client.status(sess.model)
            ops = client.operations(sess.model)
            problems = model_problems(doc, ops, workload)
            if not problems:
                fp = fingerprint(doc, ops)
                if fp == last:
                    return
                last = fp
            else:
                last = None
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                progress.clear()
                lines = [p.line() for p in problems] or ["  model: still changing between polls"]
                raise PyjujuError(
                    f"timed out waiting for the model to settle after {timeout}\n" + "\n".join(lines),
                    timeout=timeout)
            progress.show("waiting: " + (progress_summary(problems) if problems else "settling"))
            time.sleep(min(every, remaining))
    finally:
        progress.clear()


# -- wait-for ------------------------------------------------------------------------------
def _describe_state(query: Query, scope: dict[str, Any], kind: str) -> str:
    names = query.identifiers()
    headline = HEADLINE[kind]
    if headline not in names:
        names.append(headline)
    return ", ".join(f"{n}={render_value(scope[n])}" for n in names if n in scope)


def _check_name(kind: str, name: str) -> None:
    valid: dict[str, Callable[[str], bool]] = {
        "application": is_valid_application_name, "unit": is_valid_unit_name,
        "machine": is_valid_machine_id, "model": lambda n: bool(n.strip()),
    }
    ok = valid[kind](name)
    if not ok:
        raise UsageError(f'"{name}" is not a valid {kind} name')


@cli.command("wait-for")
@model_option
@click.argument("kind", metavar="application|unit|machine|model",
                type=click.Choice(("application", "unit", "machine", "model")))
@click.argument("name")
@click.option("--query", default=None, metavar="QUERY",
              help="Condition to wait for (default depends on the entity, see below).")
@click.option("--timeout", default="10m", metavar="DURATION", show_default=True,
              help="Give up (exit 1) after this long.")
@click.option("--summary/--no-summary", default=True, show_default=True,
              help="Say what was reached, on stderr.")
@click.option("--interval", default="0.5s", metavar="DURATION", hidden=True)
def wait_for(model: str | None, kind: str, name: str, query: str | None, timeout: str, summary: bool,
             interval: str) -> None:
    """Wait until an application, unit, machine or model matches a query.

    \b
    Default queries:
      application  life=="alive" && status=="active"
      unit         life=="alive" && workload-status=="active"
      machine      life=="alive" && status=="started"
      model        life=="alive" && status=="available"

    Queries use ==, !=, <, <=, >, >=, &&, ||, !, parentheses, "strings" or
    'strings', numbers and true/false. An entity that does not exist yet is
    waited for.

    \b
    Fields:
      application  name life status message exposed charm charm-name charm-rev scale units
      unit         name application life workload-status workload-message agent-status
                   agent-message machine leader
      machine      id life status message machine-status machine-message
      model        name life status message type
    """
    q = compile_query(query if query is not None else DEFAULT_QUERIES[kind], FIELDS[kind], kind)
    limit = _duration("--timeout", timeout)
    every = _duration("--interval", interval, positive=True)
    _check_name(kind, name)
    if kind == "model":
        ref = name
        if model and ":" not in name:
            controller, _ = split_model_ref(model)
            if controller:
                ref = f"{controller}:{name}"
        sess = Session(ref)
    else:
        sess = Session(model)
    client = sess.client()
    scope_of = SCOPES[kind]
    what = f'{kind} "{name}"'
    progress = Progress(enabled=_tty())
    deadline = time.monotonic() + limit
    try:
        while True:
            try:
                doc: dict[str, Any] | None = client.status(sess.model)
            except ModelNotFoundError:
                if kind != "model":
                    raise
                doc = None
            scope = scope_of(doc, name) if doc is not None else None
            if scope is not None and q.evaluate(scope):
                progress.clear()
                if summary:
                    info(f"{what} is {scope[HEADLINE[kind]] or 'unknown'}")
                return
            state = _describe_state(q, scope, kind) if scope is not None else "not found"
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                progress.clear()
                raise PyjujuError(f"timed out waiting for {what}: {state}", timeout=timeout)
            progress.show(f"waiting for {what}: {state}")
            time.sleep(min(every, remaining))
    finally:
        progress.clear()
