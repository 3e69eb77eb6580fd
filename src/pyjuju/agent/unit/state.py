"""Local state of one unit, persisted after every step.

What the unit has already handled (installed, started, config version seen,
leadership accepted, relations joined, ...) plus the operation in flight.
Every value is a frozen model: operations and :func:`.effects.apply_effects`
return new states instead of editing one in place, so a step either
happened (and was saved) or did not.

Every save appends the whole state as one JSON line to ``state.journal``: a
single ``write`` to an ``O_APPEND`` file, which a SIGKILL cannot tear and
which costs a hundredth of writing a temp file and renaming it (the rename is
what made saving the biggest cost of a no-op hook). Loading takes the last
line that parses. Every few hundred saves the journal is compacted into
``state.json`` (temp file + rename) and emptied; a crash between the two
steps leaves both holding the same state.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ...wire import HookCommitParams

STATE_VERSION = 1


class _State(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HookInfo(_State):
    """Which hook to run, with its relation/remote-unit context when it has one."""

    kind: str
    """Hook kind: ``install``, ``config-changed``, ``relation-changed``, ..."""
    relation_id: int | None = None
    endpoint: str = ""
    remote_unit: str = ""
    remote_app: str = ""
    departing_unit: str = ""
    secret_id: str = ""
    secret_label: str = ""
    secret_revision: int = 0
    storage_id: str = ""

    @property
    def name(self) -> str:
        """Full hook name: relation hooks are prefixed with the endpoint."""
        if self.kind.startswith("relation-") and self.endpoint:
            return f"{self.endpoint}-{self.kind}"
        if self.kind.startswith("storage-") and self.storage_id:
            return f"{self.storage_id.split('/')[0]}-{self.kind}"
        return self.kind


# -- effects: what a hook changes in local state once it commits ----------------------------
class RelationCreated(_State):
    action: Literal["created"] = "created"
    id: int
    endpoint: str
    remote_app: str
    peer: bool = False
    implicit: bool = False


class MemberSeen(_State):
    """A remote unit joined, or its bag's version was handled by relation-changed."""

    action: Literal["joined", "changed"]
    id: int
    unit: str
    version: int


class AppBagSeen(_State):
    action: Literal["app-changed"] = "app-changed"
    id: int
    version: int


class MemberDeparted(_State):
    action: Literal["departed"] = "departed"
    id: int
    unit: str


class RelationBroken(_State):
    action: Literal["broken"] = "broken"
    id: int


RelationEffect = Annotated[RelationCreated | MemberSeen | AppBagSeen | MemberDeparted | RelationBroken,
                           Field(discriminator="action")]


class SecretHookSeen(_State):
    """A secret hook ran for this (secret, revision): remembered so it runs once."""

    key: str
    value: int


class StorageEffect(_State):
    id: str
    attached: bool


class Effects(_State):
    """Local-state changes an operation makes once it has committed (unset fields: none)."""

    installed: bool | None = None
    started: bool | None = None
    stopped: bool | None = None
    removed: bool | None = None
    leader: bool | None = None
    leader_settings_version: int | None = None
    config_version: int | None = None
    charm_version: int | None = None
    relation: RelationEffect | None = None
    secret_hook: SecretHookSeen | None = None
    storage: StorageEffect | None = None


# -- what the unit has handled ------------------------------------------------------------
class LocalRelation(_State):
    """One relation as this unit has seen it, through the hooks it has run."""

    endpoint: str
    remote_app: str
    peer: bool = False
    implicit: bool = False
    members: dict[str, int] = Field(default_factory=dict)
    """Remote unit -> bag version handled."""
    app_version: int = 0
    """Remote application bag version handled."""
    changed_pending: str = ""
    """The unit whose relation-changed must follow its relation-joined."""
    broken: bool = False


class HookInFlight(_State):
    """A hook between ``queued`` (decided), ``running`` (its process exists) and
    ``committing`` (exited 0; its buffered writes are being sent)."""

    kind: Literal["hook"] = "hook"
    hook: HookInfo
    step: Literal["queued", "running", "committing"] = "queued"
    effects: Effects = Field(default_factory=Effects)
    pid: int | None = None
    pid_start: str | None = None
    """The process's start time: with the pid, names exactly one process."""
    commit: HookCommitParams | None = None


class TaskInFlight(_State):
    """An action or exec command whose process was started."""

    kind: Literal["task"] = "task"
    id: str
    name: str
    pid: int | None = None
    pid_start: str | None = None


InFlight = Annotated[HookInFlight | TaskInFlight, Field(discriminator="kind")]


class HookError(_State):
    """A failed hook awaiting ``resolved`` or an automatic retry."""

    hook: HookInfo
    effects: Effects = Field(default_factory=Effects)


KEEP_TASKS_DONE = 64


