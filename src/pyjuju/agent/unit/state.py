"""Local state of one unit, persisted after every step.

What the unit has already handled (installed, started, config version seen,
leadership accepted, relations joined, ...) plus the operation in flight.

Every save appends the whole state as one JSON line to ``state.journal``: a
single ``write`` to an ``O_APPEND`` file, which a SIGKILL cannot tear and
which costs a hundredth of writing a temp file and renaming it (the rename is
what made saving the biggest cost of a no-op hook). Loading takes the last
line that parses. Every few hundred saves the journal is compacted into
``state.json`` (temp file + rename) and emptied; a crash between the two
steps leaves both holding the same state.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class HookInfo:
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

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> HookInfo:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


@dataclasses.dataclass(slots=True, kw_only=True)
class LocalState:
    charm_sha: str = ""
    charm_version: int = 0
    charm_members: list[str] = dataclasses.field(default_factory=list)
    installed: bool = False
    started: bool = False
    stopped: bool = False
    removed: bool = False
    leader: bool = False
    leader_settings_version: int = -1
    config_version: int = 0
    status_ever_set: bool = False
    resolved_seq: int = 0
    op: dict[str, Any] | None = None
    """In-flight hook: ``{"hook", "step": queued|running|committing, "effects", "pid", "commit"}``."""
    error: dict[str, Any] | None = None
    """Failed hook awaiting ``resolved`` or a retry: ``{"hook", "retries"}``."""
    relations: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    """Per relation id: ``endpoint``, ``remote_app``, ``peer``, ``implicit``, ``members``
    (remote unit -> settings version seen), ``app_members`` (app -> version seen),
    ``changed_pending`` (unit whose relation-changed must follow its joined), ``broken``."""
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)
    """Room for later features (relations, actions) without a format change."""

    def to_json(self) -> str:
        # Not dataclasses.asdict: it deep-copies every nested dict, on every save.
        return json.dumps({f.name: getattr(self, f.name) for f in _FIELDS}, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> LocalState:
        data = json.loads(text)
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


_FIELDS = dataclasses.fields(LocalState)


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
                return LocalState.from_json(raw.decode())
            except (ValueError, TypeError, UnicodeDecodeError):
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
