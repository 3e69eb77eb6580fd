"""Python clients of the controller API: :class:`Client` for users (sync, the
CLI) and :class:`AgentClient` for machine agents (asyncio).

Wire errors come back as the same :mod:`pyjuju.core.errors` classes the
controller raised (by their stable code). Imports only ``wire`` and ``core``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .agent import AgentClient
    from .user import Client

__all__ = ["AgentClient", "Client"]


def __getattr__(name: str) -> Any:
    """Import each client on first use: the CLI never needs the asyncio agent client."""
    if name == "Client":
        from .user import Client

        return Client
    if name == "AgentClient":
        from .agent import AgentClient

        return AgentClient
    raise AttributeError(name)
