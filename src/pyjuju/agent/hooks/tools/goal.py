"""``goal-state``: the units and relations this application is heading for.

ops counts the non-``dying`` units for ``planned_units()``.
"""

from __future__ import annotations

from typing import Any

from .base import OutputCommand
from .formats import Struct


def _entries(units: Any) -> dict[str, Struct]:
    result: dict[str, Struct] = {}
    for name, entry in (units or {}).items():
        item = Struct(status=str(entry.get("status", "")))
        if entry.get("since"):  # already ``YYYY-MM-DD HH:MM:SSZ`` (the controller formats it)
            item["since"] = str(entry["since"])
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
