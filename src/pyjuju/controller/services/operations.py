"""Operations and tasks: actions (``run``) and commands (``exec``) on units and machines.

Task and operation ids share one sequence per model, as Juju's do ("operation
1 with 1 task: task 2"). A task is ``pending`` until its agent starts it,
then ``running``, then ``completed``/``failed``/``cancelled``/``aborted``.
"""

from __future__ import annotations

from typing import Any

from ...core import timefmt
from ...core.errors import ForbiddenError, InvalidArgumentError, NotFoundError, UsageError
from ...core.names import is_valid_unit_name
from ...core.status import TASK_DONE
from ...store import ModelRow, OperationRow, ReadTx, TaskRow, WriteTx
from . import actionparams
from .base import Services
from .lookup import resolve_model

TERMINAL = TASK_DONE
EXEC = "juju-exec"


def _next_ids(tx: WriteTx, m: ModelRow, count: int) -> list[int]:
    model = tx.model(m.uuid)
    assert model is not None
    first = model.next_task_id
    tx.update_model(m.uuid, kind="model-seq", next_task_id=first + count)
    return list(range(first, first + count))


def resolve_unit(tx: ReadTx, m: ModelRow, name: str) -> str | None:
    """``app/N`` as given, or ``app/leader`` as the current leader; None if no such unit."""
    if name.endswith("/leader"):
        app = tx.application(m.uuid, name.rsplit("/", 1)[0])
        return app.leader if app is not None else None
    if not is_valid_unit_name(name):
        return None
    return name if tx.unit(m.uuid, name) is not None else None


def enqueue_actions(svc: Services, model_ref: str, receivers: list[str], action: str,
                    params: dict[str, Any]) -> dict[str, Any]:
    """Schedule ``action`` on each unit. Units that can't take it are reported, not raised:
    Juju says "failed to schedule any tasks" and exits 0 for those."""
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        scheduled: list[tuple[str, dict[str, Any]]] = []
        failures: list[str] = []
        for given in receivers:
            unit = resolve_unit(tx, m, given)
            if unit is None:
                failures.append(f'unit "{given}" not found')
                continue
            u = tx.unit(m.uuid, unit)
            app = tx.application(m.uuid, u.application) if u else None
            charm = tx.charm(m.uuid, app.charm_url) if app else None
            schema = (charm.actions if charm else {}).get(action)
            if schema is None:
                failures.append(f'action "{action}" not defined on unit "{unit}"')
                continue
            scheduled.append((unit, actionparams.validate(action, schema, params)))
        ids = _next_ids(tx, m, 1 + len(scheduled))
        now = timefmt.now_iso()
        tx.add_operation(OperationRow(model_uuid=m.uuid, id=ids[0], kind="action",
                                      summary=f"{action} run on {', '.join(receivers)}", enqueued=now))
        tasks = []
        for tid, (unit, p) in zip(ids[1:], scheduled, strict=True):
            tx.add_task(_task(m, tid, ids[0], unit, "unit", action, p, now))
            tasks.append({"id": str(tid), "receiver": unit})
        return {"operation": str(ids[0]), "tasks": tasks, "failures": failures}


def enqueue_exec(svc: Services, model_ref: str, command: str, *, units: list[str], machines: list[str],
                 applications: list[str], all_machines: bool, stdin: str | None = None) -> dict[str, Any]:
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        targets: list[tuple[str, str]] = []
        failures: list[str] = []
        for given in units:
            unit = resolve_unit(tx, m, given)
            if unit is None:
                failures.append(f'unit "{given}" not found')
            else:
                targets.append((unit, "unit"))
        for app_name in applications:
            app = tx.application(m.uuid, app_name)
            if app is None:
                failures.append(f'application "{app_name}" not found')
                continue
            targets += [(u.name, "unit") for u in tx.units(m.uuid, application=app_name)]
        known = {mm.id for mm in tx.machines(m.uuid)}
        for mid in (sorted(known) if all_machines else machines):
            if mid not in known:
                failures.append(f'machine "{mid}" not found')
            else:
                targets.append((mid, "machine"))
        if not targets and not failures:
            raise UsageError("no target: give --unit, --machine, --application or --all")
        ids = _next_ids(tx, m, 1 + len(targets))
        now = timefmt.now_iso()
        tx.add_operation(OperationRow(model_uuid=m.uuid, id=ids[0], kind="exec",
                                      summary=f"exec {command}", enqueued=now))
        tasks = []
        for tid, (receiver, kind) in zip(ids[1:], targets, strict=True):
            params = {"command": command} if stdin is None else {"command": command, "stdin": stdin}
            tx.add_task(_task(m, tid, ids[0], receiver, kind, EXEC, params, now))
            tasks.append({"id": str(tid), "receiver": receiver, "kind": kind})
        return {"operation": str(ids[0]), "tasks": tasks, "failures": failures}


