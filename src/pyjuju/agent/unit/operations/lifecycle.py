"""Operations that only change what the unit has handled, or end its life."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import ClassVar

from ....core.errors import ConflictError
from ....wire import agent as ops
from ..effects import apply_effects
from ..runtime import UnitRuntime
from ..state import Effects
from .base import Operation, StepResult, Stop


@dataclasses.dataclass(frozen=True, slots=True)
class AcceptDeposed(Operation):
    """Another unit leads now. Losing leadership runs no hook, so it is accepted even in error."""

    kind: ClassVar[str] = "accept-deposed"
    effects: Effects = dataclasses.field(default_factory=lambda: Effects(leader=False))

    async def commit(self, rt: UnitRuntime) -> StepResult:
        return apply_effects(rt.state, self.effects)


@dataclasses.dataclass(frozen=True, slots=True)
class ReportDead(Operation):
    """The unit's remove hook ran (or it never installed): tell the controller, and stop."""

    kind: ClassVar[str] = "report-dead"

    async def execute(self, rt: UnitRuntime) -> StepResult:
        await rt.flush_status()
        try:
            await rt.client.call(ops.DEAD, ops.Empty(), rt.name)
        except ConflictError as e:
            # A principal waits for its subordinates to go first: ask again shortly.
            rt.log("DEBUG", "juju.worker.uniter", f"not dead yet: {e}")
            await asyncio.sleep(1)
            return Stop()
        rt.finished()
        return rt.state
