"""Hook operations: run one, re-send one's commit after a crash, or skip one (``resolved --no-retry``).

A hook goes through ``queued`` (prepare: decided, saved), ``running``
(execute: its process exists, its pid saved) and ``committing`` (it exited 0
and its buffered writes are saved), then commit sends those writes with an
idempotent commit id and applies the hook's effects. A restart at any point
resumes: a ``queued``/``running`` hook runs again, a ``committing`` one
re-sends the same commit.
"""

from __future__ import annotations

import dataclasses
import os
import signal
from typing import ClassVar

from ....core import process
from ....core.errors import ConnectionFailedError, PyjujuError
from ....wire import AgentStatusParams, StatusValue
from ....wire import agent as ops
from ...hooks.runner import run_process
from ..effects import apply_effects
from ..runtime import UnitRuntime
from ..state import Effects, HookError, HookInFlight, HookInfo, LocalState
from .base import Operation, StepResult, Stop
from .charm import deploy_charm
from .relations import enter_scope


@dataclasses.dataclass(frozen=True, slots=True)
class RunHook(Operation):
    """Run ``hook``; once it commits, ``effects`` apply to local state.

    ``resolved_seq`` is set when a ``resolved`` request retries a failed hook:
    prepare then records the request as handled and clears the error."""

    kind: ClassVar[str] = "run-hook"
    hook: HookInfo
    effects: Effects = dataclasses.field(default_factory=Effects)
    resolved_seq: int | None = None

    async def prepare(self, rt: UnitRuntime) -> StepResult:
        state = rt.state
        fresh = state.op is None  # not a hook resumed after a crash
        if self.resolved_seq is not None:
            rt.save(state.model_copy(update={"resolved_seq": self.resolved_seq, "error": None}))
            rt.reset_retry()
        view, hook = rt.remote, self.hook
        if view is not None and (not os.path.exists(rt.charm_dir / "metadata.yaml") or (
                hook.kind in ("install", "upgrade-charm") and view.charm.sha256 != rt.state.charm_sha)):
            await deploy_charm(rt, view.charm)
        if hook.kind == "relation-created" and fresh:
            assert hook.relation_id is not None
            if not await enter_scope(rt, hook.relation_id):
                return Stop()
        if hook.kind == "storage-attached" and fresh:
            location = rt.storage_location(hook.storage_id)
            os.makedirs(location, exist_ok=True)
            await rt.client.call(ops.STORAGE_ATTACHED, ops.StorageAttached(storage_id=hook.storage_id,
                                                                            location=location), rt.name)
        if hook.kind == "leader-elected" and not (view is not None and view.leader):
            rt.log("INFO", "juju.worker.uniter", "skipping leader-elected: no longer leader")
            return Stop(rt.state.model_copy(update={"op": None}))
        status = pre_hook_status(hook, rt.state.status_ever_set)
        if status is not None:
            rt.post_status(status)
        return rt.state.model_copy(update={"op": HookInFlight(hook=hook, effects=self.effects)})

    async def execute(self, rt: UnitRuntime) -> StepResult:
        hook, view = self.hook, rt.remote
        ctx = rt.new_context(hook, view)
        dispatch_path = f"hooks/{hook.name}"
        env = rt.env_for(
            ctx.id, view, hook_name=hook.name, dispatch_path=dispatch_path,
            relation=None if hook.relation_id is None else (
                hook.endpoint, f"{hook.endpoint}:{hook.relation_id}", hook.remote_unit, hook.remote_app),
            departing_unit=hook.departing_unit,
            extra={**secret_env(hook), **storage_env(hook, rt)},
        )
        module = f"unit.{rt.name}.{hook.name}"

        def on_line(stream: str, line: str) -> None:
            rt.log("DEBUG" if stream == "stdout" else "WARNING", module, line)

        async def on_spawn(pid: int) -> None:
            op = _in_flight(rt.state)
            rt.save(rt.state.model_copy(update={"op": op.model_copy(update={
                "step": "running", "pid": pid, "pid_start": process.start_time(pid)})}))

        with rt.serving(ctx):
            async with rt.hook_lock:
                result = await run_process(charm_dir=rt.charm_dir, dispatch_path=dispatch_path, env=env,
                                           on_line=on_line, on_spawn=on_spawn)
        if result.code in (-signal.SIGTERM, -signal.SIGKILL) and rt.stopping:
            return Stop()  # interrupted by our own shutdown: the hook runs again on restart
        if result.missing:
            rt.log("INFO", "juju.worker.uniter.operation", f'skipped "{hook.name}" hook (missing)')
        elif result.code == 0:
            rt.log("INFO", "juju.worker.uniter.operation", f'ran "{hook.name}" hook (via {result.via})')
        if result.code != 0:
            return Stop(failed(rt, hook, self.effects, result.error or f"exit status {result.code}"))
        params = ctx.commit_params()
        if not params.has_changes():
            return rt.state
        # Persist what must reach the controller before sending it.
        op = _in_flight(rt.state).model_copy(update={"step": "committing", "commit": params})
        return rt.state.model_copy(update={"op": op})

    async def commit(self, rt: UnitRuntime) -> StepResult:
        op = rt.state.op
        try:
            if isinstance(op, HookInFlight) and op.commit is not None:
                await rt.client.call(ops.COMMIT, op.commit, rt.name)
            if self.hook.kind == "storage-detaching":
                await rt.client.call(ops.STORAGE_DETACHED, ops.StorageRef(storage_id=self.hook.storage_id),
                                     rt.name)
        except ConnectionFailedError:
            raise  # the same commit is sent again once the controller answers
        except PyjujuError as e:
            # The controller refused what the hook asked for (a secret it does not own, a
            # relation that is gone, unknown storage): the hook failed, as in Juju, and
            # waits for ``resolved`` like any other failed hook.
            return Stop(failed(rt, self.hook, self.effects, f"committing requested changes failed: {e}"))
        state = apply_effects(rt.state, self.effects).model_copy(update={"op": None, "error": None})
        rt.hook_succeeded(self.hook)
        rt.save(state)
        status = post_hook_status(self.hook, state.status_ever_set)
        if status is not None:
            rt.post_status(status)
        return state


