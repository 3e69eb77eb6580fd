"""One hook of one unit, as the unit agent would run it, for the hook-tool tests.

The tools run against the product's :class:`~pyjuju.agent.hooks.context.HookContext`.
A fake stands only at its seams:

- the controller is a :class:`agent_fakes.FakeAgentClient` whose handlers answer
  the context's reads (unit state, relation bags, statuses, goal state) from the
  scene's controller-side fields, and keep what the context sends at once
  (status, workload version, leader settings, action log);
- the view is a real :class:`~pyjuju.wire.UnitView` made from the scene's fields,
  and the relations the :class:`~pyjuju.agent.hooks.context.HookRelation` map the
  uniter hands a context;
- the status reporter, the log and the action log are the callbacks the uniter
  passes, writing to lists here.

What the hook buffers is what ``context.commit_params()`` would send when it
exits 0; nothing here applies it. Scenes whose controller semantics matter
(secrets) run against the real controller instead (``controllerscene.py``).
"""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path
from typing import Any

from agent_fakes import FakeAgentClient

from pyjuju.agent.hooks.context import HookContext, HookRelation, MachineNetwork
from pyjuju.agent.hooks.tools import ToolResult, run_tool
from pyjuju.charm import CharmMeta, parse_metadata
from pyjuju.wire import (
    AgentStatusParams,
    GoalState,
    HookCommitParams,
    LeaderSettingsParams,
    RelationSettingsQuery,
    Settings,
    StatusValue,
    UnitState,
    UnitStatusQuery,
    UnitStatusReply,
    UnitView,
)
from pyjuju.wire import agent as ops

WORDPRESS = {
    "name": "wordpress",
    "summary": "a blog",
    "description": "a blog for tests",
    "requires": {"db": {"interface": "mysql"}},
    "provides": {"website": {"interface": "http"}},
    "peers": {"peers": {"interface": "wp-peers"}},
    "extra-bindings": {"admin": None},
    "storage": {
        "data": {"type": "filesystem", "multiple": {"range": "1-5"}},
        "cache": {"type": "filesystem"},
    },
}

NETWORK = MachineNetwork(address="10.0.0.5", cidr="10.0.0.0/24", mac_address="00:16:3e:00:00:01",
                         interface="eth0")


