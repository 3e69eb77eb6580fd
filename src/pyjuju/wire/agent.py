"""Every call a machine agent makes, as one typed registry.

Each :class:`AgentOp` names a call, its request model and its reply model.
The controller binds each one to a service function (``controller/apiserver/
agent_ops.py``) and serves the same table over two transports: RPC messages
on the agent's watch WebSocket, and ``POST /api/agent/ops/<name>`` while that
socket is down. The agent's client sends a request model and gets the reply
model back, so neither side reads a call's body by string key.

Calls marked ``unit_scoped`` act for one unit of the calling machine; the
controller refuses a unit that is not on that machine.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
from collections.abc import Mapping
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

__all__ = [
    "AGENT_OPS",
    "SECRET_OWNERS",
    "AgentLogRecord",
    "AgentOp",
    "AgentStatusParams",
    "CommitReply",
    "Empty",
    "GoalState",
    "GoalStatus",
    "HookCommitParams",
    "LeaderSettingsParams",
    "LogBatch",
    "PortAction",
    "SecretContent",
    "decode_content",
    "encode_content",
    "PortChange",
    "RelationRef",
    "RelationSettingsQuery",
    "SecretAccess",
    "SecretAdd",
    "SecretChange",
    "SecretGetParams",
    "SecretGrant",
    "SecretIds",
    "SecretInfoReply",
    "SecretMetadata",
    "SecretOwner",
    "SecretQuery",
    "SecretRemove",
    "SecretRevoke",
    "SecretSet",
    "SecretValue",
    "Settings",
    "StatusValue",
    "StorageAttached",
    "StorageRef",
    "TaskBegun",
    "TaskFinish",
    "TaskLog",
    "TaskOutcome",
    "TaskRef",
    "UnitState",
    "UnitStatusQuery",
    "UnitStatusReply",
]


PortAction = Literal["open", "close"]
SecretOwner = Literal["application", "unit"]
SECRET_OWNERS: tuple[SecretOwner, ...] = ("application", "unit")
TaskOutcome = Literal["completed", "failed"]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Empty(_Body):
    """A call that takes or returns nothing."""


# -- status -------------------------------------------------------------------------------
class StatusValue(_Body):
    status: str
    message: str = ""
    data: dict[str, Any] = Field(default_factory=dict)


class AgentStatusParams(_Body):
    """Status writes from an agent: any of them may be given."""

    agent: StatusValue | None = None
    workload: StatusValue | None = None
    application: StatusValue | None = None
    workload_version: str | None = None
    mark_status_set: bool = False
    """The charm itself set a workload status (so the runtime stops setting defaults)."""


class UnitStatusQuery(_Body):
    application: bool = False
    """The application's status and every unit's (leader only) instead of the unit's own."""


class UnitStatusReply(_Body):
    unit: StatusValue | None = None
    application: StatusValue | None = None
    units: dict[str, StatusValue] = Field(default_factory=dict)


# -- hook commits ---------------------------------------------------------------------------
class PortChange(_Body):
    action: PortAction
    protocol: str
    from_port: int = 0
    to_port: int = 0
    endpoints: list[str] | None = None


def _base64_values(content: dict[str, str]) -> dict[str, str]:
    for key, value in content.items():
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError(f"secret content {key!r}: not base64") from None
    return content


SecretContent = Annotated[dict[str, str], AfterValidator(_base64_values)]
"""A secret's key -> value, each value the base64 of its bytes, as Juju's API carries
secret data: values may be any bytes (``key#base64=...``), and JSON carries only text."""


def encode_content(content: Mapping[str, bytes]) -> dict[str, str]:
    return {k: base64.b64encode(v).decode("ascii") for k, v in content.items()}


def decode_content(content: Mapping[str, str]) -> dict[str, bytes]:
    return {k: base64.b64decode(v) for k, v in content.items()}


class SecretAdd(_Body):
    op: Literal["add"] = "add"
    id: str
    owner: SecretOwner = "application"
    content: SecretContent = Field(default_factory=dict)
    label: str | None = None
    description: str | None = None
    expire: str | None = None
    rotate: str | None = None


class SecretSet(_Body):
    op: Literal["set"] = "set"
    id: str
    content: SecretContent | None = None
    label: str | None = None
    description: str | None = None
    expire: str | None = None
    rotate: str | None = None


class SecretRemove(_Body):
    op: Literal["remove"] = "remove"
    id: str
    revision: int | None = None


class SecretGrant(_Body):
    op: Literal["grant"] = "grant"
    id: str
    relation_id: int
    app: str
    unit: str | None = None


class SecretRevoke(_Body):
    op: Literal["revoke"] = "revoke"
    id: str
    relation_id: int | None = None
    app: str | None = None
    unit: str | None = None


SecretChange = Annotated[SecretAdd | SecretSet | SecretRemove | SecretGrant | SecretRevoke,
                         Field(discriminator="op")]


class HookCommitParams(_Body):
    """Buffered changes of one successful hook, applied atomically.

    ``commit_id`` makes the call idempotent: an agent that crashed after
    sending it re-sends the same id on restart and the second apply is a no-op.
    """

    commit_id: str
    ports: list[PortChange] = Field(default_factory=list)
    state_set: dict[str, str] = Field(default_factory=dict)
    state_delete: list[str] = Field(default_factory=list)
    relation_settings: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="relation id -> changed keys ('' deletes)."
    )
    app_relation_settings: dict[str, dict[str, str]] = Field(default_factory=dict)
    storage_add: dict[str, int] = Field(default_factory=dict)
    secrets: list[SecretChange] = Field(default_factory=list, description="Ordered secret changes.")

    def has_changes(self) -> bool:
        """Anything to send besides the commit id (every other field is a change list)."""
        return any(getattr(self, name) for name in type(self).model_fields if name != "commit_id")


