"""MachineAgent: follows the watch stream and runs one UnitAgent task per unit."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import dataclasses
import json
import logging
import os
import shutil
import signal
import sys
from pathlib import Path
from typing import Any

from ...client import AgentClient
from ...core.errors import PyjujuError
from ...wire import ModelView, TaskView, UnitView, WatchMessage
from ...wire import agent as ops
from ..hooks.context import MachineNetwork
from ..hooks.env import SYSTEM_PATH
from ..hooks.runner import run_command, task_results
from ..toolclient import install_tools
from ..unit.uniter import UnitAgent
from .logs import LogShipper

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class AgentConfig:
    api: list[str]
    token: str
    model_uuid: str
    model_name: str
    machine_id: str
    machine_dir: Path
    address: str
    cidr: str
    mac_address: str
    interface: str

    @classmethod
    def load(cls, path: Path) -> AgentConfig:
        d: dict[str, Any] = json.loads(path.read_text())
        return cls(
            api=list(d["api"]),
            token=d["token"],
            model_uuid=d["model_uuid"],
            model_name=d["model_name"],
            machine_id=str(d["machine_id"]),
            machine_dir=Path(d["machine_dir"]),
            address=d.get("address", "127.0.0.1"),
            cidr=d.get("cidr", "127.0.0.0/8"),
            mac_address=d.get("mac_address", ""),
            interface=d.get("interface", "lo"),
        )


class MachineAgent:
    def __init__(self, config: AgentConfig, *, client: AgentClient | None = None) -> None:
        """``client`` replaces the connection to the controller (tests pass a stand-in)."""
        self.config = config
        self.machine_id = config.machine_id
        self.client = client or AgentClient(config.api[0], config.token)
        self.hook_lock = asyncio.Lock()
        self.tools_dir = config.machine_dir / "tools"
        self.agents_dir = config.machine_dir / "agents"
        self.cache_dir = config.machine_dir / "charm-cache"
        self.network = MachineNetwork(
            address=config.address, cidr=config.cidr, mac_address=config.mac_address,
            interface=config.interface,
        )
        self.api_addresses = list(config.api)
        self.logs = LogShipper(self.client)
        self.units: dict[str, UnitAgent] = {}
        self.tasks: dict[str, asyncio.Task[None]] = {}
        self._model = ModelView(uuid=config.model_uuid, name=config.model_name)
        self._charm_locks: dict[str, asyncio.Lock] = {}
        self._stop = asyncio.Event()
        self._machine_life = "alive"
        self._tasks_seen: set[str] = set()
        self._removals: set[asyncio.Task[None]] = set()

    @property
    def stopping(self) -> bool:
        """Asked to stop (a signal, or the machine is dead and has no units left)."""
        return self._stop.is_set()

    # -- UnitHost ------------------------------------------------------------
    def model(self) -> ModelView:
        return self._model

    def emit_log(self, entity: str, level: str, module: str, message: str) -> None:
        self.logs.emit(entity, level, module, message)

    async def charm_archive(self, sha256: str) -> Path:
        lock = self._charm_locks.setdefault(sha256, asyncio.Lock())
        async with lock:
            path = self.cache_dir / f"{sha256}.charm"
            if not path.exists():
                self.cache_dir.mkdir(parents=True, exist_ok=True)
                await self.client.download_charm(sha256, path)
            return path

    # -- lifecycle -------------------------------------------------------------
    async def run(self) -> None:
        self.agents_dir.mkdir(parents=True, exist_ok=True)
        install_tools(self.tools_dir, os.path.realpath(sys.executable))
        _link_python(self.tools_dir)
        self.logs.start()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._stop.set)
        watcher = asyncio.create_task(self._watch_forever())
        await self._stop.wait()
        watcher.cancel()
        await self.stop_units()
        await self.logs.flush()
        await self.client.aclose()

    async def stop_units(self) -> None:
        """Stop every unit agent (a running hook is killed and runs again on restart) and
        wait for them, and for units being removed, to finish."""
        for ua in self.units.values():
            await ua.shutdown()
        for t in self.tasks.values():
            t.cancel()
        await asyncio.gather(*self.tasks.values(), *self._removals, return_exceptions=True)

    async def _watch_forever(self) -> None:
        delay = 0.2
        while not self._stop.is_set():
            try:
                async for msg in self.client.watch():
                    delay = 0.2
                    self.apply(msg)
            except (PyjujuError, OSError) as e:
                log.info("watch stream: %s", e)
            except Exception as e:  # websockets raises its own ConnectionClosed family
                log.info("watch stream closed: %s", e)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)

    def apply(self, msg: WatchMessage) -> None:
        if msg.model is not None:
            self._model = msg.model
            self.logs.configure(self._model.logging_config)
            for ua in self.units.values():
                ua.poke()
        if msg.machine is not None:
            self._machine_life = msg.machine.life
            for task in msg.machine.tasks:
                self._machine_task(task)
        units = dict(msg.units)
        if msg.type == "snapshot":
            for name in list(self.units):
                if name not in units:
                    units[name] = None
            self._forget_unknown_dirs(set(units))
        for name, view in units.items():
            if view is None:
                self._unit_gone(name)
            else:
                self._unit_view(name, view)
        if self._machine_life != "alive" and not self.units:
            self._stop.set()

    def _machine_task(self, task: TaskView) -> None:
        """``exec --machine``: a shell command on the machine itself, outside any unit."""
        if task.id in self._tasks_seen:
            return
        self._tasks_seen.add(task.id)
        asyncio.create_task(self._run_machine_task(task))

    async def _run_machine_task(self, task: TaskView) -> None:
        tid = task.id
        try:
            if task.status == "running":  # begun by an agent that since died
                await self.client.call(ops.TASK_FINISH, ops.TaskFinish(
                    task_id=tid, status="failed", message="task interrupted: the machine agent restarted"))
                return
            if not (await self.client.call(ops.TASK_BEGIN, ops.TaskRef(task_id=tid))).run:
                return
            output: dict[str, bytearray] = {}
            env = {"PATH": SYSTEM_PATH, "HOME": os.environ.get("HOME", "/root"),
                   "LANG": "C.UTF-8", "JUJU_MACHINE_ID": self.machine_id}
            stdin = task.params.get("stdin")
            async with self.hook_lock:
                result = await run_command(["/bin/bash", "-c", str(task.params.get("command", ""))],
                                           cwd=os.environ.get("HOME", "/root"), env=env, on_line=lambda *_: None,
                                           output=output,
                                           stdin_data=None if stdin is None else base64.b64decode(stdin))
            await self.client.call(ops.TASK_FINISH, ops.TaskFinish(
                task_id=tid, status="failed" if result.error else "completed", message=result.error,
                results=task_results(result, output)))
        except PyjujuError as e:
            log.warning("machine task %s: %s", tid, e)
            self._tasks_seen.discard(tid)

    def _unit_view(self, name: str, view: UnitView) -> None:
        ua = self.units.get(name)
        if ua is None:
            ua = UnitAgent(self, name)
            self.units[name] = ua
            self.tasks[name] = asyncio.create_task(self._run_unit(ua))
        ua.update(view)

    async def _run_unit(self, ua: UnitAgent) -> None:
        try:
            await ua.run()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("unit agent %s failed", ua.name)
            self.emit_log(ua.tag, "ERROR", "juju.worker.uniter", "unit agent failed; restarting")
            await asyncio.sleep(1)
            if self.units.get(ua.name) is ua:
                fresh = UnitAgent(self, ua.name)
                fresh.update(ua.remote)
                self.units[ua.name] = fresh
                self.tasks[ua.name] = asyncio.create_task(self._run_unit(fresh))
            return
        if ua.done:
            self.units.pop(ua.name, None)
            self.tasks.pop(ua.name, None)
            ua.remove_files()
            if self._machine_life != "alive" and not self.units:
                self._stop.set()

    def _unit_gone(self, name: str) -> None:
        """The controller no longer lists the unit (removed, or forced away)."""
        ua = self.units.pop(name, None)
        task = self.tasks.pop(name, None)
        if ua is None:
            return

        async def finish() -> None:
            await ua.shutdown()
            if task is not None:
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
            ua.remove_files()

        removal = asyncio.create_task(finish())
        self._removals.add(removal)
        removal.add_done_callback(self._removals.discard)

    def _forget_unknown_dirs(self, known: set[str]) -> None:
        """After a restart, drop directories of units the controller removed meanwhile."""
        if not self.agents_dir.exists():
            return
        tags = {"unit-" + n.replace("/", "-") for n in known}
        for d in self.agents_dir.iterdir():
            if d.is_dir() and d.name.startswith("unit-") and d.name not in tags:
                shutil.rmtree(d, ignore_errors=True)


def _link_python(tools_dir: Path) -> None:
    """``#!/usr/bin/env python3`` in charms resolves to the real interpreter, not a shim.

    On this host ``python3`` may be a version-manager shim costing ~70 ms per
    start; charms run with the base interpreter pyjuju itself runs on.
    """
    base = getattr(sys, "_base_executable", sys.executable)
    target = os.path.realpath(base)
    for name in ("python3", "python"):
        link = tools_dir / name
        if os.path.islink(link) and os.readlink(link) == target:
            continue
        with contextlib.suppress(FileNotFoundError):
            link.unlink()
        link.symlink_to(target)