@dataclasses.dataclass
class SceneRelation:
    """One relation the unit has joined: its remote members, and every bag the controller holds,
    keyed by unit name or (for application bags) application name."""

    endpoint: str
    remote_app: str
    members: list[str] = dataclasses.field(default_factory=list)
    peer: bool = False
    bags: dict[str, dict[str, str]] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Scene:
    """Set the fields, then run tools (the first run starts the hook), then look at what it did."""

    unit: str = "wordpress/0"
    hook: str = "config-changed"
    metadata: dict[str, Any] = dataclasses.field(default_factory=lambda: dict(WORDPRESS))
    resource_dir: Path | None = None

    # -- the hook ---------------------------------------------------------------------
    relation_id: int | None = None
    remote_unit: str = ""
    remote_app: str = ""
    storage_id: str = ""
    action_name: str = ""
    action_params: dict[str, Any] | None = None
    """The running action's parameters; ``None``: this is not an action."""

    # -- the unit's view at hook start ---------------------------------------------------
    leader: bool = False
    config: dict[str, Any] = dataclasses.field(default_factory=dict)
    config_options: list[str] = dataclasses.field(default_factory=list)
    leader_settings: dict[str, str] = dataclasses.field(default_factory=dict)
    opened_ports: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    storage: dict[str, str] = dataclasses.field(default_factory=dict)
    """Attached storage instances: id -> location."""
    resources: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    relations: dict[int, SceneRelation] = dataclasses.field(default_factory=dict)

    # -- what the controller holds ------------------------------------------------------
    state: dict[str, str] = dataclasses.field(default_factory=dict)
    statuses: dict[str, StatusValue] = dataclasses.field(default_factory=dict)
    """Workload status of each unit of the application."""
    app_status: StatusValue = dataclasses.field(default_factory=lambda: StatusValue(status="unknown"))
    workload_version: str = ""
    goal: GoalState = dataclasses.field(default_factory=GoalState)

    # -- what the hook sent at once -------------------------------------------------------
    logs: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    action_log: list[str] = dataclasses.field(default_factory=list)
    client: FakeAgentClient = dataclasses.field(init=False)
    _ctx: HookContext | None = dataclasses.field(default=None, init=False)

    def __post_init__(self) -> None:
        self.client = FakeAgentClient(
            state=lambda req, unit: UnitState(state=dict(self.state)),
            unit_status=self._unit_status,
            goal_state=lambda req, unit: self.goal,
            relation_settings=self._bag,
            set_status=self._set_status,
            leader_settings=self._set_leader_settings,
            task_log=self._task_log,
        )

    # -- scene building -------------------------------------------------------------------
    @property
    def application(self) -> str:
        return self.unit.rsplit("/", 1)[0]

    def add_relation(self, relation_id: int, endpoint: str, remote_app: str, members: list[str] | None = None,
                     bags: dict[str, dict[str, str]] | None = None, peer: bool = False) -> SceneRelation:
        rel = SceneRelation(endpoint, remote_app, list(members or []), peer, dict(bags or {}))
        self.relations[relation_id] = rel
        return rel

    def enter_relation_hook(self, relation_id: int, kind: str = "changed", remote_unit: str = "") -> None:
        """Make this the ``<endpoint>-relation-<kind>`` hook of ``relation_id``."""
        rel = self.relations[relation_id]
        self.hook = f"{rel.endpoint}-relation-{kind}"
        self.relation_id, self.remote_app, self.remote_unit = relation_id, rel.remote_app, remote_unit

    def enter_action(self, name: str, params: dict[str, Any] | None = None) -> None:
        """Make this the context of action ``name`` (parameters already validated, defaults in)."""
        self.hook, self.action_name, self.action_params = "", name, dict(params or {})

    def enter_storage_hook(self, storage_id: str, kind: str = "attached") -> None:
        self.hook = f"{storage_id.split('/')[0]}-storage-{kind}"
        self.storage_id = storage_id

    def view(self) -> UnitView:
        return UnitView.model_validate({
            "name": self.unit,
            "application": self.application,
            "charm": {"url": f"local:{self.metadata['name']}-0", "sha256": "a" * 64},
            "config": self.config,
            "config_options": self.config_options,
            "leader": self.leader,
            "leader_settings": self.leader_settings,
            "opened_ports": self.opened_ports,
            "address": NETWORK.address,
            "storage": {sid: {"name": sid.split("/")[0], "attached": True, "location": loc}
                        for sid, loc in self.storage.items()},
            "resources": self.resources,
        })

    def hook_relations(self) -> dict[int, HookRelation]:
        """What the uniter hands the context: the joined relations and their members."""
        return {rid: HookRelation(endpoint=r.endpoint, remote_app=r.remote_app, peer=r.peer,
                                  members=frozenset(r.members))
                for rid, r in self.relations.items()}

    # -- running ---------------------------------------------------------------------------
    def context(self) -> HookContext:
        """The hook's context, made on first use from the scene as it is then."""
        if self._ctx is None:
            self._ctx = self.new_context()
        return self._ctx

    def new_context(self) -> HookContext:
        async def send_status(params: AgentStatusParams) -> None:
            await self.client.call(ops.SET_STATUS, params, self.unit)

        async def log(level: str, message: str) -> None:
            self.logs.append((level, message))

        async def log_action(message: str) -> None:
            await self.client.call(ops.TASK_LOG, ops.TaskLog(task_id="1", message=message))

        return HookContext(
            unit_name=self.unit, hook_name=self.hook, view=self.view(), meta=self.meta(),
            client=self.client,  # type: ignore[arg-type]
            network=NETWORK, log=log, send_status=send_status, on_status_set=lambda: None,
            relation_id=self.relation_id, remote_unit=self.remote_unit, remote_app=self.remote_app,
            action_name=self.action_name, relations=self.hook_relations(),
            model_uuid="00000000-0000-4000-8000-000000000000", action_params=self.action_params,
            log_action=log_action if self.action_params is not None else None,
            storage_id=self.storage_id, storage_locations=dict(self.storage),
            resource_dir=self.resource_dir,
        )

    def meta(self) -> CharmMeta:
        return parse_metadata(self.metadata)

    def run(self, name: str, *args: str, stdin: bytes | None = None, cwd: str = "/",
            on: HookContext | None = None) -> ToolResult:
        return asyncio.run(run_tool(on or self.context(), name, list(args), stdin, cwd))

    def commit(self) -> HookCommitParams:
        """What the hook would commit if it exited now."""
        return self.context().commit_params()

    def sent(self, op: str) -> list[Any]:
        """Requests of one agent call the hook made at once (``set-status``, ``leader-settings``)."""
        return self.client.requests(op)

    # -- the controller's answers ------------------------------------------------------------
    def _unit_status(self, q: UnitStatusQuery, unit: str) -> UnitStatusReply:
        if not q.application:
            return UnitStatusReply(unit=self.statuses.get(unit, StatusValue(status="unknown")))
        return UnitStatusReply(application=self.app_status, units=dict(self.statuses))

    def _bag(self, q: RelationSettingsQuery, unit: str) -> Settings:
        return Settings(values=dict(self.relations[q.relation_id].bags.get(q.owner, {})))

    def _set_status(self, p: AgentStatusParams, unit: str) -> ops.Empty:
        if p.workload is not None:
            self.statuses[unit] = p.workload
        if p.application is not None:
            self.app_status = p.application
        if p.workload_version is not None:
            self.workload_version = p.workload_version
        return ops.Empty()

    def _task_log(self, p: ops.TaskLog, unit: str) -> ops.Empty:
        self.action_log.append(p.message)
        return ops.Empty()

    def _set_leader_settings(self, p: LeaderSettingsParams, unit: str) -> ops.Empty:
        for k, v in p.values.items():
            if v:
                self.leader_settings[k] = v
            else:
                self.leader_settings.pop(k, None)
        return ops.Empty()
