"""Machines and model-level settings the ``juju`` client expects: add-machine,
model constraints, trust, SSH keys."""

from __future__ import annotations

from typing import Any

from ...core.constraints import Constraints
from ...core.errors import ApplicationNotFoundError, NotSupportedError
from .applications import _new_machine
from .base import Services, check_base
from .models import resolve_model


def add_machines(svc: Services, model_ref: str, count: int, constraints: str, target: str | None, *,
                 base: str = "") -> list[str]:
    """New, empty machines (``created_for`` empty: they stay until removed)."""
    check_base(svc, base)
    if target:
        raise NotSupportedError(f'add-machine "{target}": placement targets (ssh:, lxd, zones) are not supported '
                                "by the local provider yet", target=target)
    cons = str(Constraints.parse(constraints)) if constraints else ""
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        merged = str(Constraints.parse(m.constraints).merged(Constraints.parse(cons))) if m.constraints else cons
        ids = []
        for i in range(count):
            mid = str(m.next_machine_id + i)
            tx.add_machine(_new_machine(svc, m, mid, created_for="", constraints=merged))
            ids.append(mid)
        tx.update_model(m.uuid, next_machine_id=m.next_machine_id + count)
        return ids


def model_constraints(svc: Services, model_ref: str) -> dict[str, Any]:
    with svc.store.read() as tx:
        m = resolve_model(tx, model_ref)
    return Constraints.parse(m.constraints).as_dict() if m.constraints else {}


def set_model_constraints(svc: Services, model_ref: str, text: str) -> None:
    cons = str(Constraints.parse(text))
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        tx.update_model(m.uuid, constraints=cons)


def set_trust(svc: Services, model_ref: str, application: str, trust: bool) -> None:
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        app = tx.application(m.uuid, application)
        if app is None:
            raise ApplicationNotFoundError(f'application "{application}" not found', application=application)
        if app.trust != trust:
            tx.update_application(m.uuid, application, trust=trust, config_version=app.config_version + 1)


def ssh_keys(svc: Services, model_ref: str, add: list[str], remove: list[str]) -> list[str]:
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        keys = list(m.ssh_keys or [])
        for k in add:
            if k not in keys:
                keys.append(k)
        for r in remove:
            keys = [k for k in keys if k != r and r not in k.split()[-1:] and r not in k]
        if keys != list(m.ssh_keys or []):
            tx.update_model(m.uuid, kind="model-keys", ssh_keys=keys)
        return keys
