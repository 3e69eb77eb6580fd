"""The bundle of collaborators every service function uses."""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
from pathlib import Path
from typing import Protocol

from ...core.constraints import Constraints
from ...core.errors import InvalidArgumentError
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

    def check_constraints(self, cons: Constraints) -> None:
        """Raise ``ConstraintsNotMetError`` if no new machine could meet ``cons``."""
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


def check_base(svc: Services, base: str, *, force: bool = False) -> None:
    """Refuse a ``--base`` the provider's machines cannot run.

    Local machines run the host's OS, so a charm asking for another base would silently
    get something else; ``--force`` accepts that knowingly, as Juju's does for unsupported
    bases."""
    if not base:
        return
    name, sep, channel = base.partition("@")
    if not (sep and name and channel):
        raise InvalidArgumentError(f'invalid base "{base}": expected NAME@CHANNEL, e.g. ubuntu@22.04', base=base)
    host = svc.host.base()
    if (name, channel) != (host["name"], host["channel"]) and not force:
        raise InvalidArgumentError(
            f'base "{base}" is not available: machines of the {svc.cloud} cloud run '
            f'{host["name"]}@{host["channel"]} (--force uses them anyway)', base=base)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
