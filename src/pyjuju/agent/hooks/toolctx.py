"""What a hook tool may ask of the running hook's context.

The tool modules in :mod:`pyjuju.agent.hooks.tools` implement the *command
line* of each tool (flags, formats, exit codes, Juju's error texts) and call
only the methods below. The unit agent's ``HookContext`` implements this
protocol with snapshot reads and buffered writes (docs/charm-runtime.md, Snapshot reads and
transactional writes); it is the only implementation, and the tools' tests run against it too
(``tests/unit/hooktools/``), with a stand-in only for the controller it talks to.

Errors: a method that refuses raises :class:`ToolError` with the exact text
Juju prints after ``ERROR `` and the exit code (1 for runtime errors, 2 for
argument errors).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Protocol

from ...core.ports import PortRange
from ...wire.agent import SecretOwner


class ToolError(Exception):
    """A tool failure: printed as ``ERROR <message>`` with exit ``code``."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class StatusInfo:
    """One status as ``status-get`` reports it."""

    status: str
    message: str = ""
    data: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class AppStatusInfo:
    """``status-get --application``: the app status plus every unit's status."""

    application: StatusInfo
    units: dict[str, StatusInfo]


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class NetworkAddress:
    value: str
    cidr: str
    hostname: str = ""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class NetworkInterface:
    interface_name: str
    mac_address: str
    addresses: tuple[NetworkAddress, ...]


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class NetworkInfo:
    """``network-get`` full record for one binding."""

    bind_addresses: tuple[NetworkInterface, ...]
    egress_subnets: tuple[str, ...]
    ingress_addresses: tuple[str, ...]


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class OpenedPort:
    """A port range and the endpoints it is open on (``None`` = all endpoints)."""

    range: PortRange
    endpoints: tuple[str, ...] | None = None


