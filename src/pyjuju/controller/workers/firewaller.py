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
from ..firewall import UnitPorts, machine_ingress
from ..hub import ALL, drain
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
        self.applied: dict[str, tuple[IngressRule, ...]] = {}
        """instance id → the rules the provider last accepted for it."""

    async def run(self) -> None:
        with self.svc.hub.subscribe(ALL) as q:
            watcher = asyncio.create_task(self._watch(q))
            try:
                while True:
                    try:
                        await self.reconcile()
                    except Exception:
                        log.exception("firewaller pass failed")
                    try:
                        await asyncio.wait_for(self._wake.wait(), RESYNC_INTERVAL)
                    except TimeoutError:
                        pass
                    self._wake.clear()
            finally:
                watcher.cancel()

    async def _watch(self, q: asyncio.Queue[Any]) -> None:
        async for _rev, changes in drain(q):
            if any(kind in WAKE_KINDS for kind, _ in changes):
                self._wake.set()

    def desired(self) -> dict[str, tuple[IngressRule, ...]]:
        """instance id → rules, for every running machine of every live model."""
        spaces = {"alpha": tuple(self.provider.network_cidrs())}
        out: dict[str, tuple[IngressRule, ...]] = {}
        with self.svc.store.read() as tx:
            for m in tx.models():
                if m.life == "dead":
                    continue
                instances = {mm.id: mm.instance_id for mm in tx.machines(m.uuid)
                             if mm.instance_id and mm.life == "alive"}
                if not instances:
                    continue
                exposure = {a.name: a.exposed_endpoints for a in tx.applications(m.uuid) if a.exposed_endpoints}
                units = [
                    UnitPorts(
                        machine_id=u.machine_id,
                        application=u.application,
                        opened=tuple((p["range"], None if p.get("endpoints") is None else tuple(p["endpoints"]))
                                     for p in u.opened_ports),
                    )
                    for u in tx.units(m.uuid)
                    if u.machine_id in instances and u.opened_ports
                ]
                rules = machine_ingress(units, exposure, spaces)
                for mid, iid in instances.items():
                    out[iid] = rules.get(mid, ())
        return out

    async def reconcile(self) -> None:
        """One pass: apply the rules that changed, forget machines that are gone."""
        desired = self.desired()
        changed = {iid: rules for iid, rules in desired.items() if self.applied.get(iid) != rules}
        if changed:
            async with self._lock:
                for iid, rules in changed.items():
                    try:
                        await asyncio.to_thread(self.provider.set_ingress_rules, iid, rules)
                    except PyjujuError as e:
                        log.warning("cannot set ingress rules of %s: %s", iid, e)
                        continue
                    self.applied[iid] = rules
        for iid in list(self.applied):
            if iid not in desired:
                del self.applied[iid]
