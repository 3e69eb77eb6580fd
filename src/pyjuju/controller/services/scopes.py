"""Leaving relation scopes, and removing the relations nobody is in any more.

A dying relation is removed when its last unit leaves its scope; a unit that
goes away leaves every scope it was in. Both units (removal) and relations
(the agent's leave-scope) need this, so it sits below both of them.
"""

from __future__ import annotations

from ...store import WriteTx


def leave(tx: WriteTx, model_uuid: str, unit: str, relation_id: int) -> None:
    """``unit`` leaves the relation's scope; a dying relation goes with its last member."""
    rel = tx.relation(model_uuid, relation_id)
    if rel is None:
        return
    tx.leave_scope(model_uuid, relation_id, unit)
    if rel.life != "alive" and not tx.scopes(model_uuid, relation_id):
        tx.remove_relation(model_uuid, relation_id)


def leave_all(tx: WriteTx, model_uuid: str, unit: str) -> None:
    """``unit`` leaves every scope it is in (it is being removed)."""
    for scope in tx.scopes(model_uuid):
        if scope.unit == unit:
            leave(tx, model_uuid, unit, scope.relation_id)


def remove_unheld_relations(tx: WriteTx, model_uuid: str, application: str) -> None:
    """The application is going: drop its relations that no unit is in any more."""
    for rel in tx.relations(model_uuid):
        if rel.endpoint_of(application) is not None and not tx.scopes(model_uuid, rel.id):
            tx.remove_relation(model_uuid, rel.id)
