"""Log shipping from a machine agent to the controller (what debug-log shows).

Records are filtered at the source by the model's ``logging-config``
(``<root>=INFO;unit=DEBUG``: the longest matching module prefix decides) and
sent in batches, so a chatty hook costs one API call per batch, not per line.
"""

from __future__ import annotations

import asyncio
import logging

from ...client import AgentClient
from ...core import timefmt
from ...wire import AgentLogRecord
from ...wire import agent as ops

log = logging.getLogger(__name__)

LEVELS = {"TRACE": 5, "DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40, "CRITICAL": 50}


def parse_logging_config(text: str) -> dict[str, int]:
    out: dict[str, int] = {"": LEVELS["INFO"]}
    for part in text.replace(",", ";").split(";"):
        name, _, level = part.strip().partition("=")
        if not level:
            continue
        name = name.strip()
        out["" if name == "<root>" else name] = LEVELS.get(level.strip().upper(), LEVELS["INFO"])
    return out


class LogShipper:
    def __init__(self, client: AgentClient, interval: float = 0.1, max_batch: int = 500) -> None:
        self._client = client
        self._interval = interval
        self._max = max_batch
        self._buf: list[AgentLogRecord] = []
        self._levels = parse_logging_config("<root>=INFO;unit=DEBUG")
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def configure(self, logging_config: str) -> None:
        self._levels = parse_logging_config(logging_config)

    def enabled(self, module: str, level: str) -> bool:
        best, threshold = -1, LEVELS["INFO"]
        for prefix, lvl in self._levels.items():
            if (prefix == "" or module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, threshold = len(prefix), lvl
        return LEVELS.get(level, 20) >= threshold

    def emit(self, entity: str, level: str, module: str, message: str) -> None:
        if not self.enabled(module, level):
            return
        self._buf.append(AgentLogRecord(time=timefmt.now_iso(), entity=entity, level=level, module=module,
                                        message=message))
        if len(self._buf) >= self._max:
            self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def flush(self) -> None:
        while self._buf:
            batch, self._buf = self._buf[: self._max], self._buf[self._max :]
            try:
                await self._client.call(ops.LOGS, ops.LogBatch(records=batch))
            except Exception as e:  # keep the lines for the next try
                self._buf[:0] = batch
                log.debug("log shipping failed: %s", e)
                return

    async def _run(self) -> None:
        while True:
            try:
                async with asyncio.timeout(self._interval):  # not wait_for: see UnitAgent._wait
                    await self._wake.wait()
            except TimeoutError:
                pass
            self._wake.clear()
            await self.flush()
            if len(self._buf) > 50_000:  # controller unreachable for long: drop the oldest
                del self._buf[: len(self._buf) - 50_000]
