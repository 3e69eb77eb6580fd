"""A machine agent stand-in for driving a real UnitAgent in unit tests.

The unit agent runs for real: its resolver, operations, state journal, tool
server and real hook processes (a bash ``dispatch`` that records each hook).
Only the controller is fake (:class:`agent_fakes.FakeAgentClient`) and the
charm archive is built locally.
"""

from __future__ import annotations

import asyncio
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agent_fakes import FakeAgentClient, unit_view

from pyjuju.agent.hooks.context import MachineNetwork
from pyjuju.agent.toolclient import install_tools
from pyjuju.agent.unit.uniter import UnitAgent
from pyjuju.charm import build_archive
from pyjuju.wire import CharmRef, ModelView, UnitView

DISPATCH = """\
#!/bin/bash
# Record the hook (or action), then do what the test asked of it.
name="${JUJU_HOOK_NAME:-${JUJU_ACTION_NAME:-?}}"
echo "$name" >> %(log)s
if [ -e %(control)s/fail-$name ]; then exit 3; fi
if [ -e %(control)s/run-$name ]; then . %(control)s/run-$name; fi
exit 0
"""


class FakeHost:
    def __init__(self, root: Path, client: FakeAgentClient | None = None) -> None:
        self.root = root
        self.client = client or FakeAgentClient()
        self.hook_lock = asyncio.Lock()
        self.tools_dir = root / "tools"
        self.agents_dir = root / "agents"
        self.machine_id = "0"
        self.network = MachineNetwork(address="10.9.0.2", cidr="10.9.0.0/16", mac_address="aa:bb",
                                      interface="eth0")
        self.api_addresses = ["http://127.0.0.1:1"]
        self.model_view = ModelView(uuid="model-uuid", name="default", update_status_interval=3600)
        self.logs: list[tuple[str, str, str, str]] = []
        self.control = root / "control"
        self.control.mkdir(parents=True)
        self.hook_log = root / "hooks.log"
        self.archives: dict[str, Path] = {}
        install_tools(self.tools_dir, sys.executable)

    # -- UnitHost -------------------------------------------------------------------------
    def model(self) -> ModelView:
        return self.model_view

    async def charm_archive(self, sha256: str) -> Path:
        return self.archives[sha256]

    def emit_log(self, entity: str, level: str, module: str, message: str) -> None:
        self.logs.append((entity, level, module, message))

    # -- test helpers -------------------------------------------------------------------
    def charm(self, name: str = "app", revision: int = 0, actions: str = "") -> CharmRef:
        """Build a charm whose dispatch records every hook in ``hooks.log``."""
        src = self.root / f"charm-src-{name}-{revision}"
        src.mkdir()
        (src / "metadata.yaml").write_text(textwrap.dedent(f"""\
            name: {name}
            summary: s
            description: d
            requires:
              db: {{interface: mysql}}
            peers:
              cluster: {{interface: app-peers}}
            """))
        (src / "config.yaml").write_text("options: {}\n")
        if actions:
            (src / "actions.yaml").write_text(actions)
        dispatch = src / "dispatch"
        dispatch.write_text(DISPATCH % {"log": self.hook_log, "control": self.control})
        dispatch.chmod(0o755)
        (src / "revision").write_text(str(revision))
        archive = build_archive(src, self.root / f"{name}-{revision}.charm")
        import hashlib

        sha = hashlib.sha256(archive.read_bytes()).hexdigest()
        self.archives[sha] = archive
        return CharmRef(url=f"local:{name}-{revision}", sha256=sha, version=revision)

    def hooks(self) -> list[str]:
        return self.hook_log.read_text().split() if self.hook_log.exists() else []

    def on(self, hook: str, script: str) -> None:
        """Make ``hook`` run ``script`` (bash, with the hook tools on PATH)."""
        (self.control / f"run-{hook}").write_text(script)

    def fail(self, hook: str, failing: bool = True) -> None:
        path = self.control / f"fail-{hook}"
        if failing:
            path.touch()
        else:
            path.unlink(missing_ok=True)


def view(charm: CharmRef, **over: Any) -> UnitView:
    return unit_view(**{"charm": charm, "config_version": 1, **over})


async def until(cond: Callable[[], Any], timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = cond()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


class Running:
    """``async with Running(agent):`` runs the agent's loop for the block."""

    def __init__(self, agent: UnitAgent) -> None:
        self.agent = agent
        self.task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> UnitAgent:
        self.task = asyncio.create_task(self.agent.run())
        return self.agent

    async def __aexit__(self, *exc: object) -> None:
        assert self.task is not None
        if not self.task.done():
            await self.agent.shutdown()
            self.task.cancel()
        try:
            await self.task
        except asyncio.CancelledError:
            pass
