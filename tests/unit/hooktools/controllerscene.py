"""Hooks of units of a real controller, for the tools whose meaning is the controller's (secrets).

The hook context is the product's, over the unit's real view as the controller
computes it, and its client calls the controller's own agent-call bindings
in-process: the only stand-in is the transport at ``client.call``. A hook's
buffered writes reach the controller only through :meth:`ControllerScene.commit`,
the same call the unit agent makes when the hook exits 0.

The model is built once per test session (:func:`build_template`) and copied
for each test, so every test starts from the same store:

- ``wordpress`` (``wordpress/0`` leader, ``wordpress/1``) with peers on ``peers:1``,
  related to ``mysql`` (``mysql/0`` leader, ``mysql/1``) on ``db:3``; every unit in scope;
- secrets: :data:`OWNED` (wordpress's, label ``db-pass``), :data:`MINE` (wordpress/0's,
  label ``my-token``), :data:`THEIRS` (mysql's, two revisions, granted to wordpress over
  ``db:3``), :data:`HIDDEN` (mysql's, granted to nobody).
"""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from fakehost import FakeHost

from pyjuju.agent.hooks.context import HookContext, HookRelation, MachineNetwork
from pyjuju.agent.hooks.tools import ToolResult, run_tool
from pyjuju.charm import build_archive, parse_metadata
from pyjuju.controller.apiserver.agent_ops import BINDINGS, run
from pyjuju.controller.hub import ChangeHub
from pyjuju.controller.services import agents, charms, models, relations, views
from pyjuju.controller.services import applications as apps
from pyjuju.controller.services.base import Services
from pyjuju.controller.services.secretbox import box_for
from pyjuju.store import ModelRow, SecretConsumerRow, SecretRow, open_store
from pyjuju.wire import (
    AgentStatusParams,
    HookCommitParams,
    RelationRef,
    SecretAdd,
    SecretGrant,
    SecretSet,
)
from pyjuju.wire import agent as ops

OWNED = "cn7ak5vmp25c7bce8nkg"  # owned by wordpress (the app)
MINE = "cn7ak5vmp25c7bce8nk0"  # owned by wordpress/0
THEIRS = "co1234567890abcdefgh"  # owned by mysql, granted to wordpress
HIDDEN = "co1234567890abcdefg0"  # owned by mysql, not granted
NEW_IDS = ("e1smktbaek000000000g", "e1smktbaek0000000010")
"""The ids the hooks' ``secret-add`` calls get, in order."""

WORDPRESS = {"requires": {"db": {"interface": "mysql"}}, "peers": {"peers": {"interface": "wp-peers"}}}
MYSQL = {"provides": {"server": {"interface": "mysql"}}}
NETWORK = MachineNetwork(address="10.0.0.5", cidr="10.0.0.0/24", mac_address="00:16:3e:00:00:01",
                         interface="eth0")
_DB, _KEY = "controller.db", "data"


def _services(root: Path) -> Services:
    store = open_store(f"sqlite:///{root / _DB}")
    hub = ChangeHub()
    store.add_listener(hub.publish)
    return Services(store=store, hub=hub, data_dir=root / _KEY, controller_name="ctl",
                    controller_uuid=str(uuid.uuid4()), cloud="local", region="localhost", host=FakeHost())


def _charm(svc: Services, root: Path, name: str, metadata: dict[str, Any]) -> str:
    src = root / f"charm-{name}"
    src.mkdir()
    (src / "metadata.yaml").write_text(yaml.safe_dump(
        {"name": name, "summary": name, "description": f"{name} for tests", **metadata}))
    return charms.add_charm(svc, "default", build_archive(src, root / f"{name}.charm").read_bytes()).url


def build_template(root: Path) -> None:
    """The model every test starts from (see the module's docstring)."""
    svc = _services(root)
    try:
        m = models.add_model(svc, "default")
        wp, my = _charm(svc, root, "wordpress", WORDPRESS), _charm(svc, root, "mysql", MYSQL)
        with svc.store.write() as tx:
            tx.update_model(m.uuid, kind="model-seq", next_relation_id=1)
        for app, url in (("wordpress", wp), ("mysql", my)):
            apps.deploy(svc, "default", application=app, charm_url=url, num_units=2, config={},
                        config_strings={}, directives=[])
        with svc.store.write() as tx:
            tx.update_model(m.uuid, kind="model-seq", next_relation_id=3)
        relations.integrate(svc, "default", "wordpress", "mysql")
        scene = ControllerScene(svc, m.uuid)
        for unit, rids in (("wordpress/0", (1, 3)), ("wordpress/1", (1, 3)), ("mysql/0", (3,)),
                           ("mysql/1", (3,))):
            for rid in rids:
                agents.enter_scope(svc, scene.model(), scene.machine_of(unit), unit, RelationRef(relation_id=rid))
        scene.send("wordpress/0", HookCommitParams(commit_id="template-1", secrets=[
            SecretAdd(id=OWNED, owner="application", label="db-pass",
                      content={"password": "s3cret", "user": "admin", "pin": "123"}),
            SecretAdd(id=MINE, owner="unit", label="my-token", content={"token": "mine"}),
        ]))
        scene.send("mysql/0", HookCommitParams(commit_id="template-2", secrets=[
            SecretAdd(id=THEIRS, owner="application", content={"token": "old"}),
            SecretSet(id=THEIRS, content={"token": "new"}),
            SecretGrant(id=THEIRS, relation_id=3, app="wordpress"),
            SecretAdd(id=HIDDEN, owner="application", content={"x": "y"}),
        ]))
    finally:
        svc.store.close()


