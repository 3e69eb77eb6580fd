"""run (actions), exec, show-task, operations (docs/juju-compat.md, run and exec)."""

from __future__ import annotations

import shlex
import sys
import time
from collections.abc import Sequence
from typing import Any

import click
import yaml

from ...core import timefmt
from ...core.duration import parse_duration
from ...core.errors import InvalidArgumentError, NotFoundError, PyjujuError, UsageError
from ...core.names import is_valid_unit_name
from ...core.status import TASK_DONE
from ...wire import ExecParams
from ..app import Session, cli, emit, info, model_option
from ..render.formats import to_json, to_yaml, unknown_format

RESERVED = ("return-code", "stdout", "stderr", "stdout-encoding", "stderr-encoding")


def go_time(iso: str, utc: bool = False) -> str:
    """Go's ``time.Time.String()``: ``2025-03-01 16:23:26.5 +1300 NZDT`` (fraction only if non-zero)."""
    d = timefmt.parse_iso(iso)
    d = d.astimezone(timefmt.utcnow().tzinfo) if utc else d.astimezone()
    frac = f".{d.microsecond:06d}".rstrip("0") if d.microsecond else ""
    zone = d.strftime("%Z") or d.strftime("%z")
    return f"{d:%Y-%m-%d %H:%M:%S}{frac} {d:%z} {zone}"


def present(task: dict[str, Any], utc: bool) -> dict[str, Any]:
    """A task in Juju's output shape (keys sorted as Go's map encoding does)."""
    out: dict[str, Any] = {"id": task["id"]}
    if task.get("log"):
        out["log"] = [f"{go_time(e['time'], utc)} {e['message']}" for e in task["log"]]
    if task.get("machine"):
        out["machine"] = task["machine"]
    if task.get("message"):
        out["message"] = task["message"]
    if "results" in task:
        out["results"] = dict(sorted(task["results"].items()))
    out["status"] = task["status"]
    if task.get("timing"):
        out["timing"] = {k: go_time(v, utc) for k, v in sorted(task["timing"].items())}
    if task.get("unit"):
        out["unit"] = task["unit"]
    return out


def _parse_params(items: Sequence[str], string_args: bool) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for item in items:
        if "=" not in item:
            raise UsageError(f'argument "{item}" must be of the form key...=value')
        key, _, raw = item.partition("=")
        value: Any = raw if string_args else _yaml_value(raw)
        node = params
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise UsageError(f'key "{key}" conflicts with an earlier value')
        node[parts[-1]] = value
    return params


def _yaml_value(raw: str) -> Any:
    try:
        return yaml.safe_load(raw) if raw else ""
    except yaml.YAMLError:
        return raw


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = _deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _wait_all(sess: Session, tasks: list[dict[str, Any]], wait: float | None, stream_logs: bool) -> dict[str, dict[str, Any]]:
    """Wait for every task (``wait`` None: forever); raises on timeout, naming who did not answer."""
    client = sess.client()
    deadline = None if wait is None else time.monotonic() + wait
    done: dict[str, dict[str, Any]] = {}
    shown: dict[str, int] = {}
    for t in tasks:
        while True:
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                late = [x for x in tasks if x["id"] not in done]
                who = ", ".join(f"{x.get('kind', 'unit')} {x['receiver']}" for x in late)
                raise PyjujuError(f"timed out waiting for results from: {who}")
            doc = client.task(sess.model, t["id"], wait=min(remaining if remaining is not None else 5.0, 5.0))
            if stream_logs:
                for entry in doc.get("log", [])[shown.get(t["id"], 0):]:
                    info(entry["message"])
                shown[t["id"]] = len(doc.get("log", []))
            if doc["status"] in TASK_DONE:
                done[t["id"]] = doc
                break
    return done


def _report_failures(docs: list[dict[str, Any]]) -> int:
    bad = [d for d in docs if int((d.get("results") or {}).get("return-code", 0) or 0) != 0]
    if not bad:
        return 0
    lines = "\n".join(f' - id "{d["id"]}" with return code {d["results"]["return-code"]}' for d in bad)
    sys.stderr.write(f"ERROR the following task failed:\n{lines}\n\nuse 'juju show-task' to inspect the failure\n")
    return 1


@cli.command("run", context_settings={"ignore_unknown_options": False})
@model_option
@click.argument("args", nargs=-1, required=True)
@click.option("--params", "params_file", default=None, type=click.Path(exists=True, dir_okay=False),
              help="YAML file of parameters; key=value arguments override it.")
