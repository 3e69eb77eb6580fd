"""Secrets: owned by an application, a unit, or the model's users.

Contents are encrypted at rest (:mod:`.secretbox`) and never logged. Owners
create revisions; consumers that were granted access read the revision they
track, move to the latest with ``--refresh``, and hear about new revisions
through ``secret-changed``. Rotation and expiry are noticed by the cleanup
worker, which flags the secret so that the owner's agent runs
``secret-rotate`` / ``secret-expired``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from ...core import timefmt
from ...core.errors import (
    AlreadyExistsError,
    ForbiddenError,
    InvalidArgumentError,
    NotLeaderError,
    SecretNotFoundError,
)
from ...core.names import (
    application_of,
    application_tag,
    new_secret_id,
    relation_tag,
    secret_id_of,
    unit_tag,
)
from ...store import (
    ModelRow,
    ReadTx,
    SecretConsumerRow,
    SecretGrantRow,
    SecretRevisionRow,
    SecretRow,
    UnitRow,
    WriteTx,
)
from .base import Services
from .secretbox import box_for

ROTATE = {
    "hourly": dt.timedelta(hours=1),
    "daily": dt.timedelta(days=1),
    "weekly": dt.timedelta(weeks=1),
    "monthly": dt.timedelta(days=30),
    "quarterly": dt.timedelta(days=90),
    "yearly": dt.timedelta(days=365),
}


new_id = new_secret_id
parse_ref = secret_id_of


def uri(secret_id: str) -> str:
    return f"secret:{secret_id}"


def checksum(content: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def next_rotate(policy: str, now: dt.datetime | None = None) -> str:
    if policy in ("", "never"):
        return ""
    return ((now or timefmt.utcnow()) + ROTATE[policy]).isoformat(timespec="seconds")


def _not_found(what: str) -> SecretNotFoundError:
    return SecretNotFoundError(f'secret "{what}" not found', secret=what)


# -- ownership and access ---------------------------------------------------------------
def owns(tx: ReadTx, m: ModelRow, s: SecretRow, u: UnitRow) -> bool:
    """A unit owns its unit secrets; the leader owns its application's."""
    if s.owner_kind == "unit":
        return s.owner == u.name
    if s.owner_kind == "application" and s.owner == u.application:
        app = tx.application(m.uuid, u.application)
        return app is not None and app.leader == u.name
    return False


def may_consume(tx: ReadTx, m: ModelRow, s: SecretRow, u: UnitRow) -> bool:
    if s.owner_kind == "unit" and s.owner == u.name:
        return True
    if s.owner_kind == "application" and s.owner == u.application:
        return True  # every unit of the owning app may read (only the leader manages)
    return any(g.subject in (u.name, u.application) for g in tx.secret_grants(m.uuid, s.id))


def find(tx: ReadTx, m: ModelRow, u: UnitRow | None, ref: str | None, label: str | None) -> SecretRow:
    """By id, or by label: the owner's label (of the unit's or its application's secrets),
    or else this unit's consumer label; Juju's texts when neither matches."""
    if ref:
        s = tx.secret(m.uuid, parse_ref(ref))
        if s is None:
            raise _not_found(ref)
        return s
    if label:
        for s in tx.secrets(m.uuid):
            if s.label == label and (u is None or owns(tx, m, s, u) or (s.owner_kind == "unit" and s.owner == u.name)
                                     or (s.owner_kind == "application" and s.owner == u.application)):
                return s
        if u is not None:
            for c in tx.secret_consumers(m.uuid):
                if c.consumer == u.name and c.label == label:
                    s = tx.secret(m.uuid, c.secret_id)
                    if s is not None:
                        return s
        raise SecretNotFoundError(f'consumer label "{label}" not found', secret=label)
    raise InvalidArgumentError("require either a secret URI or label")


