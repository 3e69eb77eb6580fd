"""The resolver: a pure function from (local, remote, model, clock) to the next op."""

from __future__ import annotations

from typing import Any

import pytest

from pyjuju.agent.unit.resolver import Clock, Op, next_op
from pyjuju.agent.unit.state import HookInfo, LocalState

NOW = Clock()


def remote(**over: Any) -> dict[str, Any]:
    view: dict[str, Any] = {
        "name": "app/0",
        "life": "alive",
        "leader": False,
        "leader_settings_version": 0,
        "config_version": 1,
        "resolved": "",
        "resolved_seq": 0,
    }
    view.update(over)
    return view


MODEL = {"automatically_retry_hooks": True}


def hook_of(op: Op | None) -> str | None:
    if op is None:
        return None
    if op.kind != "run-hook":
        return op.kind
    assert op.hook is not None
    return op.hook.kind


def apply(local: LocalState, op: Op) -> None:
    """What the uniter does once an op commits."""
    for k, v in op.effects.items():
        setattr(local, k, v)


def run_until_idle(local: LocalState, view: dict[str, Any], clock: Clock = NOW,
                   limit: int = 20) -> list[str]:
    seen: list[str] = []
    for _ in range(limit):
        op = next_op(local, view, MODEL, clock)
        if op is None:
            return seen
        seen.append(str(hook_of(op)))
        apply(local, op)
    raise AssertionError(f"resolver never settled: {seen}")


def started(**over: Any) -> LocalState:
    fields: dict[str, Any] = dict(installed=True, started=True, leader_settings_version=0,
                                  config_version=1)
    fields.update(over)
    return LocalState(**fields)


# -- first deploy ---------------------------------------------------------------------


def test_first_deploy_order_for_leader() -> None:
    local = LocalState()
    assert run_until_idle(local, remote(leader=True)) == [
        "install", "leader-elected", "config-changed", "start",
    ]
    assert local.installed and local.started and local.leader and local.config_version == 1


def test_first_deploy_order_for_non_leader() -> None:
    local = LocalState()
    assert run_until_idle(local, remote(leader=False)) == [
        "install", "leader-settings-changed", "config-changed", "start",
    ]
    assert local.leader_settings_version == 0 and not local.leader


def test_no_remote_view_means_nothing_to_do() -> None:
    assert next_op(LocalState(), None, MODEL, NOW) is None


def test_effects_are_returned_not_applied() -> None:
    local = LocalState()
    op = next_op(local, remote(), MODEL, NOW)
    assert op == Op(kind="run-hook", hook=HookInfo(kind="install"), effects={"installed": True, "charm_version": 0})
    assert local == LocalState()  # the resolver is pure


# -- steady state changes -------------------------------------------------------------


@pytest.mark.parametrize(
    "local_over, remote_over, expected, effects",
    [
        ({}, {}, None, None),
        ({}, {"config_version": 2}, "config-changed", {"config_version": 2}),
        ({}, {"leader_settings_version": 3}, "leader-settings-changed", {"leader_settings_version": 3}),
        ({"leader": True}, {"leader": True, "leader_settings_version": 3}, None, None),
        ({}, {"leader": True}, "leader-elected", {"leader": True}),
        ({"leader": True}, {"leader": False}, "accept-deposed", {"leader": False}),
        # leadership outranks config
        ({}, {"leader": True, "config_version": 5}, "leader-elected", {"leader": True}),
        ({"started": False}, {}, "start", {"started": True}),
        ({"started": False}, {"config_version": 2}, "config-changed", {"config_version": 2}),
    ],
)
def test_steady_state(local_over, remote_over, expected, effects) -> None:
    op = next_op(started(**local_over), remote(**remote_over), MODEL, NOW)
    assert hook_of(op) == expected
    if op is not None:
        assert op.effects == effects


def test_deposed_then_settings_changed() -> None:
    local = started(leader=True)
    assert run_until_idle(local, remote(leader=False, leader_settings_version=4)) == [
        "accept-deposed", "leader-settings-changed",
    ]


def test_update_status_only_when_due_and_started() -> None:
    due = Clock(update_status_due=True)
    op = next_op(started(), remote(), MODEL, due)
    assert hook_of(op) == "update-status" and op is not None and op.effects == {}
    assert next_op(started(), remote(), MODEL, NOW) is None
    # not started yet: start comes first, never update-status
    assert hook_of(next_op(started(started=False), remote(), MODEL, due)) == "start"
    # other work outranks update-status
    assert hook_of(next_op(started(), remote(config_version=2), MODEL, due)) == "config-changed"


# -- in-flight ops ---------------------------------------------------------------------


@pytest.mark.parametrize("step", ["queued", "running"])
def test_pending_op_runs_again(step) -> None:
    hook = HookInfo(kind="config-changed")
    local = started(op={"hook": hook.to_dict(), "step": step, "effects": {"config_version": 2}})
    op = next_op(local, remote(life="dying"), MODEL, NOW)  # outranks everything, even dying
    assert op == Op(kind="run-hook", hook=hook, effects={"config_version": 2})
    # ... and even when there is no remote view yet (agent just restarted)
    assert next_op(local, None, None, NOW) == op


def test_committing_op_resumes_commit() -> None:
    hook = HookInfo(kind="relation-changed", relation_id=3, endpoint="db", remote_unit="pg/0")
    local = started(op={"hook": hook.to_dict(), "step": "committing", "effects": {"x": 1},
                        "commit": {"commit_id": "abc"}})
    op = next_op(local, None, None, NOW)
    assert op == Op(kind="resume-commit", hook=hook, effects={"x": 1})
    assert op.hook is not None and op.hook.name == "db-relation-changed"


