"""Cleanup: finishes destroying models and trims the logs and change log."""

from __future__ import annotations

import asyncio
import logging

from ..services import secrets
from ..services.applications import finish_unit_removal
from ..services.base import Services

log = logging.getLogger(__name__)

KEEP_LOGS = 200_000
KEEP_CHANGES = 10_000


class Cleanup:
    def __init__(self, svc: Services, interval: float = 0.5) -> None:
        self.svc = svc
        self.interval = interval
        self._ticks = 0

    async def run(self) -> None:
        while True:
            try:
                self.once()
            except Exception:
                log.exception("cleanup pass failed")
            await asyncio.sleep(self.interval)

    def once(self) -> None:
        self._ticks += 1
        if self._ticks % 2 == 0:
            secrets.flag_due(self.svc)
        with self.svc.store.read() as tx:
            dying = [m for m in tx.models() if m.life == "dying"]
        for m in dying:
            with self.svc.store.write() as tx:
                force = bool(m.status.get("force"))
                units = tx.units(m.uuid)
                if force:
                    for u in units:
                        finish_unit_removal(tx, m.uuid, u.name)
                    units = []
                if units:
                    continue
                machines = tx.machines(m.uuid)
                for mm in machines:
                    if mm.life == "alive":
                        tx.update_machine(m.uuid, mm.id, life="dying")
                if not machines:
                    tx.remove_model(m.uuid)
        if self._ticks % 120 == 0:
            with self.svc.store.write() as tx:
                for m in tx.models():
                    tx.trim_logs(m.uuid, KEEP_LOGS)
                    tx.trim_changes(m.uuid, m.revision - KEEP_CHANGES)
