"""An in-memory :class:`~pyjuju.agent.hooks.toolctx.ToolContext` for tests.

Tests of the hook tools (and of anything that drives them) need a context
that behaves like a running hook without an agent or a controller: fields
to set up the scene, lists and dicts to inspect afterwards, and the same
refusals the real context makes (non-leader writes, unreadable bags,
unknown bindings) with Juju's texts. Writes apply immediately; there is no
commit/rollback here.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

from ..agent.hooks.toolctx import (
    AppStatusInfo,
    NetworkAddress,
    NetworkInfo,
    NetworkInterface,
    OpenedPort,
    StatusInfo,
    ToolError,
)
from ..core.ports import PortRange


@dataclasses.dataclass
class FakeRelation:
    """One relation as seen from the fake unit; ``bags`` is keyed by unit or application name."""

    id: int
    endpoint: str
    remote_app: str
    units: list[str] = dataclasses.field(default_factory=list)
    bags: dict[str, dict[str, str]] = dataclasses.field(default_factory=dict)
    peer: bool = False
    model_uuid: str = "00000000-0000-4000-8000-000000000000"
    dead: bool = False


def default_network(address: str = "10.0.0.5") -> NetworkInfo:
    """A one-interface binding on ``address``/24."""
    cidr = address.rsplit(".", 1)[0] + ".0/24"
    return NetworkInfo(
        bind_addresses=(
            NetworkInterface(
                interface_name="eth0",
                mac_address="00:16:3e:00:00:01",
                addresses=(NetworkAddress(value=address, cidr=cidr),),
            ),
        ),
        egress_subnets=(f"{address}/32",),
        ingress_addresses=(address,),
    )


@dataclasses.dataclass
class FakeToolContext:
    """Set the fields, run tools, inspect the fields."""

    unit_name: str = "app/0"
    application_name: str = ""
    hook_name: str = "install"
    relation_id: int | None = None
    remote_unit: str = ""
    remote_app: str = ""
    storage_id: str = ""
    action_name: str = ""

    config_values: dict[str, Any] = dataclasses.field(default_factory=dict)
    config_options: list[str] | None = None
    """Declared options (``config-get --all``); defaults to the keys of ``config_values``."""
    addresses: dict[str, str] = dataclasses.field(
        default_factory=lambda: {"private-address": "10.0.0.5", "public-address": "203.0.113.5"}
    )
    networks: dict[str, NetworkInfo] = dataclasses.field(default_factory=dict)
    ports: list[OpenedPort] = dataclasses.field(default_factory=list)
    logs: list[tuple[str, str]] = dataclasses.field(default_factory=list)

    leader: bool = False
    status: StatusInfo = dataclasses.field(default_factory=lambda: StatusInfo(status="unknown"))
    app_status: StatusInfo = dataclasses.field(default_factory=lambda: StatusInfo(status="unknown"))
    peer_statuses: dict[str, StatusInfo] = dataclasses.field(default_factory=dict)
    """Other units of the application, for ``status-get --application``."""
    workload_version: str = ""
    leader_data: dict[str, str] = dataclasses.field(default_factory=dict)
    charm_state: dict[str, str] = dataclasses.field(default_factory=dict)
    goal: dict[str, Any] = dataclasses.field(default_factory=lambda: {"units": {}, "relations": {}})
    relations: dict[int, FakeRelation] = dataclasses.field(default_factory=dict)

    action_params_value: dict[str, Any] | None = None
    """The running action's parameters; ``None`` means this is not an action."""
    action_results: dict[str, Any] = dataclasses.field(default_factory=dict)
    action_failed: str | None = None
    """The ``action-fail`` message, once called."""
    action_log: list[str] = dataclasses.field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.application_name:
            self.application_name = self.unit_name.rsplit("/", 1)[0]

    # -- scene building ---------------------------------------------------------

    def add_relation(
        self,
        relation_id: int,
        endpoint: str,
        remote_app: str,
        units: list[str] | None = None,
        bags: dict[str, dict[str, str]] | None = None,
        peer: bool = False,
    ) -> FakeRelation:
        rel = FakeRelation(
            relation_id, endpoint, remote_app, list(units or []), dict(bags or {}), peer
        )
        self.relations[relation_id] = rel
        return rel

    def enter_relation_hook(
        self, relation_id: int, kind: str = "changed", remote_unit: str = ""
    ) -> None:
        """Make this a ``<endpoint>-relation-<kind>`` hook of ``relation_id``."""
        rel = self._relation(relation_id)
        self.hook_name = f"{rel.endpoint}-relation-{kind}"
        self.relation_id = relation_id
        self.remote_app = rel.remote_app
        self.remote_unit = remote_unit

    def enter_action(self, name: str, params: dict[str, Any] | None = None) -> None:
        """Make this the context of action ``name`` with ``params`` (defaults included)."""
        self.hook_name = ""
        self.action_name = name
        self.relation_id = None
        self.remote_unit = self.remote_app = ""
        self.action_params_value = dict(params or {})

    def _relation(self, relation_id: int) -> FakeRelation:
        rel = self.relations.get(relation_id)
        if rel is None:
            raise ToolError("relation not found")
        return rel

    # -- config -------------------------------------------------------------------

    def config(self) -> dict[str, Any]:
        return {k: v for k, v in self.config_values.items() if v is not None}

    def config_option_names(self) -> list[str]:
        return list(self.config_values if self.config_options is None else self.config_options)

    # -- addresses and networks ---------------------------------------------------

    def unit_address(self, which: str) -> str:
        return self.addresses.get(which, "")

    def network_info(self, binding: str, relation_id: int | None) -> NetworkInfo:
        info = self.networks.get(binding)
        if info is None:
            raise ToolError(f'no network config found for binding "{binding}"')
        return info

    # -- ports ----------------------------------------------------------------------

    def opened_ports(self) -> list[OpenedPort]:
        return list(self.ports)

    def open_port(self, port: PortRange, endpoints: tuple[str, ...] | None) -> None:
        entry = OpenedPort(range=port, endpoints=endpoints)
        if entry not in self.ports:
            self.ports.append(entry)

    def close_port(self, port: PortRange, endpoints: tuple[str, ...] | None) -> None:
        self.ports = [
            p
            for p in self.ports
            if not (p.range == port and (endpoints is None or p.endpoints == endpoints))
        ]

    # -- logging and status -----------------------------------------------------------

    async def log(self, level: str, message: str) -> None:
        self.logs.append((level, message))

    async def set_status(self, status: str, message: str, application: bool) -> None:
        if application:
            if not self.leader:
                raise ToolError("this unit is not the leader")
            self.app_status = StatusInfo(status=status, message=message)
        else:
            self.status = StatusInfo(status=status, message=message)

    async def unit_status(self) -> StatusInfo:
        return self.status

    async def application_status(self) -> AppStatusInfo:
        if not self.leader:
            raise ToolError("finding application status: this unit is not the leader")
        units = {self.unit_name: self.status, **self.peer_statuses}
        return AppStatusInfo(application=self.app_status, units=units)

    async def set_application_version(self, version: str) -> None:
        self.workload_version = version

    # -- leadership -----------------------------------------------------------------

    async def is_leader(self) -> bool:
        return self.leader

    async def leader_settings(self) -> dict[str, str]:
        return dict(self.leader_data)

    async def set_leader_settings(self, values: dict[str, str]) -> None:
        if not self.leader:
            raise ToolError(
                "cannot write leadership settings: cannot write settings: not the leader"
            )
        _merge(self.leader_data, values)

    # -- unit state -------------------------------------------------------------------

    async def state(self) -> dict[str, str]:
        return dict(self.charm_state)

    def set_state(self, values: dict[str, str]) -> None:
        self.charm_state.update(values)  # "key=" stores an empty string

    def delete_state(self, key: str) -> None:
        self.charm_state.pop(key, None)

    # -- goal state -------------------------------------------------------------------

    async def goal_state(self) -> dict[str, Any]:
        return self.goal

    # -- relations --------------------------------------------------------------------

    def relation_ids(self, endpoint: str) -> list[str]:
        return [
            f"{r.endpoint}:{r.id}"
            for r in self.relations.values()
            if r.endpoint == endpoint and not r.dead
        ]

    def has_relation(self, relation_id: int) -> bool:
        return relation_id in self.relations

    def relation_endpoint(self, relation_id: int) -> str:
        return self._relation(relation_id).endpoint

    def relation_units(self, relation_id: int) -> list[str]:
        return list(self._relation(relation_id).units)

    def relation_remote_app(self, relation_id: int) -> str:
        return self._relation(relation_id).remote_app

    async def relation_settings(self, relation_id: int, owner: str, app: bool) -> dict[str, str]:
        rel = self._relation(relation_id)
        if app and owner == self.application_name and not self.leader and not rel.peer:
            raise ToolError("permission denied")
        return dict(rel.bags.get(owner, {}))

    def set_relation_settings(self, relation_id: int, values: dict[str, str], app: bool) -> None:
        rel = self._relation(relation_id)
        if app and not self.leader:
            raise ToolError("cannot write relation settings")
        owner = self.application_name if app else self.unit_name
        _merge(rel.bags.setdefault(owner, {}), values)

    def relation_model_uuid(self, relation_id: int) -> str:
        return self._relation(relation_id).model_uuid

    # -- actions ----------------------------------------------------------------------

    def _require_action(self) -> None:
        if self.action_params_value is None:
            raise ToolError("not running an action")

    def action_params(self) -> dict[str, Any]:
        self._require_action()
        return copy.deepcopy(self.action_params_value or {})

    def set_action_results(self, values: dict[str, Any]) -> None:
        self._require_action()
        _deep_merge(self.action_results, copy.deepcopy(values))

    def fail_action(self, message: str) -> None:
        self._require_action()
        self.action_failed = message

    async def log_action(self, message: str) -> None:
        self._require_action()
        self.action_log.append(message)


def _deep_merge(target: dict[str, Any], values: dict[str, Any]) -> None:
    """Maps merge key by key; anything else (either side) is replaced by the new value."""
    for key, value in values.items():
        current = target.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            _deep_merge(current, value)
        else:
            target[key] = value


def _merge(bag: dict[str, str], values: dict[str, str]) -> None:
    """Juju's settings merge: an empty value deletes the key."""
    for key, value in values.items():
        if value == "":
            bag.pop(key, None)
        else:
            bag[key] = value
