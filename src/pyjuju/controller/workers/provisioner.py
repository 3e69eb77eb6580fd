"""Provisioner: gives machines instances, supervises their agents, removes dead ones.

Provider calls are blocking (they run ``ip`` and spawn processes), so they run
in a worker thread, one at a time: the provider's own state is not shared
between threads.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import Any

from ...core.errors import ProviderError
from ...providers import InstanceSpec, Provider
from ..hub import ALL, drain
from ..services import machines
from ..services.base import Services

log = logging.getLogger(__name__)

SUPERVISE_INTERVAL = 1.0


class Provisioner:
    def __init__(self, svc: Services, provider: Provider, api_port: int) -> None:
        self.svc = svc
        self.provider = provider
        self.api_port = api_port
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()

    @property
    def provider_lock(self) -> asyncio.Lock:
        """Held around provider calls; other workers that call the provider share it."""
        return self._lock

    async def run(self) -> None:
        with self.svc.hub.subscribe(ALL) as q:
            watcher = asyncio.create_task(self._watch(q))
            try:
                while True:
                    try:
                        await self.reconcile()
                    except Exception:
                        log.exception("provisioner pass failed")
                    try:
                        await asyncio.wait_for(self._wake.wait(), SUPERVISE_INTERVAL)
                    except TimeoutError:
                        pass
                    self._wake.clear()
            finally:
                watcher.cancel()

    async def _watch(self, q: asyncio.Queue[Any]) -> None:
        async for _rev, changes in drain(q):
            if any(kind in ("machine", "model") for kind, _ in changes):
                self._wake.set()

    async def reconcile(self) -> None:
        """One pass: start pending machines, stop dying ones, restart dead agents."""
        async with self._lock:
            for model, model_machines in machines.provisioning_work(self.svc):
                for mm in model_machines:
                    if mm.life == "alive" and not mm.instance_id and model.life == "alive":
                        await self._start(model.uuid, model.name, mm.id)
                    elif mm.life != "alive" or model.life == "dead":
                        await self._stop(model.uuid, mm.id, mm.instance_id)
                    elif mm.instance_id:
                        restarted = await asyncio.to_thread(self.provider.ensure_running, mm.instance_id)
                        if restarted:
                            log.warning("machine %s agent was not running; restarted", mm.id)

    async def _start(self, model_uuid: str, model_name: str, machine_id: str) -> None:
        token = machines.issue_agent_token(self.svc, model_uuid, machine_id)
        spec = InstanceSpec(
            model_uuid=model_uuid,
            machine_id=machine_id,
            agent_config={
                "api": [f"http://{self.provider.agent_api_host()}:{self.api_port}"],
                "controller_uuid": self.svc.controller_uuid,
                "model_uuid": model_uuid,
                "model_name": model_name,
                "machine_id": machine_id,
                "token": token,
            },
            agent_command=(sys.executable, "-m", "pyjuju.cmd.agent"),
        )
        try:
            inst = await asyncio.to_thread(self.provider.start_instance, spec)
        except ProviderError as e:
            machines.record_provisioning_error(self.svc, model_uuid, machine_id, e.message)
            return
        machines.record_instance(self.svc, model_uuid, machine_id, instance_id=inst.instance_id,
                                 hostname=inst.hostname, addresses=inst.addresses)

    async def _stop(self, model_uuid: str, machine_id: str, instance_id: str) -> None:
        if instance_id:
            await asyncio.to_thread(self.provider.stop_instance, instance_id)
        machines.remove_stopped_machine(self.svc, model_uuid, machine_id)

    async def destroy_all(self) -> None:
        async with self._lock:
            await asyncio.to_thread(self.provider.destroy_all)
