"""Local state of a unit: JSON round trip, the append-only journal and its compaction."""

from __future__ import annotations

import json
import os

import pytest
from agent_fakes import b64text

from pyjuju.agent.unit.state import (
    AppBagSeen,
    Effects,
    HookError,
    HookInFlight,
    HookInfo,
    LocalRelation,
    LocalState,
    MemberDeparted,
    StateFile,
    TaskInFlight,
)
from pyjuju.wire import HookCommitParams, PortChange, SecretAdd, SecretRemove


def test_missing_file_loads_fresh_state(tmp_path) -> None:
    st = StateFile(tmp_path / "state.json").load()
    assert st == LocalState()
    assert st.leader_settings_version == -1 and not st.installed and st.op is None


def test_round_trip_every_field(tmp_path) -> None:
    hook = HookInfo(kind="relation-departed", relation_id=4, endpoint="db", remote_unit="pg/1",
                    remote_app="pg", departing_unit="pg/1")
    commit = HookCommitParams(commit_id="x", ports=[PortChange(action="open", protocol="tcp", from_port=80,
                                                               to_port=80)],
                              secrets=[SecretAdd(id="s1", content=b64text({"a": "b"})), SecretRemove(id="s2", revision=3)])
    st = LocalState(
        charm_sha="ab" * 32, charm_version=3, charm_members=("a", "b/c"), installed=True,
        started=True, stopped=False, removed=False, leader=True, leader_settings_version=7,
        config_version=5, status_ever_set=True, resolved_seq=2,
        op=HookInFlight(hook=hook, step="committing", effects=Effects(
            started=True, relation=MemberDeparted(id=4, unit="pg/1")), pid=12, pid_start="99", commit=commit),
        error=HookError(hook=HookInfo(kind="install"), effects=Effects(installed=True)),
        relations={4: LocalRelation(endpoint="db", remote_app="pg", members={"pg/1": 2}, app_version=1,
                                    changed_pending="pg/1")},
        tasks_done=("1", "2"), secret_hooks={"changed:s": 2}, storage=("data/0",),
    )
    f = StateFile(tmp_path / "state.json")
    f.save(st)
    loaded = StateFile(tmp_path / "state.json").load()  # as a restarted agent would
    assert loaded == st
    assert isinstance(loaded.op, HookInFlight) and loaded.op.hook == hook
    f.compact(st)
    assert json.loads((tmp_path / "state.json").read_text())["config_version"] == 5
    assert (tmp_path / "state.journal").read_bytes() == b""
    assert StateFile(tmp_path / "state.json").load() == st
    task = st.model_copy(update={"op": TaskInFlight(id="9", name="backup", pid=5, pid_start="1")})
    assert LocalState.from_json(task.to_json()) == task


def test_unknown_fields_are_ignored_and_missing_ones_default() -> None:
    st = LocalState.from_json(json.dumps({"version": 1, "installed": True, "future_field": 1}))
    assert st.installed is True and st.leader_settings_version == -1


def test_a_state_saved_by_an_older_agent_is_read(tmp_path) -> None:
    """Agents before version 1 saved dicts and an ``extra`` bag: an upgraded agent must not
    forget what its unit has handled (and so re-run install)."""
    old = {
        "charm_sha": "ab", "installed": True, "started": True, "config_version": 4, "leader_settings_version": 0,
        "op": {"hook": {"kind": "relation-changed", "relation_id": 3, "endpoint": "db", "remote_app": "pg"},
               "step": "committing", "effects": {"relation": {"id": "3", "action": "app-changed", "app": "pg",
                                                              "version": 2}},
               "pid": 1, "pid_start": "5", "commit": {"commit_id": "c", "state_set": {"k": "v"}}},
        "error": None,
        "relations": {"3": {"endpoint": "db", "remote_app": "pg", "peer": False, "implicit": False,
                            "members": {"pg/0": 2}, "app_members": {"pg": 1}, "changed_pending": "",
                            "broken": False}},
        "extra": {"tasks_done": ["7"], "secret_hooks": {"rotate:s": 1},
                  "storage": {"data/0": {"location": "/x"}}},
    }
    (tmp_path / "state.json").write_text(json.dumps(old))
    st = StateFile(tmp_path / "state.json").load()
    assert st.installed and st.started and st.config_version == 4 and st.charm_sha == "ab"
    assert st.relations == {3: LocalRelation(endpoint="db", remote_app="pg", members={"pg/0": 2}, app_version=1)}
    assert isinstance(st.op, HookInFlight) and st.op.step == "committing"
    assert st.op.effects.relation == AppBagSeen(id=3, version=2)
    assert st.op.commit is not None and st.op.commit.state_set == {"k": "v"}
    assert st.tasks_done == ("7",) and st.secret_hooks == {"rotate:s": 1} and st.storage == ("data/0",)
    action = dict(old, op={"action": {"id": "8", "name": "backup"}, "step": "running", "pid": 3})
    (tmp_path / "state.json").write_text(json.dumps(action))
    assert StateFile(tmp_path / "state.json").load().op == TaskInFlight(id="8", name="backup", pid=3)


def test_saves_append_and_the_last_whole_line_wins(tmp_path) -> None:
    path = tmp_path / "state.json"
    f = StateFile(path)
    f.save(LocalState(installed=True))
    f.save(LocalState(installed=True, started=True))
    assert not path.exists()  # no rename per save
    assert len((tmp_path / "state.journal").read_bytes().splitlines()) == 2
    assert StateFile(path).load() == LocalState(installed=True, started=True)
    # A torn last line (power loss mid-write) falls back to the line before it.
    with open(tmp_path / "state.journal", "ab") as j:
        j.write(b'{"installed": true, "started": tr')
    assert StateFile(path).load() == LocalState(installed=True, started=True)


def test_compaction_every_n_saves_and_crash_safety(tmp_path, monkeypatch) -> None:
    path = tmp_path / "state.json"
    f = StateFile(path)
    monkeypatch.setattr(StateFile, "COMPACT_EVERY", 3)
    for i in range(3):
        f.save(LocalState(config_version=i))
    assert json.loads(path.read_text())["config_version"] == 2
    assert (tmp_path / "state.journal").read_bytes() == b""
    f.save(LocalState(config_version=3))
    assert StateFile(path).load().config_version == 3

    # A crash during compaction (before the rename) loses nothing: the journal still holds it.
    def boom(src, dst):
        raise OSError("simulated crash before rename")

    f.save(LocalState(config_version=4))
    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        f.save(LocalState(config_version=5))
    monkeypatch.undo()
    assert StateFile(path).load().config_version == 5


@pytest.mark.parametrize(
    "hook, name",
    [
        (HookInfo(kind="install"), "install"),
        (HookInfo(kind="relation-joined", endpoint="db", relation_id=1), "db-relation-joined"),
        (HookInfo(kind="relation-broken"), "relation-broken"),
        (HookInfo(kind="leader-elected", endpoint="x"), "leader-elected"),
    ],
)
def test_hook_names(hook, name) -> None:
    assert hook.name == name
    assert HookInfo.model_validate_json(hook.model_dump_json()) == hook
