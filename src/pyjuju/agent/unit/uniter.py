"""UnitAgent: runs the resolver's operations for one unit, crash-safely.

Each hook goes through prepare (persist the op as ``queued``), execute (spawn
the process and persist its pid as ``running``), and commit (persist the
buffered writes as ``committing``, send them with an idempotent commit id,
then apply the op's effects to local state). A restart at any point resumes:
a ``queued``/``running`` hook runs again, a ``committing`` one re-sends.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import random
import shutil
import signal
import time
from pathlib import Path
from typing import Any, Protocol

from ... import charm as charmlib
from ...client import AgentClient
from ...core import process
from ...core.errors import ConnectionFailedError, PyjujuError
from ...core.names import unit_tag
from ...wire import AgentStatusParams, HookCommitParams, StatusValue
from ..hooks.context import HookContext, MachineNetwork
from ..hooks.env import hook_env
from ..hooks.runner import run_process
from ..hooks.toolserver import ToolServer
from . import actions
from .reporter import StatusReporter
from .resolver import Clock, Op, next_op
from .state import HookInfo, LocalState, StateFile

log = logging.getLogger(__name__)

RETRY_FIRST = 5.0
RETRY_MAX = 300.0


class UnitHost(Protocol):
    """What a unit agent needs from its machine agent."""

    client: AgentClient
    hook_lock: asyncio.Lock
    tools_dir: Path
    agents_dir: Path
    machine_id: str
    network: MachineNetwork
    api_addresses: list[str]

    def model(self) -> dict[str, Any]: ...

    async def charm_archive(self, sha256: str) -> Path: ...

    def emit_log(self, entity: str, level: str, module: str, message: str) -> None: ...


def _storage_env_for(location: str, hook: HookInfo) -> dict[str, str]:
    return {"JUJU_STORAGE_ID": hook.storage_id, "JUJU_STORAGE_LOCATION": location, "JUJU_STORAGE_KIND": "filesystem"}


def _secret_env(hook: HookInfo) -> dict[str, str]:
    if not hook.secret_id:
        return {}
    env = {"JUJU_SECRET_ID": f"secret:{hook.secret_id}", "JUJU_SECRET_LABEL": hook.secret_label}
    if hook.secret_revision > 0:
        env["JUJU_SECRET_REVISION"] = str(hook.secret_revision)
    return env


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
        self.base = host.agents_dir / self.tag
        self.base.mkdir(parents=True, exist_ok=True)
        self.charm_dir = self.base / "charm"
        self._metadata_path = str(self.charm_dir / "metadata.yaml")
        self.statefile = StateFile(self.base / "state.json")
        self.local: LocalState = self.statefile.load()
        self.remote: dict[str, Any] | None = None
        self.changed = asyncio.Event()
        self.contexts: dict[str, HookContext] = {}
        self.socket_path = socket_path_for(self.base)
        self.toolserver = ToolServer(self.socket_path, self.contexts.get)
        self.reporter = StatusReporter(host.client, name)
        self._meta: charmlib.CharmMeta | None = None
        self._retry_at: float | None = None
        self._retry_delay = RETRY_FIRST
        self._next_update_status: float | None = None
        self._stopping = False
        self.done = False

    # -- inputs --------------------------------------------------------------
    def update(self, view: dict[str, Any] | None) -> None:
        self.remote = view
        self.changed.set()

    def poke(self) -> None:
        self.changed.set()

    # -- main loop ----------------------------------------------------------
    async def run(self) -> None:
        self.reporter.start()
        self._kill_stale_hook()
        await self.toolserver.start()
        try:
            while not self.done:
                op = next_op(self.local, self.remote, self.host.model(), self._clock())
                if op is None:
                    await self._wait()
                    continue
                try:
                    await self._execute(op)
                except ConnectionFailedError as e:
                    log.warning("%s: controller unreachable (%s); retrying", self.name, e)
                    await asyncio.sleep(1)
        finally:
            self._stopping = True
            await self.toolserver.close()
            await self.reporter.stop()
            self.statefile.close()

    def _clock(self) -> Clock:
        now = time.monotonic()
        if self.local.started and self._next_update_status is None:
            self._next_update_status = now + self._update_interval()
        return Clock(
            update_status_due=self._next_update_status is not None and now >= self._next_update_status,
            retry_due=self._retry_at is not None and now >= self._retry_at,
        )

    def _update_interval(self) -> float:
        return float(self.host.model().get("update_status_interval", 300.0))

    async def _wait(self) -> None:
        deadlines = [t for t in (self._next_update_status, self._retry_at) if t is not None]
        timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
        self.changed.clear()
        try:
            await asyncio.wait_for(self.changed.wait(), timeout)
        except TimeoutError:
            pass

    def save(self) -> None:
        self.statefile.save(self.local)

    # -- operations ----------------------------------------------------------
    async def _execute(self, op: Op) -> None:
        if op.kind == "run-hook":
            assert op.hook is not None
            await self._run_hook(op.hook, op.effects)
        elif op.kind == "resume-commit":
            assert op.hook is not None and self.local.op is not None
            params = HookCommitParams.model_validate(self.local.op["commit"])
            await self._finish_commit(op.hook, params, op.effects)
        elif op.kind == "resolve":
            assert op.hook is not None and self.remote is not None
            self.local.resolved_seq = int(self.remote.get("resolved_seq", 0))
            self.local.error = None
            self._retry_at, self._retry_delay = None, RETRY_FIRST
            self.save()
            if op.retry:
                await self._run_hook(op.hook, op.effects)
            else:
                self._apply(op.effects)
                self.save()
                self._log("INFO", "juju.worker.uniter", f'skipped "{op.hook.name}" hook (resolved --no-retry)')
                self.reporter.post(AgentStatusParams(agent=StatusValue(status="idle")))
        elif op.kind == "accept-deposed":
            self._apply(op.effects)
            self.save()
        elif op.kind == "enter-scope":
            if await self._enter_scope(int(op.relation_id)):
                self._apply(op.effects)
                self.save()
        elif op.kind == "leave-scope":
            await self.host.client.leave_scope(self.name, int(op.relation_id))
            self.local.relations.pop(op.relation_id, None)
            self.save()
        elif op.kind == "run-action":
            assert op.task is not None
            await actions.run(self, op.task)
        elif op.kind == "abort-action":
            assert op.task is not None
            await actions.abort(self, op.task)
        elif op.kind == "report-dead":
            await self.reporter.flush()
            await self.host.client.unit_dead(self.name)
            self.done = True

    async def _run_hook(self, hook: HookInfo, effects: dict[str, Any]) -> None:
        assert self.remote is not None or self.local.op is not None
        view = dict(self.remote or {})
        if hook.kind in ("install", "upgrade-charm") or not os.path.exists(self._metadata_path):
            await self._deploy_charm(view)
        if hook.kind == "relation-created" and self.local.op is None:
            assert hook.relation_id is not None
            if not await self._enter_scope(hook.relation_id):
                return
        if hook.kind == "storage-attached" and self.local.op is None:
            location = self.storage_location(hook.storage_id)
            os.makedirs(location, exist_ok=True)
            await self.host.client.storage_attached(self.name, hook.storage_id, location)
        if hook.kind == "leader-elected" and not view.get("leader"):
            self._log("INFO", "juju.worker.uniter", "skipping leader-elected: no longer leader")
            self.local.op = None
            self.save()
            return
        # Saved once the process exists (on_spawn), with its pid: a crash before
        # that point loses nothing, since the resolver derives the same op again.
        self.local.op = {"hook": hook.to_dict(), "step": "queued", "effects": effects}
        self._pre_hook_status(hook)
        ctx = self._context(hook, view)
        dispatch_path = f"hooks/{hook.name}"
        env = self.env_for(
            ctx.id, view, hook_name=hook.name, dispatch_path=dispatch_path,
            relation=None if hook.relation_id is None else (
                hook.endpoint, f"{hook.endpoint}:{hook.relation_id}", hook.remote_unit, hook.remote_app),
            departing_unit=hook.departing_unit,
            extra={**_secret_env(hook), **self._storage_env(hook)},
        )
        module = f"unit.{self.name}.{hook.name}"

        def on_line(stream: str, line: str) -> None:
            self._log("DEBUG" if stream == "stdout" else "WARNING", module, line)

        async def on_spawn(pid: int) -> None:
            assert self.local.op is not None
            self.local.op.update(step="running", pid=pid, pid_start=process.start_time(pid))
            self.save()

        self.contexts[ctx.id] = ctx
        try:
            async with self.host.hook_lock:
                result = await run_process(
                    charm_dir=self.charm_dir, dispatch_path=dispatch_path, env=env,
                    on_line=on_line, on_spawn=on_spawn,
                )
        finally:
            self.contexts.pop(ctx.id, None)
        if result.code < 0 and result.code in (-signal.SIGTERM, -signal.SIGKILL) and self._stopping:
            return  # interrupted by our own shutdown: the op stays queued and runs again
        if result.missing:
            self._log("INFO", "juju.worker.uniter.operation", f'skipped "{hook.name}" hook (missing)')
        elif result.code == 0:
            self._log("INFO", "juju.worker.uniter.operation", f'ran "{hook.name}" hook (via {result.via})')
        if result.code != 0:
            await self._hook_failed(hook, effects, result.error or f"exit status {result.code}")
            return
        params = ctx.commit_params()
        if params.has_changes():
            # Persist what must reach the controller before sending it.
            self.local.op.update(step="committing", commit=params.model_dump())
            self.save()
        await self._finish_commit(hook, params, effects)

    async def _finish_commit(self, hook: HookInfo, params: HookCommitParams, effects: dict[str, Any]) -> None:
        if params.has_changes():
            await self.host.client.commit(self.name, params)
        if hook.kind == "storage-detaching":
            await self.host.client.storage_detached(self.name, hook.storage_id)
        self._apply(effects)
        self.local.op = None
        self.local.error = None
        self._retry_at, self._retry_delay = None, RETRY_FIRST
        if hook.kind == "update-status" or (hook.kind == "start"):
            self._next_update_status = time.monotonic() + self._update_interval()
        self.save()
        self._post_hook_status(hook)

    async def _hook_failed(self, hook: HookInfo, effects: dict[str, Any], reason: str) -> None:
        self._log("ERROR", "juju.worker.uniter.operation", f'hook "{hook.name}" (via {self.charm_dir}) failed: {reason}')
        self.local.op = None
        self.local.error = {"hook": hook.to_dict(), "effects": effects}
        self.save()
        data: dict[str, Any] = {"hook": hook.name}
        if hook.relation_id is not None:
            data["relation-id"] = hook.relation_id
        if hook.remote_unit:
            data["remote-unit"] = hook.remote_unit
        self.reporter.post(
            AgentStatusParams(agent=StatusValue(status="error", message=f'hook failed: "{hook.name}"', data=data))
        )
        jitter = random.uniform(0.9, 1.1)
        self._retry_at = time.monotonic() + self._retry_delay * jitter
        self._retry_delay = min(self._retry_delay * 2, RETRY_MAX)

    def _apply(self, effects: dict[str, Any]) -> None:
        for k, v in effects.items():
            if k == "relation":
                self._apply_relation(v)
            elif k == "secret_hook":
                self.local.extra.setdefault("secret_hooks", {})[v["key"]] = v["value"]
            elif k == "storage":
                known = self.local.extra.setdefault("storage", {})
                if v["state"] == "attached":
                    known[v["id"]] = {"location": self.storage_location(v["id"])}
                else:
                    known.pop(v["id"], None)
            else:
                setattr(self.local, k, v)

    def _apply_relation(self, eff: dict[str, Any]) -> None:
        rid, action = str(eff["id"]), eff["action"]
        if action == "created":
            self.local.relations[rid] = {
                "endpoint": eff["endpoint"], "remote_app": eff["remote_app"], "peer": eff["peer"],
                "implicit": eff["implicit"], "members": {}, "app_members": {}, "changed_pending": "",
                "broken": False,
            }
            return
        lr = self.local.relations.get(rid)
        if lr is None:
            return
        if action == "joined":
            lr["members"][eff["unit"]] = eff["version"]
            lr["changed_pending"] = eff["unit"]
        elif action == "changed":
            lr["members"][eff["unit"]] = eff["version"]
            if lr.get("changed_pending") == eff["unit"]:
                lr["changed_pending"] = ""
        elif action == "app-changed":
            lr["app_members"][eff["app"]] = eff["version"]
        elif action == "departed":
            lr["members"].pop(eff["unit"], None)
            if lr.get("changed_pending") == eff["unit"]:
                lr["changed_pending"] = ""
        elif action == "broken":
            lr["broken"] = True

    async def _enter_scope(self, relation_id: int) -> bool:
        """Join the relation on the controller; False if it is no longer joinable."""
        try:
            await self.host.client.enter_scope(self.name, relation_id)
        except ConnectionFailedError:
            raise
        except PyjujuError as e:
            self._log("WARNING", "juju.worker.uniter.relation", f"cannot enter scope of relation {relation_id}: {e}")
            self.changed.clear()
            await asyncio.sleep(0.5)
            return False
        return True

    # -- statuses around hooks ----------------------------------------------
    def _pre_hook_status(self, hook: HookInfo) -> None:
        workload = None
        if hook.kind == "install" and not self.local.status_ever_set:
            workload = StatusValue(status="maintenance", message="installing charm software")
        elif hook.kind == "stop":
            workload = StatusValue(status="maintenance", message="stopping charm software")
        elif hook.kind == "remove":
            workload = StatusValue(status="maintenance", message="cleaning up prior to charm deletion")
        agent = None
        if hook.kind != "update-status":
            msg = f"running {hook.name} hook"
            if hook.remote_unit:
                msg += f" for {hook.remote_unit}"
            elif hook.secret_id:
                msg += f" for secret:{hook.secret_id}" + (f"/{hook.secret_revision}" if hook.secret_revision else "")
            agent = StatusValue(status="executing", message=msg)
        if agent or workload:
            self.reporter.post(AgentStatusParams(agent=agent, workload=workload))

    def _post_hook_status(self, hook: HookInfo) -> None:
        workload = None
        if hook.kind == "start" and not self.local.status_ever_set:
            workload = StatusValue(status="unknown")
        elif hook.kind == "stop":
            workload = StatusValue(status="maintenance")
        elif hook.kind == "remove":
            workload = StatusValue(status="terminated")
        agent = StatusValue(status="idle") if hook.kind != "update-status" else None
        if agent or workload:
            self.reporter.post(AgentStatusParams(agent=agent, workload=workload))

    # -- helpers -------------------------------------------------------------
    def _context(self, hook: HookInfo, view: dict[str, Any], *, action_name: str = "",
                 action_params: dict[str, Any] | None = None,
                 log_action: Any = None) -> HookContext:
        def status_set() -> None:
            if not self.local.status_ever_set:
                self.local.status_ever_set = True
                self.save()

        async def log_fn(level: str, message: str) -> None:
            self._log(level, f"unit.{self.name}.juju-log", message)

        return HookContext(
            unit_name=self.name,
            hook_name=hook.name if hook.kind not in ("action", "exec") else "",
            view=view,
            meta=self._charm_meta(),
            client=self.host.client,
            network=self.host.network,
            log=log_fn,
            send_status=self.reporter.send,
            on_status_set=status_set,
            relation_id=hook.relation_id,
            remote_unit=hook.remote_unit,
            remote_app=hook.remote_app,
            relations=self._context_relations(hook),
            model_uuid=self.host.model().get("uuid", ""),
            action_name=action_name,
            action_params=action_params,
            log_action=log_action,
            storage_id=hook.storage_id,
            storage_locations={sid: self.storage_location(sid) for sid, sv in (view.get("storage") or {}).items()
                               if sv.get("life") == "alive"},
            resource_dir=self.base / "resources",
        )

    def _context_relations(self, hook: HookInfo) -> dict[int, dict[str, Any]]:
        """The relations as this hook sees them: what the unit has joined, as of now,
        with the joining unit in and the departing unit out (docs/charm-runtime.md, relation-list)."""
        import copy

        rels = {int(rid): copy.deepcopy(lr) for rid, lr in self.local.relations.items() if not lr.get("implicit")}
        rid = hook.relation_id
        if rid is None:
            return rels
        if hook.kind == "relation-created" and rid not in rels:
            rv = ((self.remote or {}).get("relations") or {}).get(str(rid), {})
            rels[rid] = {"endpoint": hook.endpoint, "remote_app": hook.remote_app,
                         "peer": bool(rv.get("peer")), "members": {}}
        lr = rels.get(rid)
        if lr is not None:
            if hook.kind == "relation-joined":
                lr["members"][hook.remote_unit] = 0
            elif hook.kind == "relation-departed":
                lr["members"].pop(hook.remote_unit, None)
            elif hook.kind == "relation-broken":
                lr["members"] = {}
        return rels

    def _charm_meta(self) -> charmlib.CharmMeta:
        if self._meta is None:
            self._meta = charmlib.load_charm(self.charm_dir).meta
        return self._meta

    async def _deploy_charm(self, view: dict[str, Any]) -> None:
        charm = view.get("charm") or {}
        sha = charm.get("sha256", "")
        if not sha or (sha == self.local.charm_sha and os.path.exists(self._metadata_path)):
            return
        archive = await self.host.charm_archive(sha)
        self.charm_dir.mkdir(parents=True, exist_ok=True)
        members = await asyncio.to_thread(
            charmlib.extract_archive, archive, self.charm_dir, self.local.charm_members
        )
        (self.charm_dir / ".juju-charm").write_text(charm.get("url", ""))
        self._meta = None
        self.local.charm_sha = sha
        self.local.charm_members = list(members)
        self.save()
        self._log("INFO", "juju.worker.uniter.charm", f"deployed charm {charm.get('url', sha)}")

    def _storage_env(self, hook: HookInfo) -> dict[str, str]:
        if not hook.storage_id:
            return {}
        return _storage_env_for(self.storage_location(hook.storage_id), hook)

    def storage_location(self, storage_id: str) -> str:
        """On the local provider a filesystem store is a directory of the unit's own."""
        return str(self.base / "storage" / storage_id.replace("/", "-"))

    def _log(self, level: str, module: str, message: str) -> None:
        self.host.emit_log(self.tag, level, module, message)

    def _kill_stale_hook(self) -> None:
        """A hook left running by a killed agent must not overlap its re-run."""
        pid = self._own_hook_pid()
        if pid is not None:
            process.signal_group(pid, signal.SIGKILL)

    async def shutdown(self) -> None:
        """Stop: kill a running hook (it will run again on restart).

        Only if that pid is still the hook we started: a finished hook's pid may
        already belong to another process on the host (pids are recycled)."""
        self._stopping = True
        pid = self._own_hook_pid()
        if pid is not None:
            process.signal_group(pid, signal.SIGTERM)

    def env_for(self, context_id: str, view: dict[str, Any], *, hook_name: str, dispatch_path: str,
                **kwargs: Any) -> dict[str, str]:
        """The environment of a hook, action or exec on this unit; ``kwargs`` go to :func:`hook_env`."""
        model = self.host.model()
        return hook_env(
            unit=self.name, model_name=model.get("name", ""), model_uuid=model.get("uuid", ""),
            machine_id=self.host.machine_id, charm_dir=str(self.charm_dir), tools_dir=str(self.host.tools_dir),
            socket_path=self.socket_path, context_id=context_id, hook_name=hook_name,
            dispatch_path=dispatch_path, api_addresses=self.host.api_addresses,
            principal=view.get("principal", ""), proxy=model.get("proxy"), **kwargs,
        )

    def _own_hook_pid(self) -> int | None:
        """The pid of the hook this unit started, if that process is still the same one."""
        op = self.local.op
        if not op or not op.get("pid"):
            return None
        pid = int(op["pid"])
        started = process.start_time(pid)
        return pid if started is not None and started == op.get("pid_start") else None

    def remove_files(self) -> None:
        shutil.rmtree(self.base, ignore_errors=True)
        try:
            os.unlink(self.socket_path)
        except FileNotFoundError:
            pass


__all__ = ["UnitAgent", "UnitHost"]
