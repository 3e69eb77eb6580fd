"""Change hub: wakes API watchers after each committed model revision.

The store calls :meth:`ChangeHub.publish` synchronously after a commit; the
hub hands ``(revision, changes)`` to every subscriber of that model through an
unbounded asyncio queue, so a slow watcher never blocks a writer. Subscribers
coalesce whatever has queued up before they recompute anything.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Iterator

Change = tuple[str, str]
ALL = "*"
"""Subscribe to every model; keys arrive as ``<model-uuid>:<key>``."""


class ChangeHub:
    def __init__(self) -> None:
        self._subs: dict[str, set[asyncio.Queue[tuple[int, list[Change]]]]] = {}
        self._log_subs: dict[str, set[asyncio.Event]] = {}

    def publish(self, model_uuid: str, revision: int, changes: list[Change]) -> None:
        for q in self._subs.get(model_uuid, ()):
            q.put_nowait((revision, list(changes)))
        tagged = [(kind, f"{model_uuid}:{key}") for kind, key in changes]
        for q in self._subs.get(ALL, ()):
            q.put_nowait((revision, tagged))

    def publish_logs(self, model_uuid: str) -> None:
        for ev in self._log_subs.get(model_uuid, ()):
            ev.set()

    @contextlib.contextmanager
    def subscribe(self, model_uuid: str) -> Iterator[asyncio.Queue[tuple[int, list[Change]]]]:
        q: asyncio.Queue[tuple[int, list[Change]]] = asyncio.Queue()
        self._subs.setdefault(model_uuid, set()).add(q)
        try:
            yield q
        finally:
            self._subs[model_uuid].discard(q)

    @contextlib.contextmanager
    def subscribe_logs(self, model_uuid: str) -> Iterator[asyncio.Event]:
        ev = asyncio.Event()
        self._log_subs.setdefault(model_uuid, set()).add(ev)
        try:
            yield ev
        finally:
            self._log_subs[model_uuid].discard(ev)


async def drain(q: asyncio.Queue[tuple[int, list[Change]]]) -> AsyncGenerator[tuple[int, list[Change]], None]:
    """Yield batches: waits for one item, then takes everything already queued."""
    while True:
        rev, changes = await q.get()
        merged = list(changes)
        while not q.empty():
            rev, more = q.get_nowait()
            merged.extend(more)
        yield rev, merged
