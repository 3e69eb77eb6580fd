"""debug-log: the stored log lines of a model, filtered as Juju's debug-log filters them.

Agents ship their lines in batches (:func:`.agents.add_logs`); users read them
back here, either all at once (``--no-tail``) or as a stream that asks for the
lines after the last one it saw.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from ...store import LogRow
from .base import Services
from .lookup import resolve_model

LEVELS = ("TRACE", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


@dataclasses.dataclass(frozen=True, slots=True)
class LogFilter:
    """Entity includes/excludes and a minimum level; a line passes if it is wanted by all three."""

    include: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()
    min_level: int = 0

    @classmethod
    def of(cls, include: list[str], exclude: list[str], level: str | None) -> LogFilter:
        """From the command line's ``--include``, ``--exclude`` and ``--level`` (unknown: all)."""
        lvl = (level or "").upper()
        if lvl == "WARN":
            lvl = "WARNING"
        return cls(include=tuple(entity_pattern(x) for x in include),
                   exclude=tuple(entity_pattern(x) for x in exclude),
                   min_level=LEVELS.index(lvl) if lvl in LEVELS else 0)

    def __call__(self, row: LogRow) -> bool:
        if self.include and not any(p.match(row.entity) for p in self.include):
            return False
        if self.exclude and any(p.match(row.entity) for p in self.exclude):
            return False
        return LEVELS.index(row.level) >= self.min_level if row.level in LEVELS else True


def entity_pattern(spec: str) -> re.Pattern[str]:
    """``unit-app-0``, ``app/0``, ``machine-1``, ``1`` or ``app`` (all its units)."""
    s = spec.strip()
    if "/" in s:
        return re.compile(re.escape("unit-" + s.replace("/", "-")) + "$")
    if s.isdigit():
        return re.compile(re.escape(f"machine-{s}") + "$")
    if s.startswith(("unit-", "machine-", "application-")):
        return re.compile(re.escape(s) + "$")
    return re.compile(re.escape(f"unit-{s}-") + r"\d+$")


def log_doc(r: LogRow) -> dict[str, Any]:
    return {
        "id": r.id,
        "time": r.time,
        "entity": r.entity,
        "level": r.level,
        "module": r.module,
        "location": r.location,
        "message": r.message,
    }


def query(svc: Services, model_ref: str, flt: LogFilter, *, after: int = 0,
          lines: int | None = None) -> list[dict[str, Any]]:
    """The lines after id ``after`` that pass ``flt``; only the last ``lines`` if given."""
    with svc.store.read() as tx:
        m = resolve_model(tx, model_ref)
        rows = [r for r in tx.logs(m.uuid, after_id=after) if flt(r)]
    if lines is not None and lines >= 0:
        rows = rows[-lines:] if lines else []
    return [log_doc(r) for r in rows]


def stream_model(svc: Services, model_ref: str) -> str:
    """The uuid of the model whose lines a stream follows (raises if there is none)."""
    with svc.store.read() as tx:
        return resolve_model(tx, model_ref).uuid


def lines_after(svc: Services, model_uuid: str, after: int, flt: LogFilter) -> tuple[int, list[dict[str, Any]]]:
    """For a stream: the id of the newest stored line (``after`` if none is newer) and the
    newer lines that pass ``flt``."""
    with svc.store.read() as tx:
        rows = tx.logs(model_uuid, after_id=after)
    if not rows:
        return after, []
    return rows[-1].id, [log_doc(r) for r in rows if flt(r)]
