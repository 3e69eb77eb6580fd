"""Entering and leaving a relation's scope where no hook runs (implicit relations, peers, after broken)."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import ClassVar

from ....core.errors import ConnectionFailedError, PyjujuError
from ....wire import agent as ops
from ..effects import apply_effects, leave_relation
from ..runtime import UnitRuntime
from ..state import Effects
from .base import Operation, StepResult, Stop


@dataclasses.dataclass(frozen=True, slots=True)
class EnterScope(Operation):
    """Join a relation that runs no hooks on this side (the implicit ``juju-info``)."""

    kind: ClassVar[str] = "enter-scope"
    relation_id: int
    effects: Effects = dataclasses.field(default_factory=Effects)

    async def execute(self, rt: UnitRuntime) -> StepResult:
        return rt.state if await enter_scope(rt, self.relation_id) else Stop()

    async def commit(self, rt: UnitRuntime) -> StepResult:
        return apply_effects(rt.state, self.effects)


@dataclasses.dataclass(frozen=True, slots=True)
class LeaveScope(Operation):
    """Leave a relation after its last hook (or at once, for relations that run none)."""

    kind: ClassVar[str] = "leave-scope"
    relation_id: int

    async def execute(self, rt: UnitRuntime) -> StepResult:
        await rt.client.call(ops.LEAVE_SCOPE, ops.RelationRef(relation_id=self.relation_id), rt.name)
        return rt.state

    async def commit(self, rt: UnitRuntime) -> StepResult:
        return leave_relation(rt.state, self.relation_id)


async def enter_scope(rt: UnitRuntime, relation_id: int) -> bool:
    """Join the relation on the controller; False (after a pause) if it is no longer joinable."""
    try:
        await rt.client.call(ops.ENTER_SCOPE, ops.RelationRef(relation_id=relation_id), rt.name)
    except ConnectionFailedError:
        raise
    except PyjujuError as e:
        rt.log("WARNING", "juju.worker.uniter.relation", f"cannot enter scope of relation {relation_id}: {e}")
        await asyncio.sleep(0.5)
        return False
    return True
