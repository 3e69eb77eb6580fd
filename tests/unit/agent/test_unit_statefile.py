"""Local state of a unit: JSON round trip, the append-only journal and its compaction."""

from __future__ import annotations

import json
import os

import pytest

from pyjuju.agent.unit.state import HookInfo, LocalState, StateFile


def test_missing_file_loads_fresh_state(tmp_path) -> None:
    st = StateFile(tmp_path / "state.json").load()
    assert st == LocalState()
    assert st.leader_settings_version == -1 and not st.installed and st.op is None


def test_round_trip_every_field(tmp_path) -> None:
    hook = HookInfo(kind="relation-departed", relation_id=4, endpoint="db", remote_unit="pg/1",
                    remote_app="pg", departing_unit="pg/1")
    st = LocalState(
        charm_sha="ab" * 32, charm_version=3, charm_members=["a", "b/c"], installed=True,
        started=True, stopped=False, removed=False, leader=True, leader_settings_version=7,
        config_version=5, status_ever_set=True, resolved_seq=2,
        op={"hook": hook.to_dict(), "step": "committing", "effects": {"started": True},
            "commit": {"commit_id": "x"}},
        error={"hook": {"kind": "install"}, "effects": {}},
        extra={"relations": {"4": {"members": ["pg/1"]}}},
    )
    f = StateFile(tmp_path / "state.json")
    f.save(st)
    loaded = StateFile(tmp_path / "state.json").load()  # as a restarted agent would
    assert loaded == st
    assert HookInfo.from_dict(loaded.op["hook"]) == hook  # type: ignore[index]
    f.compact(st)
    assert json.loads((tmp_path / "state.json").read_text())["config_version"] == 5
    assert (tmp_path / "state.journal").read_bytes() == b""
    assert StateFile(tmp_path / "state.json").load() == st


def test_unknown_fields_are_ignored_and_missing_ones_default() -> None:
    st = LocalState.from_json(json.dumps({"installed": True, "future_field": 1}))
    assert st.installed is True and st.leader_settings_version == -1


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
    assert HookInfo.from_dict(hook.to_dict()) == hook
