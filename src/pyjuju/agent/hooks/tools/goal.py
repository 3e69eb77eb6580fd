"""``goal-state``: the units and relations this application is heading for.

ops counts the non-``dying`` units for ``planned_units()``.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from ....core.timefmt import goal_state_since
from .base import OutputCommand
from .formats import Struct


def _since(value: Any) -> str:
    """``YYYY-MM-DD HH:MM:SSZ`` whatever the context hands us (datetime, ISO text, or done)."""
    if not value:
        return ""
    if isinstance(value, _dt.datetime):
        d = value if value.tzinfo else value.replace(tzinfo=_dt.UTC)
        return d.astimezone(_dt.UTC).strftime("%Y-%m-%d %H:%M:%SZ")
    text = str(value)
    if "T" in text:
        try:
            return goal_state_since(text)
        except ValueError:
            pass
    return text


def _entries(units: Any) -> dict[str, Struct]:
    result: dict[str, Struct] = {}
    for name, entry in (units or {}).items():
        item = Struct(status=str(entry.get("status", "")))
        since = _since(entry.get("since"))
        if since:
            item["since"] = since
        result[str(name)] = item
    return result


class GoalState(OutputCommand):
    name = "goal-state"
    purpose = "Print the status of the charm's peers and related units."
    doc = """
'goal-state' command will list the charm units and relations, specifying their
status and their relations to other units in different charms.
"""
    formats = ("json", "yaml")
    default_format = "yaml"

    async def run(self) -> None:
        goal = await self.ctx.goal_state()
        relations = {str(k): _entries(v) for k, v in (goal.get("relations") or {}).items()}
        self.write(Struct(units=_entries(goal.get("units")), relations=relations))


COMMANDS = (GoalState,)
