"""The provider interface every substrate implements."""

from __future__ import annotations

import dataclasses
from typing import Any, Protocol

from ..core.constraints import Constraints


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


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True, order=True)
class IngressRule:
    """Let traffic to ``from_port``-``to_port``/``protocol`` in from ``source_cidrs``.

    What the firewaller hands a provider for one machine: the whole set, so a
    provider can replace its rules without diffing (ICMP has ports 0-0)."""

    protocol: str
    from_port: int = 0
    to_port: int = 0
    source_cidrs: tuple[str, ...] = ()

    @property
    def port_range(self) -> str:
        if self.protocol == "icmp":
            return "icmp"
        if self.from_port == self.to_port:
            return f"{self.from_port}/{self.protocol}"
        return f"{self.from_port}-{self.to_port}/{self.protocol}"

    def __str__(self) -> str:
        return f"{self.port_range} from {','.join(self.source_cidrs)}"

    def to_dict(self) -> dict[str, Any]:
        return {"port-range": self.port_range, "protocol": self.protocol, "from-port": self.from_port,
                "to-port": self.to_port, "source-cidrs": list(self.source_cidrs)}


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

    def check_constraints(self, cons: Constraints) -> None:
        """Refuse constraints no new machine of this provider can meet.

        Raises :class:`~pyjuju.core.errors.ConstraintsNotMetError` naming each unmet
        constraint and why. Called before anything is stored, so it must not block
        for long or change anything."""
        ...

    def network_cidrs(self) -> tuple[str, ...]:
        """The subnets machines are on: what the ``alpha`` space means to a firewall."""
        ...

    def set_ingress_rules(self, instance_id: str, rules: tuple[IngressRule, ...]) -> None:
        """Replace the machine's ingress rules (empty: nothing may come in from outside).

        Idempotent; an unknown instance is ignored (it may have just been stopped)."""
        ...
