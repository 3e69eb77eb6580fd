"""Constraints kept by the model and by applications, and checking them against the provider.

A new machine gets the model's constraints overridden key by key by those of
the application it is made for (:func:`.hosts.effective_constraints`).
"""

from __future__ import annotations

from typing import Any

from ...core.constraints import Constraints
from .base import Services
from .hosts import check_new_machine, effective_constraints
from .lookup import find_alive_application, find_application, resolve_model


def model_constraints(svc: Services, model_ref: str) -> dict[str, Any]:
    with svc.store.read() as tx:
        m = resolve_model(tx, model_ref)
    return Constraints.parse(m.constraints).as_dict()


def set_model_constraints(svc: Services, model_ref: str, text: str) -> None:
    """Replace the model's constraints (``key=`` leaves a key unset), as Juju does."""
    cons = str(Constraints.parse(text))
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        tx.update_model(m.uuid, constraints=cons)


def application_constraints(svc: Services, model_ref: str, application: str) -> dict[str, Any]:
    """``constraints APP``: the application's own constraints (not merged with the model's)."""
    with svc.store.read() as tx:
        m = resolve_model(tx, model_ref)
        app = find_application(tx, m, application)
    return Constraints.parse(app.constraints).as_dict()


def set_application_constraints(svc: Services, model_ref: str, application: str, text: str) -> None:
    """Replace an application's constraints, as Juju's ``set-constraints`` does.

    They apply to machines made for its units from now on; existing machines keep
    what they were made with (Juju does the same)."""
    cons = str(Constraints.parse(text))
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        app = find_alive_application(tx, m, application)
        if app.constraints != cons:
            tx.update_application(m.uuid, application, constraints=cons)


def check_constraints(svc: Services, model_ref: str, text: str) -> dict[str, Any]:
    """Would a new machine with these constraints (over the model's) be possible? Changes nothing.

    Returns the effective constraints; raises ``ConstraintsNotMetError`` otherwise."""
    own = Constraints.parse(text)
    with svc.store.read() as tx:
        m = resolve_model(tx, model_ref)
    cons = effective_constraints(m, str(own))
    check_new_machine(svc, cons)
    return cons.as_dict()
