"""Building views and local states for resolver tests, and replaying whole sequences.

``settle`` feeds each operation's effects back through the uniter's own pure
:func:`apply_effects` (and what the other operations record), so a test
checks the same bookkeeping the agent does.
"""

from __future__ import annotations

from typing import Any

from pyjuju.agent.unit.effects import apply_effects, leave_relation
from pyjuju.agent.unit.operations import (
    AcceptDeposed,
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
from pyjuju.agent.unit.resolver import Clock, next_op
from pyjuju.agent.unit.state import LocalRelation, LocalState
from pyjuju.wire import CharmRef, ModelView, RelationView, UnitView

NOW = Clock()
MODEL = ModelView(uuid="u", name="m", automatically_retry_hooks=True)
SHA = "a" * 64
CHARM = CharmRef(url="local:wp-0", sha256=SHA, version=0)


def remote(relations: dict[int, RelationView] | None = None, **over: Any) -> UnitView:
    fields: dict[str, Any] = {"name": "wp/0", "application": "wp", "charm": CHARM, "config_version": 1,
                              "relations": relations or {}}
    fields.update(over)
    return UnitView(**fields)


def rv(endpoint: str = "db", remote_app: str = "mysql", members: dict[str, int] | None = None,
       app_version: int = 0, life: str = "alive", peer: bool = False, implicit: bool = False) -> RelationView:
    return RelationView(endpoint=endpoint, interface="x", role="peer" if peer else "requirer", implicit=implicit,
                        peer=peer, remote_app=remote_app, life=life, members=dict(members or {}),
                        app_version=app_version)


def peer_rv(members: dict[str, int] | None = None, app_version: int = 0, life: str = "alive") -> RelationView:
    return rv("cluster", "wp", members, app_version, life, peer=True)


def lr(endpoint: str = "db", remote_app: str = "mysql", members: dict[str, int] | None = None,
       app_version: int = 0, pending: str = "", peer: bool = False, implicit: bool = False,
       broken: bool = False) -> LocalRelation:
    return LocalRelation(endpoint=endpoint, remote_app=remote_app, peer=peer, implicit=implicit,
                         members=dict(members or {}), app_version=app_version, changed_pending=pending,
                         broken=broken)


def started(relations: dict[int, LocalRelation] | None = None, **over: Any) -> LocalState:
    fields: dict[str, Any] = dict(charm_sha=SHA, installed=True, started=True, leader_settings_version=0,
                                  config_version=1, relations=relations or {})
    fields.update(over)
    return LocalState(**fields)


def hook_of(op: Operation | None) -> str | None:
    """The hook kind of a hook operation, else the operation's kind."""
    if op is None:
        return None
    if isinstance(op, RunHook):
        return op.hook.kind
    return op.kind


def describe(op: Operation | None) -> str | None:
    """``db-relation-joined mysql/0 @3`` / ``enter-scope 4`` / ``start``."""
    if op is None:
        return None
    if isinstance(op, EnterScope | LeaveScope):
        return f"{op.kind} {op.relation_id}"
    if not isinstance(op, RunHook):
        return op.kind
    h = op.hook
    if h.relation_id is None:
        return h.kind
    return " ".join(x for x in (h.name, h.remote_unit, f"@{h.relation_id}") if x)


def feed(local: LocalState, op: Operation) -> LocalState:
    """The state after ``op`` succeeded, as the agent records it."""
    if isinstance(op, DeployCharm):
        return local.model_copy(update={"charm_sha": op.charm.sha256})
    if isinstance(op, LeaveScope):
        return leave_relation(local, op.relation_id)
    if isinstance(op, SkipHook):
        return apply_effects(local, op.effects).model_copy(update={"resolved_seq": op.resolved_seq, "error": None})
    if isinstance(op, RunHook):
        if op.resolved_seq is not None:
            local = local.model_copy(update={"resolved_seq": op.resolved_seq, "error": None})
        return apply_effects(local, op.effects).model_copy(update={"op": None, "error": None})
    if isinstance(op, EnterScope | AcceptDeposed):
        return apply_effects(local, op.effects)
    if isinstance(op, RunTask):
        return local.with_task_done(op.task.id)
    if isinstance(op, FailTask):
        return local.with_task_done(op.task_id)
    return local


def settle(local: LocalState, view: UnitView | None, clock: Clock = NOW, limit: int = 60,
           show=hook_of) -> tuple[list[str], LocalState]:
    """Run the resolver until it has nothing to do: what it chose, and the final state."""
    seen: list[str] = []
    for _ in range(limit):
        op = next_op(local, view, MODEL, clock)
        if op is None:
            return seen, local
        seen.append(str(show(op)))
        if isinstance(op, ReportDead):
            return seen, local
        local = feed(local, op)
    raise AssertionError(f"resolver never settled: {seen}")