# -- labels --------------------------------------------------------------------------------
def check_label(tx: ReadTx, m: ModelRow, kind: str, name: str, label: str, *, role: str,
                secret_id: str) -> None:
    """Refuse a label Juju would refuse for the owner or consumer ``name`` (``kind`` ``unit`` or
    ``application``) of secret ``secret_id``.

    Juju keeps labels unambiguous for whoever looks secrets up by label: an owner's labels are
    unique among its secrets, a unit's consumer labels among what it consumes, a unit may not
    use one label both ways, and an application and its units may not share one.
    """
    owned = [s for s in tx.secrets(m.uuid) if s.label == label and s.id != secret_id]
    consumed = [c for c in tx.secret_consumers(m.uuid) if c.label == label and c.secret_id != secret_id]
    tag = application_tag(name) if kind == "application" else unit_tag(name)
    if kind == "application":
        clash = (any(s.owner_kind == "unit" and application_of(s.owner) == name for s in owned)
                 or any(application_of(c.consumer) == name for c in consumed))
    else:
        clash = any(s.owner_kind == "application" and s.owner == application_of(name) for s in owned)
    if clash:
        raise AlreadyExistsError(f'secret label "{label}" for "{tag}" already exists', label=label)
    as_owner = any(s.owner_kind == kind and s.owner == name for s in owned)
    as_consumer = kind == "unit" and any(c.consumer == name for c in consumed)
    checks = (("consumer", as_consumer), ("owner", as_owner))
    for other, taken in checks if role == "owner" else reversed(checks):
        if taken:
            raise AlreadyExistsError(f'secret label "{label}" for {other} "{tag}" already exists', label=label)


def _content(svc: Services, tx: ReadTx, m: ModelRow, s: SecretRow, revision: int) -> dict[str, str]:
    for r in tx.secret_revisions(m.uuid, s.id):
        if r.revision == revision:
            return box_for(svc.data_dir).open(r.content)
    raise SecretNotFoundError(f'secret "{s.id}" revision {revision} not found', secret=s.id)


# -- reads from hooks ---------------------------------------------------------------------
def get_for_unit(svc: Services, m: ModelRow, u: UnitRow, ref: str | None, label: str | None,
                 peek: bool, refresh: bool) -> dict[str, Any]:
    """``secret-get``: the owner sees the latest; a consumer its tracked revision (the first
    read pins the latest; ``--refresh`` moves the pin; ``--peek`` looks without moving)."""
    with svc.store.write() as tx:
        s = find(tx, m, u, ref, label)
        if owns(tx, m, s, u):
            if ref and label and label != s.label:
                # The owner (or, for an application's secret, its leader) names its own secret
                # at once, as Juju's secret-get does.
                check_label(tx, m, s.owner_kind, s.owner, label, role="owner", secret_id=s.id)
                tx.update_secret(m.uuid, s.id, label=label, updated=timefmt.now_iso())
            return {"id": s.id, "revision": s.latest_revision,
                    "content": _content(svc, tx, m, s, s.latest_revision)}
        if not may_consume(tx, m, s, u):
            raise ForbiddenError("permission denied", secret=s.id)
        # Other units of the owning application read through the owner's label, never their own.
        new_label = label if ref and label and s.owner != u.application else None
        current = next((c for c in tx.secret_consumers(m.uuid, s.id) if c.consumer == u.name), None)
        revision = s.latest_revision if (peek or refresh or current is None) else current.revision
        if new_label and (current is None or current.label != new_label):
            check_label(tx, m, "unit", u.name, new_label, role="consumer", secret_id=s.id)
        if current is None or refresh or new_label and current.label != new_label:
            tx.set_secret_consumer(SecretConsumerRow(
                model_uuid=m.uuid, secret_id=s.id, consumer=u.name,
                label=new_label or (current.label if current else ""),
                revision=s.latest_revision if (refresh or current is None) else current.revision,
            ))
        return {"id": s.id, "revision": revision, "content": _content(svc, tx, m, s, revision)}


def info_for_unit(svc: Services, m: ModelRow, u: UnitRow, ref: str | None, label: str | None) -> dict[str, Any]:
    """``secret-info-get``: metadata of a secret the unit owns (its own, or as leader its
    application's), found by id or owner label. Anything else is ``secret "<id or label>" not
    found``, as Juju looks only among the unit's own secrets (ops reads that as
    SecretNotFoundError)."""
    want = parse_ref(ref) if ref else label or ""
    with svc.store.read() as tx:
        for s in tx.secrets(m.uuid):
            if (s.id == want if ref else s.label == want) and owns(tx, m, s, u):
                return {s.id: _metadata(tx, m, s)}
    raise SecretNotFoundError(f'secret "{want}" not found', secret=want)


def _metadata(tx: ReadTx, m: ModelRow, s: SecretRow) -> dict[str, Any]:
    out: dict[str, Any] = {"revision": s.latest_revision}
    if s.label:
        out["label"] = s.label
    out["owner"] = s.owner_kind
    if s.description:
        out["description"] = s.description
    if s.rotate_policy and s.rotate_policy != "never":
        out["rotation"] = s.rotate_policy
        if s.next_rotate:
            out["rotates"] = _go_time(s.next_rotate)
    latest = [r for r in tx.secret_revisions(m.uuid, s.id) if r.revision == s.latest_revision]
    if latest and latest[0].expire:
        out["expiry"] = _go_time(latest[0].expire)
    grants = tx.secret_grants(m.uuid, s.id)
    if grants:
        keys = {r.id: r.key for r in tx.relations(m.uuid)}
        out["access"] = [_access(g, keys, m) for g in grants]
    return out