def _task(m: ModelRow, tid: int, op_id: int, receiver: str, kind: str, name: str,
          params: dict[str, Any], now: str) -> TaskRow:
    return TaskRow(model_uuid=m.uuid, id=tid, operation_id=op_id, receiver=receiver, receiver_kind=kind,
                   name=name, params=params, status="pending", message="", results={}, log=[],
                   enqueued=now, started="", completed="")


def task_doc(t: TaskRow) -> dict[str, Any]:
    """A task as ``juju run``/``show-task`` print it; times stay ISO here."""
    out: dict[str, Any] = {"id": str(t.id), "status": t.status, t.receiver_kind: t.receiver}
    if t.message:
        out["message"] = t.message
    if t.results or t.status in TERMINAL:
        out["results"] = dict(t.results)
    if t.log:
        out["log"] = list(t.log)
    timing = {k: v for k, v in (("enqueued", t.enqueued), ("started", t.started),
                                ("completed", t.completed)) if v}
    if timing:
        out["timing"] = timing
    out["action"] = t.name
    if t.name != EXEC:
        out["parameters"] = dict(t.params)
    return out


def get_task(svc: Services, model_ref: str, task_id: int) -> TaskRow:
    with svc.store.read() as tx:
        m = resolve_model(tx, model_ref)
        t = tx.task(m.uuid, task_id)
    if t is None:
        raise NotFoundError(f'task "{task_id}" not found', task=task_id)
    return t


def list_operations(svc: Services, model_ref: str) -> list[dict[str, Any]]:
    with svc.store.read() as tx:
        m = resolve_model(tx, model_ref)
        ops = tx.operations(m.uuid)
        tasks = tx.tasks(m.uuid)
    by_op: dict[int, list[TaskRow]] = {}
    for t in tasks:
        by_op.setdefault(t.operation_id, []).append(t)
    out = []
    for op in ops:
        ts = by_op.get(op.id, [])
        statuses = {t.status for t in ts}
        status = ("running" if statuses & {"running"} else "pending" if statuses & {"pending"}
                  else "failed" if "failed" in statuses else "completed" if ts else "error")
        out.append({"id": str(op.id), "kind": op.kind, "summary": op.summary, "status": status,
                    "enqueued": op.enqueued, "tasks": [task_doc(t) for t in ts]})
    return out


# -- agent side -----------------------------------------------------------------------
def _agent_task(tx: ReadTx, m: ModelRow, machine_id: str, task_id: int) -> TaskRow:
    t = tx.task(m.uuid, task_id)
    if t is None:
        raise NotFoundError(f'task "{task_id}" not found', task=task_id)
    if t.receiver_kind == "machine":
        ok = t.receiver == machine_id
    else:
        u = tx.unit(m.uuid, t.receiver)
        ok = u is not None and u.machine_id == machine_id
    if not ok:
        raise ForbiddenError(f"machine {machine_id} may not act for task {task_id}")
    return t


def begin_task(svc: Services, m: ModelRow, machine_id: str, task_id: int) -> bool:
    """Mark a pending task running; False if it was cancelled or already started."""
    with svc.store.write() as tx:
        t = _agent_task(tx, m, machine_id, task_id)
        if t.status != "pending":
            return False
        tx.update_task(m.uuid, task_id, status="running", started=timefmt.now_iso())
        return True


def log_task(svc: Services, m: ModelRow, machine_id: str, task_id: int, message: str) -> None:
    with svc.store.write() as tx:
        t = _agent_task(tx, m, machine_id, task_id)
        tx.update_task(m.uuid, task_id, log=[*t.log, {"time": timefmt.now_iso(), "message": message}])


def finish_task(svc: Services, m: ModelRow, machine_id: str, task_id: int, status: str, message: str,
                results: dict[str, Any]) -> None:
    if status not in TERMINAL:
        raise InvalidArgumentError(f'invalid final task status "{status}"')
    with svc.store.write() as tx:
        t = _agent_task(tx, m, machine_id, task_id)
        if t.status in TERMINAL:
            return
        tx.update_task(m.uuid, task_id, status=status, message=message, results=results,
                       completed=timefmt.now_iso(), started=t.started or timefmt.now_iso())
