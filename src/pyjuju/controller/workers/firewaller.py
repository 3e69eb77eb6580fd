"""Firewaller: keeps each machine's ingress rules in step with opened ports and exposure.

Woken through the change hub when units (opened ports), applications (exposure)
or machines (a new instance) change, it recomputes every machine's rules with the
pure :func:`~pyjuju.controller.firewall.machine_ingress` and hands the provider
only those that differ from what it last applied. After a controller restart it
applies everything once more (providers treat rules as a whole set, so that is
harmless).

Provider calls share the provisioner's lock: the provider's state is not shared
between threads, and rules must not race an instance being stopped.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from ...core.errors import PyjujuError
from ...providers import IngressRule, Provider
from ..firewall import machine_ingress
from ..hub import ALL, drain
from ..services import expose
from ..services.base import Services

log = logging.getLogger(__name__)

RESYNC_INTERVAL = 30.0
WAKE_KINDS = ("unit", "application", "machine", "model")


class Firewaller:
    def __init__(self, svc: Services, provider: Provider, lock: asyncio.Lock | None = None) -> None:
        self.svc = svc
        self.provider = provider
        self._lock = lock or asyncio.Lock()
        self._wake = asyncio.Event()
        self._dirty: set[str] = set()
        self.applied: dict[str, tuple[IngressRule, ...]] = {}
        """instance id → the rules the provider last accepted for it."""
        self._instances: dict[str, set[str]] = {}
        """model uuid → its instance ids seen in the last pass over it."""

    async def run(self) -> None:
        with self.svc.hub.subscribe(ALL) as q:
            watcher = asyncio.create_task(self._watch(q))
            try:
                models: set[str] | None = None  # everything, at start and on each resync
                while True:
                    try:
                        await self.reconcile(models)
                    except Exception:
                        log.exception("firewaller pass failed")
                    try:
                        await asyncio.wait_for(self._wake.wait(), RESYNC_INTERVAL)
                        models = set(self._dirty)
                    except TimeoutError:
                        models = None
                    self._dirty.clear()
                    self._wake.clear()
            finally:
                watcher.cancel()

    async def _watch(self, q: asyncio.Queue[Any]) -> None:
        async for _rev, changes in drain(q):
            touched = {key.partition(":")[0] for kind, key in changes if kind in WAKE_KINDS}
            if touched:
                self._dirty |= touched
                self._wake.set()

    def desired(self, models: set[str] | None = None) -> dict[str, dict[str, tuple[IngressRule, ...]]]:
        """model uuid → instance id → rules, for the running machines of live models
        (all of them, or only ``models``)."""
        spaces = {"alpha": tuple(self.provider.network_cidrs())}
        out: dict[str, dict[str, tuple[IngressRule, ...]]] = {}
        for uuid, facts in expose.ingress_facts(self.svc, models).items():
            rules = machine_ingress(facts.units, facts.exposure, spaces)
            out[uuid] = {iid: rules.get(mid, ()) for mid, iid in facts.instances.items()}
        return out

    async def reconcile(self, models: set[str] | None = None) -> None:
        """One pass over ``models`` (all when ``None``): apply the rules that changed,
        forget machines that are gone."""
        desired = self.desired(models)
        changed = {iid: rules for per_model in desired.values() for iid, rules in per_model.items()
                   if self.applied.get(iid) != rules}
        if changed:
            async with self._lock:
                for iid, rules in changed.items():
                    try:
                        await asyncio.to_thread(self.provider.set_ingress_rules, iid, rules)
                    except PyjujuError as e:
                        log.warning("cannot set ingress rules of %s: %s", iid, e)
                        continue
                    self.applied[iid] = rules
        looked_at = set(self._instances) if models is None else set(models)
        for uuid in looked_at | set(desired):
            now = set(desired.get(uuid, {}))
            for iid in self._instances.get(uuid, set()) - now:
                self.applied.pop(iid, None)
            if now:
                self._instances[uuid] = now
            else:
                self._instances.pop(uuid, None)
