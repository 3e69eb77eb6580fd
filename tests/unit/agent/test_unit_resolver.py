"""The resolver: a pure function from (local, remote, model, clock) to the next operation."""

from __future__ import annotations

from typing import Any

import pytest
from resolver_helpers import CHARM, MODEL, NOW, SHA, feed, hook_of, remote, settle, started

from pyjuju.agent.unit.operations import (
    AcceptDeposed,
    CommitHook,
    DeployCharm,
    FailTask,
    ReportDead,
    RunHook,
    RunTask,
    SkipHook,
)
from pyjuju.agent.unit.resolver import Clock, next_op
from pyjuju.agent.unit.state import (
    Effects,
    HookError,
    HookInFlight,
    HookInfo,
    LocalState,
    TaskInFlight,
)
from pyjuju.wire import CharmRef, HookCommitParams, TaskView

# -- first deploy ---------------------------------------------------------------------


def test_first_deploy_order_for_leader() -> None:
    seen, local = settle(LocalState(), remote(leader=True))
    assert seen == ["deploy-charm", "install", "leader-elected", "config-changed", "start"]
    assert local.installed and local.started and local.leader and local.config_version == 1
    assert local.charm_sha == SHA


def test_first_deploy_order_for_non_leader() -> None:
    seen, local = settle(LocalState(), remote(leader=False))
    assert seen == ["deploy-charm", "install", "leader-settings-changed", "config-changed", "start"]
    assert local.leader_settings_version == 0 and not local.leader


def test_no_remote_view_means_nothing_to_do() -> None:
    assert next_op(LocalState(), None, MODEL, NOW) is None


def test_effects_are_returned_not_applied() -> None:
    local = LocalState(charm_sha=SHA)
    op = next_op(local, remote(), MODEL, NOW)
    assert op == RunHook(hook=HookInfo(kind="install"), effects=Effects(installed=True, charm_version=0))
    assert local == LocalState(charm_sha=SHA)  # the resolver is pure


def test_charm_files_are_deployed_before_install() -> None:
    assert next_op(LocalState(), remote(), MODEL, NOW) == DeployCharm(charm=CHARM)


# -- steady state changes -------------------------------------------------------------


@pytest.mark.parametrize(
    "local_over, remote_over, expected, effects",
    [
        ({}, {}, None, None),
        ({}, {"config_version": 2}, "config-changed", Effects(config_version=2)),
        ({}, {"leader_settings_version": 3}, "leader-settings-changed", Effects(leader_settings_version=3)),
        ({"leader": True}, {"leader": True, "leader_settings_version": 3}, None, None),
        ({}, {"leader": True}, "leader-elected", Effects(leader=True)),
        ({"leader": True}, {"leader": False}, "accept-deposed", Effects(leader=False)),
        # leadership outranks config
        ({}, {"leader": True, "config_version": 5}, "leader-elected", Effects(leader=True)),
        ({"started": False}, {}, "start", Effects(started=True)),
        ({"started": False}, {"config_version": 2}, "config-changed", Effects(config_version=2)),
    ],
)
def test_steady_state(local_over, remote_over, expected, effects) -> None:
    op = next_op(started(**local_over), remote(**remote_over), MODEL, NOW)
    assert hook_of(op) == expected
    if op is not None:
        assert isinstance(op, RunHook | AcceptDeposed) and op.effects == effects


def test_deposed_then_settings_changed() -> None:
    seen, _ = settle(started(leader=True), remote(leader=False, leader_settings_version=4))
    assert seen == ["accept-deposed", "leader-settings-changed"]


def test_update_status_only_when_due_and_started() -> None:
    due = Clock(update_status_due=True)
    op = next_op(started(), remote(), MODEL, due)
    assert hook_of(op) == "update-status" and isinstance(op, RunHook) and op.effects == Effects()
    assert next_op(started(), remote(), MODEL, NOW) is None
    # not started yet: start comes first, never update-status
    assert hook_of(next_op(started(started=False), remote(), MODEL, due)) == "start"
    # other work outranks update-status
    assert hook_of(next_op(started(), remote(config_version=2), MODEL, due)) == "config-changed"


# -- in-flight ops ---------------------------------------------------------------------


