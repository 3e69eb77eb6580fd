"""Typed rows: one frozen dataclass per table, built from SQL result mappings.

Rows are values. To change an entity, call the transaction's ``update_*`` with
the fields that change; never mutate a row.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

Row = TypeVar("Row", bound="DataclassInstance")


def row_from(cls: type[Row], mapping: Mapping[Any, Any]) -> Row:
    """The row of type ``cls`` from a result mapping, ignoring columns it has no field for.

    The mapping's keys are SQLAlchemy's (strings, or columns, which match no field).
    """
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in mapping.items() if k in names})


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ModelRow:
    uuid: str
    name: str
    owner: str
    type: str
    cloud: str
    region: str
    life: str
    revision: int
    config: dict[str, Any]
    next_machine_id: int
    created: str
    status: dict[str, Any]
    next_relation_id: int = 0
    next_task_id: int = 1
    storage_counters: dict[str, int] = dataclasses.field(default_factory=dict)
    constraints: str = ""
    ssh_keys: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class CharmRow:
    model_uuid: str
    url: str
    name: str
    revision: int
    sha256: str
    size: int
    metadata: dict[str, Any]
    config: dict[str, Any]
    actions: dict[str, Any]
    version: str
    created: str


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ApplicationRow:
    model_uuid: str
    name: str
    charm_url: str
    life: str
    subordinate: bool
    config: dict[str, Any]
    config_version: int
    charm_version: int
    leader: str | None
    leader_settings: dict[str, str]
    leader_settings_version: int
    status: dict[str, Any] | None
    exposed: bool
    next_unit: int
    constraints: str
    created: str
    storage: dict[str, Any] = dataclasses.field(default_factory=dict)
    trust: bool = False
    exposed_endpoints: dict[str, dict[str, list[str]]] = dataclasses.field(default_factory=dict)
    annotations: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class UnitRow:
    model_uuid: str
    name: str
    application: str
    number: int
    machine_id: str | None
    principal: str
    life: str
    workload_status: dict[str, Any]
    agent_status: dict[str, Any]
    status_ever_set: bool
    workload_version: str
    opened_ports: list[dict[str, Any]]
    state: dict[str, str]
    resolved: str
    resolved_seq: int
    commit_id: str
    created: str


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class MachineRow:
    model_uuid: str
    id: str
    life: str
    instance_id: str
    hostname: str
    addresses: list[str]
    agent_status: dict[str, Any]
    machine_status: dict[str, Any]
    constraints: str
    hardware: str
    base: str
    created_for: str
    created: str
    annotations: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class LogRow:
    id: int
    model_uuid: str
    time: str
    entity: str
    level: str
    module: str
    location: str
    message: str


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class CredentialRow:
    token_hash: str
    kind: str
    entity: str
    model_uuid: str | None
    created: str


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class RelationRow:
    model_uuid: str
    id: int
    key: str
    life: str
    scope: str
    endpoints: list[dict[str, Any]]
    created: str

    def endpoint_of(self, application: str) -> dict[str, Any] | None:
        """This application's side (for a peer relation, the only side)."""
        for ep in self.endpoints:
            if ep["application"] == application:
                return ep
        return None

    def other_side(self, application: str) -> dict[str, Any] | None:
        """The counterpart's side; for a peer relation, the same side."""
        for ep in self.endpoints:
            if ep["application"] != application:
                return ep
        return self.endpoint_of(application)

    @property
    def is_peer(self) -> bool:
        return len(self.endpoints) == 1


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ScopeRow:
    model_uuid: str
    relation_id: int
    unit: str
    application: str
    entered: str


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class SettingsRow:
    model_uuid: str
    relation_id: int
    owner: str
    is_app: bool
    settings: dict[str, str]
    version: int


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class OperationRow:
    model_uuid: str
    id: int
    kind: str
    summary: str
    enqueued: str


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class TaskRow:
    model_uuid: str
    id: int
    operation_id: int
    receiver: str
    receiver_kind: str
    name: str
    params: dict[str, Any]
    status: str
    message: str
    results: dict[str, Any]
    log: list[dict[str, str]]
    enqueued: str
    started: str
    completed: str


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class SecretRow:
    model_uuid: str
    id: str
    owner_kind: str
    owner: str
    label: str
    description: str
    rotate_policy: str
    next_rotate: str
    rotate_due: bool
    auto_prune: bool
    latest_revision: int
    created: str
    updated: str


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class SecretRevisionRow:
    model_uuid: str
    secret_id: str
    revision: int
    content: str
    checksum: str
    expire: str
    expired: bool
    created: str


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class SecretConsumerRow:
    model_uuid: str
    secret_id: str
    consumer: str
    label: str
    revision: int


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class SecretGrantRow:
    model_uuid: str
    secret_id: str
    subject: str
    subject_kind: str
    relation_id: int | None
    role: str


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class StorageRow:
    model_uuid: str
    id: str
    name: str
    kind: str
    unit: str
    life: str
    pool: str
    size_mb: int
    location: str
    attached: bool
    created: str


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ResourceRow:
    model_uuid: str
    application: str
    name: str
    revision: int
    sha256: str
    size: int
    filename: str
    uploaded: str
