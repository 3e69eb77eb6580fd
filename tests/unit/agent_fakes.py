"""A stand-in for the agent's controller client: answers each agent call from a handler.

Unit tests of the hook context, the hook tools, the reporter, the log shipper and
the uniter use it instead of a network. Every call is recorded as ``(op name, unit, request)``;
calls without a handler get the reply model's empty value (``Empty``,
``CommitReply(applied=True)``, ``TaskBegun(run=True)``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from pyjuju.wire import CommitReply, TaskBegun, UnitView
from pyjuju.wire.agent import AgentOp

Handler = Callable[[Any, str], Any]
"""``(request, unit) -> reply``, or raise to refuse."""

_DEFAULTS: dict[type[BaseModel], BaseModel] = {
    CommitReply: CommitReply(applied=True),
    TaskBegun: TaskBegun(run=True),
}


class FakeAgentClient:
    def __init__(self, **handlers: Handler) -> None:
        """Handlers by op name, with ``-`` written ``_`` (``set_status=...``)."""
        self.handlers = {name.replace("_", "-"): h for name, h in handlers.items()}
        self.calls: list[tuple[str, str, Any]] = []
        self.downloads: list[tuple[str, Path]] = []
        self.charms: dict[str, Path] = {}
        """Archives ``download_charm`` serves, by sha256."""

    async def call(self, op: AgentOp[Any, Any], request: Any, unit: str = "") -> Any:
        assert isinstance(request, op.request), (op.name, request)
        self.calls.append((op.name, unit, request))
        handler = self.handlers.get(op.name)
        if handler is not None:
            return handler(request, unit)
        if op.reply in _DEFAULTS:
            return _DEFAULTS[op.reply]
        return op.reply()

    def names(self, *ops: str) -> list[str]:
        """The op names called, in order (only ``ops`` when given)."""
        return [name for name, _, _ in self.calls if not ops or name in ops]

    def requests(self, op: str) -> list[Any]:
        return [req for name, _, req in self.calls if name == op]

    async def download_charm(self, sha256: str, dest: Path) -> None:
        self.downloads.append((sha256, dest))
        dest.write_bytes(self.charms[sha256].read_bytes())

    async def aclose(self) -> None:
        pass

    async def download_resource(self, application: str, name: str, dest: Path) -> None:
        self.downloads.append((f"{application}/{name}", dest))
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(f"resource {name}\n")


def unit_view(**over: Any) -> UnitView:
    """A view of ``app/0`` with ``over`` fields (nested values may be plain dicts)."""
    fields: dict[str, Any] = {"name": "app/0", "application": "app",
                              "charm": {"url": "local:app-0", "sha256": "a" * 64}}
    fields.update(over)
    return UnitView.model_validate(fields)
