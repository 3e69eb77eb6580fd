"""The resolver: a pure function choosing the unit's next operation.

Level-triggered like Juju's uniter: it only compares what the controller
wants (the remote view) with what the unit has handled (local state), so
missed or repeated notifications cannot lose or duplicate work. Priorities
follow docs/charm-runtime.md (Hook order); the first-deploy order install →
leader-elected (or leader-settings-changed) → config-changed → start falls
out of them.
"""

from __future__ import annotations

import dataclasses

from ...wire import ModelView, RelationView, SecretsView, UnitView
from .operations import (
    AcceptDeposed,
    CommitHook,
    DeployCharm,
    EnterScope,
    FailTask,
    LeaveScope,
    Operation,
    ReportDead,
    RunHook,
    RunTask,
    SkipHook,
)
from .state import (
    AppBagSeen,
    Effects,
    HookInFlight,
    HookInfo,
    LocalRelation,
    LocalState,
    MemberDeparted,
    MemberSeen,
    RelationBroken,
    RelationCreated,
    SecretHookSeen,
    StorageEffect,
    TaskInFlight,
)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Clock:
    """Timer facts computed by the caller, so the resolver stays pure."""

    update_status_due: bool = False
    retry_due: bool = False


def next_op(local: LocalState, remote: UnitView | None, model: ModelView | None, clock: Clock) -> Operation | None:
    if isinstance(local.op, TaskInFlight):
        # An action the agent was running when it died is failed, never re-run (Juju).
        return FailTask(task_id=local.op.id)
    if isinstance(local.op, HookInFlight):
        if local.op.step == "committing":
            return CommitHook(hook=local.op.hook, effects=local.op.effects)
        return RunHook(hook=local.op.hook, effects=local.op.effects)
    if local.removed:
        return ReportDead()
    if remote is None:
        return None
    if local.leader and not remote.leader:
        # Losing leadership needs no hook, so it is accepted even while in error.
        return AcceptDeposed()

    # Actions and exec commands run between hooks, even while a hook is in error.
    tasks = [t for t in remote.actions if t.id not in local.tasks_done]
    for t in tasks:
        if t.status == "running":  # started by an agent that since died
            return FailTask(task_id=t.id)
    if local.installed:
        for t in tasks:
            if t.status == "pending":
                return RunTask(task=t)

    if local.error is not None:
        hook = local.error.hook
        effects = _refresh_effects(hook, local.error.effects, remote)
        if remote.resolved_seq > local.resolved_seq:
            if remote.resolved == "no-retry":
                return SkipHook(hook=hook, effects=effects, resolved_seq=remote.resolved_seq)
            return RunHook(hook=hook, effects=effects, resolved_seq=remote.resolved_seq)
        if clock.retry_due and (model is None or model.automatically_retry_hooks):
            return RunHook(hook=hook, effects=effects)
        return None

    dying = remote.life != "alive"
    for sid in sorted(local.storage):
        sv = remote.storage.get(sid)
        if dying or sv is None or sv.life != "alive":
            return RunHook(hook=HookInfo(kind="storage-detaching", storage_id=sid),
                           effects=Effects(storage=StorageEffect(id=sid, attached=False)))
    if dying:
        for rid in sorted(local.relations):
            op = _relation_op(rid, local.relations[rid], None, departing_self=remote.name)
            if op is not None:
                return op
        return _teardown(local)

    if not local.installed and local.charm_sha != remote.charm.sha256:
        return DeployCharm(charm=remote.charm)
    for sid in sorted(remote.storage):
        if sid not in local.storage and remote.storage[sid].life == "alive":
            # Before install: machine charms see their initial storage attached first.
            return RunHook(hook=HookInfo(kind="storage-attached", storage_id=sid),
                           effects=Effects(storage=StorageEffect(id=sid, attached=True)))
    charm_version = remote.charm.version
    if not local.installed:
        return _hook("install", Effects(installed=True, charm_version=charm_version))

    for rid in sorted(remote.relations):
        rv = remote.relations[rid]
        if rv.life == "alive" and rid not in local.relations:
            created = Effects(relation=RelationCreated(id=rid, endpoint=rv.endpoint, remote_app=rv.remote_app,
                                                       peer=rv.peer, implicit=rv.implicit))
            if rv.implicit:
                return EnterScope(relation_id=rid, effects=created)
            hook = HookInfo(kind="relation-created", relation_id=rid, endpoint=rv.endpoint,
                            remote_app=rv.remote_app)
            return RunHook(hook=hook, effects=created)

    if remote.leader and not local.leader:
        return _hook("leader-elected", Effects(leader=True))
    ls_version = remote.leader_settings_version
    if not remote.leader and ls_version != local.leader_settings_version:
        return _hook("leader-settings-changed", Effects(leader_settings_version=ls_version))

    op = _secret_op(local, remote.secrets)
    if op is not None:
        return op
    if charm_version != local.charm_version:
        # A refresh: new charm files, then upgrade-charm (config-changed follows,
        # as the controller bumps the config version with every refresh).
        if local.charm_sha != remote.charm.sha256:
            return DeployCharm(charm=remote.charm)
        return _hook("upgrade-charm", Effects(charm_version=charm_version))
    if remote.config_version != local.config_version:
        return _hook("config-changed", Effects(config_version=remote.config_version))
    if not local.started:
        return _hook("start", Effects(started=True))
    for rid in sorted(local.relations):
        joined = remote.relations.get(rid)
        op = _relation_op(rid, local.relations[rid], joined if joined is not None and joined.life == "alive" else None)
        if op is not None:
            return op
    if clock.update_status_due:
        return _hook("update-status")
    return None


