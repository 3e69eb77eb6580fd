"""Running actions and ``exec`` commands on a unit (docs/charm-runtime.md, Actions and exec).

An action runs through the charm's ``dispatch`` (``JUJU_DISPATCH_PATH=actions/<name>``)
or ``actions/<name>``; an exec command runs ``bash -c`` in the same kind of
hook context, so hook tools work in both. Output is captured into the result
(``stdout``/``stderr``, base64 when not UTF-8) and also goes to the log.
Buffered writes commit when the process exits 0, even after ``action-fail``.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from ...core.errors import ConnectionFailedError, PyjujuError
from ...core.process import start_time
from ..hooks.runner import find_executable, run_command
from .state import HookInfo

if TYPE_CHECKING:
    from .uniter import UnitAgent

EXEC = "juju-exec"
KEEP_DONE = 64


def remember_done(ua: UnitAgent, task_id: str) -> None:
    done = [t for t in ua.local.extra.get("tasks_done") or () if t != task_id]
    ua.local.extra["tasks_done"] = [*done, task_id][-KEEP_DONE:]


async def abort(ua: UnitAgent, task: dict[str, Any]) -> None:
    """The agent died while this task ran: report it failed (it is not re-run)."""
    try:
        await ua.host.client.finish_task(task["id"], "failed", "action interrupted: the unit agent restarted",
                                         {})
    except ConnectionFailedError:
        raise  # try again once the controller answers
    except PyjujuError as e:
        ua._log("WARNING", "juju.worker.uniter.actions", f"cannot fail task {task['id']}: {e}")
    ua.local.op = None
    remember_done(ua, task["id"])
    ua.save()


async def run(ua: UnitAgent, task: dict[str, Any]) -> None:
    tid, name = task["id"], task["name"]
    if not await ua.host.client.begin_task(tid):
        remember_done(ua, tid)  # cancelled, or another process took it
        ua.save()
        return
    view = dict(ua.remote or {})
    is_exec = name == EXEC
    label = "juju-exec" if is_exec else name
    hook = HookInfo(kind="action" if not is_exec else "exec")
    ctx = ua._context(hook, view, action_name="" if is_exec else name,
                      action_params=None if is_exec else dict(task.get("params") or {}),
                      log_action=lambda msg: ua.host.client.log_task(tid, msg))
    dispatch_path = f"actions/{name}"
    env = ua.env_for(
        ctx.id, view, hook_name="", dispatch_path="" if is_exec else dispatch_path,
        extra={} if is_exec else {"JUJU_ACTION_NAME": name, "JUJU_ACTION_UUID": tid,
                                  "JUJU_ACTION_TAG": f"action-{tid}"},
    )
    if is_exec:
        env.pop("JUJU_DISPATCH_PATH", None)
        env.pop("JUJU_HOOK_NAME", None)
        argv = ["/bin/bash", "-c", str(task["params"].get("command", ""))]
    else:
        exe, _ = find_executable(ua.charm_dir, dispatch_path)
        if exe is None:
            await _finish(ua, tid, "failed", f'action not implemented on unit "{ua.name}"', {})
            return
        argv = [str(exe)]
    ua.local.op = {"action": {"id": tid, "name": name}, "step": "running"}
    if ua.local.error is None:  # a unit in error keeps showing its error
        ua.reporter.post(_executing(label))
    module = f"unit.{ua.name}.{label}"

    def on_line(stream: str, line: str) -> None:
        ua._log("DEBUG" if stream == "stdout" else "WARNING", module, line)

    async def on_spawn(pid: int) -> None:
        assert ua.local.op is not None
        ua.local.op.update(pid=pid, pid_start=start_time(pid))
        ua.save()

    output: dict[str, bytearray] = {}
    ua.contexts[ctx.id] = ctx
    try:
        # Actions serialise with hooks on the machine lock (non-parallel actions in Juju).
        async with ua.host.hook_lock:
            stdin = task["params"].get("stdin") if is_exec else None
            result = await run_command(argv, cwd=str(ua.charm_dir), env=env, on_line=on_line,
                                       on_spawn=on_spawn, output=output,
                                       stdin_data=None if stdin is None else base64.b64decode(stdin))
    finally:
        ua.contexts.pop(ctx.id, None)
    results: dict[str, Any] = dict(ctx.action_results)
    results["return-code"] = result.code if result.code >= 0 else 128 - result.code
    for key in ("stdout", "stderr"):
        data = bytes(output.get(key, b""))
        if data:
            try:
                results[key] = data.decode("utf-8").replace("\r\n", "\n")
            except UnicodeDecodeError:
                results[key] = base64.b64encode(data).decode()
                results[f"{key}-encoding"] = "base64"
    if result.error:
        status, message = "failed", result.error
    elif is_exec:
        status, message = "completed", ""
    elif result.code != 0:
        status, message = "failed", f"exit status {result.code}"
    elif ctx.action_failed is not None:
        status, message = "failed", ctx.action_failed
    else:
        status, message = "completed", ""
    if result.code == 0:
        params = ctx.commit_params()
        if params.has_changes():
            try:
                await ua.host.client.commit(ua.name, params)
            except PyjujuError as e:
                status, message = "failed", "committing requested changes failed"
                results["return-code"] = 1
                ua._log("ERROR", "juju.worker.uniter.actions", f"commit failed: {e}")
    await _finish(ua, tid, status, message, results)
    ua._log("INFO", "juju.worker.uniter.operation", f'ran "{label}" action ({status})' if not is_exec
            else f"ran exec command ({status}, return code {results['return-code']})")


async def _finish(ua: UnitAgent, tid: str, status: str, message: str, results: dict[str, Any]) -> None:
    await ua.host.client.finish_task(tid, status, message, results)
    ua.local.op = None
    remember_done(ua, tid)
    ua.save()
    from ...wire import AgentStatusParams, StatusValue

    if ua.local.error is None:
        ua.reporter.post(AgentStatusParams(agent=StatusValue(status="idle")))


def _executing(label: str) -> Any:
    from ...wire import AgentStatusParams, StatusValue

    return AgentStatusParams(agent=StatusValue(status="executing", message=f"running action {label}"))
