"""HookContext: the running hook as its tools see it (implements ToolContext).

Reads come from the snapshot the unit agent took when the hook started
(config, leadership, leader settings, committed ports) or from one controller
call cached for the rest of the hook (unit state). Transactional writes
(ports, unit state, relation settings) are buffered here and sent as one
commit only if the hook exits 0; status, logs, workload version and leader
settings go to the controller at once (docs/charm-runtime.md, Snapshot reads and transactional writes).
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from ...charm import CharmMeta
from ...client import AgentClient
from ...core.errors import ForbiddenError, NotLeaderError, PyjujuError
from ...core.names import new_secret_id, secret_id_of
from ...core.ports import PortRange
from ...wire import (
    AgentStatusParams,
    HookCommitParams,
    PortAction,
    PortChange,
    SecretAdd,
    SecretChange,
    SecretGrant,
    SecretOwner,
    SecretRemove,
    SecretRevoke,
    SecretSet,
    StatusValue,
    UnitView,
    decode_content,
    encode_content,
)
from ...wire import agent as ops
from .toolctx import (
    AppStatusInfo,
    NetworkAddress,
    NetworkInfo,
    NetworkInterface,
    OpenedPort,
    StatusInfo,
    ToolError,
)

LogFn = Callable[[str, str], Awaitable[None]]


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class MachineNetwork:
    address: str
    cidr: str
    mac_address: str
    interface: str


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class HookRelation:
    """A relation as one hook sees it: the unit's joined relations as of the hook's start,
    with the joining unit already in and the departing unit already out."""

    endpoint: str
    remote_app: str
    peer: bool = False
    members: frozenset[str] = frozenset()


class HookContext:
    """One hook or action invocation of one unit."""

    def __init__(
        self,
        *,
        unit_name: str,
        hook_name: str,
        view: UnitView | None,
        meta: CharmMeta,
        client: AgentClient,
        network: MachineNetwork,
        log: LogFn,
        send_status: Callable[[AgentStatusParams], Awaitable[None]],
        on_status_set: Callable[[], None],
        relation_id: int | None = None,
        remote_unit: str = "",
        remote_app: str = "",
        action_name: str = "",
        relations: dict[int, HookRelation] | None = None,
        model_uuid: str = "",
        action_params: dict[str, Any] | None = None,
        log_action: Callable[[str], Awaitable[None]] | None = None,
        storage_id: str = "",
        storage_locations: dict[str, str] | None = None,
        resource_dir: Path | None = None,
    ) -> None:
        self.unit_name = unit_name
        self.application_name = unit_name.rsplit("/", 1)[0]
        self.hook_name = hook_name
        self.relation_id = relation_id
        self.remote_unit = remote_unit
        self.remote_app = remote_app
        self.action_name = action_name
        self.id = f"{unit_name}-{hook_name or action_name}-{secrets.randbelow(1 << 63)}"
        self._view = view
        self._meta = meta
        self._client = client
        self._net = network
        self._log = log
        self._send_status = send_status
        self._on_status_set = on_status_set
        self._leader = view is not None and view.leader
        self._leader_settings: dict[str, str] = dict(view.leader_settings) if view is not None else {}
        self._port_changes: list[PortChange] = []
        self._state: dict[str, str] | None = None
        self._state_set: dict[str, str] = {}
        self._state_delete: set[str] = set()
        self._relations: dict[int, HookRelation] = relations or {}
        self._broken = _broken_relation(hook_name, relation_id, self._relations)
        self._model_uuid = model_uuid
        self._bags: dict[tuple[int, str, bool], dict[str, str]] = {}
        self._unit_writes: dict[int, dict[str, str]] = {}
        self._app_writes: dict[int, dict[str, str]] = {}
        self._action_params = action_params
        self._log_action = log_action
        self.action_results: dict[str, Any] = {}
        self.action_failed: str | None = None
        self._secret_changes: list[SecretChange] = []
        self._pending_secrets: dict[str, SecretAdd] = {}
        self._storage = dict(storage_locations or {})
        self._storage_id = storage_id
        self._storage_add: dict[str, int] = {}
        self._resource_dir = resource_dir

    # -- commit --------------------------------------------------------------
    def commit_params(self) -> HookCommitParams:
        """The buffered writes, to send only when the hook succeeded."""
        return HookCommitParams(
            commit_id=self.id,
            ports=list(self._port_changes),
            state_set=dict(self._state_set),
            state_delete=sorted(self._state_delete),
            relation_settings={str(k): dict(v) for k, v in self._unit_writes.items() if v},
            app_relation_settings={str(k): dict(v) for k, v in self._app_writes.items() if v},
            secrets=list(self._secret_changes),
            storage_add=dict(self._storage_add),
        )

    # -- config ----------------------------------------------------------------
    def config(self) -> dict[str, Any]:
        return dict(self._view.config) if self._view is not None else {}

    def config_option_names(self) -> list[str]:
        return list(self._view.config_options) if self._view is not None else []

    # -- network ---------------------------------------------------------------
    def unit_address(self, which: str) -> str:
        return self._net.address

    def network_info(self, binding: str, relation_id: int | None) -> NetworkInfo:
        if binding not in self._meta.endpoints() and binding not in self._meta.extra_bindings:
            raise ToolError(f'no network config found for binding "{binding}"')
        addr = NetworkAddress(value=self._net.address, cidr=self._net.cidr)
        iface = NetworkInterface(
            interface_name=self._net.interface, mac_address=self._net.mac_address, addresses=(addr,)
        )
        return NetworkInfo(
            bind_addresses=(iface,),
            egress_subnets=(f"{self._net.address}/32",),
            ingress_addresses=(self._net.address,),
        )

    # -- ports -----------------------------------------------------------------
    def opened_ports(self) -> list[OpenedPort]:
        current: dict[PortRange, set[str] | None] = {}
        for entry in self._view.opened_ports if self._view is not None else ():
            current[PortRange.parse(entry.range)] = None if entry.endpoints is None else set(entry.endpoints)
        for ch in self._port_changes:
            rng = PortRange(ch.protocol, ch.from_port, ch.to_port)
            have = current.get(rng, set())  # None: open on every endpoint
            if ch.action == "open":
                current[rng] = None if ch.endpoints is None or have is None else have | set(ch.endpoints)
            elif ch.endpoints is None or have is None:
                current.pop(rng, None)
            elif left := have - set(ch.endpoints):
                current[rng] = left
            else:
                current.pop(rng, None)
        return [
            OpenedPort(range=r, endpoints=None if e is None else tuple(sorted(e)))
            for r, e in sorted(current.items())
        ]

    def open_port(self, port: PortRange, endpoints: tuple[str, ...] | None) -> None:
        self._port_changes.append(_port_change("open", port, endpoints))

    def close_port(self, port: PortRange, endpoints: tuple[str, ...] | None) -> None:
        self._port_changes.append(_port_change("close", port, endpoints))

    # -- logging and status -------------------------------------------------
    async def log(self, level: str, message: str) -> None:
        await self._log(level, message)

    async def set_status(self, status: str, message: str, application: bool) -> None:
        value = StatusValue(status=status, message=message)
        params = (
            AgentStatusParams(application=value)
            if application
            else AgentStatusParams(workload=value, mark_status_set=True)
        )
        if application and not self._leader:
            raise ToolError("this unit is not the leader")
        try:
            await self._send_status(params)
        except NotLeaderError:
            raise ToolError("this unit is not the leader") from None
        except PyjujuError as e:
            raise ToolError(e.message) from None
        if not application:
            self._on_status_set()

    async def unit_status(self) -> StatusInfo:
        data = await self._call(self._client.call(ops.UNIT_STATUS, ops.UnitStatusQuery(), self.unit_name))
        return _status_info(data.unit)

    async def application_status(self) -> AppStatusInfo:
        if not self._leader:
            raise ToolError("finding application status: this unit is not the leader")
        data = await self._call(self._client.call(ops.UNIT_STATUS, ops.UnitStatusQuery(application=True),
                                                  self.unit_name))
        return AppStatusInfo(
            application=_status_info(data.application),
            units={k: _status_info(v) for k, v in data.units.items()},
        )

    async def set_application_version(self, version: str) -> None:
        await self._call(self._send_status(AgentStatusParams(workload_version=version)))

    # -- leadership ---------------------------------------------------------
    async def is_leader(self) -> bool:
        return self._leader

    async def leader_settings(self) -> dict[str, str]:
        return dict(self._leader_settings)

    async def set_leader_settings(self, values: dict[str, str]) -> None:
        if not self._leader:
            raise ToolError("cannot write leadership settings: cannot write settings: not the leader")
        await self._call(self._client.call(ops.LEADER_SETTINGS, ops.LeaderSettingsParams(values=values),
                                           self.unit_name))
        merged = dict(self._leader_settings)
        for k, v in values.items():
            if v == "":
                merged.pop(k, None)
            else:
                merged[k] = v
        self._leader_settings = merged

    # -- unit state ---------------------------------------------------------
    async def state(self) -> dict[str, str]:
        if self._state is None:
            self._state = (await self._call(self._client.call(ops.STATE, ops.Empty(), self.unit_name))).state
        out = {k: v for k, v in self._state.items() if k not in self._state_delete}
        out.update(self._state_set)
        return out

    def set_state(self, values: dict[str, str]) -> None:
        for k, v in values.items():
            self._state_set[k] = v
            self._state_delete.discard(k)

    def delete_state(self, key: str) -> None:
        self._state_set.pop(key, None)
        self._state_delete.add(key)

    # -- goal state ---------------------------------------------------------
    async def goal_state(self) -> dict[str, Any]:
        reply = await self._call(self._client.call(ops.GOAL_STATE, ops.Empty(), self.unit_name))
        return dict(reply.model_dump())

    # -- relations -----------------------------------------------------------
    def relation_ids(self, endpoint: str) -> list[str]:
        """The unit's relations of ``endpoint``, without the one whose relation-broken hook this is
        (Juju's context marks it broken: still reachable with ``-r``, no longer listed)."""
        return [f"{endpoint}:{rid}" for rid, lr in self._relations.items()
                if lr.endpoint == endpoint and rid != self._broken]

    def has_relation(self, relation_id: int) -> bool:
        return relation_id in self._relations

    def _relation(self, relation_id: int) -> HookRelation:
        lr = self._relations.get(relation_id)
        if lr is None:
            raise ToolError("relation not found")
        return lr

    def relation_endpoint(self, relation_id: int) -> str:
        return self._relation(relation_id).endpoint

    def relation_units(self, relation_id: int) -> list[str]:
        return sorted(self._relation(relation_id).members)

    def relation_remote_app(self, relation_id: int) -> str:
        return self._relation(relation_id).remote_app

    async def relation_settings(self, relation_id: int, owner: str, app: bool) -> dict[str, str]:
        lr = self._relation(relation_id)
        own_app = owner == self.application_name if app else owner.rsplit("/", 1)[0] == self.application_name
        if own_app and owner != self.unit_name and not lr.peer and not (app and self._leader):
            raise ToolError("permission denied")
        key = (relation_id, owner, app)
        if key not in self._bags:
            try:
                reply = await self._client.call(ops.RELATION_SETTINGS, ops.RelationSettingsQuery(
                    relation_id=relation_id, owner=owner, is_app=app), self.unit_name)
                self._bags[key] = reply.values
            except ForbiddenError:
                raise ToolError("permission denied") from None
            except PyjujuError as e:
                raise ToolError(e.message) from None
        bag = dict(self._bags[key])
        pending = None
        if app and owner == self.application_name:
            pending = self._app_writes.get(relation_id)
        elif not app and owner == self.unit_name:
            pending = self._unit_writes.get(relation_id)
        for k, v in (pending or {}).items():
            if v == "":
                bag.pop(k, None)
            else:
                bag[k] = v
        return bag

    def set_relation_settings(self, relation_id: int, values: dict[str, str], app: bool) -> None:
        self._relation(relation_id)
        if app and not self._leader:
            raise ToolError("cannot write relation settings")
        target = self._app_writes if app else self._unit_writes
        target.setdefault(relation_id, {}).update(values)

    def relation_model_uuid(self, relation_id: int) -> str:
        self._relation(relation_id)
        return self._model_uuid

    # -- actions ---------------------------------------------------------------
    def _require_action(self) -> dict[str, Any]:
        if self._action_params is None:
            raise ToolError("not running an action")
        return self._action_params

    def action_params(self) -> dict[str, Any]:
        import copy

        return copy.deepcopy(self._require_action())

    def set_action_results(self, values: dict[str, Any]) -> None:
        self._require_action()
        _merge(self.action_results, values)

    def fail_action(self, message: str) -> None:
        self._require_action()
        self.action_failed = message

    async def log_action(self, message: str) -> None:
        self._require_action()
        if self._log_action is not None:
            await self._call(self._log_action(message))

    # -- secrets ---------------------------------------------------------------
    async def secret_add(self, content: dict[str, str], *, owner: SecretOwner, label: str | None,
                         description: str | None, expire: str | None, rotate: str | None) -> str:
        if owner != "unit" and not self._leader:
            raise ToolError("this unit is not the leader")
        if label and any(c.label == label for c in self._pending_secrets.values()):
            # Juju refuses the clash among this hook's own new secrets at once; one with an
            # existing secret is refused by the controller when the hook commits.
            raise ToolError(f'secret with label "{label}" already exists')
        sid = new_secret_id()
        self._pending_secrets[sid] = SecretAdd(id=sid, owner=owner, content=_encode(content), label=label,
                                               description=description, expire=expire, rotate=rotate)
        self._secret_changes.append(self._pending_secrets[sid])
        return f"secret:{sid}"

    def _pending(self, ref: str | None, label: str | None) -> SecretAdd | None:
        if ref:
            return self._pending_secrets.get(secret_id_of(ref))
        if label:
            return next((c for c in self._pending_secrets.values() if c.label == label), None)
        return None

    def _replace_pending(self, new: SecretAdd) -> None:
        """Secrets added by this hook are edited in place until it commits."""
        old = self._pending_secrets[new.id]
        self._pending_secrets[new.id] = new
        self._secret_changes = [new if c is old else c for c in self._secret_changes]

    async def secret_get(self, ref: str | None, label: str | None, *, peek: bool,
                         refresh: bool) -> dict[str, str]:
        pending = self._pending(ref, label)
        if pending is not None:
            if ref and label and label != pending.label:
                self._replace_pending(pending.model_copy(update={"label": label}))
            return _decode(pending.content)
        res = await self._call(self._client.call(ops.SECRET_GET, ops.SecretGetParams(
            ref=ref, label=label, peek=peek, refresh=refresh), self.unit_name))
        return _decode(res.content)

    async def secret_set(self, ref: str | None, label_lookup: str | None, *, content: dict[str, str] | None,
                         label: str | None, description: str | None, expire: str | None,
                         rotate: str | None) -> None:
        pending = self._pending(ref, label_lookup)
        if pending is not None:
            update: dict[str, Any] = {key: value for key, value in (
                ("label", label), ("description", description), ("expire", expire), ("rotate", rotate))
                if value is not None}
            if content is not None:
                update["content"] = _encode(content)
            self._replace_pending(pending.model_copy(update=update))
            return
        if ref is None:
            info = await self.secret_info(None, label_lookup)
            ref = next(iter(info))
        self._secret_changes.append(SecretSet(id=secret_id_of(ref), content=None if content is None else _encode(content),
                                              label=label,
                                              description=description, expire=expire, rotate=rotate))

    async def secret_info(self, ref: str | None, label: str | None) -> dict[str, Any]:
        pending = self._pending(ref, label)
        if pending is not None:
            out: dict[str, Any] = {"revision": 1, "owner": pending.owner}
            if pending.label:
                out["label"] = pending.label
            if pending.description:
                out["description"] = pending.description
            return {pending.id: out}
        reply = await self._call(self._client.call(ops.SECRET_INFO, ops.SecretQuery(ref=ref, label=label),
                                                   self.unit_name))
        return {sid: meta.model_dump(exclude_none=True) for sid, meta in reply.secrets.items()}

    async def secret_ids(self) -> list[str]:
        ids = list((await self._call(self._client.call(ops.SECRET_IDS, ops.Empty(), self.unit_name))).ids)
        return ids + [sid for sid in self._pending_secrets if sid not in ids]

    def _owned(self, ref: str) -> bool:
        """Whether the unit owns the secret as of the hook's start (its own secrets, and as leader
        its application's) or added it in this hook: what Juju's context knows of as owned."""
        sid = secret_id_of(ref)
        return sid in self._pending_secrets or (self._view is not None and sid in self._view.secrets.owned)

    async def secret_grant(self, ref: str, relation_id: int, unit: str | None) -> None:
        if not self._owned(ref):
            raise ToolError(f'secret "{secret_id_of(ref)}" not found')
        remote = self._relation(relation_id).remote_app
        if unit and unit.rsplit("/", 1)[0] != remote:
            raise ToolError(f'cannot specify unit "{unit}" in relation to application "{remote}"')
        self._secret_changes.append(SecretGrant(id=secret_id_of(ref), relation_id=relation_id, app=remote,
                                                unit=unit))

    async def secret_revoke(self, ref: str, *, relation_id: int | None, app: str | None,
                            unit: str | None) -> None:
        if relation_id is not None:
            app = self._relation(relation_id).remote_app
        self._secret_changes.append(SecretRevoke(id=secret_id_of(ref), relation_id=relation_id, app=app,
                                                 unit=unit))

    async def secret_remove(self, ref: str, revision: int | None) -> None:
        sid = secret_id_of(ref)
        if sid in self._pending_secrets and revision is None:
            self._secret_changes = [c for c in self._secret_changes if c.id != sid]
            self._pending_secrets.pop(sid)
            return
        self._secret_changes.append(SecretRemove(id=sid, revision=revision))

    # -- storage and resources -----------------------------------------------
    def storage_id(self) -> str:
        return self._storage_id

    def storage_get(self, storage_id: str) -> dict[str, str]:
        location = self._storage.get(storage_id)
        if location is None:
            raise ToolError(f'storage "{storage_id}" not found')
        view = self._view.storage.get(storage_id) if self._view is not None else None
        return {"kind": view.kind if view is not None else "filesystem", "location": location}

    def storage_list(self, name: str | None) -> list[str]:
        return sorted(s for s in self._storage if name is None or s.split("/")[0] == name)

    def storage_add(self, counts: dict[str, int]) -> None:
        """Buffered, unchecked: as in Juju, a store the charm lacks or a count past its range is
        refused by the controller when the hook commits (which fails the hook)."""
        for name, count in counts.items():
            self._storage_add[name] = self._storage_add.get(name, 0) + count

    async def resource_get(self, name: str) -> str:
        info = self._view.resources.get(name) if self._view is not None else None
        if info is None or self._resource_dir is None:
            raise ToolError(f'could not download resource: resource "{name}" not found')
        dest = self._resource_dir / name / (info.filename or name)
        marker = dest.with_name("." + dest.name + ".sha256")
        if not dest.exists() or not marker.exists() or marker.read_text() != info.sha256:
            try:
                await self._client.download_resource(self.application_name, name, dest)
            except PyjujuError as e:
                raise ToolError(f"could not download resource: {e.message}") from None
            marker.write_text(info.sha256)
        return str(dest)

    # -- helpers -----------------------------------------------------------
    async def _call(self, aw: Awaitable[Any]) -> Any:
        try:
            return await aw
        except PyjujuError as e:
            raise ToolError(e.message) from None


def _broken_relation(hook_name: str, relation_id: int | None, relations: dict[int, HookRelation]) -> int | None:
    """The relation this ``relation-broken`` hook is about; peer relations never break."""
    rel = relations.get(relation_id) if relation_id is not None else None
    if rel is None or rel.peer or hook_name != f"{rel.endpoint}-relation-broken":
        return None
    return relation_id


def _port_change(action: PortAction, port: PortRange, endpoints: tuple[str, ...] | None) -> PortChange:
    return PortChange(
        action=action,
        protocol=port.protocol,
        from_port=port.from_port,
        to_port=port.to_port,
        endpoints=list(endpoints) if endpoints is not None else None,
    )


def _encode(content: dict[str, str]) -> dict[str, str]:
    """Tools hold secret values as text, bytes that are not UTF-8 carried by surrogateescape."""
    return encode_content({k: v.encode("utf-8", "surrogateescape") for k, v in content.items()})


def _decode(content: dict[str, str]) -> dict[str, str]:
    return {k: v.decode("utf-8", "surrogateescape") for k, v in decode_content(content).items()}


def _status_info(s: StatusValue | None) -> StatusInfo:
    if s is None:
        return StatusInfo(status="unknown", message="", data={})
    return StatusInfo(status=s.status, message=s.message, data=dict(s.data))


def _merge(into: dict[str, Any], values: dict[str, Any]) -> None:
    """Nested merge: a map onto a map recurses, anything else replaces (Juju's action-set)."""
    for k, v in values.items():
        if isinstance(v, dict) and isinstance(into.get(k), dict):
            _merge(into[k], v)
        else:
            into[k] = v
