"""The resolver: a pure function choosing the unit's next operation.

Level-triggered like Juju's uniter: it only compares what the controller
wants (the remote view) with what the unit has handled (local state), so
missed or repeated notifications cannot lose or duplicate work. Priorities
follow spec §2.2; the first-deploy order install → leader-elected (or
leader-settings-changed) → config-changed → start falls out of them.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from .state import HookInfo, LocalState


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Op:
    """One operation. ``kind`` is ``run-hook``, ``resume-commit``, ``resolve``,
    ``accept-deposed`` or ``report-dead``."""

    kind: str
    hook: HookInfo | None = None
    retry: bool = True
    effects: dict[str, Any] = dataclasses.field(default_factory=dict)
    """Local-state fields to set once the hook commits."""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Clock:
    """Timer facts computed by the caller, so the resolver stays pure."""

    update_status_due: bool = False
    retry_due: bool = False


def next_op(local: LocalState, remote: dict[str, Any] | None, model: dict[str, Any] | None,
            clock: Clock) -> Op | None:
    if local.op is not None:
        hook = HookInfo.from_dict(local.op["hook"])
        if local.op.get("step") == "committing":
            return Op(kind="resume-commit", hook=hook, effects=local.op.get("effects", {}))
        return Op(kind="run-hook", hook=hook, effects=local.op.get("effects", {}))
    if local.removed:
        return Op(kind="report-dead")
    if remote is None:
        return None
    if local.leader and not remote.get("leader"):
        # Losing leadership needs no hook, so it is accepted even while in error.
        return Op(kind="accept-deposed", effects={"leader": False})

    if local.error is not None:
        hook = HookInfo.from_dict(local.error["hook"])
        effects = _refresh_effects(hook, local.error.get("effects", {}), remote)
        if int(remote.get("resolved_seq", 0)) > local.resolved_seq:
            return Op(kind="resolve", hook=hook, retry=remote.get("resolved") != "no-retry",
                      effects=effects)
        if clock.retry_due and (model or {}).get("automatically_retry_hooks", True):
            return Op(kind="run-hook", hook=hook, effects=effects)
        return None

    if remote.get("life", "alive") != "alive":
        return _teardown(local)

    if not local.installed:
        return _hook("install", installed=True)

    leader = bool(remote.get("leader"))
    if leader and not local.leader:
        return _hook("leader-elected", leader=True)
    ls_version = int(remote.get("leader_settings_version", 0))
    if not leader and ls_version != local.leader_settings_version:
        return _hook("leader-settings-changed", leader_settings_version=ls_version)

    config_version = int(remote.get("config_version", 0))
    if config_version != local.config_version:
        return _hook("config-changed", config_version=config_version)
    if not local.started:
        return _hook("start", started=True)
    if clock.update_status_due:
        return _hook("update-status")
    return None


def _refresh_effects(hook: HookInfo, effects: dict[str, Any], remote: dict[str, Any]) -> dict[str, Any]:
    """A retried or skipped hook handles the remote state as it is *now* (Juju's
    ``wrapHookOp``): a config change made while the unit was in error is covered
    by the retried config-changed, not followed by another one."""
    out = dict(effects)
    if hook.kind == "config-changed":
        out["config_version"] = int(remote.get("config_version", 0))
    elif hook.kind == "leader-settings-changed":
        out["leader_settings_version"] = int(remote.get("leader_settings_version", 0))
    return out


def _teardown(local: LocalState) -> Op:
    if not local.installed:
        return Op(kind="report-dead")
    if not local.stopped:
        return _hook("stop", stopped=True)
    return _hook("remove", removed=True)


def _hook(kind: str, **effects: Any) -> Op:
    return Op(kind="run-hook", hook=HookInfo(kind=kind), effects=effects)
