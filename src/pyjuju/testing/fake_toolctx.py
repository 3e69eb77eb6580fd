"""An in-memory :class:`~pyjuju.agent.hooks.toolctx.ToolContext` for tests.

Tests of the hook tools (and of anything that drives them) need a context
that behaves like a running hook without an agent or a controller: fields
to set up the scene, lists and dicts to inspect afterwards, and the same
refusals the real context makes (non-leader writes, unreadable bags,
unknown bindings, secrets this unit may not see or manage) with Juju's
texts. Writes apply immediately; there is no commit/rollback here.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as _dt
import itertools
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
from ..agent.hooks.tools.formats import go_quote
from ..core.names import unit_tag
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


@dataclasses.dataclass
class FakeSecretGrant:
    """Read access to a secret for ``target`` (``application-<app>`` or ``unit-<app>-<n>``)."""

    target: str
    scope: str = ""
    """``relation-<id>`` for grants made with ``secret-grant``."""
    role: str = "view"


@dataclasses.dataclass
class FakeSecret:
    """A secret as the model holds it, plus this unit's consumer state of it.

    ``owner`` is ``"application"`` or ``"unit"`` and ``owner_name`` the owning
    application or unit; ``revisions`` maps revision numbers to content.
    """

    id: str
    owner: str
    owner_name: str
    revisions: dict[int, dict[str, str]]
    label: str = ""
    """The owner's label."""
    description: str = ""
    expiry: str | None = None
    rotation: str | None = None
    rotates: str | None = None
    grants: list[FakeSecretGrant] = dataclasses.field(default_factory=list)
    tracked: int | None = None
    """The revision this unit, as a consumer, is pinned to (``None``: never read)."""
    consumer_label: str = ""

    @property
    def uri(self) -> str:
        return f"secret:{self.id}"

    @property
    def latest(self) -> int:
        return max(self.revisions)


_XID_ALPHABET = "0123456789abcdefghijklmnopqrstuv"
_ROTATE_INTERVALS = {
    "hourly": _dt.timedelta(hours=1),
    "daily": _dt.timedelta(days=1),
    "weekly": _dt.timedelta(days=7),
    "monthly": _dt.timedelta(days=30),
    "quarterly": _dt.timedelta(days=90),
    "yearly": _dt.timedelta(days=365),
}


def fake_secret_id(n: int) -> str:
    """A deterministic xid-shaped id (20 characters of ``[0-9a-v]``) for the ``n``-th secret."""
    raw = int.from_bytes(b"pyjuju" + n.to_bytes(6, "big"), "big") << 4
    return "".join(_XID_ALPHABET[(raw >> (5 * i)) & 31] for i in reversed(range(20)))


def _secret_id_of(ref: str) -> str:
    """``secret:<id>``, ``secret://<uuid>/<id>`` or a bare id → the id."""
    return ref.rsplit("/", 1)[-1].rsplit(":", 1)[-1]


