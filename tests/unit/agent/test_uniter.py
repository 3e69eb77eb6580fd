"""The unit agent end to end, against a fake machine agent and controller.

Real hook processes, real hook tools over the unit's socket, the real state
journal: only the controller's answers are scripted (see ``uniter_host.py``).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from agent_fakes import FakeAgentClient
from uniter_host import FakeHost, Running, until, view

from pyjuju.agent.unit.state import (
    Effects,
    HookError,
    HookInFlight,
    HookInfo,
    LocalState,
    StateFile,
)
from pyjuju.agent.unit.uniter import UnitAgent
from pyjuju.core.errors import ConflictError, ForbiddenError
from pyjuju.wire import (
    AgentStatusParams,
    Empty,
    HookCommitParams,
    RelationView,
    TaskView,
    UnitState,
    decode_content,
)


@pytest.fixture(autouse=True)
def _socket_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYJUJU_SOCKET_DIR", str(tmp_path / "sockets"))


@pytest.fixture
def host(tmp_path: Path) -> FakeHost:
    return FakeHost(tmp_path / "machine")


def statuses(client: FakeAgentClient) -> list[str]:
    """Agent and workload statuses sent, in order, as ``agent:executing`` / ``workload:unknown``."""
    out = []
    for req in client.requests("set-status"):
        assert isinstance(req, AgentStatusParams)
        if req.agent is not None:
            out.append(f"agent:{req.agent.status}")
        if req.workload is not None:
            out.append(f"workload:{req.workload.status}")
    return out


def test_first_deploy_runs_the_hooks_in_order_and_saves_state(host: FakeHost) -> None:
    charm = host.charm()

    async def go() -> UnitAgent:
        ua = UnitAgent(host, "app/0")
        async with Running(ua):
            ua.update(view(charm, leader=True))
            await until(lambda: ua.state.started)
            ua.update(view(charm, leader=True, config_version=2))
            await until(lambda: ua.state.config_version == 2)
            await ua.flush_status()
        return ua

    ua = asyncio.run(go())
    assert host.hooks() == ["install", "leader-elected", "config-changed", "start", "config-changed"]
    assert (ua.charm_dir / "dispatch").exists() and (ua.charm_dir / ".juju-charm").read_text() == charm.url
    saved = StateFile(ua.base / "state.json").load()  # what a restarted agent would find
    assert saved == ua.state and saved.charm_sha == charm.sha256 and saved.leader
    assert statuses(host.client)[:2] == ["agent:executing", "workload:maintenance"]
    assert statuses(host.client)[-1] == "agent:idle"
    assert "workload:unknown" in statuses(host.client)  # after start, when the charm set none
    assert host.client.names("commit") == []  # the hooks wrote nothing


def test_tool_writes_are_committed_once_the_hook_succeeds(host: FakeHost) -> None:
    charm = host.charm()
    host.on("config-changed", 'state-set seen="$(state-get --format=json)"\nopen-port 8080\n')
    host.client.handlers["state"] = lambda req, unit: UnitState(state={"old": "1"})

    async def go() -> None:
        ua = UnitAgent(host, "app/0")
        async with Running(ua):
            ua.update(view(charm))
            await until(lambda: ua.state.started)

    asyncio.run(go())
    [commit] = host.client.requests("commit")
    assert isinstance(commit, HookCommitParams)
    assert commit.state_set == {"seen": '{"old":"1"}'}
    assert [(p.action, p.from_port) for p in commit.ports] == [("open", 8080)]
    assert commit.commit_id.startswith("app/0-config-changed-")


def test_a_failed_hook_waits_for_resolved_then_runs_again(host: FakeHost) -> None:
    charm = host.charm()
    host.fail("install")

    async def go() -> UnitAgent:
        ua = UnitAgent(host, "app/0")
        async with Running(ua):
            ua.update(view(charm))
            await until(lambda: ua.state.error is not None)
            await ua.flush_status()
            assert "agent:error" in statuses(host.client)
            assert ua.timers.retry_at is not None  # an automatic retry is scheduled
            host.fail("install", False)
            ua.update(view(charm, resolved="retry", resolved_seq=1))
            await until(lambda: ua.state.started)
        return ua

    ua = asyncio.run(go())
    assert host.hooks()[:2] == ["install", "install"]
    assert ua.state.resolved_seq == 1 and ua.state.error is None


def test_a_commit_the_controller_refuses_fails_the_hook(host: FakeHost) -> None:
    """Changes only the controller can check (a secret the unit does not own, a relation
    that has gone) fail the hook instead of crashing the agent in a loop."""
    charm = host.charm()
    host.on("install", "state-set k=v\n")

    def refuse(req: HookCommitParams, unit: str) -> None:
        raise ForbiddenError('permission denied: unit "app/0" does not own secret "x"')

    host.client.handlers["commit"] = refuse

    async def go() -> UnitAgent:
        ua = UnitAgent(host, "app/0")
        async with Running(ua):
            ua.update(view(charm))
            await until(lambda: ua.state.error is not None)
            await ua.flush_status()
        return ua

    ua = asyncio.run(go())
    assert ua.state.error == HookError(hook=HookInfo(kind="install"), effects=ua.state.error.effects)
    assert ua.state.op is None and not ua.state.installed
    assert any("committing requested changes failed: permission denied" in line[3] for line in host.logs)
    assert "agent:error" in statuses(host.client)


def test_a_restarted_agent_resends_an_unconfirmed_commit_without_rerunning_the_hook(host: FakeHost) -> None:
    charm = host.charm()
    params = HookCommitParams(commit_id="app/0-install-1", state_set={"k": "v"})
    base = host.agents_dir / "unit-app-0"
    base.mkdir(parents=True)
    hook = HookInfo(kind="install")
    crashed = LocalState(op=HookInFlight(hook=hook, step="committing", commit=params,
                                         effects=Effects(installed=True, charm_version=0)))
    f = StateFile(base / "state.json")
    f.save(crashed.model_copy(update={"charm_sha": charm.sha256}))
    f.close()

    async def go() -> UnitAgent:
        ua = UnitAgent(host, "app/0")
        async with Running(ua):
            ua.update(view(charm))
            await until(lambda: ua.state.started)
        return ua

    ua = asyncio.run(go())
    assert host.client.requests("commit")[0] == params  # the same commit id, sent again
    assert "install" not in host.hooks()  # the hook itself did not run again
    assert host.hooks()[-1] == "start"
    assert ua.state.installed


def test_a_restarted_agent_in_error_schedules_a_retry(host: FakeHost) -> None:
    base = host.agents_dir / "unit-app-0"
    base.mkdir(parents=True)
    f = StateFile(base / "state.json")
    f.save(LocalState(installed=True, error=HookError(hook=HookInfo(kind="config-changed"))))
    f.close()

    async def go() -> UnitAgent:
        ua = UnitAgent(host, "app/0")
        async with Running(ua):
            await until(lambda: ua.timers.retry_at is not None)
        return ua

    asyncio.run(go())


def test_actions_and_exec_run_and_report(host: FakeHost) -> None:
    charm = host.charm(actions="backup:\n  description: d\n")
    host.on("backup", 'action-set path=/srv/b.tgz\necho "backing up"\n')
    tasks = (TaskView(id="1", name="backup", params={"x": 1}),
             TaskView(id="2", name="juju-exec", params={"command": "echo hi; echo err >&2; exit 4"}))

    async def go() -> UnitAgent:
        ua = UnitAgent(host, "app/0")
        async with Running(ua):
            ua.update(view(charm))
            await until(lambda: ua.state.started)
            ua.update(view(charm, actions=tasks))
            await until(lambda: ua.state.tasks_done == ("1", "2"))
        return ua

    asyncio.run(go())
    assert [r.task_id for r in host.client.requests("task-begin")] == ["1", "2"]
    done = {r.task_id: r for r in host.client.requests("task-finish")}
    assert done["1"].status == "completed"
    assert done["1"].results == {"path": "/srv/b.tgz", "return-code": 0, "stdout": "backing up\n"}
    assert done["2"].status == "completed"  # exec reports the code, it does not fail
    assert done["2"].results == {"return-code": 4, "stdout": "hi\n", "stderr": "err\n"}


def test_relation_hooks_see_the_joining_unit_and_the_relation(host: FakeHost, tmp_path: Path) -> None:
    charm = host.charm()
    seen = tmp_path / "seen"
    host.on("db-relation-joined", f'echo "$JUJU_REMOTE_UNIT $(relation-list)" >> {seen}\n')
    host.on("db-relation-departed", f'echo "gone $JUJU_DEPARTING_UNIT [$(relation-list)]" >> {seen}\n')
    rel = RelationView(endpoint="db", interface="mysql", role="requirer", remote_app="mysql",
                       members={"mysql/0": 1})

    async def go() -> UnitAgent:
        ua = UnitAgent(host, "app/0")
        async with Running(ua):
            ua.update(view(charm, relations={4: rel}))
            await until(lambda: 4 in ua.state.relations and ua.state.relations[4].members == {"mysql/0": 1}
                        and not ua.state.relations[4].changed_pending)
            ua.update(view(charm, relations={4: rel.model_copy(update={"members": {}})}))
            await until(lambda: ua.state.relations[4].members == {})
        return ua

    asyncio.run(go())
    assert host.client.names("enter-scope") == ["enter-scope"]
    assert "db-relation-created" in host.hooks()
    assert seen.read_text().splitlines() == ["mysql/0 mysql/0", "gone mysql/0 []"]


def test_a_dying_unit_stops_removes_and_reports_dead_once_its_subordinates_are_gone(host: FakeHost) -> None:
    charm = host.charm()
    refusals = [ConflictError('unit "app/0" still has subordinates: sub/0')]

    def dead(req: Empty, unit: str) -> Empty:
        if refusals:
            raise refusals.pop()
        return Empty()

    host.client.handlers["dead"] = dead

    async def go() -> UnitAgent:
        ua = UnitAgent(host, "app/0")
        async with Running(ua) as agent:
            agent.update(view(charm))
            await until(lambda: agent.state.started)
            agent.update(view(charm, life="dying"))
            await until(lambda: agent.done)
        return ua

    ua = asyncio.run(go())
    assert host.hooks()[-2:] == ["stop", "remove"]
    assert host.client.names("dead") == ["dead", "dead"]  # asked again, no crash in between
    assert ua.state.removed


def test_binary_secret_content_travels_and_is_journalled(host: FakeHost) -> None:
    """``key#base64=`` values need not be UTF-8: they reach the controller as base64 and
    the unit's state journal (which holds the commit until it is confirmed) saves them."""
    charm = host.charm()
    host.on("install", "secret-add --owner unit --label bin data#base64=/w4A\n")

    async def go() -> UnitAgent:
        ua = UnitAgent(host, "app/0")
        async with Running(ua):
            ua.update(view(charm))
            await until(lambda: ua.state.installed)
        return ua

    ua = asyncio.run(go())
    [commit] = host.client.requests("commit")
    [added] = commit.secrets
    assert decode_content(added.content) == {"data": b"\xff\x0e\x00"} and added.label == "bin"
    assert StateFile(ua.base / "state.json").load() == ua.state