def copy_template(template: Path, root: Path) -> ControllerScene:
    """A controller of its own over a copy of the template's store and key."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(template / _DB, root / _DB)
    shutil.copytree(template / _KEY, root / _KEY)
    # Views cache per model uuid and revision, which every copy shares: forget the last test's.
    views._index_cache.clear()
    views._snapshots.clear()
    svc = _services(root)
    with svc.store.read() as tx:
        model = next(m for m in tx.models() if m.name == "default")
    return ControllerScene(svc, model.uuid)


class ServicesClient:
    """The unit agent's controller client, answered by the controller's own bindings in-process."""

    def __init__(self, scene: ControllerScene, machine_id: str) -> None:
        self._scene = scene
        self._machine_id = machine_id

    async def call(self, op: ops.AgentOp[Any, Any], request: Any, unit: str = "") -> Any:
        return run(BINDINGS[op.name], self._scene.svc, self._scene.model(), self._machine_id, unit, request)


class ControllerScene:
    def __init__(self, svc: Services, model_uuid: str) -> None:
        self.svc = svc
        self.model_uuid = model_uuid
        self.logs: list[tuple[str, str]] = []
        self.hook_args: dict[str, Any] = {}
        """How tests' setups choose the hook (unit, hook name, relation) :meth:`hook` makes by default."""
        self._ids: Iterator[str] = iter(NEW_IDS)

    # -- the model ------------------------------------------------------------------------
    def model(self) -> ModelRow:
        with self.svc.store.read() as tx:
            m = tx.model(self.model_uuid)
        assert m is not None
        return m

    def machine_of(self, unit: str) -> str:
        with self.svc.store.read() as tx:
            u = tx.unit(self.model_uuid, unit)
        assert u is not None and u.machine_id is not None
        return u.machine_id

    def set_leader(self, unit: str) -> None:
        """Leadership moves (as when the leader's unit goes away)."""
        with self.svc.store.write() as tx:
            tx.update_application(self.model_uuid, unit.rsplit("/", 1)[0], leader=unit)

    def next_secret_id(self) -> str:
        """Stands in for ``new_secret_id`` in hook contexts, so added secrets have known ids."""
        return next(self._ids)

    # -- hooks ------------------------------------------------------------------------------
    def hook(self, **args: Any) -> HookContext:
        """A context from the unit's view as the controller has it now; ``args`` (or else
        :attr:`hook_args`) choose ``unit``, ``hook``, ``relation_id`` and ``remote_unit``."""
        return self._hook(**(args or self.hook_args))

    def _hook(self, unit: str = "wordpress/0", hook: str = "config-changed", relation_id: int | None = None,
              remote_unit: str = "") -> HookContext:
        machine = self.machine_of(unit)
        model = self.model()
        with self.svc.store.read() as tx:
            view = views.machine_unit_views(tx, model, machine)[unit]
            charm = tx.charm(self.model_uuid, view.charm.url)
        assert charm is not None
        rels = {rid: HookRelation(endpoint=rv.endpoint, remote_app=rv.remote_app, peer=rv.peer,
                                  members=frozenset(rv.members))
                for rid, rv in view.relations.items() if not rv.implicit}
        client = ServicesClient(self, machine)

        async def send_status(params: AgentStatusParams) -> None:
            await client.call(ops.SET_STATUS, params, unit)

        async def log(level: str, message: str) -> None:
            self.logs.append((level, message))

        return HookContext(
            unit_name=unit, hook_name=hook, view=view, meta=parse_metadata(charm.metadata),
            client=client,  # type: ignore[arg-type]
            network=NETWORK, log=log, send_status=send_status, on_status_set=lambda: None,
            relation_id=relation_id, remote_unit=remote_unit,
            remote_app=rels[relation_id].remote_app if relation_id is not None else "",
            relations=rels, model_uuid=self.model_uuid,
        )

    def run(self, hook: HookContext, name: str, *args: str, stdin: bytes | None = None,
            cwd: str = "/") -> ToolResult:
        return asyncio.run(run_tool(hook, name, list(args), stdin, cwd))

    def commit(self, hook: HookContext) -> None:
        """What the unit agent does when the hook exits 0; raises what the controller refuses."""
        self.send(hook.unit_name, hook.commit_params())

    def send(self, unit: str, params: HookCommitParams) -> None:
        client = ServicesClient(self, self.machine_of(unit))
        asyncio.run(client.call(ops.COMMIT, params, unit))

    # -- what the controller holds ------------------------------------------------------------
    def secret(self, sid: str) -> SecretRow | None:
        with self.svc.store.read() as tx:
            return tx.secret(self.model_uuid, sid)

    def revisions(self, sid: str) -> dict[int, dict[str, str]]:
        box = box_for(self.svc.data_dir)
        with self.svc.store.read() as tx:
            return {r.revision: box.open(r.content) for r in tx.secret_revisions(self.model_uuid, sid)}

    def expiry(self, sid: str) -> str:
        s = self.secret(sid)
        assert s is not None
        with self.svc.store.read() as tx:
            return next(r.expire for r in tx.secret_revisions(self.model_uuid, sid)
                        if r.revision == s.latest_revision)

    def grants(self, sid: str) -> list[tuple[str, int | None]]:
        with self.svc.store.read() as tx:
            return [(g.subject, g.relation_id) for g in tx.secret_grants(self.model_uuid, sid)]

    def consumer(self, sid: str, unit: str) -> SecretConsumerRow | None:
        with self.svc.store.read() as tx:
            return next((c for c in tx.secret_consumers(self.model_uuid, sid) if c.consumer == unit), None)