class CommitReply(_Body):
    applied: bool
    """False when this commit id was applied before (a re-send after a crash)."""


# -- leadership, unit state, goal state ----------------------------------------------------
class LeaderSettingsParams(_Body):
    values: dict[str, str]
    """Keys to set; an empty value deletes the key."""


class UnitState(_Body):
    state: dict[str, str]


class GoalStatus(_Body):
    status: str
    since: str


class GoalState(_Body):
    units: dict[str, GoalStatus] = Field(default_factory=dict)
    relations: dict[str, dict[str, GoalStatus]] = Field(default_factory=dict)


# -- relations ---------------------------------------------------------------------------
class RelationRef(_Body):
    relation_id: int


class RelationSettingsQuery(_Body):
    relation_id: int
    owner: str
    """A unit name, or an application name with ``is_app``."""
    is_app: bool = False


class Settings(_Body):
    values: dict[str, str]


# -- secrets -------------------------------------------------------------------------------
class SecretQuery(_Body):
    ref: str | None = None
    label: str | None = None


class SecretGetParams(SecretQuery):
    peek: bool = False
    refresh: bool = False


class SecretValue(_Body):
    id: str
    revision: int
    content: SecretContent


class SecretAccess(_Body):
    target: str
    scope: str
    role: str


class SecretMetadata(_Body):
    """One secret as ``secret-info-get`` shows it (unset fields are left out)."""

    revision: int
    label: str | None = None
    owner: str
    description: str | None = None
    rotation: str | None = None
    rotates: str | None = None
    expiry: str | None = None
    access: list[SecretAccess] | None = None


class SecretInfoReply(_Body):
    secrets: dict[str, SecretMetadata]


class SecretIds(_Body):
    ids: list[str]


# -- storage -------------------------------------------------------------------------------
class StorageRef(_Body):
    storage_id: str


class StorageAttached(StorageRef):
    location: str = ""


# -- tasks (actions and exec) ------------------------------------------------------------
class TaskRef(_Body):
    task_id: str = Field(pattern=r"^[0-9]+$")


class TaskBegun(_Body):
    run: bool
    """False when the task was cancelled or another agent already began it."""


class TaskLog(TaskRef):
    message: str


class TaskFinish(TaskRef):
    status: TaskOutcome
    message: str = ""
    results: dict[str, Any] = Field(default_factory=dict)


# -- logs --------------------------------------------------------------------------------
class AgentLogRecord(_Body):
    time: str
    entity: str
    level: str
    module: str
    message: str
    location: str = ""


class LogBatch(_Body):
    records: list[AgentLogRecord]


# -- the registry --------------------------------------------------------------------------
Req = TypeVar("Req", bound=BaseModel)
Rep = TypeVar("Rep", bound=BaseModel)


@dataclasses.dataclass(frozen=True, slots=True)
class AgentOp(Generic[Req, Rep]):
    """One agent call: its name on both transports and the models of its two halves."""

    name: str
    request: type[Req]
    reply: type[Rep]
    unit_scoped: bool = True
    """Acts for one unit of the calling machine (the call names it)."""


SET_STATUS = AgentOp("set-status", AgentStatusParams, Empty)
UNIT_STATUS = AgentOp("unit-status", UnitStatusQuery, UnitStatusReply)
COMMIT = AgentOp("commit", HookCommitParams, CommitReply)
LEADER_SETTINGS = AgentOp("leader-settings", LeaderSettingsParams, Empty)
STATE = AgentOp("state", Empty, UnitState)
GOAL_STATE = AgentOp("goal-state", Empty, GoalState)
DEAD = AgentOp("dead", Empty, Empty)
ENTER_SCOPE = AgentOp("enter-scope", RelationRef, Empty)
LEAVE_SCOPE = AgentOp("leave-scope", RelationRef, Empty)
RELATION_SETTINGS = AgentOp("relation-settings", RelationSettingsQuery, Settings)
SECRET_GET = AgentOp("secret-get", SecretGetParams, SecretValue)
SECRET_INFO = AgentOp("secret-info", SecretQuery, SecretInfoReply)
SECRET_IDS = AgentOp("secret-ids", Empty, SecretIds)
STORAGE_ATTACHED = AgentOp("storage-attached", StorageAttached, Empty)
STORAGE_DETACHED = AgentOp("storage-detached", StorageRef, Empty)
TASK_BEGIN = AgentOp("task-begin", TaskRef, TaskBegun, unit_scoped=False)
TASK_LOG = AgentOp("task-log", TaskLog, Empty, unit_scoped=False)
TASK_FINISH = AgentOp("task-finish", TaskFinish, Empty, unit_scoped=False)
LOGS = AgentOp("logs", LogBatch, Empty, unit_scoped=False)

AGENT_OPS: dict[str, AgentOp[Any, Any]] = {
    op.name: op
    for op in (SET_STATUS, UNIT_STATUS, COMMIT, LEADER_SETTINGS, STATE, GOAL_STATE, DEAD, ENTER_SCOPE,
               LEAVE_SCOPE, RELATION_SETTINGS, SECRET_GET, SECRET_INFO, SECRET_IDS, STORAGE_ATTACHED,
               STORAGE_DETACHED, TASK_BEGIN, TASK_LOG, TASK_FINISH, LOGS)
}
