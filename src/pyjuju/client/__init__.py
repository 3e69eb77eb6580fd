"""Python clients of the controller API: :class:`Client` for users (sync, the
CLI) and :class:`AgentClient` for machine agents (asyncio).

Wire errors come back as the same :mod:`pyjuju.core.errors` classes the
controller raised (by their stable code). Imports only ``wire`` and ``core``.
"""

from .agent import AgentClient
from .user import Client

__all__ = ["AgentClient", "Client"]