def _access(g: SecretGrantRow, relation_keys: dict[int, str], m: ModelRow) -> dict[str, str]:
    """One grant as Juju's ``secret-info-get`` shows it: the target's and the scope's tags
    (``application-mysql`` over ``relation-wordpress.db#mysql.server``)."""
    target = unit_tag(g.subject) if g.subject_kind == "unit" else application_tag(g.subject)
    key = relation_keys.get(g.relation_id) if g.relation_id is not None else None
    scope = relation_tag(key) if key else f"model-{m.uuid}"
    return {"target": target, "scope": scope, "role": g.role}


def _go_time(value: str) -> str:
    """A stored time as Go writes a UTC ``time.Time`` to the second (Juju rounds secret times)."""
    return timefmt.parse_iso(value).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ids_for_unit(svc: Services, m: ModelRow, u: UnitRow) -> list[str]:
    with svc.store.read() as tx:
        return [s.id for s in tx.secrets(m.uuid) if owns(tx, m, s, u)]


# -- writes from hooks (applied with the hook's commit) -----------------------------------
def apply_changes(svc: Services, tx: WriteTx, m: ModelRow, u: UnitRow, changes: list[dict[str, Any]]) -> None:
    box = box_for(svc.data_dir)
    now = timefmt.now_iso()
    for ch in changes:
        op = ch.get("op")
        if op == "add":
            owner_kind = ch.get("owner") or "application"
            if owner_kind == "application":
                app = tx.application(m.uuid, u.application)
                if app is None or app.leader != u.name:
                    raise NotLeaderError("this unit is not the leader")
            content = dict(ch.get("content") or {})
            owner = u.application if owner_kind == "application" else u.name
            if ch.get("label"):
                check_label(tx, m, owner_kind, owner, ch["label"], role="owner", secret_id=ch["id"])
            tx.add_secret(SecretRow(
                model_uuid=m.uuid, id=ch["id"], owner_kind=owner_kind, owner=owner,
                label=ch.get("label") or "", description=ch.get("description") or "",
                rotate_policy=ch.get("rotate") or "never", next_rotate=next_rotate(ch.get("rotate") or "never"),
                rotate_due=False, auto_prune=False, latest_revision=1, created=now, updated=now,
            ))
            tx.add_secret_revision(SecretRevisionRow(
                model_uuid=m.uuid, secret_id=ch["id"], revision=1, content=box.seal(content),
                checksum=checksum(content), expire=ch.get("expire") or "", expired=False, created=now,
            ))
            continue
        s = tx.secret(m.uuid, parse_ref(ch["id"]))
        if s is None:
            raise _not_found(ch["id"])
        if op in ("set", "remove", "grant", "revoke") and not owns(tx, m, s, u):
            if s.owner_kind == "application" and s.owner == u.application:
                raise NotLeaderError("this unit is not the leader")
            raise ForbiddenError(f'permission denied: unit "{u.name}" does not own secret "{s.id}"')
        if op == "set":
            if ch.get("label") and ch["label"] != s.label:
                check_label(tx, m, s.owner_kind, s.owner, ch["label"], role="owner", secret_id=s.id)
            set_secret(svc, tx, m, s, content=ch.get("content"), label=ch.get("label"),
                       description=ch.get("description"), expire=ch.get("expire"), rotate=ch.get("rotate"))
        elif op == "remove":
            remove(tx, m, s, ch.get("revision"))
        elif op == "grant":
            subject, kind = (ch["unit"], "unit") if ch.get("unit") else (ch["app"], "application")
            tx.set_secret_grant(SecretGrantRow(model_uuid=m.uuid, secret_id=s.id, subject=subject,
                                               subject_kind=kind, relation_id=ch.get("relation_id"), role="view"))
        elif op == "revoke":
            subject = ch.get("unit") or ch.get("app")
            if subject:  # naming nobody revokes nothing, as in Juju
                tx.remove_secret_grant(m.uuid, s.id, subject)
        else:
            raise InvalidArgumentError(f'unknown secret change "{op}"')


