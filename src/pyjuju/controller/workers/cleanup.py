"""Cleanup: finishes destroying models and trims the logs and change log."""

from __future__ import annotations

import asyncio
import logging

from ..services import models, secrets
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
        models.advance_dying_models(self.svc)
        if self._ticks % 120 == 0:
            models.trim_history(self.svc, keep_logs=KEEP_LOGS, keep_changes=KEEP_CHANGES)