@pytest.mark.parametrize("step", ["queued", "running"])
def test_pending_op_runs_again(step) -> None:
    hook = HookInfo(kind="config-changed")
    local = started(op=HookInFlight(hook=hook, step=step, effects=Effects(config_version=2)))
    op = next_op(local, remote(life="dying"), MODEL, NOW)  # outranks everything, even dying
    assert op == RunHook(hook=hook, effects=Effects(config_version=2))
    # ... and even when there is no remote view yet (agent just restarted)
    assert next_op(local, None, None, NOW) == op


def test_committing_op_resumes_commit() -> None:
    hook = HookInfo(kind="relation-changed", relation_id=3, endpoint="db", remote_unit="pg/0")
    local = started(op=HookInFlight(hook=hook, step="committing", effects=Effects(config_version=7),
                                    commit=HookCommitParams(commit_id="abc")))
    op = next_op(local, None, None, NOW)
    assert op == CommitHook(hook=hook, effects=Effects(config_version=7))
    assert op.hook.name == "db-relation-changed"


def test_pending_op_without_effects() -> None:
    local = started(op=HookInFlight(hook=HookInfo(kind="update-status")))
    assert next_op(local, remote(), MODEL, NOW) == RunHook(hook=HookInfo(kind="update-status"))


def test_task_in_flight_is_failed_not_rerun() -> None:
    local = started(op=TaskInFlight(id="7", name="backup", pid=123))
    assert next_op(local, remote(), MODEL, NOW) == FailTask(task_id="7")


# -- tasks ---------------------------------------------------------------------------------


def test_pending_tasks_run_in_order_once_installed() -> None:
    tasks = (TaskView(id="1", name="a"), TaskView(id="2", name="b"))
    assert next_op(LocalState(charm_sha=SHA), remote(actions=tasks), MODEL, NOW) == RunHook(
        hook=HookInfo(kind="install"), effects=Effects(installed=True, charm_version=0))
    seen, local = settle(started(), remote(actions=tasks), show=lambda op: f"{op.kind} {op.task.id}")
    assert seen == ["run-action 1", "run-action 2"]
    assert local.tasks_done == ("1", "2")


def test_running_task_left_by_a_dead_agent_is_failed() -> None:
    op = next_op(started(), remote(actions=(TaskView(id="4", name="a", status="running"),)), MODEL, NOW)
    assert op == FailTask(task_id="4")


def test_tasks_run_even_in_error() -> None:
    op = next_op(errored(), remote(actions=(TaskView(id="5", name="a"),)), MODEL, NOW)
    assert isinstance(op, RunTask) and op.task.id == "5"


def test_done_tasks_are_remembered_not_repeated() -> None:
    local = started()
    for i in range(70):
        local = feed(local, FailTask(task_id=str(i)))
    assert len(local.tasks_done) == 64 and local.tasks_done[-1] == "69"
    assert next_op(local, remote(actions=(TaskView(id="69", name="a"),)), MODEL, NOW) is None


# -- errors -------------------------------------------------------------------------------


def errored(**over: Any) -> LocalState:
    return started(error=HookError(hook=HookInfo(kind="config-changed"), effects=Effects(config_version=2)),
                   **over)


def test_error_waits_for_resolution() -> None:
    assert next_op(errored(), remote(config_version=2), MODEL, NOW) is None
    # not even a dying unit or newer config gets past an error
    assert next_op(errored(), remote(life="dying", config_version=3), MODEL, NOW) is None
    assert next_op(errored(), remote(), MODEL, Clock(update_status_due=True)) is None


@pytest.mark.parametrize("resolved", ["retry", "no-retry", ""])
def test_resolved_seq_resolves(resolved) -> None:
    local = errored(resolved_seq=2)
    assert next_op(local, remote(resolved=resolved, resolved_seq=2), MODEL, NOW) is None
    op = next_op(local, remote(resolved=resolved, resolved_seq=3, config_version=2), MODEL, NOW)
    hook, effects = HookInfo(kind="config-changed"), Effects(config_version=2)
    if resolved == "no-retry":
        assert op == SkipHook(hook=hook, effects=effects, resolved_seq=3)
    else:
        assert op == RunHook(hook=hook, effects=effects, resolved_seq=3)


