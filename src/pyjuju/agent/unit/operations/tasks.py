"""Running actions and ``exec`` commands on a unit (docs/charm-runtime.md, Actions and exec).

An action runs through the charm's ``dispatch`` (``JUJU_DISPATCH_PATH=actions/<name>``)
or ``actions/<name>``; an exec command runs ``bash -c`` in the same kind of
hook context, so hook tools work in both. Output is captured into the result
(``stdout``/``stderr``, base64 when not UTF-8) and also goes to the log.
Buffered writes commit when the process exits 0, even after ``action-fail``.
A task the agent was running when it died is failed, never run again (Juju).
"""

from __future__ import annotations

import base64
import dataclasses
from typing import Any, ClassVar

from ....core.errors import ConnectionFailedError, PyjujuError
from ....core.process import start_time
from ....wire import AgentStatusParams, StatusValue, TaskView
from ....wire import agent as ops
from ...hooks.runner import find_executable, run_command, task_results
from ..runtime import UnitRuntime
from ..state import HookInfo, TaskInFlight
from .base import Operation, StepResult, Stop

EXEC = "juju-exec"
"""The task name the controller gives ``exec`` commands."""


@dataclasses.dataclass(frozen=True, slots=True)
class RunTask(Operation):
    """Run a pending action or exec command and report its result."""

    kind: ClassVar[str] = "run-action"
    task: TaskView

    @property
    def is_exec(self) -> bool:
        return self.task.name == EXEC

    async def prepare(self, rt: UnitRuntime) -> StepResult:
        begun = await rt.client.call(ops.TASK_BEGIN, ops.TaskRef(task_id=self.task.id))
        if not begun.run:  # cancelled, or another process took it
            return Stop(rt.state.with_task_done(self.task.id))
        return rt.state

    async def execute(self, rt: UnitRuntime) -> StepResult:
        task, is_exec = self.task, self.is_exec
        label = EXEC if is_exec else task.name
        view = rt.remote
        hook = HookInfo(kind="exec" if is_exec else "action")
        ctx = rt.new_context(hook, view, action_name="" if is_exec else task.name,
                             action_params=None if is_exec else dict(task.params),
                             log_action=lambda msg: rt.client.call(
                                 ops.TASK_LOG, ops.TaskLog(task_id=task.id, message=msg)))
        dispatch_path = f"actions/{task.name}"
        env = rt.env_for(
            ctx.id, view, hook_name="", dispatch_path="" if is_exec else dispatch_path,
            extra={} if is_exec else {"JUJU_ACTION_NAME": task.name, "JUJU_ACTION_UUID": task.id,
                                      "JUJU_ACTION_TAG": f"action-{task.id}"},
        )
        if is_exec:
            env.pop("JUJU_DISPATCH_PATH", None)
            env.pop("JUJU_HOOK_NAME", None)
            argv = ["/bin/bash", "-c", str(task.params.get("command", ""))]
        else:
            exe, _ = find_executable(rt.charm_dir, dispatch_path)
            if exe is None:
                await finish(rt, task.id, "failed", f'action not implemented on unit "{rt.name}"', {})
                return Stop(rt.state.with_task_done(task.id))
            argv = [str(exe)]
        rt.save(rt.state.model_copy(update={"op": TaskInFlight(id=task.id, name=task.name)}))
        if rt.state.error is None:  # a unit in error keeps showing its error
            rt.post_status(AgentStatusParams(agent=StatusValue(status="executing",
                                                               message=f"running action {label}")))
        module = f"unit.{rt.name}.{label}"

        def on_line(stream: str, line: str) -> None:
            rt.log("DEBUG" if stream == "stdout" else "WARNING", module, line)

        async def on_spawn(pid: int) -> None:
            assert isinstance(rt.state.op, TaskInFlight)
            rt.save(rt.state.model_copy(update={"op": rt.state.op.model_copy(
                update={"pid": pid, "pid_start": start_time(pid)})}))

        output: dict[str, bytearray] = {}
        stdin = task.params.get("stdin") if is_exec else None
        with rt.serving(ctx):
            # Actions serialise with hooks on the machine lock (non-parallel actions in Juju).
            async with rt.hook_lock:
                result = await run_command(argv, cwd=str(rt.charm_dir), env=env, on_line=on_line,
                                           on_spawn=on_spawn, output=output,
                                           stdin_data=None if stdin is None else base64.b64decode(stdin))
        results: dict[str, Any] = {**ctx.action_results, **task_results(result, output)}
        status: ops.TaskOutcome
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
                    await rt.client.call(ops.COMMIT, params, rt.name)
                except PyjujuError as e:
                    status, message = "failed", "committing requested changes failed"
                    results["return-code"] = 1
                    rt.log("ERROR", "juju.worker.uniter.actions", f"commit failed: {e}")
        await finish(rt, task.id, status, message, results)
        rt.log("INFO", "juju.worker.uniter.operation",
               f"ran exec command ({status}, return code {results['return-code']})" if is_exec
               else f'ran "{label}" action ({status})')
        return rt.state.with_task_done(task.id)


@dataclasses.dataclass(frozen=True, slots=True)
class FailTask(Operation):
    """The agent died while this task ran: report it failed (it is not run again)."""

    kind: ClassVar[str] = "abort-action"
    task_id: str

    async def execute(self, rt: UnitRuntime) -> StepResult:
        try:
            await rt.client.call(ops.TASK_FINISH, ops.TaskFinish(
                task_id=self.task_id, status="failed", message="action interrupted: the unit agent restarted"))
        except ConnectionFailedError:
            raise  # try again once the controller answers
        except PyjujuError as e:
            rt.log("WARNING", "juju.worker.uniter.actions", f"cannot fail task {self.task_id}: {e}")
        return rt.state.with_task_done(self.task_id)


async def finish(rt: UnitRuntime, task_id: str, status: ops.TaskOutcome, message: str, results: dict[str, Any]) -> None:
    await rt.client.call(ops.TASK_FINISH, ops.TaskFinish(task_id=task_id, status=status,
                                                         message=message, results=results))
    if rt.state.error is None:
        rt.post_status(AgentStatusParams(agent=StatusValue(status="idle")))