def test_pending_op_without_effects() -> None:
    local = started(op={"hook": {"kind": "update-status"}, "step": "queued"})
    assert next_op(local, remote(), MODEL, NOW) == Op(kind="run-hook",
                                                      hook=HookInfo(kind="update-status"))


# -- errors -------------------------------------------------------------------------------


def errored(**over: Any) -> LocalState:
    return started(error={"hook": {"kind": "config-changed"}, "effects": {"config_version": 2}},
                   **over)


def test_error_waits_for_resolution() -> None:
    assert next_op(errored(), remote(config_version=2), MODEL, NOW) is None
    # not even a dying unit or newer config gets past an error
    assert next_op(errored(), remote(life="dying", config_version=3), MODEL, NOW) is None
    assert next_op(errored(), remote(), MODEL, Clock(update_status_due=True)) is None


@pytest.mark.parametrize("resolved, retry", [("retry", True), ("no-retry", False), ("", True)])
def test_resolved_seq_resolves(resolved, retry) -> None:
    local = errored(resolved_seq=2)
    assert next_op(local, remote(resolved=resolved, resolved_seq=2), MODEL, NOW) is None
    op = next_op(local, remote(resolved=resolved, resolved_seq=3, config_version=2), MODEL, NOW)
    assert op == Op(kind="resolve", hook=HookInfo(kind="config-changed"), retry=retry,
                    effects={"config_version": 2})


def test_retry_only_when_due_and_allowed() -> None:
    due = Clock(retry_due=True)
    op = next_op(errored(), remote(config_version=2), MODEL, due)
    assert op == Op(kind="run-hook", hook=HookInfo(kind="config-changed"),
                    effects={"config_version": 2})
    assert next_op(errored(), remote(), {"automatically_retry_hooks": False}, due) is None
    assert next_op(errored(), remote(), MODEL, NOW) is None
    # a missing model view defaults to retrying
    assert hook_of(next_op(errored(), remote(), None, due)) == "config-changed"


@pytest.mark.parametrize("clock, remote_over, kind", [
    (Clock(retry_due=True), {}, "run-hook"),
    (NOW, {"resolved": "retry", "resolved_seq": 1}, "resolve"),
    (NOW, {"resolved": "no-retry", "resolved_seq": 1}, "resolve"),
])
def test_retried_or_skipped_hook_covers_changes_made_while_in_error(clock, remote_over, kind) -> None:
    # config changed twice while config-changed was failing: the retried (or skipped) hook
    # handles the config as it is now, so no second config-changed follows it
    local = errored()
    op = next_op(local, remote(config_version=4, **remote_over), MODEL, clock)
    assert op is not None and op.kind == kind and op.effects == {"config_version": 4}
    local.error = None
    local.resolved_seq = int(remote_over.get("resolved_seq", 0))
    apply(local, op)
    assert next_op(local, remote(config_version=4, **remote_over), MODEL, NOW) is None


def test_retried_leader_settings_changed_takes_current_version() -> None:
    local = started(leader_settings_version=1,
                    error={"hook": {"kind": "leader-settings-changed"},
                           "effects": {"leader_settings_version": 2}})
    op = next_op(local, remote(leader_settings_version=5), MODEL, Clock(retry_due=True))
    assert op is not None and op.effects == {"leader_settings_version": 5}


def test_retried_other_hooks_keep_their_effects() -> None:
    local = started(started=False, error={"hook": {"kind": "start"}, "effects": {"started": True}})
    op = next_op(local, remote(config_version=9), MODEL, Clock(retry_due=True))
    assert op is not None and op.effects == {"started": True}


def test_resolution_outranks_retry() -> None:
    op = next_op(errored(), remote(resolved="no-retry", resolved_seq=1), MODEL, Clock(retry_due=True))
    assert op is not None and op.kind == "resolve" and op.retry is False


# -- teardown -------------------------------------------------------------------------------


def test_dying_unit_stops_then_removes_then_reports_dead() -> None:
    local = started()
    view = remote(life="dying")
    seen = []
    for _ in range(5):
        op = next_op(local, view, MODEL, NOW)
        assert op is not None
        seen.append(hook_of(op))
        if op.kind == "report-dead":
            break
        apply(local, op)
    assert seen == ["stop", "remove", "report-dead"]
    assert local.stopped and local.removed


def test_removed_reports_dead_even_without_view() -> None:
    assert hook_of(next_op(started(removed=True), None, None, NOW)) == "report-dead"


@pytest.mark.parametrize("life", ["dying", "dead"])
def test_never_installed_and_dying_reports_dead(life) -> None:
    op = next_op(LocalState(), remote(life=life), MODEL, NOW)
    assert op == Op(kind="report-dead")


def test_dying_outranks_leadership_and_config() -> None:
    op = next_op(started(), remote(life="dying", leader=True, config_version=9), MODEL, NOW)
    assert hook_of(op) == "stop"


def test_dying_before_start_still_stops() -> None:
    local = started(started=False)
    assert hook_of(next_op(local, remote(life="dying"), MODEL, NOW)) == "stop"



def test_a_refresh_runs_upgrade_charm_before_config_changed() -> None:
    local = LocalState(installed=True, started=True, leader=True, config_version=1, charm_version=1)
    view = remote(leader=True, config_version=2, charm={"url": "local:x-1", "sha256": "b" * 64, "version": 2})
    op = next_op(local, view, MODEL, NOW)
    assert op is not None and op.hook == HookInfo(kind="upgrade-charm")
    assert op.effects == {"charm_version": 2}
    local.charm_version = 2
    op = next_op(local, view, MODEL, NOW)
    assert op is not None and op.hook == HookInfo(kind="config-changed")