def test_retry_only_when_due_and_allowed() -> None:
    due = Clock(retry_due=True)
    op = next_op(errored(), remote(config_version=2), MODEL, due)
    assert op == RunHook(hook=HookInfo(kind="config-changed"), effects=Effects(config_version=2))
    no_retry = MODEL.model_copy(update={"automatically_retry_hooks": False})
    assert next_op(errored(), remote(), no_retry, due) is None
    assert next_op(errored(), remote(), MODEL, NOW) is None
    # a missing model view defaults to retrying
    assert hook_of(next_op(errored(), remote(), None, due)) == "config-changed"


@pytest.mark.parametrize("clock, remote_over, kind", [
    (Clock(retry_due=True), {}, "run-hook"),
    (NOW, {"resolved": "retry", "resolved_seq": 1}, "run-hook"),
    (NOW, {"resolved": "no-retry", "resolved_seq": 1}, "skip-hook"),
])
def test_retried_or_skipped_hook_covers_changes_made_while_in_error(clock, remote_over, kind) -> None:
    # config changed twice while config-changed was failing: the retried (or skipped) hook
    # handles the config as it is now, so no second config-changed follows it
    view = remote(config_version=4, **remote_over)
    op = next_op(errored(), view, MODEL, clock)
    assert op is not None and op.kind == kind and op.effects == Effects(config_version=4)  # type: ignore[attr-defined]
    assert next_op(feed(errored(), op), view, MODEL, NOW) is None


def test_retried_leader_settings_changed_takes_current_version() -> None:
    local = started(leader_settings_version=1,
                    error=HookError(hook=HookInfo(kind="leader-settings-changed"),
                                    effects=Effects(leader_settings_version=2)))
    op = next_op(local, remote(leader_settings_version=5), MODEL, Clock(retry_due=True))
    assert isinstance(op, RunHook) and op.effects == Effects(leader_settings_version=5)


def test_retried_other_hooks_keep_their_effects() -> None:
    local = started(started=False, error=HookError(hook=HookInfo(kind="start"), effects=Effects(started=True)))
    op = next_op(local, remote(config_version=9), MODEL, Clock(retry_due=True))
    assert isinstance(op, RunHook) and op.effects == Effects(started=True)


def test_resolution_outranks_retry() -> None:
    op = next_op(errored(), remote(resolved="no-retry", resolved_seq=1), MODEL, Clock(retry_due=True))
    assert isinstance(op, SkipHook)


# -- teardown -------------------------------------------------------------------------------


def test_dying_unit_stops_then_removes_then_reports_dead() -> None:
    seen, local = settle(started(), remote(life="dying"))
    assert seen == ["stop", "remove", "report-dead"]
    assert local.stopped and local.removed


def test_removed_reports_dead_even_without_view() -> None:
    assert next_op(started(removed=True), None, None, NOW) == ReportDead()


@pytest.mark.parametrize("life", ["dying", "dead"])
def test_never_installed_and_dying_reports_dead(life) -> None:
    assert next_op(LocalState(), remote(life=life), MODEL, NOW) == ReportDead()


def test_dying_outranks_leadership_and_config() -> None:
    op = next_op(started(), remote(life="dying", leader=True, config_version=9), MODEL, NOW)
    assert hook_of(op) == "stop"


def test_dying_before_start_still_stops() -> None:
    assert hook_of(next_op(started(started=False), remote(life="dying"), MODEL, NOW)) == "stop"


# -- refresh -------------------------------------------------------------------------------


def test_a_refresh_deploys_files_then_runs_upgrade_charm_before_config_changed() -> None:
    local = started(leader=True, charm_version=1)
    new = CharmRef(url="local:x-1", sha256="b" * 64, version=2)
    view = remote(leader=True, config_version=2, charm=new)
    seen, local = settle(local, view)
    assert seen == ["deploy-charm", "upgrade-charm", "config-changed"]
    assert local.charm_sha == "b" * 64 and local.charm_version == 2 and local.config_version == 2


def test_a_refresh_to_the_same_files_skips_the_deploy() -> None:
    view = remote(config_version=1, charm=CHARM.model_copy(update={"version": 3}))
    op = next_op(started(charm_version=2), view, MODEL, NOW)
    assert op == RunHook(hook=HookInfo(kind="upgrade-charm"), effects=Effects(charm_version=3))
