"""UnitAgent: one unit's loop of resolve → execute, and the runtime its operations use.

The loop asks the pure resolver for the next operation given the unit's
local state, the controller's view of it and the timers, and runs it through
the executor (``operations/base.py``). Everything an operation may touch is
this class's :class:`~.runtime.UnitRuntime` side: state and saving it, the
controller client, statuses, logs, hook contexts and environments.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import logging
import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from ... import charm as charmlib
from ...client import AgentClient
from ...core import process
from ...core.errors import ConnectionFailedError
from ...core.names import unit_tag
from ...wire import AgentStatusParams, ModelView, UnitView
from ..hooks.context import HookContext, HookRelation, MachineNetwork
from ..hooks.env import hook_env
from ..hooks.toolserver import ToolServer
from .operations import Operation, execute_operation
from .reporter import StatusReporter
from .resolver import next_op
from .state import HookInfo, LocalState, StateFile
from .timers import Timers

log = logging.getLogger(__name__)


class UnitHost(Protocol):
    """What a unit agent needs from its machine agent."""

    client: AgentClient
    hook_lock: asyncio.Lock
    tools_dir: Path
    agents_dir: Path
    machine_id: str
    network: MachineNetwork
    api_addresses: list[str]

    def model(self) -> ModelView: ...

    async def charm_archive(self, sha256: str) -> Path: ...

    def emit_log(self, entity: str, level: str, module: str, message: str) -> None: ...


def running_pid(state: LocalState) -> int | None:
    """The pid of the hook or task this unit started, if that process is still the same one.

    A finished process's pid may already belong to another process on the host
    (pids are recycled): its start time must match the one recorded."""
    op = state.op
    if op is None or not op.pid:
        return None
    started = process.start_time(op.pid)
    return op.pid if started is not None and started == op.pid_start else None


def socket_path_for(base: Path) -> str:
    """Unix socket paths are limited to 108 bytes: keep them short and unique."""
    root = Path(os.environ.get("PYJUJU_SOCKET_DIR", f"/tmp/pyjuju-{os.getuid()}"))
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    digest = hashlib.sha1(str(base).encode()).hexdigest()[:16]
    return str(root / f"{digest}.sock")


class UnitAgent:
    def __init__(self, host: UnitHost, name: str) -> None:
        self.host = host
        self.name = name
        self.tag = unit_tag(name)
        self.client = host.client
        self.hook_lock = host.hook_lock
        self.base = host.agents_dir / self.tag
        self.base.mkdir(parents=True, exist_ok=True)
        self.charm_dir = self.base / "charm"
        self.statefile = StateFile(self.base / "state.json")
        self._state = self.statefile.load()
        self._remote: UnitView | None = None
        self.changed = asyncio.Event()
        self.contexts: dict[str, HookContext] = {}
        self.socket_path = socket_path_for(self.base)
        self.toolserver = ToolServer(self.socket_path, self.contexts.get)
        self.reporter = StatusReporter(host.client, name)
        self.timers = Timers()
        self._meta: charmlib.CharmMeta | None = None
        self._meta_sha = ""
        self._stopping = False
        self.done = False

    # -- inputs --------------------------------------------------------------
    def update(self, view: UnitView | None) -> None:
        self._remote = view
        self.changed.set()

    def poke(self) -> None:
        self.changed.set()

    # -- main loop ----------------------------------------------------------
    async def run(self) -> None:
        self.reporter.start()
        self._kill_stale_hook()
        if self._state.error is not None:
            self.timers.hook_failed()  # a restarted agent keeps retrying its failed hook
        await self.toolserver.start()
        try:
            while not self.done and not self._stopping:
                op = self.next_op()
                if op is None:
                    await self._wait()
                    continue
                try:
                    await execute_operation(op, self)
                except ConnectionFailedError as e:
                    log.warning("%s: controller unreachable (%s); retrying", self.name, e)
                    await asyncio.sleep(1)
        finally:
            self._stopping = True
            await self.toolserver.close()
            await self.reporter.stop()
            self.statefile.close()

    def next_op(self) -> Operation | None:
        clock = self.timers.clock(started=self._state.started, interval=self.model.update_status_interval)
        return next_op(self._state, self._remote, self.model, clock)

    async def _wait(self) -> None:
        # asyncio.timeout, not wait_for: Python 3.11's wait_for swallows a cancellation
        # that arrives just as the event is set, which left removed units' agents running.
        self.changed.clear()
        try:
            async with asyncio.timeout(self.timers.next_deadline()):
                await self.changed.wait()
        except TimeoutError:
            pass

    # -- UnitRuntime ----------------------------------------------------------
    @property
    def state(self) -> LocalState:
        return self._state

    def save(self, state: LocalState) -> None:
        self._state = state
        self.statefile.save(state)

    @property
    def remote(self) -> UnitView | None:
        return self._remote

    @property
    def model(self) -> ModelView:
        return self.host.model()

    @property
    def stopping(self) -> bool:
        return self._stopping

    def post_status(self, params: AgentStatusParams) -> None:
        self.reporter.post(params)

    async def flush_status(self) -> None:
        await self.reporter.flush()

    def finished(self) -> None:
        self.done = True

    def log(self, level: str, module: str, message: str) -> None:
        self.host.emit_log(self.tag, level, module, message)

    async def charm_archive(self, sha256: str) -> Path:
        return await self.host.charm_archive(sha256)

    def storage_location(self, storage_id: str) -> str:
        """On the local provider a filesystem store is a directory of the unit's own."""
        return str(self.base / "storage" / storage_id.replace("/", "-"))

    def hook_succeeded(self, hook: HookInfo) -> None:
        self.timers.hook_succeeded(hook.kind, self.model.update_status_interval)

    def hook_failed(self) -> None:
        self.timers.hook_failed()

    def reset_retry(self) -> None:
        self.timers.reset_retry()

    @contextlib.contextmanager
    def serving(self, ctx: HookContext) -> Iterator[None]:
        self.contexts[ctx.id] = ctx
        try:
            yield
        finally:
            self.contexts.pop(ctx.id, None)

    def new_context(self, hook: HookInfo, view: UnitView | None, *, action_name: str = "",
                    action_params: dict[str, Any] | None = None, log_action: Any = None) -> HookContext:
        def status_set() -> None:
            if not self._state.status_ever_set:
                self.save(self._state.model_copy(update={"status_ever_set": True}))

        async def log_fn(level: str, message: str) -> None:
            self.log(level, f"unit.{self.name}.juju-log", message)

        storage = view.storage if view is not None else {}
        return HookContext(
            unit_name=self.name,
            hook_name=hook.name if hook.kind not in ("action", "exec") else "",
            view=view,
            meta=self._charm_meta(),
            client=self.client,
            network=self.host.network,
            log=log_fn,
            send_status=self.reporter.send,
            on_status_set=status_set,
            relation_id=hook.relation_id,
            remote_unit=hook.remote_unit,
            remote_app=hook.remote_app,
            relations=self._context_relations(hook),
            model_uuid=self.model.uuid,
            action_name=action_name,
            action_params=action_params,
            log_action=log_action,
            storage_id=hook.storage_id,
            storage_locations={sid: self.storage_location(sid) for sid, sv in storage.items() if sv.life == "alive"},
            resource_dir=self.base / "resources",
        )

    def _context_relations(self, hook: HookInfo) -> dict[int, HookRelation]:
        """The relations as this hook sees them: what the unit has joined, as of now,
        with the joining unit in and the departing unit out (docs/charm-runtime.md, relation-list)."""
        rels = {rid: HookRelation(endpoint=lr.endpoint, remote_app=lr.remote_app, peer=lr.peer,
                                  members=frozenset(lr.members))
                for rid, lr in self._state.relations.items() if not lr.implicit}
        rid = hook.relation_id
        if rid is None:
            return rels
        if hook.kind == "relation-created" and rid not in rels:
            rv = self._remote.relations.get(rid) if self._remote is not None else None
            rels[rid] = HookRelation(endpoint=hook.endpoint, remote_app=hook.remote_app,
                                     peer=rv is not None and rv.peer)
        lr = rels.get(rid)
        if lr is not None:
            if hook.kind == "relation-joined":
                rels[rid] = dataclasses.replace(lr, members=lr.members | {hook.remote_unit})
            elif hook.kind == "relation-departed":
                rels[rid] = dataclasses.replace(lr, members=lr.members - {hook.remote_unit})
            elif hook.kind == "relation-broken":
                rels[rid] = dataclasses.replace(lr, members=frozenset())
        return rels

    def _charm_meta(self) -> charmlib.CharmMeta:
        if self._meta is None or self._meta_sha != self._state.charm_sha:
            self._meta = charmlib.load_charm(self.charm_dir).meta
            self._meta_sha = self._state.charm_sha
        return self._meta

    def env_for(self, context_id: str, view: UnitView | None, *, hook_name: str, dispatch_path: str,
                **kwargs: Any) -> dict[str, str]:
        model = self.model
        return hook_env(
            unit=self.name, model_name=model.name, model_uuid=model.uuid,
            machine_id=self.host.machine_id, charm_dir=str(self.charm_dir), tools_dir=str(self.host.tools_dir),
            socket_path=self.socket_path, context_id=context_id, hook_name=hook_name,
            dispatch_path=dispatch_path, api_addresses=self.host.api_addresses,
            principal=view.principal if view is not None else "", proxy=model.proxy, **kwargs,
        )

    # -- processes -----------------------------------------------------------
    def _kill_stale_hook(self) -> None:
        """A hook left running by a killed agent must not overlap its re-run."""
        pid = running_pid(self._state)
        if pid is not None:
            process.signal_group(pid, signal.SIGKILL)

    async def shutdown(self) -> None:
        """Stop: kill a running hook (it will run again on restart)."""
        self._stopping = True
        self.changed.set()  # an idle loop ends now
        pid = running_pid(self._state)
        if pid is not None:
            process.signal_group(pid, signal.SIGTERM)

    def remove_files(self) -> None:
        shutil.rmtree(self.base, ignore_errors=True)
        try:
            os.unlink(self.socket_path)
        except FileNotFoundError:
            pass


__all__ = ["UnitAgent", "UnitHost"]