def _utc(moment: _dt.datetime) -> str:
    return moment.astimezone(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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

    secrets: dict[str, FakeSecret] = dataclasses.field(default_factory=dict)
    """Every secret in the model this unit could hear of, by id."""
    storage_instances: dict[str, dict[str, str]] = dataclasses.field(default_factory=dict)
    """Storage attached to the unit: ``{"data/0": {"kind": "filesystem", "location": ...}}``."""
    storage_added: dict[str, int] = dataclasses.field(default_factory=dict)
    """Instances asked for with ``storage-add`` (counts accumulate)."""
    resources: dict[str, str] = dataclasses.field(default_factory=dict)
    """Resource name → local path of its file."""
    _secret_counter: Any = dataclasses.field(
        default_factory=lambda: itertools.count(1), init=False, repr=False
    )

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

    def add_secret(
        self,
        content: dict[str, str],
        *,
        owner: str = "application",
        owner_name: str | None = None,
        label: str = "",
        description: str = "",
        secret_id: str | None = None,
        revisions: dict[int, dict[str, str]] | None = None,
    ) -> FakeSecret:
        """A secret owned by this unit's application (default), this unit (``owner="unit"``)
        or, with ``owner_name``, by another application or unit.

        ``content`` is the latest revision; ``revisions`` gives older ones too.
        """
        if owner_name is None:
            owner_name = self.unit_name if owner == "unit" else self.application_name
        revs = dict(revisions or {})
        revs[max(revs, default=0) + 1] = dict(content)
        sid = secret_id or self._new_secret_id()
        secret = FakeSecret(sid, owner, owner_name, revs, label=label, description=description)
        self.secrets[sid] = secret
        return secret

    def grant_secret(self, secret_id: str, target: str, scope: str = "") -> None:
        """Let ``target`` (an application or unit name) read the secret."""
        tag = unit_tag(target) if "/" in target else f"application-{target}"
        self.secrets[secret_id].grants.append(FakeSecretGrant(tag, scope))

    def enter_storage_hook(self, storage_id: str, kind: str = "attached") -> None:
        """Make this the ``<name>-storage-<kind>`` hook of ``storage_id``."""
        self.hook_name = f"{storage_id.split('/')[0]}-storage-{kind}"
        self.storage_id = storage_id
        self.relation_id = None
        self.remote_unit = self.remote_app = ""

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

    # -- secrets ------------------------------------------------------------------------

    def _new_secret_id(self) -> str:
        while True:
            sid = fake_secret_id(next(self._secret_counter))
            if sid not in self.secrets:
                return sid

    def _owns(self, secret: FakeSecret) -> bool:
        """Owned by this unit or its application (any unit of it may read)."""
        if secret.owner == "unit":
            return secret.owner_name == self.unit_name
        return secret.owner_name == self.application_name

    def _sees_as_owner(self, secret: FakeSecret) -> bool:
        """Owned secrets whose metadata this unit sees: its own, and its app's when leader."""
        return self._owns(secret) and (secret.owner == "unit" or self.leader)

    def _can_read(self, secret: FakeSecret) -> bool:
        if self._owns(secret):
            return True
        targets = {unit_tag(self.unit_name), f"application-{self.application_name}"}
        return any(g.target in targets for g in secret.grants)

    def _secret(self, ref: str | None, label: str | None) -> FakeSecret:
        if ref:
            sid = _secret_id_of(ref)
            secret = self.secrets.get(sid)
            if secret is None:
                raise ToolError(f"secret {go_quote(sid)} not found")
            return secret
        for secret in self.secrets.values():
            if secret.label == label and self._owns(secret):
                return secret
        for secret in self.secrets.values():
            if secret.consumer_label == label and self._can_read(secret):
                return secret
        raise ToolError(f"secret with label {go_quote(label or '')} not found")

    def _managed(self, ref: str | None, label: str | None = None) -> FakeSecret:
        """A secret this unit may change: its own, or its application's when leader."""
        secret = self._secret(ref, label)
        if not self._owns(secret):
            raise ToolError(f"secret {go_quote(secret.uri)} not found")
        if secret.owner == "application" and not self.leader:
            raise ToolError("this unit is not the leader")
        return secret

    def _check_label(self, label: str, secret: FakeSecret | None) -> None:
        for other in self.secrets.values():
            if other is not secret and other.label == label and self._owns(other):
                raise ToolError(f"secret with label {go_quote(label)} already exists")

    def _set_metadata(
        self,
        secret: FakeSecret,
        label: str | None,
        description: str | None,
        expire: str | None,
        rotate: str | None,
    ) -> None:
        if label is not None:
            self._check_label(label, secret)
            secret.label = label
        if description is not None:
            secret.description = description
        if expire is not None:
            secret.expiry = expire
        if rotate is not None:
            secret.rotation = rotate
            interval = _ROTATE_INTERVALS.get(rotate)
            secret.rotates = _utc(_dt.datetime.now(_dt.UTC) + interval) if interval else None

    async def secret_add(
        self,
        content: dict[str, str],
        *,
        owner: str,
        label: str | None,
        description: str | None,
        expire: str | None,
        rotate: str | None,
    ) -> str:
        if owner == "application" and not self.leader:
            raise ToolError("this unit is not the leader")
        if label is not None:
            self._check_label(label, None)
        secret = self.add_secret(content, owner=owner)
        self._set_metadata(secret, label, description, expire, rotate)
        return secret.uri

    async def secret_get(
        self, ref: str | None, label: str | None, *, peek: bool, refresh: bool
    ) -> dict[str, str]:
        secret = self._secret(ref, label)
        if not self._can_read(secret):
            raise ToolError("permission denied")
        if self._owns(secret):
            if ref and label is not None and label != secret.label:
                self._check_label(label, secret)
                secret.label = label
            return dict(secret.revisions[secret.latest])
        if ref and label is not None:
            secret.consumer_label = label
        if secret.tracked is None or peek or refresh:
            revision = secret.latest
            if not peek:
                secret.tracked = revision
        else:
            revision = secret.tracked
        return dict(secret.revisions.get(revision) or secret.revisions[secret.latest])

    async def secret_set(
        self,
        ref: str | None,
        label_lookup: str | None,
        *,
        content: dict[str, str] | None,
        label: str | None,
        description: str | None,
        expire: str | None,
        rotate: str | None,
    ) -> None:
        secret = self._managed(ref, label_lookup)
        if content is not None and dict(content) != secret.revisions[secret.latest]:
            secret.revisions[secret.latest + 1] = dict(content)
        self._set_metadata(secret, label, description, expire, rotate)

    async def secret_info(self, ref: str | None, label: str | None) -> dict[str, Any]:
        want = _secret_id_of(ref) if ref else label or ""
        for secret in self.secrets.values():
            if not self._sees_as_owner(secret):
                continue
            if (ref and secret.id == want) or (not ref and secret.label == want):
                info: dict[str, Any] = {
                    "revision": secret.latest,
                    "label": secret.label,
                    "owner": secret.owner,
                }
                for key in ("description", "rotation", "expiry", "rotates"):
                    if getattr(secret, key):
                        info[key] = getattr(secret, key)
                if secret.grants:
                    info["access"] = [
                        {"target": g.target, "scope": g.scope, "role": g.role}
                        for g in secret.grants
                    ]
                return {secret.id: info}
        raise ToolError(f"secret {go_quote(want)} not found")

    async def secret_ids(self) -> list[str]:
        return [s.id for s in self.secrets.values() if self._sees_as_owner(s)]

    async def secret_grant(self, ref: str, relation_id: int, unit: str | None) -> None:
        secret = self._managed(ref)
        rel = self._relation(relation_id)
        if unit and unit.rsplit("/", 1)[0] != rel.remote_app:
            raise ToolError(
                f"cannot specify unit {go_quote(unit)} in relation to application {go_quote(rel.remote_app)}"
            )
        grant = FakeSecretGrant(
            unit_tag(unit) if unit else f"application-{rel.remote_app}", f"relation-{rel.id}"
        )
        if grant not in secret.grants:
            secret.grants.append(grant)

    async def secret_revoke(
        self, ref: str, *, relation_id: int | None, app: str | None, unit: str | None
    ) -> None:
        secret = self._managed(ref)
        if unit:
            target = unit_tag(unit)
        elif app:
            target = f"application-{app}"
        elif relation_id is not None:
            target = f"application-{self._relation(relation_id).remote_app}"
        else:
            raise ToolError("missing relation or application or unit")
        secret.grants = [g for g in secret.grants if g.target != target]

    async def secret_remove(self, ref: str, revision: int | None) -> None:
        secret = self._managed(ref)
        if revision is None:
            del self.secrets[secret.id]
            return
        if revision not in secret.revisions:
            raise ToolError(f"secret revision {revision} not found")
        del secret.revisions[revision]
        if not secret.revisions:
            del self.secrets[secret.id]

    # -- storage ----------------------------------------------------------------------

    def storage_get(self, storage_id: str) -> dict[str, str]:
        info = self.storage_instances.get(storage_id)
        if info is None:
            raise ToolError(f"storage {go_quote(storage_id)} not found")
        return dict(info)

    def storage_list(self, name: str | None) -> list[str]:
        return [sid for sid in self.storage_instances if name is None or sid.split("/")[0] == name]

    def storage_add(self, counts: dict[str, int]) -> None:
        for name, count in counts.items():
            self.storage_added[name] = self.storage_added.get(name, 0) + count

    # -- resources --------------------------------------------------------------------

    async def resource_get(self, name: str) -> str:
        path = self.resources.get(name)
        if path is None:
            raise ToolError(f"could not download resource: resource {go_quote(name)} not found")
        return path


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