def _refresh_effects(hook: HookInfo, effects: Effects, remote: UnitView) -> Effects:
    """A retried or skipped hook handles the remote state as it is *now* (Juju's
    ``wrapHookOp``): a config change made while the unit was in error is covered
    by the retried config-changed, not followed by another one."""
    if hook.kind == "config-changed":
        return effects.model_copy(update={"config_version": remote.config_version})
    if hook.kind == "leader-settings-changed":
        return effects.model_copy(update={"leader_settings_version": remote.leader_settings_version})
    return effects


def _secret_op(local: LocalState, view: SecretsView) -> Operation | None:
    """secret-changed for consumers, secret-rotate/-expired/-remove for owners; each once
    per (secret, revision) — remembered in ``local.secret_hooks``."""
    seen = local.secret_hooks
    for sid, c in sorted(view.consumed.items()):
        key = f"changed:{sid}"
        if c.latest > c.tracked and seen.get(key) != c.latest:
            return _secret_hook("secret-changed", sid, c.label, 0, key, c.latest)
    for sid, o in sorted(view.owned.items()):
        key = f"rotate:{sid}"
        if o.rotate_due and seen.get(key) != o.latest:
            return _secret_hook("secret-rotate", sid, o.label, 0, key, o.latest)
        for rev in o.expired:
            key = f"expired:{sid}:{rev}"
            if key not in seen:
                return _secret_hook("secret-expired", sid, o.label, rev, key, 1)
        for rev in o.obsolete:
            key = f"remove:{sid}:{rev}"
            if key not in seen:
                return _secret_hook("secret-remove", sid, o.label, rev, key, 1)
    return None


def _secret_hook(kind: str, sid: str, label: str, revision: int, key: str, value: int) -> Operation:
    hook = HookInfo(kind=kind, secret_id=sid, secret_label=label, secret_revision=revision)
    return RunHook(hook=hook, effects=Effects(secret_hook=SecretHookSeen(key=key, value=value)))


def _relation_op(rid: int, lr: LocalRelation, rv: RelationView | None, departing_self: str = "") -> Operation | None:
    """The next hook for one relation, in Juju's order: a pending changed, departs,
    broken, app-level changed, joins, unit-level changed. ``rv`` is None when the
    relation (or this unit) is going away: every member departs, then it breaks.
    ``departing_self`` names this unit when it is the one leaving (JUJU_DEPARTING_UNIT)."""
    if lr.broken:
        return LeaveScope(relation_id=rid)
    endpoint, remote_app = lr.endpoint, lr.remote_app
    remote_members: dict[str, int] = {} if rv is None else rv.members
    local_members = lr.members

    def hook(kind: str, unit: str = "", departing: str = "") -> HookInfo:
        return HookInfo(kind=kind, relation_id=rid, endpoint=endpoint, remote_unit=unit,
                        remote_app=remote_app if not unit else unit.rsplit("/", 1)[0],
                        departing_unit=departing)

    def run(kind: str, effects: Effects, unit: str = "", departing: str = "") -> RunHook:
        return RunHook(hook=hook(kind, unit, departing), effects=effects)

    if lr.implicit:  # the implicit juju-info side never runs hooks
        return LeaveScope(relation_id=rid) if rv is None else None
    pending = lr.changed_pending
    if pending and rv is not None:
        version = remote_members.get(pending, local_members.get(pending, 0))
        return run("relation-changed", Effects(relation=MemberSeen(action="changed", id=rid, unit=pending,
                                                                  version=version)), pending)
    everyone = sorted(set(local_members) | set(remote_members))
    for unit in everyone:
        if unit in local_members and unit not in remote_members:
            return run("relation-departed", Effects(relation=MemberDeparted(id=rid, unit=unit)), unit,
                       departing_self or unit)
    if rv is None:
        if lr.peer:
            return LeaveScope(relation_id=rid)
        return run("relation-broken", Effects(relation=RelationBroken(id=rid)))
    if rv.app_version != lr.app_version:
        return run("relation-changed", Effects(relation=AppBagSeen(id=rid, version=rv.app_version)))
    for unit in everyone:
        if unit in remote_members and unit not in local_members:
            return run("relation-joined", Effects(relation=MemberSeen(
                action="joined", id=rid, unit=unit, version=remote_members[unit])), unit)
    for unit in everyone:
        if unit in remote_members and unit in local_members and remote_members[unit] != local_members[unit]:
            return run("relation-changed", Effects(relation=MemberSeen(
                action="changed", id=rid, unit=unit, version=remote_members[unit])), unit)
    return None


def _teardown(local: LocalState) -> Operation:
    if not local.installed:
        return ReportDead()
    if not local.stopped:
        return _hook("stop", Effects(stopped=True))
    return _hook("remove", Effects(removed=True))


def _hook(kind: str, effects: Effects | None = None) -> RunHook:
    return RunHook(hook=HookInfo(kind=kind), effects=effects or Effects())
