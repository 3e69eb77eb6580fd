"""Deploying charm files: before install, and before upgrade-charm after a refresh."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import ClassVar

from .... import charm as charmlib
from ....wire import CharmRef
from ..runtime import UnitRuntime
from .base import Operation, StepResult


@dataclasses.dataclass(frozen=True, slots=True)
class DeployCharm(Operation):
    """Unpack ``charm`` into the unit's charm directory (the hook that needs it comes next)."""

    kind: ClassVar[str] = "deploy-charm"
    charm: CharmRef

    async def execute(self, rt: UnitRuntime) -> StepResult:
        await deploy_charm(rt, self.charm)
        return rt.state


async def deploy_charm(rt: UnitRuntime, charm: CharmRef) -> None:
    """Download (once per machine) and unpack ``charm``, removing files the previous
    revision had that this one does not; records what was deployed."""
    archive = await rt.charm_archive(charm.sha256)
    rt.charm_dir.mkdir(parents=True, exist_ok=True)
    members = await asyncio.to_thread(charmlib.extract_archive, archive, rt.charm_dir, list(rt.state.charm_members))
    (rt.charm_dir / ".juju-charm").write_text(charm.url)
    rt.save(rt.state.model_copy(update={"charm_sha": charm.sha256, "charm_members": tuple(members)}))
    rt.log("INFO", "juju.worker.uniter.charm", f"deployed charm {charm.url or charm.sha256}")
