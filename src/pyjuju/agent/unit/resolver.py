"""The resolver: a pure function choosing the unit's next operation.

Level-triggered like Juju's uniter: it only compares what the controller
wants (the remote view) with what the unit has handled (local state), so
missed or repeated notifications cannot lose or duplicate work. Priorities
follow docs/charm-runtime.md (Hook order); the first-deploy order install → leader-elected (or
leader-settings-changed) → config-changed → start falls out of them.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from .state import HookInfo, LocalState


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Op:
    """One operation. ``kind`` is ``run-hook``, ``resume-commit``, ``resolve``,
    ``accept-deposed``, ``enter-scope``, ``leave-scope``, ``run-action``,
    ``abort-action`` or ``report-dead``."""

    kind: str
    hook: HookInfo | None = None
    relation_id: str = ""
    """For ``enter-scope`` / ``leave-scope``: relations that need no hook."""
    task: dict[str, Any] | None = None
    """For ``run-action`` / ``abort-action``: the task (an action or an exec command)."""
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
    if local.op is not None and "action" in local.op:
        # An action the agent was running when it died is failed, never re-run (Juju).
        return Op(kind="abort-action", task=local.op["action"])
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

    # Actions and exec commands run between hooks, even while a hook is in error.
    done = set(local.extra.get("tasks_done") or ())
    tasks = [t for t in remote.get("actions") or () if t["id"] not in done]
    for t in tasks:
        if t["status"] == "running":  # started by an agent that since died
            return Op(kind="abort-action", task=t)
    if local.installed:
        for t in tasks:
            if t["status"] == "pending":
                return Op(kind="run-action", task=t)

    if local.error is not None:
        hook = HookInfo.from_dict(local.error["hook"])
        effects = _refresh_effects(hook, local.error.get("effects", {}), remote)
        if int(remote.get("resolved_seq", 0)) > local.resolved_seq:
            return Op(kind="resolve", hook=hook, retry=remote.get("resolved") != "no-retry",
                      effects=effects)
        if clock.retry_due and (model or {}).get("automatically_retry_hooks", True):
            return Op(kind="run-hook", hook=hook, effects=effects)
        return None

    relations: dict[str, Any] = remote.get("relations") or {}
    storage: dict[str, Any] = remote.get("storage") or {}
    known_storage: dict[str, Any] = local.extra.get("storage") or {}
    dying = remote.get("life", "alive") != "alive"
    for sid in sorted(known_storage):
        sv = storage.get(sid)
        if dying or sv is None or sv.get("life") != "alive":
            return Op(kind="run-hook", hook=HookInfo(kind="storage-detaching", storage_id=sid),
                      effects={"storage": {"id": sid, "state": "detached"}})
    if not dying:
        for sid in sorted(storage):
            if sid not in known_storage and storage[sid].get("life") == "alive":
                # Before install: machine charms see their initial storage attached first.
                return Op(kind="run-hook", hook=HookInfo(kind="storage-attached", storage_id=sid),
                          effects={"storage": {"id": sid, "state": "attached"}})
    if dying:
        for rid in sorted(local.relations, key=int):
            op = _relation_op(rid, local.relations[rid], None, departing_self=str(remote.get("name", "")))
            if op is not None:
                return op
        return _teardown(local)

    charm_version = int((remote.get("charm") or {}).get("version", 0))
    if not local.installed:
        return _hook("install", installed=True, charm_version=charm_version)

    for rid in sorted(relations, key=int):
        rv = relations[rid]
        if rv.get("life") == "alive" and rid not in local.relations:
            if rv.get("implicit"):
                return Op(kind="enter-scope", relation_id=rid, effects={"relation": _created(rid, rv)})
            hook = HookInfo(kind="relation-created", relation_id=int(rid), endpoint=rv["endpoint"],
                            remote_app=rv["remote_app"])
            return Op(kind="run-hook", hook=hook, effects={"relation": _created(rid, rv)})

    leader = bool(remote.get("leader"))
    if leader and not local.leader:
        return _hook("leader-elected", leader=True)
    ls_version = int(remote.get("leader_settings_version", 0))
    if not leader and ls_version != local.leader_settings_version:
        return _hook("leader-settings-changed", leader_settings_version=ls_version)

    op = _secret_op(local, remote.get("secrets") or {})
    if op is not None:
        return op
    if charm_version != local.charm_version:
        # A refresh: new charm files, then upgrade-charm (config-changed follows,
        # as the controller bumps the config version with every refresh).
        return _hook("upgrade-charm", charm_version=charm_version)
    config_version = int(remote.get("config_version", 0))
    if config_version != local.config_version:
        return _hook("config-changed", config_version=config_version)
    if not local.started:
        return _hook("start", started=True)
    for rid in sorted(local.relations, key=int):
        rv = relations.get(rid)
        op = _relation_op(rid, local.relations[rid], rv if rv and rv.get("life") == "alive" else None)
        if op is not None:
            return op
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


def _secret_op(local: LocalState, view: dict[str, Any]) -> Op | None:
    """secret-changed for consumers, secret-rotate/-expired/-remove for owners; each once
    per (secret, revision) — remembered in ``local.extra["secret_hooks"]``."""
    seen = local.extra.get("secret_hooks") or {}
    for sid, c in sorted((view.get("consumed") or {}).items()):
        key = f"changed:{sid}"
        if int(c["latest"]) > int(c["tracked"]) and seen.get(key) != c["latest"]:
            return _secret_hook("secret-changed", sid, c.get("label", ""), 0, key, c["latest"])
    for sid, o in sorted((view.get("owned") or {}).items()):
        key = f"rotate:{sid}"
        if o.get("rotate_due") and seen.get(key) != o["latest"]:
            return _secret_hook("secret-rotate", sid, o.get("label", ""), 0, key, o["latest"])
        for rev in o.get("expired") or ():
            key = f"expired:{sid}:{rev}"
            if key not in seen:
                return _secret_hook("secret-expired", sid, o.get("label", ""), int(rev), key, 1)
        for rev in o.get("obsolete") or ():
            key = f"remove:{sid}:{rev}"
            if key not in seen:
                return _secret_hook("secret-remove", sid, o.get("label", ""), int(rev), key, 1)
    return None


def _secret_hook(kind: str, sid: str, label: str, revision: int, key: str, value: Any) -> Op:
    hook = HookInfo(kind=kind, secret_id=sid, secret_label=label, secret_revision=revision)
    return Op(kind="run-hook", hook=hook, effects={"secret_hook": {"key": key, "value": value}})


def _created(rid: str, rv: dict[str, Any]) -> dict[str, Any]:
    return {"id": rid, "action": "created", "endpoint": rv["endpoint"], "remote_app": rv["remote_app"],
            "peer": bool(rv.get("peer")), "implicit": bool(rv.get("implicit"))}


def _relation_op(rid: str, lr: dict[str, Any], rv: dict[str, Any] | None,
                 departing_self: str = "") -> Op | None:
    """The next hook for one relation, in Juju's order: a pending changed, departs,
    broken, app-level changed, joins, unit-level changed. ``rv`` is None when the
    relation (or this unit) is going away: every member departs, then it breaks.
    ``departing_self`` names this unit when it is the one leaving (JUJU_DEPARTING_UNIT)."""
    if lr.get("broken"):
        return Op(kind="leave-scope", relation_id=rid)
    endpoint, remote_app = lr["endpoint"], lr["remote_app"]
    remote_members: dict[str, int] = {} if rv is None else dict(rv.get("members") or {})
    local_members: dict[str, int] = lr.get("members") or {}

    def hook(kind: str, unit: str = "", departing: str = "") -> HookInfo:
        return HookInfo(kind=kind, relation_id=int(rid), endpoint=endpoint, remote_unit=unit,
                        remote_app=remote_app if not unit else unit.rsplit("/", 1)[0],
                        departing_unit=departing)

    if lr.get("implicit"):  # the implicit juju-info side never runs hooks
        return Op(kind="leave-scope", relation_id=rid) if rv is None else None
    pending = lr.get("changed_pending") or ""
    if pending and rv is not None:
        version = remote_members.get(pending, local_members.get(pending, 0))
        return Op(kind="run-hook", hook=hook("relation-changed", pending),
                  effects={"relation": {"id": rid, "action": "changed", "unit": pending, "version": version}})
    everyone = sorted(set(local_members) | set(remote_members))
    for unit in everyone:
        if unit in local_members and unit not in remote_members:
            return Op(kind="run-hook", hook=hook("relation-departed", unit, departing_self or unit),
                      effects={"relation": {"id": rid, "action": "departed", "unit": unit}})
    if rv is None:
        if lr.get("peer"):
            return Op(kind="leave-scope", relation_id=rid)
        return Op(kind="run-hook", hook=hook("relation-broken"),
                  effects={"relation": {"id": rid, "action": "broken"}})
    app_version = int(rv.get("app_version") or 0)
    if app_version != int((lr.get("app_members") or {}).get(remote_app, 0)):
        return Op(kind="run-hook", hook=hook("relation-changed"),
                  effects={"relation": {"id": rid, "action": "app-changed", "app": remote_app,
                                        "version": app_version}})
    for unit in everyone:
        if unit in remote_members and unit not in local_members:
            return Op(kind="run-hook", hook=hook("relation-joined", unit),
                      effects={"relation": {"id": rid, "action": "joined", "unit": unit,
                                            "version": remote_members[unit]}})
    for unit in everyone:
        if unit in remote_members and unit in local_members and remote_members[unit] != local_members[unit]:
            return Op(kind="run-hook", hook=hook("relation-changed", unit),
                      effects={"relation": {"id": rid, "action": "changed", "unit": unit,
                                            "version": remote_members[unit]}})
    return None


def _teardown(local: LocalState) -> Op:
    if not local.installed:
        return Op(kind="report-dead")
    if not local.stopped:
        return _hook("stop", stopped=True)
    return _hook("remove", removed=True)


def _hook(kind: str, **effects: Any) -> Op:
    return Op(kind="run-hook", hook=HookInfo(kind=kind), effects=effects)