class LocalState(_State):
    # A newer agent's extra fields are ignored, so a downgraded agent still loads its state.
    model_config = ConfigDict(extra="ignore", frozen=True)

    version: int = STATE_VERSION
    charm_sha: str = ""
    charm_version: int = 0
    charm_members: tuple[str, ...] = ()
    """Files the deployed charm archive put in the charm directory (removed on upgrade)."""
    installed: bool = False
    started: bool = False
    stopped: bool = False
    removed: bool = False
    leader: bool = False
    leader_settings_version: int = -1
    config_version: int = 0
    status_ever_set: bool = False
    resolved_seq: int = 0
    op: InFlight | None = None
    error: HookError | None = None
    relations: dict[int, LocalRelation] = Field(default_factory=dict)
    tasks_done: tuple[str, ...] = ()
    """The last tasks this unit finished, so a view that still lists them is not acted on twice."""
    secret_hooks: dict[str, int] = Field(default_factory=dict)
    storage: tuple[str, ...] = ()
    """Storage ids whose storage-attached hook has run."""

    def with_task_done(self, task_id: str) -> LocalState:
        done = [t for t in self.tasks_done if t != task_id]
        return self.model_copy(update={"op": None, "tasks_done": (*done, task_id)[-KEEP_TASKS_DONE:]})

    def to_json(self) -> str:
        # Not exclude_defaults: the discriminators (``kind``, ``action``, ``op``) have defaults.
        return self.model_dump_json()

    @classmethod
    def from_json(cls, text: str | bytes) -> LocalState:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("state is not an object")
        if data.get("version", 0) < STATE_VERSION:
            data = upgrade_v0(data)
        return cls.model_validate(data)


def upgrade_v0(data: dict[str, Any]) -> dict[str, Any]:
    """Read a state saved by agents before version 1 (dict-shaped ``op``, ``error``,
    relations and an ``extra`` bag), so an upgraded agent does not re-run install."""
    out = {k: v for k, v in data.items() if k not in ("op", "error", "relations", "extra")}
    out["version"] = STATE_VERSION
    extra = data.get("extra") or {}
    out["tasks_done"] = list(extra.get("tasks_done") or ())
    out["secret_hooks"] = dict(extra.get("secret_hooks") or {})
    out["storage"] = sorted(extra.get("storage") or {})
    op = data.get("op")
    if op and "action" in op:
        out["op"] = {"kind": "task", **op["action"], "pid": op.get("pid"), "pid_start": op.get("pid_start")}
    elif op:
        out["op"] = {"kind": "hook", "hook": op["hook"], "step": op.get("step", "queued"),
                     "effects": _effects_v0(op.get("effects") or {}), "pid": op.get("pid"),
                     "pid_start": op.get("pid_start"), "commit": op.get("commit")}
    if data.get("error"):
        out["error"] = {"hook": data["error"]["hook"], "effects": _effects_v0(data["error"].get("effects") or {})}
    out["relations"] = {
        rid: {"endpoint": lr["endpoint"], "remote_app": lr["remote_app"], "peer": bool(lr.get("peer")),
              "implicit": bool(lr.get("implicit")), "members": dict(lr.get("members") or {}),
              "app_version": int((lr.get("app_members") or {}).get(lr["remote_app"], 0)),
              "changed_pending": lr.get("changed_pending") or "", "broken": bool(lr.get("broken"))}
        for rid, lr in (data.get("relations") or {}).items()
    }
    return out


def _effects_v0(effects: dict[str, Any]) -> dict[str, Any]:
    out = dict(effects)
    rel = out.get("relation")
    if rel and rel.get("action") == "app-changed":
        out["relation"] = {"action": "app-changed", "id": rel["id"], "version": rel["version"]}
    storage = out.get("storage")
    if storage:
        out["storage"] = {"id": storage["id"], "attached": storage.get("state") == "attached"}
    return out


class StateFile:
    """``state.json`` (last compaction) plus ``state.journal`` (one state per line)."""

    COMPACT_EVERY = 256

    def __init__(self, path: Path) -> None:
        self.path = path
        self.journal = path.with_name(path.stem + ".journal")
        self._fd: int | None = None
        self._appended = 0

    def load(self) -> LocalState:
        text = None
        try:
            text = self.path.read_text()
        except FileNotFoundError:
            pass
        try:
            with open(self.journal, "rb") as f:
                lines = f.read().splitlines()
        except FileNotFoundError:
            lines = []
        self._appended = len(lines)
        for raw in reversed(lines):
            try:
                return LocalState.from_json(raw)
            except (ValueError, TypeError, KeyError, ValidationError):
                continue  # a torn last line (power loss): the one before it is whole
        return LocalState.from_json(text) if text else LocalState()

    def save(self, state: LocalState) -> None:
        if self._fd is None:
            self._fd = os.open(self.journal, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.write(self._fd, (state.to_json() + "\n").encode())
        self._appended += 1
        if self._appended >= self.COMPACT_EVERY:
            self.compact(state)

    def compact(self, state: LocalState) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp")
        with open(tmp, "w") as f:
            f.write(state.to_json())
        os.replace(tmp, self.path)
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
        self._appended = 0

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