@dataclasses.dataclass(frozen=True, slots=True)
class CommitHook(RunHook):
    """A hook that exited 0 before the agent died, its commit unconfirmed: send it again
    (the commit id makes a second apply a no-op)."""

    kind: ClassVar[str] = "resume-commit"

    async def prepare(self, rt: UnitRuntime) -> StepResult:
        return rt.state

    async def execute(self, rt: UnitRuntime) -> StepResult:
        return rt.state


@dataclasses.dataclass(frozen=True, slots=True)
class SkipHook(Operation):
    """``resolved --no-retry``: count a failed hook as handled without running it again."""

    kind: ClassVar[str] = "skip-hook"
    hook: HookInfo
    resolved_seq: int
    effects: Effects = dataclasses.field(default_factory=Effects)

    async def commit(self, rt: UnitRuntime) -> StepResult:
        state = apply_effects(rt.state, self.effects).model_copy(
            update={"resolved_seq": self.resolved_seq, "error": None})
        rt.hook_succeeded(self.hook)
        rt.log("INFO", "juju.worker.uniter", f'skipped "{self.hook.name}" hook (resolved --no-retry)')
        rt.post_status(AgentStatusParams(agent=StatusValue(status="idle")))
        return state


def failed(rt: UnitRuntime, hook: HookInfo, effects: Effects, reason: str) -> LocalState:
    """The state of a unit whose hook failed; reports the error status and schedules a retry."""
    rt.log("ERROR", "juju.worker.uniter.operation", f'hook "{hook.name}" (via {rt.charm_dir}) failed: {reason}')
    data: dict[str, object] = {"hook": hook.name}
    if hook.relation_id is not None:
        data["relation-id"] = hook.relation_id
    if hook.remote_unit:
        data["remote-unit"] = hook.remote_unit
    rt.post_status(AgentStatusParams(agent=StatusValue(status="error", message=f'hook failed: "{hook.name}"',
                                                       data=data)))
    rt.hook_failed()
    return rt.state.model_copy(update={"op": None, "error": HookError(hook=hook, effects=effects)})


def _in_flight(state: LocalState) -> HookInFlight:
    assert isinstance(state.op, HookInFlight), state.op
    return state.op


# -- what the runtime reports around hooks ----------------------------------------------
def pre_hook_status(hook: HookInfo, status_ever_set: bool) -> AgentStatusParams | None:
    """Juju's statuses as a hook starts: the agent is executing it; install, stop and
    remove also set a maintenance workload status the charm has not set itself."""
    workload = None
    if hook.kind == "install" and not status_ever_set:
        workload = StatusValue(status="maintenance", message="installing charm software")
    elif hook.kind == "stop":
        workload = StatusValue(status="maintenance", message="stopping charm software")
    elif hook.kind == "remove":
        workload = StatusValue(status="maintenance", message="cleaning up prior to charm deletion")
    agent = None
    if hook.kind != "update-status":
        msg = f"running {hook.name} hook"
        if hook.remote_unit:
            msg += f" for {hook.remote_unit}"
        elif hook.secret_id:
            msg += f" for secret:{hook.secret_id}" + (f"/{hook.secret_revision}" if hook.secret_revision else "")
        agent = StatusValue(status="executing", message=msg)
    return AgentStatusParams(agent=agent, workload=workload) if agent or workload else None


def post_hook_status(hook: HookInfo, status_ever_set: bool) -> AgentStatusParams | None:
    workload = None
    if hook.kind == "start" and not status_ever_set:
        workload = StatusValue(status="unknown")
    elif hook.kind == "stop":
        workload = StatusValue(status="maintenance")
    elif hook.kind == "remove":
        workload = StatusValue(status="terminated")
    agent = StatusValue(status="idle") if hook.kind != "update-status" else None
    return AgentStatusParams(agent=agent, workload=workload) if agent or workload else None


def secret_env(hook: HookInfo) -> dict[str, str]:
    if not hook.secret_id:
        return {}
    env = {"JUJU_SECRET_ID": f"secret:{hook.secret_id}", "JUJU_SECRET_LABEL": hook.secret_label}
    if hook.secret_revision > 0:
        env["JUJU_SECRET_REVISION"] = str(hook.secret_revision)
    return env


def storage_env(hook: HookInfo, rt: UnitRuntime) -> dict[str, str]:
    if not hook.storage_id:
        return {}
    return {"JUJU_STORAGE_ID": hook.storage_id, "JUJU_STORAGE_LOCATION": rt.storage_location(hook.storage_id),
            "JUJU_STORAGE_KIND": "filesystem"}