class ToolContext(Protocol):
    """The running hook (or action) as its tools see it."""

    # -- identity -----------------------------------------------------------
    unit_name: str
    """``app/0``."""
    application_name: str
    hook_name: str
    """Full hook name (``db-relation-changed``); ``""`` for actions."""
    relation_id: int | None
    """The current hook's relation, or ``None`` outside relation hooks."""
    remote_unit: str
    """``JUJU_REMOTE_UNIT`` (may be ``""``)."""
    remote_app: str
    """``JUJU_REMOTE_APP`` (may be ``""``)."""
    action_name: str
    """``""`` unless this context runs an action."""

    # -- config ------------------------------------------------------------
    def config(self) -> dict[str, Any]:
        """Effective charm config: every option with a value or a non-null default."""
        ...

    def config_option_names(self) -> list[str]:
        """Every option the charm declares (``config-get --all`` shows unset ones as null)."""
        ...

    # -- addresses and networks -------------------------------------------
    def unit_address(self, which: str) -> str:
        """``private-address`` or ``public-address`` of this unit."""
        ...

    def network_info(self, binding: str, relation_id: int | None) -> NetworkInfo:
        """Raises ToolError ``no network config found for binding "<name>"`` for unknown bindings."""
        ...

    # -- ports (buffered) -------------------------------------------------
    def opened_ports(self) -> list[OpenedPort]:
        """Committed ranges plus this hook's pending opens minus its pending closes."""
        ...

    def open_port(self, port: PortRange, endpoints: tuple[str, ...] | None) -> None: ...

    def close_port(self, port: PortRange, endpoints: tuple[str, ...] | None) -> None: ...

    # -- logging and status (immediate) -------------------------------------
    async def log(self, level: str, message: str) -> None:
        """Level is one of TRACE DEBUG INFO WARNING ERROR CRITICAL."""
        ...

    async def set_status(self, status: str, message: str, application: bool) -> None:
        """Raises ToolError ``this unit is not the leader`` for application status on a non-leader."""
        ...

    async def unit_status(self) -> StatusInfo: ...

    async def application_status(self) -> AppStatusInfo:
        """Raises ToolError ``finding application status: this unit is not the leader``."""
        ...

    async def set_application_version(self, version: str) -> None: ...

    # -- leadership ---------------------------------------------------------
    async def is_leader(self) -> bool: ...

    async def leader_settings(self) -> dict[str, str]: ...

    async def set_leader_settings(self, values: dict[str, str]) -> None:
        """Empty values delete keys. Raises ToolError
        ``cannot write leadership settings: cannot write settings: not the leader``."""
        ...

    # -- unit state (buffered) -------------------------------------------
    async def state(self) -> dict[str, str]:
        """The unit's controller-side state including this hook's pending writes."""
        ...

    def set_state(self, values: dict[str, str]) -> None: ...

    def delete_state(self, key: str) -> None: ...

    # -- goal state -----------------------------------------------------
    async def goal_state(self) -> dict[str, Any]:
        """``{"units": {...}, "relations": {...}}`` with ``status`` and ``since`` per entry."""
        ...

    # -- relations -------------------------------------------------------
    def relation_ids(self, endpoint: str) -> list[str]:
        """``endpoint:id`` of the unit's relations of ``endpoint`` (unsorted), leaving out the
        relation whose ``relation-broken`` hook is running."""
        ...

    def has_relation(self, relation_id: int) -> bool: ...

    def relation_endpoint(self, relation_id: int) -> str:
        """This unit's endpoint name in the relation."""
        ...

    def relation_units(self, relation_id: int) -> list[str]:
        """Remote units currently in the relation (for peers: the other peers)."""
        ...

    def relation_remote_app(self, relation_id: int) -> str: ...

    async def relation_settings(self, relation_id: int, owner: str, app: bool) -> dict[str, str]:
        """Read the bag of unit ``owner`` (or application ``owner`` when ``app``).

        Raises ToolError ``permission denied`` when Juju's read rules forbid it.
        """
        ...

    def set_relation_settings(self, relation_id: int, values: dict[str, str], app: bool) -> None:
        """Buffer a write; ``""`` deletes. Raises ToolError ``cannot write relation settings``
        for ``app`` on a non-leader."""
        ...

    def relation_model_uuid(self, relation_id: int) -> str: ...

    # -- actions (each raises ToolError("not running an action") outside one) -----
    def action_params(self) -> dict[str, Any]:
        """The validated parameters, defaults included (nested JSON values)."""
        ...

    def set_action_results(self, values: dict[str, Any]) -> None:
        """Merge nested ``values`` into the results; later writes overwrite."""
        ...

    def fail_action(self, message: str) -> None:
        """Mark the action failed; the process goes on and results are kept."""
        ...

    async def log_action(self, message: str) -> None:
        """Append a progress message to the task's log (sent at once)."""
        ...

    # -- secrets ------------------------------------------------------------------
    # ``ref`` is a secret URI (``secret:<id>``, ``secret://<model>/<id>``) or a bare
    # id. Content maps are plain text: the tools decode ``#base64`` / ``#file``
    # arguments and encode ``key#base64`` output themselves. Refusals raise
    # ToolError with Juju's texts; lookups that fail contain "not found"
    # (ops maps that to SecretNotFoundError).
    async def secret_add(self, content: dict[str, str], *, owner: SecretOwner, label: str | None,
                         description: str | None, expire: str | None, rotate: str | None) -> str:
        """Create (on commit) a secret owned by the ``application`` or the ``unit``;
        returns its URI at once. ``expire`` is RFC 3339."""
        ...

    async def secret_get(self, ref: str | None, label: str | None, *, peek: bool,
                         refresh: bool) -> dict[str, str]:
        """The content as this unit sees it (owner: latest; consumer: tracked revision,
        or latest with ``peek``/``refresh``). Giving both ``ref`` and ``label`` as a
        consumer sets the consumer label."""
        ...

    async def secret_set(self, ref: str | None, label_lookup: str | None, *, content: dict[str, str] | None,
                         label: str | None, description: str | None, expire: str | None,
                         rotate: str | None) -> None:
        """New revision (if the content changed) and/or metadata; owner only (leader for app secrets)."""
        ...

    async def secret_info(self, ref: str | None, label: str | None) -> dict[str, Any]:
        """``{"<id>": {"revision", "label"?, "owner", "description"?, "rotation"?, "expiry"?,
        "rotates"?, "access"?}}``; owner only."""
        ...

    async def secret_ids(self) -> list[str]:
        """Bare ids of the secrets this unit (or, as leader, its application) owns."""
        ...

    async def secret_grant(self, ref: str, relation_id: int, unit: str | None) -> None:
        """Buffered; refused at once (``secret "<id>" not found``) for a secret the unit does not own."""
        ...

    async def secret_revoke(self, ref: str, *, relation_id: int | None, app: str | None,
                            unit: str | None) -> None: ...

    async def secret_remove(self, ref: str, revision: int | None) -> None: ...

    # -- storage ------------------------------------------------------------------
    def storage_id(self) -> str:
        """``JUJU_STORAGE_ID`` of the current hook, or ``""``."""
        ...

    def storage_get(self, storage_id: str) -> dict[str, str]:
        """``{"kind": "filesystem"|"block", "location": path}``; ToolError when unknown."""
        ...

    def storage_list(self, name: str | None) -> list[str]:
        """Ids (``data/0``) of storage attached to the unit, optionally of one store."""
        ...

    def storage_add(self, counts: dict[str, int]) -> None:
        """Buffered: ask for more instances of the named stores (checked at the hook's commit)."""
        ...

    # -- resources ----------------------------------------------------------------
    async def resource_get(self, name: str) -> str:
        """Path of the resource's file inside the unit; ToolError("could not download
        resource: ...") when there is none."""
        ...
