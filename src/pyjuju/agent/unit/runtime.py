"""What operations may use of the unit agent running them.

Operations (``operations/``) see the unit through this protocol only: its
state and how to save it, the controller client, status reporting, logging,
hook contexts and environments, and the machine's hook lock. The unit agent
implements it; tests can run operations against a stand-in.
"""

from __future__ import annotations

import asyncio
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

from ...client import AgentClient
from ...wire import AgentStatusParams, ModelView, UnitView
from ..hooks.context import HookContext
from .state import HookInfo, LocalState


class UnitRuntime(Protocol):
    name: str
    tag: str
    charm_dir: Path
    client: AgentClient
    hook_lock: asyncio.Lock

    @property
    def state(self) -> LocalState:
        """The unit's current local state (last saved)."""
        ...

    def save(self, state: LocalState) -> None:
        """Make ``state`` current and persist it."""
        ...

    @property
    def remote(self) -> UnitView | None:
        """The controller's latest view of the unit (None once it is gone)."""
        ...

    @property
    def model(self) -> ModelView: ...

    @property
    def stopping(self) -> bool:
        """The agent is shutting down: a killed process is not a failure."""
        ...

    def post_status(self, params: AgentStatusParams) -> None:
        """Queue a status write without waiting for it."""
        ...

    async def flush_status(self) -> None:
        """Wait until every queued status write has been delivered."""
        ...

    def finished(self) -> None:
        """The unit is dead: the agent stops after this operation."""
        ...

    def log(self, level: str, module: str, message: str) -> None: ...

    async def charm_archive(self, sha256: str) -> Path:
        """The charm archive with this digest, downloaded once per machine."""
        ...

    def storage_location(self, storage_id: str) -> str: ...

    def new_context(self, hook: HookInfo, view: UnitView | None, *, action_name: str = "",
                    action_params: dict[str, Any] | None = None, log_action: Any = None) -> HookContext:
        """A hook context for ``hook`` (or an action or exec), as of ``view``."""
        ...

    def serving(self, ctx: HookContext) -> AbstractContextManager[None]:
        """While entered, hook tools calling with ``ctx.id`` reach ``ctx``."""
        ...

    def env_for(self, context_id: str, view: UnitView | None, *, hook_name: str, dispatch_path: str,
                **kwargs: Any) -> dict[str, str]:
        """The environment of a hook, action or exec on this unit."""
        ...

    def hook_succeeded(self, hook: HookInfo) -> None:
        """Reset retry back-off; restart the update-status timer after start/update-status."""
        ...

    def hook_failed(self) -> None:
        """Schedule the next automatic retry (with back-off)."""
        ...

    def reset_retry(self) -> None:
        """A ``resolved`` request retries now: forget the back-off."""
        ...
