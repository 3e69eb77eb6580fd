"""The unit agent's two timers: update-status and the automatic retry of a failed hook.

Both are plain monotonic deadlines the resolver sees only as booleans
(:class:`~.resolver.Clock`), so it stays pure. The update-status timer starts
when the unit has started and restarts after each update-status (or start);
when the model's interval changes, it restarts with the new interval, as
Juju's does, so the next update-status comes within the new interval rather
than after the old one. A failed hook is retried after 5 s, then with doubling
back-off up to 5 minutes, with ±10% jitter.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from .resolver import Clock

RETRY_FIRST = 5.0
RETRY_MAX = 300.0


class Timers:
    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self.next_update_status: float | None = None
        self._interval: float | None = None
        self.retry_at: float | None = None
        self._retry_delay = RETRY_FIRST

    def clock(self, *, started: bool, interval: float) -> Clock:
        now = self._now()
        if started and (self.next_update_status is None or interval != self._interval):
            self.next_update_status = now + interval
            self._interval = interval
        return Clock(
            update_status_due=self.next_update_status is not None and now >= self.next_update_status,
            retry_due=self.retry_at is not None and now >= self.retry_at,
        )

    def next_deadline(self) -> float | None:
        """Seconds until the earlier timer fires (None: neither is set)."""
        deadlines = [t for t in (self.next_update_status, self.retry_at) if t is not None]
        return max(0.0, min(deadlines) - self._now()) if deadlines else None

    def hook_succeeded(self, kind: str, interval: float) -> None:
        self.reset_retry()
        if kind in ("start", "update-status"):
            self.next_update_status = self._now() + interval
            self._interval = interval

    def hook_failed(self) -> None:
        self.retry_at = self._now() + self._retry_delay * random.uniform(0.9, 1.1)
        self._retry_delay = min(self._retry_delay * 2, RETRY_MAX)

    def reset_retry(self) -> None:
        self.retry_at, self._retry_delay = None, RETRY_FIRST
