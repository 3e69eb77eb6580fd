"""Local state of one unit, persisted atomically as JSON after every step.

What the unit has already handled (installed, started, config version seen,
leadership accepted, ...) plus the operation in flight. Writing a temp file
and renaming it means a SIGKILL leaves either the old or the new state, never
a torn one.
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

    @property
    def name(self) -> str:
        """Full hook name: relation hooks are prefixed with the endpoint."""
        if self.kind.startswith("relation-") and self.endpoint:
            return f"{self.endpoint}-{self.kind}"
        return self.kind

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> HookInfo:
        return cls(**d)


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
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> LocalState:
        data = json.loads(text)
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


class StateFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> LocalState:
        try:
            return LocalState.from_json(self.path.read_text())
        except FileNotFoundError:
            return LocalState()

    def save(self, state: LocalState) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp")
        with open(tmp, "w") as f:
            f.write(state.to_json())
        os.replace(tmp, self.path)
