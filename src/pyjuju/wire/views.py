"""What the controller pushes to a machine agent: typed views of its model, machine and units.

A view holds everything a unit agent's resolver compares with its local
state (charm, config version, leadership, life, relation members and bag
versions, pending tasks, secrets, storage) and what hook tools read without a
round trip (config values, leader settings, the unit's address, committed
ports). The controller builds each view once per model revision; the agent
parses each watch message once, at its boundary, so no code on either side
reads a view by string key.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "QUEUED_TASK_STATUSES",
    "RESOLVED_MODES",
    "CharmRef",
    "ConsumedSecret",
    "MachineView",
    "ModelView",
    "OpenedPortView",
    "OwnedSecret",
    "ProxySettings",
    "QueuedTaskStatus",
    "RelationView",
    "ResolvedMode",
    "ResourceView",
    "SecretsView",
    "StorageView",
    "TaskView",
    "UnitView",
    "WatchMessage",
]


QueuedTaskStatus = Literal["pending", "running"]
QUEUED_TASK_STATUSES: tuple[QueuedTaskStatus, ...] = ("pending", "running")
ResolvedMode = Literal["", "retry", "no-retry"]
"""What ``juju resolved`` asked of a unit in error: nothing, retry the hook, or skip it."""
RESOLVED_MODES: tuple[ResolvedMode, ...] = ("", "retry", "no-retry")


class _View(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProxySettings(_View):
    """The model's proxy settings, exported into every hook's environment."""

    juju_http_proxy: str = ""
    juju_https_proxy: str = ""
    juju_ftp_proxy: str = ""
    juju_no_proxy: str = ""
    http_proxy: str = ""
    https_proxy: str = ""
    ftp_proxy: str = ""
    no_proxy: str = ""


class ModelView(_View):
    uuid: str
    name: str
    life: str = "alive"
    update_status_interval: float = 300.0
    """Seconds between update-status hooks (the model's ``update-status-hook-interval``)."""
    automatically_retry_hooks: bool = True
    logging_config: str = "<root>=INFO"
    proxy: ProxySettings = Field(default_factory=ProxySettings)


class TaskView(_View):
    """A pending or running action or exec command addressed to a unit or a machine."""

    id: str
    name: str
    params: dict[str, Any] = Field(default_factory=dict)
    status: QueuedTaskStatus = "pending"


class MachineView(_View):
    id: str
    life: str = "alive"
    tasks: tuple[TaskView, ...] = ()
    """``exec --machine`` commands for the machine itself."""


class CharmRef(_View):
    url: str
    sha256: str
    version: int = 0
    """Bumped by every refresh: a change means upgrade-charm."""


class OpenedPortView(_View):
    range: str
    """``80/tcp``, ``1000-2000/udp`` or ``icmp``."""
    endpoints: tuple[str, ...] | None = None
    """None: open on every endpoint."""


class RelationView(_View):
    """One relation the unit takes part in, as the controller sees it now."""

    endpoint: str
    interface: str
    role: str
    scope: str = "global"
    implicit: bool = False
    peer: bool = False
    remote_app: str
    life: str = "alive"
    members: dict[str, int] = Field(default_factory=dict)
    """Remote units in scope -> version of their unit bag."""
    app_version: int = 0
    """Version of the remote application's bag."""


class ConsumedSecret(_View):
    tracked: int
    latest: int
    label: str = ""


class OwnedSecret(_View):
    label: str = ""
    latest: int
    rotate_due: bool = False
    expired: tuple[int, ...] = ()
    obsolete: tuple[int, ...] = ()
    """Revisions no consumer tracks any more (secret-remove)."""


class SecretsView(_View):
    consumed: dict[str, ConsumedSecret] = Field(default_factory=dict)
    owned: dict[str, OwnedSecret] = Field(default_factory=dict)


class StorageView(_View):
    name: str
    kind: str = "filesystem"
    life: str = "alive"
    attached: bool = False
    location: str = ""


class ResourceView(_View):
    revision: int
    sha256: str
    filename: str = ""


class UnitView(_View):
    name: str
    application: str
    life: str = "alive"
    principal: str = ""
    machine_id: str | None = None
    charm: CharmRef
    config: dict[str, Any] = Field(default_factory=dict)
    """Effective values (defaults filled in), typed as the charm declares them."""
    config_options: tuple[str, ...] = ()
    config_version: int = 0
    leader: bool = False
    leader_settings: dict[str, str] = Field(default_factory=dict)
    leader_settings_version: int = 0
    resolved: ResolvedMode = ""
    resolved_seq: int = 0
    """Bumped by every ``resolved`` request: greater than the agent's means act on it."""
    opened_ports: tuple[OpenedPortView, ...] = ()
    address: str = "127.0.0.1"
    relations: dict[int, RelationView] = Field(default_factory=dict)
    actions: tuple[TaskView, ...] = ()
    secrets: SecretsView = Field(default_factory=SecretsView)
    storage: dict[str, StorageView] = Field(default_factory=dict)
    resources: dict[str, ResourceView] = Field(default_factory=dict)


class WatchMessage(_View):
    """One message of ``WS /api/agent/watch``.

    The first is a ``snapshot`` of every unit on the machine; each later
    ``update`` carries only what changed: a unit mapped to ``None`` no longer
    exists for this machine, and a missing ``model`` or ``machine`` is unchanged.
    """

    type: Literal["snapshot", "update"]
    revision: int
    model: ModelView | None = None
    machine: MachineView | None = None
    units: dict[str, UnitView | None] = Field(default_factory=dict)
