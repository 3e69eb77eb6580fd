"""Applying an operation's effects to local state: a pure function.

The resolver decides, with each operation, what the unit will have handled
once it commits (``installed``, a config version, a relation member's bag
version, ...). Keeping the application of those effects pure means the
resolver, the executor and the tests all agree on what a committed hook
changed, and a state is never half updated.
"""

from __future__ import annotations

from typing import Any

from .state import (
    AppBagSeen,
    Effects,
    LocalRelation,
    LocalState,
    MemberDeparted,
    MemberSeen,
    RelationBroken,
    RelationCreated,
    RelationEffect,
)

_FLAGS = ("installed", "started", "stopped", "removed", "leader", "leader_settings_version",
          "config_version", "charm_version")


def apply_effects(state: LocalState, effects: Effects) -> LocalState:
    """``state`` with ``effects`` applied (``state`` itself is not changed)."""
    update: dict[str, Any] = {name: getattr(effects, name) for name in _FLAGS
                              if getattr(effects, name) is not None}
    if effects.relation is not None:
        update["relations"] = _apply_relation(state.relations, effects.relation)
    if effects.secret_hook is not None:
        update["secret_hooks"] = {**state.secret_hooks, effects.secret_hook.key: effects.secret_hook.value}
    if effects.storage is not None:
        sid = effects.storage.id
        others = tuple(s for s in state.storage if s != sid)
        update["storage"] = (*others, sid) if effects.storage.attached else others
    return state.model_copy(update=update) if update else state


def _apply_relation(relations: dict[int, LocalRelation], eff: RelationEffect) -> dict[int, LocalRelation]:
    out = dict(relations)
    if isinstance(eff, RelationCreated):
        out[eff.id] = LocalRelation(endpoint=eff.endpoint, remote_app=eff.remote_app, peer=eff.peer,
                                    implicit=eff.implicit)
        return out
    lr = relations.get(eff.id)
    if lr is None:
        return relations
    members = dict(lr.members)
    pending = lr.changed_pending
    update: dict[str, Any] = {}
    if isinstance(eff, MemberSeen):
        members[eff.unit] = eff.version
        if eff.action == "joined":
            pending = eff.unit
        elif pending == eff.unit:
            pending = ""
    elif isinstance(eff, AppBagSeen):
        update["app_version"] = eff.version
    elif isinstance(eff, MemberDeparted):
        members.pop(eff.unit, None)
        if pending == eff.unit:
            pending = ""
    elif isinstance(eff, RelationBroken):
        update["broken"] = True
    out[eff.id] = lr.model_copy(update={**update, "members": members, "changed_pending": pending})
    return out


def leave_relation(state: LocalState, relation_id: int) -> LocalState:
    """The unit left the relation's scope: forget it."""
    if relation_id not in state.relations:
        return state
    return state.model_copy(update={"relations": {k: v for k, v in state.relations.items() if k != relation_id}})
