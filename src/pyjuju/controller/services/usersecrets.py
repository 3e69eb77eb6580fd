"""User secrets: ``add-secret``, ``secrets``, ``show-secret``, ``update-secret``,
``grant-secret``, ``revoke-secret``, ``remove-secret``.

A user secret is owned by the model and named by its label; Juju prints its
owner as the literal ``<model>`` (tools such as jubilant compare against it),
so that is what every output shows. Applications it is granted to read it like
any consumer.
"""

from __future__ import annotations

from typing import Any

from ...core import timefmt
from ...core.errors import (
    AlreadyExistsError,
    ApplicationNotFoundError,
    InvalidArgumentError,
    SecretNotFoundError,
)
from ...store import ModelRow, ReadTx, SecretGrantRow, SecretRevisionRow, SecretRow
from . import secrets as sec
from .base import Services
from .lookup import resolve_model
from .secretbox import box_for

MODEL_OWNER = "<model>"
"""How Juju prints the owner of a user (model-owned) secret."""


def owner_matches(wanted: str, owner_kind: str, owner: str, model: ModelRow) -> bool:
    """Whether ``secrets --owner WANTED`` selects a secret.

    Juju takes an owner tag (``application-mysql``, ``unit-mysql-0``,
    ``model-<uuid>``); the name as printed (``mysql``, ``mysql/0``,
    ``<model>``) and, for user secrets, the model's own name are accepted too.
    """
    if owner_kind == "model":
        return wanted in (MODEL_OWNER, "model", f"model-{model.uuid}", model.name)
    if wanted == owner:
        return True
    if owner_kind == "unit":
        app, _, num = owner.rpartition("/")
        return wanted == f"unit-{app}-{num}"
    return wanted == f"application-{owner}"


def _find(tx: ReadTx, m: ModelRow, ref: str) -> SecretRow:
    s = tx.secret(m.uuid, sec.parse_ref(ref))
    if s is not None:
        return s
    for s in tx.secrets(m.uuid):
        if s.label == ref:
            return s
    raise SecretNotFoundError(f'secret "{ref}" not found', secret=ref)


def add(svc: Services, model_ref: str, name: str | None, content: dict[str, str], description: str | None) -> str:
    """``add-secret NAME key=value...``; returns the new secret's URI."""
    if not name:
        raise InvalidArgumentError("a secret needs a name")
    if not content:
        raise InvalidArgumentError("missing secret value or filename")
    now = timefmt.now_iso()
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        if any(s.label == name for s in tx.secrets(m.uuid) if s.owner_kind == "model"):
            raise AlreadyExistsError(f'secret with name "{name}" already exists', name=name)
        sid = sec.new_id()
        tx.add_secret(SecretRow(
            model_uuid=m.uuid, id=sid, owner_kind="model", owner=m.name, label=name, description=description or "",
            rotate_policy="never", next_rotate="", rotate_due=False, auto_prune=False, latest_revision=1,
            created=now, updated=now,
        ))
        tx.add_secret_revision(SecretRevisionRow(
            model_uuid=m.uuid, secret_id=sid, revision=1, content=box_for(svc.data_dir).seal(content),
            checksum=sec.checksum(content), expire="", expired=False, created=now,
        ))
    return sec.uri(sid)


def update(svc: Services, model_ref: str, ref: str, content: dict[str, str] | None, *, description: str | None,
           new_name: str | None, auto_prune: bool | None) -> None:
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        s = _find(tx, m, ref)
        _user_owned(s, ref)
        sec.set_secret(svc, tx, m, s, content=content or None, label=new_name, description=description,
                       auto_prune=auto_prune)


def _user_owned(s: SecretRow, ref: str) -> None:
    if s.owner_kind != "model":
        raise InvalidArgumentError(f'secret "{ref}" is owned by {s.owner}: only user secrets can be changed here')


def grant(svc: Services, model_ref: str, ref: str, apps: list[str], revoke: bool = False) -> None:
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        s = _find(tx, m, ref)
        _user_owned(s, ref)
        for app in apps:
            if tx.application(m.uuid, app) is None:
                raise ApplicationNotFoundError(f'application "{app}" not found', application=app)
            if revoke:
                tx.remove_secret_grant(m.uuid, s.id, app)
            else:
                tx.set_secret_grant(SecretGrantRow(model_uuid=m.uuid, secret_id=s.id, subject=app,
                                                   subject_kind="application", relation_id=None, role="view"))


def remove(svc: Services, model_ref: str, ref: str, revision: int | None) -> None:
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        s = _find(tx, m, ref)
        _user_owned(s, ref)
        sec.remove(tx, m, s, revision)


def listing(svc: Services, model_ref: str, *, ref: str | None = None, owner: str | None = None,
            reveal: bool = False, revision: int | None = None, revisions: bool = False) -> dict[str, Any]:
    """``secrets`` / ``show-secret``: bare id -> details (contents only with ``reveal``)."""
    with svc.store.read() as tx:
        m = resolve_model(tx, model_ref)
        rows = [_find(tx, m, ref)] if ref else tx.secrets(m.uuid)
        out: dict[str, Any] = {}
        for s in rows:
            owner_name = s.owner if s.owner_kind != "model" else MODEL_OWNER
            if owner and not owner_matches(owner, s.owner_kind, s.owner, m):
                continue
            revs = tx.secret_revisions(m.uuid, s.id)
            doc: dict[str, Any] = {"revision": s.latest_revision, "owner": owner_name}
            if s.owner_kind == "model" and s.label:
                doc["name"] = s.label
            elif s.label:
                doc["label"] = s.label
            if s.description:
                doc["description"] = s.description
            if s.rotate_policy and s.rotate_policy != "never":
                doc["rotation"] = s.rotate_policy
                if s.next_rotate:
                    doc["rotates"] = _zulu(s.next_rotate)
            latest = next((r for r in revs if r.revision == s.latest_revision), None)
            if latest is not None:
                doc["checksum"] = latest.checksum
                if latest.expire:
                    doc["expires"] = _zulu(latest.expire)
            doc["created"] = _zulu(s.created)
            doc["updated"] = _zulu(s.updated)
            grants = tx.secret_grants(m.uuid, s.id)
            if grants:
                doc["access"] = [{"target": g.subject, "scope": "model" if g.relation_id is None else
                                  f"relation-{g.relation_id}", "role": g.role} for g in grants]
            if revisions:
                doc["revisions"] = [{"revision": r.revision, "backend": "internal", "created": _zulu(r.created),
                                     "updated": _zulu(r.created), **({"expires": _zulu(r.expire)} if r.expire else {})}
                                    for r in revs]
            if reveal:
                want = revision or s.latest_revision
                rev = next((r for r in revs if r.revision == want), None)
                if rev is None:
                    raise SecretNotFoundError(f'secret "{s.id}" revision {want} not found', secret=s.id)
                doc["content"] = {"Data": box_for(svc.data_dir).open(rev.content)}
            out[s.id] = doc
        return out


def _zulu(iso: str) -> str:
    return timefmt.parse_iso(iso).astimezone(timefmt.utcnow().tzinfo).strftime("%Y-%m-%dT%H:%M:%SZ")
