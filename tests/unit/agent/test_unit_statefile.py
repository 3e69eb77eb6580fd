"""Local state of a unit: JSON round trip and atomic saves."""

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
    loaded = f.load()
    assert loaded == st
    assert HookInfo.from_dict(loaded.op["hook"]) == hook  # type: ignore[index]
    assert json.loads((tmp_path / "state.json").read_text())["config_version"] == 5


def test_unknown_fields_are_ignored_and_missing_ones_default() -> None:
    st = LocalState.from_json(json.dumps({"installed": True, "future_field": 1}))
    assert st.installed is True and st.leader_settings_version == -1


def test_save_is_atomic_rename(tmp_path, monkeypatch) -> None:
    path = tmp_path / "state.json"
    f = StateFile(path)
    f.save(LocalState(installed=True))
    inode_before = os.stat(path).st_ino
    f.save(LocalState(installed=True, started=True))
    assert os.stat(path).st_ino != inode_before  # replaced, not rewritten in place
    assert not (tmp_path / "state.json.tmp").exists()
    assert f.load().started is True

    # a crash while writing the temp file leaves the previous state intact
    def boom(src, dst):
        raise OSError("simulated crash before rename")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        f.save(LocalState(installed=True, started=True, stopped=True))
    monkeypatch.undo()
    assert f.load() == LocalState(installed=True, started=True)


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
