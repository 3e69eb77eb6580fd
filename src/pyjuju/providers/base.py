"""The provider interface every substrate implements."""

from __future__ import annotations

import dataclasses
from typing import Any, Protocol


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class InstanceSpec:
    """What to start: a machine that runs ``agent_command`` with its configuration."""

    model_uuid: str
    machine_id: str
    agent_config: dict[str, Any]
    """Opaque to the provider: written where the agent reads it."""
    agent_command: tuple[str, ...]
    """The agent's argv; the provider appends ``--config <path>``."""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Instance:
    instance_id: str
    hostname: str
    addresses: tuple[str, ...]


class Provider(Protocol):
    name: str

    def prepare(self) -> None:
        """Create shared infrastructure (a bridge); idempotent. Raises ProviderError."""
        ...

    def controller_bind_addresses(self) -> list[str]:
        """Host addresses the controller API must listen on so that agents reach it."""
        ...

    def agent_api_host(self) -> str:
        """The address agents use to reach the controller."""
        ...

    def start_instance(self, spec: InstanceSpec) -> Instance:
        """Create the machine and start its agent. Raises ProviderError."""
        ...

    def ensure_running(self, instance_id: str) -> bool:
        """Restart the machine's agent if it died (like systemd would); True if it was restarted."""
        ...

    def stop_instance(self, instance_id: str) -> None:
        """Stop every process of the machine and remove it; idempotent."""
        ...

    def destroy_all(self) -> None:
        """Remove every instance and everything :meth:`prepare` made."""
        ...

    def base(self) -> dict[str, str]: ...

    def hardware(self) -> str: ...
