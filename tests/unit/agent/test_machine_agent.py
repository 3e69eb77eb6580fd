"""The machine agent: watch messages start and stop unit agents; machine tasks run on the machine."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest
from agent_fakes import FakeAgentClient, unit_view
from uniter_host import FakeHost, until

from pyjuju.agent.hooks.env import SYSTEM_PATH
from pyjuju.agent.machine.agent import AgentConfig, MachineAgent
from pyjuju.agent.toolclient import install_tools
from pyjuju.wire import MachineView, ModelView, TaskView, WatchMessage


@pytest.fixture(autouse=True)
def _socket_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYJUJU_SOCKET_DIR", str(tmp_path / "sockets"))


def make_agent(tmp_path: Path) -> tuple[MachineAgent, FakeAgentClient, FakeHost]:
    config = tmp_path / "agent.json"
    config.write_text(json.dumps({"api": ["http://127.0.0.1:1"], "token": "t", "model_uuid": "m-uuid",
                                  "model_name": "default", "machine_id": "0",
                                  "machine_dir": str(tmp_path / "machine")}))
    client = FakeAgentClient()
    agent = MachineAgent(AgentConfig.load(config), client=client)  # type: ignore[arg-type]
    install_tools(agent.tools_dir, sys.executable)
    charms = FakeHost(tmp_path / "charms", client)  # only to build charm archives
    return agent, client, charms


def snapshot(*views, machine: MachineView | None = None, model: ModelView | None = None) -> WatchMessage:
    return WatchMessage(type="snapshot", revision=1, model=model or ModelView(uuid="m-uuid", name="default"),
                        machine=machine or MachineView(id="0"), units={v.name: v for v in views})


def test_views_start_and_stop_unit_agents(tmp_path: Path) -> None:
    agent, client, charms = make_agent(tmp_path)
    charm = charms.charm()
    client.charms = charms.archives
    stale = agent.agents_dir / "unit-old-3"
    stale.mkdir(parents=True)

    async def go() -> None:
        agent.apply(snapshot(unit_view(name="app/0", charm=charm), unit_view(name="app/1", charm=charm)))
        assert set(agent.units) == {"app/0", "app/1"}
        assert not stale.exists()  # a unit removed while the agent was down leaves no files
        await until(lambda: all(ua.state.started for ua in agent.units.values()))
        # both units share one download of the charm
        assert [sha for sha, _ in client.downloads] == [charm.sha256]
        gone = agent.units["app/1"]
        agent.apply(WatchMessage(type="update", revision=2, units={"app/1": None}))
        assert set(agent.units) == {"app/0"}
        await until(lambda: not gone.base.exists())
        # a later snapshot that no longer lists a unit removes it as well
        agent.apply(snapshot())
        assert agent.units == {}
        await agent.stop_units()
        assert not (agent.agents_dir / "unit-app-0").exists()

    asyncio.run(go())


def test_model_updates_reach_units_and_log_levels(tmp_path: Path) -> None:
    agent, _, _ = make_agent(tmp_path)
    agent.apply(WatchMessage(type="update", revision=3,
                             model=ModelView(uuid="m-uuid", name="default", logging_config="<root>=ERROR",
                                             update_status_interval=10)))
    assert agent.model().update_status_interval == 10
    assert not agent.logs.enabled("unit.app/0.install", "INFO")


def test_machine_exec_runs_on_the_machine_and_reports(tmp_path: Path) -> None:
    agent, client, _ = make_agent(tmp_path)
    tasks = (TaskView(id="5", name="juju-exec", params={"command": "echo $JUJU_MACHINE_ID $PATH; exit 2"}),
             TaskView(id="6", name="juju-exec", params={"command": "true"}, status="running"))

    async def go() -> None:
        agent.apply(snapshot(machine=MachineView(id="0", tasks=tasks)))
        agent.apply(snapshot(machine=MachineView(id="0", tasks=tasks)))  # seen twice: run once
        await until(lambda: len(client.requests("task-finish")) == 2)

    asyncio.run(go())
    done = {r.task_id: r for r in client.requests("task-finish")}
    # the machine's own environment, not the agent's (whoever started the controller)
    assert done["5"].status == "completed"
    assert done["5"].results == {"return-code": 2, "stdout": f"0 {SYSTEM_PATH}\n"}
    # begun by an agent that died: failed, not run again
    assert done["6"].status == "failed" and "restarted" in done["6"].message
    assert [r.task_id for r in client.requests("task-begin")] == ["5"]


def test_a_dead_machine_with_no_units_stops_the_agent(tmp_path: Path) -> None:
    agent, _, _ = make_agent(tmp_path)

    async def go() -> bool:
        agent.apply(WatchMessage(type="update", revision=9, machine=MachineView(id="0", life="dead")))
        return agent.stopping

    assert asyncio.run(go())