@click.option("--string-args", is_flag=True, help="Take key=value values as strings, not YAML.")
@click.option("--background", is_flag=True, help="Schedule and return without waiting.")
@click.option("--wait", "wait", default=None, metavar="DURATION", help="How long to wait for results (default 60s).")
@click.option("--format", "fmt", default="plain", metavar="plain|json|yaml")
@click.option("--utc", is_flag=True, help="Show times in UTC.")
@click.option("--color/--no-color", default=False, hidden=True)
def run_action(model: str | None, args: tuple[str, ...], params_file: str | None, string_args: bool,
               background: bool, wait: str | None, fmt: str, utc: bool, color: bool) -> None:
    """Run an action on units: `run UNIT [UNIT...] ACTION [key=value...]`.

    \b
    Units may be given as APP/leader. Parameters are validated against the
    charm's actions.yaml before anything runs.
      pyjuju run hello/0 backup target=/srv
      pyjuju run mysql/leader get-password --format json
    """
    units = []
    rest = list(args)
    while rest and (is_valid_unit_name(rest[0]) or rest[0].endswith("/leader")):
        units.append(rest.pop(0))
    if not units or not rest:
        raise UsageError("expected UNIT [UNIT...] ACTION [key=value...]")
    action, kv = rest[0], rest[1:]
    params: dict[str, Any] = {}
    if params_file:
        with open(params_file) as f:
            loaded = yaml.safe_load(f) or {}
        if not isinstance(loaded, dict):
            raise InvalidArgumentError(f"{params_file}: expected a map of parameters")
        params = loaded
    params = _deep_merge(params, _parse_params(kv, string_args))
    if fmt not in ("plain", "json", "yaml"):
        raise unknown_format(fmt)
    sess = Session(model)
    res = sess.client().run_action(sess.model, units, action, params)
    _run_and_print(sess, res, background, wait, fmt, utc, kind="action")


def _run_and_print(sess: Session, res: dict[str, Any], background: bool, wait: str | None, fmt: str,
                   utc: bool, kind: str) -> None:
    tasks = res["tasks"]
    if not tasks:
        reasons = "\n".join(res.get("failures") or [])
        info(f"Operation {res['operation']} failed to schedule any tasks:\n{reasons}")
        return
    for reason in res.get("failures") or []:
        info(f"WARNING {reason}")
    if background:
        info(f"Scheduled operation {res['operation']} with task{'s' if len(tasks) > 1 else ''} "
             f"{', '.join(t['id'] for t in tasks)}")
        info(f"Check operation status with 'pyjuju show-operation {res['operation']}'")
        return
    if kind == "action":
        info(f"Running operation {res['operation']} with {len(tasks)} task{'s' if len(tasks) > 1 else ''}")
        for t in tasks:
            info(f"  - task {t['id']} on unit-{t['receiver'].replace('/', '-')}")
        info("")
        for t in tasks:
            info(f"Waiting for task {t['id']}...")
    limit = parse_duration(wait) if wait else (60.0 if kind == "action" else 300.0)
    done = _wait_all(sess, tasks, limit if limit > 0 else None, stream_logs=kind == "action")
    docs = [done[t["id"]] for t in tasks]
    out = {t.get("unit") or t.get("machine"): present(t, utc) for t in docs}
    if fmt == "json":
        sys.stdout.write(to_json(out))
    elif fmt == "yaml":
        sys.stdout.write(to_yaml(out))
    else:
        _plain(docs, kind)
    sys.stdout.flush()
    code = _report_failures(docs)
    if code:
        sys.exit(code)


def _plain(docs: list[dict[str, Any]], kind: str) -> None:
    if len(docs) == 1:
        d = docs[0]
        results = d.get("results") or {}
        if d["status"] == "failed" and kind == "action":
            sys.stdout.write(f"Action id {d['id']} failed: {d.get('message', '')}\n")
        shown = {k: v for k, v in results.items() if k not in RESERVED}
        if shown:
            sys.stdout.write(to_yaml(shown))
        if results.get("stdout"):
            sys.stdout.write(results["stdout"])
        if results.get("stderr"):
            sys.stderr.write(results["stderr"])
        return
    sys.stdout.write(to_yaml({d.get("unit") or d.get("machine"): present(d, False) for d in docs}))


