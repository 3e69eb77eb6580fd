"""The bundle of collaborators every service function uses."""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
from pathlib import Path
from typing import Protocol

from ...store import Store
from ..hub import ChangeHub


class MachineHost(Protocol):
    """What the services need to know about the substrate (injected by ``cmd``)."""

    def base(self) -> dict[str, str]:
        """``{"name": "debian", "channel": "12"}`` of machines this provider makes."""
        ...

    def hardware(self) -> str:
        """Juju's hardware characteristics string for a new machine."""
        ...


@dataclasses.dataclass(slots=True)
class Services:
    store: Store
    hub: ChangeHub
    data_dir: Path
    controller_name: str
    controller_uuid: str
    cloud: str
    region: str
    host: MachineHost

    @property
    def charm_dir(self) -> Path:
        return self.data_dir / "charms"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
