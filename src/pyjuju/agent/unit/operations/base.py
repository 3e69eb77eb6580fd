"""Operations and the one executor that runs them.

As in Juju's uniter, everything a unit agent does (run a hook, run an action,
deploy charm files, enter a relation's scope, report the unit dead) is an
operation with three steps. The resolver only *chooses* operations (it is
pure); this executor runs the steps in order and persists local state after
each one that changed it, so a crash between steps resumes from the last
saved state:

- ``prepare``: decide whether there is still something to do and record the
  intent (a hook becomes ``queued``);
- ``execute``: the side effect (a process, a download, a controller call);
- ``commit``: make it count (send a hook's buffered writes, apply its effects).

A step returns the unit's new :class:`~..state.LocalState` (the same object
when nothing changed) or :class:`Stop` to end the operation there.
"""

from __future__ import annotations

import abc
import dataclasses
from typing import ClassVar

from ..runtime import UnitRuntime
from ..state import LocalState


@dataclasses.dataclass(frozen=True, slots=True)
class Stop:
    """End the operation after this step, saving ``state`` first when given."""

    state: LocalState | None = None


StepResult = LocalState | Stop


class Operation(abc.ABC):
    """One thing the unit agent does. Subclasses are frozen dataclasses: values the
    resolver can build and tests can compare."""

    kind: ClassVar[str]
    """A short name for logs and tests (``run-hook``, ``run-action``, ...)."""

    async def prepare(self, rt: UnitRuntime) -> StepResult:
        return rt.state

    async def execute(self, rt: UnitRuntime) -> StepResult:
        return rt.state

    async def commit(self, rt: UnitRuntime) -> StepResult:
        return rt.state


async def execute_operation(op: Operation, rt: UnitRuntime) -> None:
    """Run ``op``'s steps in order, persisting each new state."""
    for step in (op.prepare, op.execute, op.commit):
        result = await step(rt)
        if isinstance(result, Stop):
            if result.state is not None and result.state is not rt.state:
                rt.save(result.state)
            return
        if result is not rt.state:
            rt.save(result)