@cli.command("exec", context_settings={"allow_interspersed_args": False})
@model_option
@click.argument("command", nargs=-1, required=True)
@click.option("-u", "--unit", "units", multiple=True, metavar="UNIT[,UNIT...]")
@click.option("--machine", "machines", multiple=True, metavar="ID[,ID...]")
@click.option("-a", "--app", "--application", "applications", multiple=True, metavar="APP[,APP...]")
@click.option("--all", "all_", is_flag=True, help="Every machine in the model.")
@click.option("--wait", default=None, metavar="DURATION", help="How long to wait (default 5m).")
@click.option("--format", "fmt", default="plain", metavar="plain|json|yaml")
@click.option("--background", is_flag=True)
@click.option("--utc", is_flag=True)
@click.option("--operator", is_flag=True, hidden=True)
@click.option("--parallel", is_flag=True, hidden=True)
@click.option("--execution-group", default=None, hidden=True)
@click.option("--color/--no-color", default=False, hidden=True)
def exec_command(model: str | None, command: tuple[str, ...], units: tuple[str, ...], machines: tuple[str, ...],
                 applications: tuple[str, ...], all_: bool, wait: str | None, fmt: str, background: bool,
                 utc: bool, operator: bool, parallel: bool, execution_group: str | None, color: bool) -> None:
    """Run a shell command on units (in a hook context: hook tools work) or machines.

    \b
      pyjuju exec --unit hello/0 -- config-get greeting
      pyjuju exec --application hello --format json -- hostname
      pyjuju exec --machine 0 -- uptime
    """
    def split(values: tuple[str, ...]) -> list[str]:
        return [x for v in values for x in v.split(",") if x]

    cmd = command[0] if len(command) == 1 else shlex.join(command)
    if fmt not in ("plain", "json", "yaml"):
        raise unknown_format(fmt)
    if not (units or machines or applications or all_):
        raise UsageError("You must specify a target, either through --all, --machine, "
                         "--application or --unit")
    sess = Session(model)
    res = sess.client().run_exec(sess.model, ExecParams(command=cmd, units=split(units), machines=split(machines),
                                                        applications=split(applications), all=all_))
    _run_and_print(sess, res, background, wait, fmt, utc, kind="exec")


@cli.command("show-task")
@model_option
@click.argument("task_id")
@click.option("--format", "fmt", default="plain", metavar="plain|json|yaml")
@click.option("--wait", default=None, metavar="DURATION", help="Wait this long for the task to finish.")
@click.option("--utc", is_flag=True)
@click.option("--watch", is_flag=True, hidden=True)
def show_task(model: str | None, task_id: str, fmt: str, wait: str | None, utc: bool, watch: bool) -> None:
    """Show a task's status, results and log."""
    sess = Session(model)
    doc = sess.client().task(sess.model, task_id, wait=parse_duration(wait) if wait else 0)
    shown = present(doc, utc)
    if fmt == "json":
        sys.stdout.write(to_json(shown))
    elif fmt == "yaml":
        sys.stdout.write(to_yaml(shown))
    else:
        _plain([doc], "action" if doc.get("action") != "juju-exec" else "exec")


@cli.command("show-operation")
@model_option
@click.argument("operation_id")
@click.option("--format", "fmt", default="yaml", metavar="yaml|json")
@click.option("--wait", default=None, metavar="DURATION", help="Wait this long for its tasks to finish.")
@click.option("--utc", is_flag=True)
@click.option("--watch", is_flag=True, hidden=True)
def show_operation(model: str | None, operation_id: str, fmt: str, wait: str | None, utc: bool,
                   watch: bool) -> None:
    """Show an operation (an action or exec run) and each of its tasks."""
    if fmt not in ("yaml", "json"):
        raise unknown_format(fmt)
    sess = Session(model)
    client = sess.client()
    op = next((o for o in client.operations(sess.model) if o["id"] == operation_id), None)
    if op is None:
        raise NotFoundError(f'operation "{operation_id}" not found')
    tasks = op["tasks"]
    if wait:
        tasks = [client.task(sess.model, t["id"], wait=parse_duration(wait)) for t in tasks]
    doc = {"summary": op["summary"], "status": op["status"],
           "tasks": {t["id"]: present(t, utc) for t in tasks}}
    emit(doc, fmt)


@cli.command("operations")
@model_option
@click.option("--format", "fmt", default="tabular", metavar="tabular|json|yaml")
@click.option("-o", "--output", default=None, hidden=True)
@click.option("--utc", is_flag=True)
def operations(model: str | None, fmt: str, output: str | None, utc: bool) -> None:
    """List the model's operations (actions and exec runs) and their tasks."""
    sess = Session(model)
    ops = sess.client().operations(sess.model)
    doc = {op["id"]: {"summary": op["summary"], "status": op["status"],
                      "tasks": {t["id"]: present(t, utc) for t in op["tasks"]}} for op in ops}

    def tabular(d: dict[str, Any]) -> str:
        from ..render.tables import Table

        t = Table(["ID", "Status", "Started", "Finished", "Task IDs", "Summary"])
        for op_id, op in d.items():
            timing = [x.get("timing", {}) for x in op["tasks"].values()]
            started = min((x["started"] for x in timing if "started" in x), default="")
            finished = max((x["completed"] for x in timing if "completed" in x), default="")
            t.add_row(op_id, op["status"], started[:19], finished[:19], ",".join(op["tasks"]), op["summary"])
        return t.render()

    emit(doc, fmt, tabular, output=output)