def set_secret(svc: Services, tx: WriteTx, m: ModelRow, s: SecretRow, *, content: dict[str, str] | None,
               label: str | None = None, description: str | None = None, expire: str | None = None,
               rotate: str | None = None, auto_prune: bool | None = None) -> int:
    """New revision if the content changed (its checksum), plus metadata. Returns the latest revision."""
    now = timefmt.now_iso()
    fields: dict[str, Any] = {"updated": now}
    latest = s.latest_revision
    if content is not None:
        revs = tx.secret_revisions(m.uuid, s.id)
        current = next((r for r in revs if r.revision == s.latest_revision), None)
        if current is None or current.checksum != checksum(content):
            latest = s.latest_revision + 1
            tx.add_secret_revision(SecretRevisionRow(
                model_uuid=m.uuid, secret_id=s.id, revision=latest, content=box_for(svc.data_dir).seal(content),
                checksum=checksum(content), expire=expire or "", expired=False, created=now,
            ))
            fields["latest_revision"] = latest
            if s.rotate_due:  # a new revision answers a rotation
                fields["rotate_due"] = False
                fields["next_rotate"] = next_rotate(rotate or s.rotate_policy)
    if label is not None:
        fields["label"] = label
    if description is not None:
        fields["description"] = description
    if rotate is not None:
        fields["rotate_policy"] = rotate
        fields["next_rotate"] = next_rotate(rotate)
        fields["rotate_due"] = False
    if auto_prune is not None:
        fields["auto_prune"] = auto_prune
    if expire is not None and content is None:
        tx.update_secret_revision(m.uuid, s.id, s.latest_revision, expire=expire, expired=False)
    tx.update_secret(m.uuid, s.id, **fields)
    return latest


def remove(tx: WriteTx, m: ModelRow, s: SecretRow, revision: int | None) -> None:
    if revision is None:
        tx.remove_secret(m.uuid, s.id)
        return
    revs = {r.revision for r in tx.secret_revisions(m.uuid, s.id)}
    if revision not in revs:
        raise SecretNotFoundError(f'secret "{s.id}" revision {revision} not found', secret=s.id)
    tx.remove_secret_revision(m.uuid, s.id, revision)
    if revs == {revision}:
        tx.remove_secret(m.uuid, s.id)


# -- what agents see ----------------------------------------------------------------------
def unit_secret_views(tx: ReadTx, m: ModelRow, units: list[UnitRow], leaders: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Per unit: secrets it consumes (latest and tracked revisions) and, for the owner,
    rotation/expiry/obsolete-revision flags that trigger its secret hooks."""
    secrets = {s.id: s for s in tx.secrets(m.uuid)}
    if not secrets:
        return {}
    revs: dict[str, list[SecretRevisionRow]] = {}
    for r in tx.secret_revisions(m.uuid):
        revs.setdefault(r.secret_id, []).append(r)
    consumers = tx.secret_consumers(m.uuid)
    tracked: dict[str, set[int]] = {}
    for c in consumers:
        tracked.setdefault(c.secret_id, set()).add(c.revision)
    out: dict[str, dict[str, Any]] = {}
    for u in units:
        consumed = {c.secret_id: {"tracked": c.revision, "latest": secrets[c.secret_id].latest_revision,
                                  "label": c.label}
                    for c in consumers if c.consumer == u.name and c.secret_id in secrets}
        owned = {}
        for s in secrets.values():
            mine = (s.owner_kind == "unit" and s.owner == u.name) or (
                s.owner_kind == "application" and s.owner == u.application and leaders.get(u.application) == u.name)
            if not mine:
                continue
            rs = revs.get(s.id, [])
            owned[s.id] = {
                "label": s.label,
                "latest": s.latest_revision,
                "rotate_due": s.rotate_due,
                "expired": sorted(r.revision for r in rs if r.expired),
                "obsolete": sorted(r.revision for r in rs if r.revision != s.latest_revision
                                   and r.revision not in tracked.get(s.id, set())),
            }
        if consumed or owned:
            out[u.name] = {"consumed": consumed, "owned": owned}
    return out


def flag_due(svc: Services) -> None:
    """Cleanup-worker pass: flag secrets whose rotation is due and revisions that expired."""
    now = timefmt.now_iso()
    with svc.store.write() as tx:
        for m in tx.models():
            for s in tx.secrets(m.uuid):
                if s.next_rotate and not s.rotate_due and s.next_rotate <= now:
                    tx.update_secret(m.uuid, s.id, rotate_due=True)
            for r in tx.secret_revisions(m.uuid):
                if r.expire and not r.expired and r.expire <= now:
                    tx.update_secret_revision(m.uuid, r.secret_id, r.revision, expired=True)
