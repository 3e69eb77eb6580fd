"""Long polls: answers that may wait on the change hub until there is something to say.

``wait-for`` and ``juju run`` would otherwise poll the controller in a loop;
instead a call may wait (bounded) for the model's next change. These are the
only coroutines among the services: waiting must not block the event loop
that the store's single connection lives on.
"""

from __future__ import annotations

import asyncio
from typing import Any

from .base import Services
from .lookup import resolve_model
from .operations import TERMINAL, get_task, task_doc

MAX_CHANGES_WAIT = 60.0
MAX_TASK_WAIT = 600.0


async def changes(svc: Services, model_ref: str, since: int, wait: float = 0) -> dict[str, Any]:
    """The change stream: ``(revision, kind, key)`` after revision ``since``.

    With none yet and ``wait`` > 0, waits up to ``wait`` seconds (at most a minute)
    for the next write to the model, then answers with what there is."""
    with svc.store.read() as tx:
        m = resolve_model(tx, model_ref)
        rows = tx.changes_since(m.uuid, since)
        rev = m.revision
    if not rows and wait > 0:
        with svc.hub.subscribe(m.uuid) as q:
            try:
                await asyncio.wait_for(q.get(), min(wait, MAX_CHANGES_WAIT))
            except TimeoutError:
                pass
        with svc.store.read() as tx:
            rows = tx.changes_since(m.uuid, since)
            rev = resolve_model(tx, model_ref).revision
    return {"revision": rev, "changes": [{"revision": r, "kind": k, "key": key} for r, k, key in rows]}


async def task(svc: Services, model_ref: str, task_id: int, wait: float = 0) -> dict[str, Any]:
    """A task; with ``wait`` (seconds), once it is done or the time is up."""
    t = get_task(svc, model_ref, task_id)
    if wait > 0 and t.status not in TERMINAL:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + min(wait, MAX_TASK_WAIT)
        with svc.hub.subscribe(t.model_uuid) as q:
            while t.status not in TERMINAL:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                try:
                    await asyncio.wait_for(q.get(), remaining)
                except TimeoutError:
                    break
                t = get_task(svc, model_ref, task_id)
    return task_doc(t)
