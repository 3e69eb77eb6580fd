"""Finding a model, an application or a unit, or raising the error the client expects.

Every service needs these lookups and they must agree (the same not-found
error, the same rule that a dying application cannot be changed), so they live
in this one low module that every other service module may import.
"""

from __future__ import annotations

from ...core.errors import ApplicationNotFoundError, ModelNotFoundError, UnitNotFoundError
from ...store import ApplicationRow, ModelRow, ReadTx, UnitRow

DEFAULT_OWNER = "admin"


def resolve_model(tx: ReadTx, ref: str) -> ModelRow:
    """Find a model by uuid, ``name``, ``owner/name`` or ``owner:name``."""
    row = tx.model(ref)
    if row is None:
        owner, _, name = ref.replace(":", "/").rpartition("/")
        row = tx.model_by_name(owner or DEFAULT_OWNER, name)
    if row is None or row.life == "dead":
        raise ModelNotFoundError(f'model "{ref}" not found', model=ref)
    return row


def find_application(tx: ReadTx, m: ModelRow, name: str) -> ApplicationRow:
    """The application whatever its life (reads and removal accept a dying one)."""
    app = tx.application(m.uuid, name)
    if app is None:
        raise ApplicationNotFoundError(f'application "{name}" not found', application=name)
    return app


def find_alive_application(tx: ReadTx, m: ModelRow, name: str) -> ApplicationRow:
    """The application if it is alive: a dying one is, to the user, already gone."""
    app = tx.application(m.uuid, name)
    if app is None or app.life != "alive":
        raise ApplicationNotFoundError(f'application "{name}" not found', application=name)
    return app


def find_unit(tx: ReadTx, m: ModelRow, name: str) -> UnitRow:
    u = tx.unit(m.uuid, name)
    if u is None:
        raise UnitNotFoundError(f'unit "{name}" not found', unit=name)
    return u
