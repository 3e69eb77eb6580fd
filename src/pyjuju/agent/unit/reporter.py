"""Ordered, non-blocking, coalescing status reporting for one unit.

The agent's own status changes ("executing", "idle") are queued so that a
hook starts without waiting for a round trip; a charm's ``status-set`` goes
through the same queue and waits for its own delivery, so writes always
reach the controller in the order they were made. Whatever queued up while a
request was in flight is merged into one request (the latest value of each
field wins): a busy unit sends one status update per round trip, not one per
hook boundary, and an idle one still sends each change at once.
"""

from __future__ import annotations

import asyncio
import logging

from ...client import AgentClient
from ...core.errors import ConnectionFailedError
from ...wire import AgentStatusParams
from ...wire import agent as ops

log = logging.getLogger(__name__)


class StatusReporter:
    def __init__(self, client: AgentClient, unit: str) -> None:
        self._client = client
        self._unit = unit
        self._q: asyncio.Queue[tuple[AgentStatusParams, asyncio.Future[None] | None]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run())

    async def stop(self, timeout: float = 5.0) -> None:
        """Deliver what is queued if the controller answers within ``timeout``, then stop."""
        if self._task is not None:
            try:
                async with asyncio.timeout(timeout):
                    await self.flush()
            except TimeoutError:
                log.warning("dropping undelivered status updates for %s", self._unit)
            self._task.cancel()
            self._task = None

    def post(self, params: AgentStatusParams) -> None:
        """Queue a write and return at once."""
        self._q.put_nowait((params, None))

    async def send(self, params: AgentStatusParams) -> None:
        """Queue a write and wait until the controller accepted (or refused) it."""
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._q.put_nowait((params, fut))
        await fut

    async def flush(self) -> None:
        await self._q.join()

    async def _run(self) -> None:
        while True:
            items = [await self._q.get()]
            while not self._q.empty():
                items.append(self._q.get_nowait())
            try:
                group: list[tuple[AgentStatusParams, asyncio.Future[None] | None]] = []
                for item in items:
                    if item[0].application is not None:  # may be refused on its own: send alone
                        await self._deliver_group(group)
                        group = []
                        await self._deliver_group([item])
                    else:
                        group.append(item)
                await self._deliver_group(group)
            finally:
                for _ in items:
                    self._q.task_done()

    async def _deliver_group(self, group: list[tuple[AgentStatusParams, asyncio.Future[None] | None]]) -> None:
        if not group:
            return
        merged = merge([p for p, _ in group])
        futures = [f for _, f in group if f is not None]
        waiter: asyncio.Future[None] | None = None
        if futures:
            waiter = asyncio.get_running_loop().create_future()
        await self._deliver(merged, waiter)
        if waiter is not None:
            exc = waiter.exception()
            for f in futures:
                if exc is not None:
                    f.set_exception(exc)
                else:
                    f.set_result(None)

    async def _deliver(self, params: AgentStatusParams, fut: asyncio.Future[None] | None) -> None:
        delay = 0.2
        while True:
            try:
                await self._client.call(ops.SET_STATUS, params, self._unit)
            except ConnectionFailedError:
                if fut is not None:  # a charm waits on this: let it see the failure
                    fut.set_exception(ConnectionFailedError("cannot reach the controller"))
                    return
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5)
                continue
            except Exception as e:  # refused: report to the waiter, drop otherwise
                if fut is not None:
                    fut.set_exception(e)
                else:
                    log.warning("status update for %s refused: %s", self._unit, e)
                return
            if fut is not None:
                fut.set_result(None)
            return


def merge(items: list[AgentStatusParams]) -> AgentStatusParams:
    """One request carrying the latest value of each field, in queue order."""
    if len(items) == 1:
        return items[0]
    agent = workload = version = None
    mark = False
    for p in items:
        agent = p.agent if p.agent is not None else agent
        workload = p.workload if p.workload is not None else workload
        version = p.workload_version if p.workload_version is not None else version
        mark = mark or p.mark_status_set
    return AgentStatusParams(agent=agent, workload=workload, workload_version=version, mark_status_set=mark)
