"""The model store: SQL tables, transactions and the change log.

The controller is the only writer. Every write transaction on a model bumps
that model's revision and records which entities changed, which is what the
change stream (``changes since N``) is built from. SQLite in WAL mode is the
default backend; the code is SQLAlchemy Core, so a PostgreSQL URL works with
the same tables.

Imports only ``pyjuju.core``; knows nothing of the API, agents or providers.
"""

from .base import ReadTx, Store, WriteTx, open_store
from .rows import (
    ApplicationRow,
    CharmRow,
    CredentialRow,
    LogRow,
    MachineRow,
    ModelRow,
    OperationRow,
    RelationRow,
    ResourceRow,
    ScopeRow,
    SecretConsumerRow,
    SecretGrantRow,
    SecretRevisionRow,
    SecretRow,
    SettingsRow,
    StorageRow,
    TaskRow,
    UnitRow,
)

__all__ = [
    "ApplicationRow",
    "CharmRow",
    "CredentialRow",
    "LogRow",
    "MachineRow",
    "ModelRow",
    "OperationRow",
    "ReadTx",
    "RelationRow",
    "ScopeRow",
    "SecretConsumerRow",
    "SecretGrantRow",
    "SecretRevisionRow",
    "SecretRow",
    "ResourceRow",
    "SettingsRow",
    "StorageRow",
    "TaskRow",
    "Store",
    "UnitRow",
    "WriteTx",
    "open_store",
]
