"""Relations: integrate, remove, scopes, settings bags and their access rules.

Relations sit above units: killing a container relation takes the subordinate
units it alone held, and a principal entering a container relation's scope
creates its subordinate unit. How relations look in ``status`` is
:mod:`.status`'s business.
"""

from __future__ import annotations

import dataclasses

from ... import charm as charmlib
from ...charm import endpoints as eplib
from ...core import timefmt
from ...core.errors import (
    AlreadyExistsError,
    ForbiddenError,
    InvalidArgumentError,
    NotLeaderError,
    RelationNotFoundError,
    UsageError,
)
from ...store import ApplicationRow, ModelRow, ReadTx, RelationRow, ScopeRow, UnitRow, WriteTx
from . import scopes
from .base import Services
from .lookup import find_alive_application, resolve_model
from .units import add_subordinate_unit, kill_unit


# -- endpoints ------------------------------------------------------------------------
def app_endpoints(tx: ReadTx, m: ModelRow, app: ApplicationRow) -> list[eplib.AppEndpoint]:
    charm = tx.charm(m.uuid, app.charm_url)
    if charm is None:
        return []
    meta = charmlib.parse_metadata(charm.metadata, file=f"{charm.url} metadata")
    eps = eplib.app_endpoints(app.name, meta)
    if meta.subordinate != app.subordinate:
        eps = [dataclasses.replace(e, subordinate=app.subordinate) for e in eps]
    return eps


def add_peer_relations(tx: WriteTx, m: ModelRow, app: ApplicationRow) -> None:
    """Peer relations exist from deploy on, one per peer endpoint."""
    for ep in app_endpoints(tx, m, app):
        if ep.role == "peer":
            _add_relation(tx, m, [ep])


def _add_relation(tx: WriteTx, m: ModelRow, eps: list[eplib.AppEndpoint]) -> RelationRow:
    model = tx.model(m.uuid)
    assert model is not None
    rid = model.next_relation_id
    tx.update_model(m.uuid, kind="model-seq", next_relation_id=rid + 1)
    row = RelationRow(
        model_uuid=m.uuid,
        id=rid,
        key=eplib.relation_key(eps),
        life="alive",
        scope="container" if any(e.scope == "container" for e in eps) else "global",
        endpoints=[e.to_dict() for e in eps],
        created=timefmt.now_iso(),
    )
    tx.add_relation(row)
    return row


# -- integrate / remove ---------------------------------------------------------------
def integrate(svc: Services, model_ref: str, a_text: str, b_text: str) -> RelationRow:
    a, b = eplib.parse_spec(a_text), eplib.parse_spec(b_text)
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        apps = {}
        for app_name, _ in (a, b):
            apps[app_name] = find_alive_application(tx, m, app_name)
        ea, eb = eplib.match(a, app_endpoints(tx, m, apps[a[0]]), b, app_endpoints(tx, m, apps[b[0]]))
        key = eplib.relation_key([ea, eb])
        existing = tx.relations(m.uuid)
        for rel in existing:
            if rel.key == key and rel.life == "alive":
                raise AlreadyExistsError(f'cannot add relation "{ea} {eb}": relation {key} already exists', key=key)
            if rel.key == key:
                raise AlreadyExistsError(
                    f'cannot add relation "{ea} {eb}": relation {key} is dying, but not yet removed', key=key)
        for ep in (ea, eb):
            if ep.limit is not None:
                # A dying relation still counts until it is gone, as in Juju.
                used = sum(
                    1 for rel in existing
                    if any(e["application"] == ep.application and e["name"] == ep.name for e in rel.endpoints)
                )
                if used >= ep.limit:
                    raise InvalidArgumentError(
                        f"establishing a new relation for {ep} would exceed its maximum relation "
                        f"limit of {ep.limit}", endpoint=str(ep),
                    )
        return _add_relation(tx, m, [ea, eb])


def find_relation(tx: ReadTx, m: ModelRow, specs: list[str]) -> RelationRow:
    """A relation by id (``["7"]``) or by its two endpoints (each ``app`` or ``app:ep``)."""
    alive = [r for r in tx.relations(m.uuid) if r.life == "alive"]
    if len(specs) == 1 and specs[0].isdigit():
        for r in alive:
            if r.id == int(specs[0]):
                return r
        raise RelationNotFoundError(f"relation {specs[0]} not found", relation=specs[0])
    if len(specs) != 2:
        raise UsageError("a relation is given by two endpoints or by its id")
    parsed = [eplib.parse_spec(s) for s in specs]
    found = []
    for r in alive:
        if r.is_peer:
            continue
        eps = r.endpoints
        for x, y in ((eps[0], eps[1]), (eps[1], eps[0])):
            if all(e["application"] == app and (name is None or e["name"] == name)
                   for e, (app, name) in zip((x, y), parsed, strict=True)):
                found.append(r)
                break
    if not found:
        raise RelationNotFoundError(f'relation "{" ".join(specs)}" not found', relation=" ".join(specs))
    if len(found) > 1:
        keys = "; ".join(f'"{r.key}"' for r in found)
        raise InvalidArgumentError(f'ambiguous relation "{" ".join(specs)}": could be {keys}')
    return found[0]


def remove_relation(svc: Services, model_ref: str, specs: list[str]) -> RelationRow:
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        rel = find_relation(tx, m, specs)
        kill_relation(tx, m, rel)
        return rel


def kill_relation(tx: WriteTx, m: ModelRow, rel: RelationRow) -> None:
    """Mark the relation dying; its units depart and break it, then it is removed."""
    if rel.life == "alive":
        tx.update_relation(m.uuid, rel.id, life="dying")
    if rel.scope == "container":
        _kill_orphaned_subordinates(tx, m, rel)
    if not tx.scopes(m.uuid, rel.id):
        tx.remove_relation(m.uuid, rel.id)


def _kill_orphaned_subordinates(tx: WriteTx, m: ModelRow, dying: RelationRow) -> None:
    """A subordinate unit goes when no live container relation ties it to its principal."""
    for u in tx.units(m.uuid):
        if not u.principal or u.life != "alive":
            continue
        if dying.endpoint_of(u.application) is None:
            continue
        principal_app = u.principal.rsplit("/", 1)[0]
        if dying.endpoint_of(principal_app) is None:
            continue
        still = any(
            r.id != dying.id and r.life == "alive" and r.scope == "container"
            and r.endpoint_of(u.application) and r.endpoint_of(principal_app)
            for r in tx.relations(m.uuid)
        )
        if not still:
            kill_unit(tx, m, u)


def kill_relations_of(tx: WriteTx, m: ModelRow, application: str) -> None:
    for rel in tx.relations(m.uuid):
        if rel.endpoint_of(application) is not None and rel.life == "alive":
            kill_relation(tx, m, rel)


# -- scopes ---------------------------------------------------------------------------
def _unit_relation(tx: ReadTx, m: ModelRow, u: UnitRow, relation_id: int) -> RelationRow:
    rel = tx.relation(m.uuid, relation_id)
    if rel is None or rel.endpoint_of(u.application) is None:
        raise RelationNotFoundError("relation not found", relation=relation_id, unit=u.name)
    return rel


def enter_scope(tx: WriteTx, m: ModelRow, u: UnitRow, relation_id: int, address: str) -> None:
    rel = _unit_relation(tx, m, u, relation_id)
    if rel.life != "alive" or u.life != "alive":
        raise InvalidArgumentError(f'cannot enter scope of relation {rel.key}: not alive', relation=rel.id)
    entered = tx.enter_scope(ScopeRow(model_uuid=m.uuid, relation_id=rel.id, unit=u.name,
                                      application=u.application, entered=timefmt.now_iso()))
    if entered:
        tx.update_settings(m.uuid, rel.id, u.name, False, {
            "private-address": address,
            "ingress-address": address,
            "egress-subnets": f"{address}/32",
        })
    if rel.scope == "container" and not u.principal:
        _ensure_subordinate(tx, m, u, rel)


def _ensure_subordinate(tx: WriteTx, m: ModelRow, principal: UnitRow, rel: RelationRow) -> None:
    other = rel.other_side(principal.application)
    if other is None:
        return
    sub_app = tx.application(m.uuid, other["application"])
    if sub_app is None or sub_app.life != "alive" or not sub_app.subordinate:
        return
    if any(x.principal == principal.name for x in tx.units(m.uuid, application=sub_app.name)):
        return
    add_subordinate_unit(tx, m, sub_app, principal)


def leave_scope(tx: WriteTx, m: ModelRow, u: UnitRow, relation_id: int) -> None:
    """The unit's agent has run relation-broken: it is no longer in the relation."""
    scopes.leave(tx, m.uuid, u.name, relation_id)


# -- settings -------------------------------------------------------------------------
def read_settings(tx: ReadTx, m: ModelRow, u: UnitRow, relation_id: int, owner: str,
                  is_app: bool) -> dict[str, str]:
    """A bag, if Juju's read rules let ``u`` see it (docs/charm-runtime.md, Relation data)."""
    rel = _unit_relation(tx, m, u, relation_id)
    own_app = u.application
    owner_app = owner if is_app else owner.rsplit("/", 1)[0]
    if owner_app == own_app and owner != u.name:
        app_row = tx.application(m.uuid, own_app)
        leader = app_row is not None and app_row.leader == u.name
        if not rel.is_peer and not (is_app and leader):
            raise ForbiddenError("permission denied", relation=rel.id, owner=owner)
    elif owner_app != own_app and rel.endpoint_of(owner_app) is None:
        raise ForbiddenError("permission denied", relation=rel.id, owner=owner)
    row = tx.settings(m.uuid, rel.id, owner, is_app)
    return dict(row.settings) if row else {}


def write_settings(tx: WriteTx, m: ModelRow, u: UnitRow, unit_changes: dict[str, dict[str, str]],
                   app_changes: dict[str, dict[str, str]]) -> None:
    for rid_text, changes in unit_changes.items():
        rel = _unit_relation(tx, m, u, int(rid_text))
        tx.update_settings(m.uuid, rel.id, u.name, False, changes)
    if app_changes:
        app = tx.application(m.uuid, u.application)
        if app is None or app.leader != u.name:
            raise NotLeaderError("cannot write relation settings", unit=u.name)
        for rid_text, changes in app_changes.items():
            rel = _unit_relation(tx, m, u, int(rid_text))
            tx.update_settings(m.uuid, rel.id, u.application, True, changes)
