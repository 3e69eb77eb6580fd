"""apply_effects: what a committed operation changes in local state, as a pure function."""

from __future__ import annotations

from resolver_helpers import lr, started

from pyjuju.agent.unit.effects import apply_effects, leave_relation
from pyjuju.agent.unit.state import (
    AppBagSeen,
    Effects,
    LocalState,
    MemberDeparted,
    MemberSeen,
    RelationBroken,
    RelationCreated,
    SecretHookSeen,
    StorageEffect,
)


def test_flags_are_set_and_the_input_is_untouched() -> None:
    before = LocalState()
    after = apply_effects(before, Effects(installed=True, config_version=3, leader=True))
    assert (after.installed, after.config_version, after.leader) == (True, 3, True)
    assert before == LocalState()
    assert apply_effects(before, Effects()) is before  # nothing to do: the same state


def test_relation_bookkeeping() -> None:
    s = apply_effects(LocalState(), Effects(relation=RelationCreated(id=5, endpoint="db", remote_app="mysql")))
    assert s.relations[5] == lr()
    s = apply_effects(s, Effects(relation=MemberSeen(action="joined", id=5, unit="mysql/0", version=2)))
    assert s.relations[5].members == {"mysql/0": 2} and s.relations[5].changed_pending == "mysql/0"
    s = apply_effects(s, Effects(relation=MemberSeen(action="joined", id=5, unit="mysql/1", version=1)))
    s = apply_effects(s, Effects(relation=MemberDeparted(id=5, unit="mysql/1")))
    assert s.relations[5].changed_pending == "" and s.relations[5].members == {"mysql/0": 2}
    s = apply_effects(s, Effects(relation=MemberSeen(action="changed", id=5, unit="mysql/0", version=4)))
    assert s.relations[5].members == {"mysql/0": 4}
    s = apply_effects(s, Effects(relation=AppBagSeen(id=5, version=3)))
    assert s.relations[5].app_version == 3
    broken = apply_effects(s, Effects(relation=RelationBroken(id=5)))
    assert broken.relations[5].broken is True and s.relations[5].broken is False
    # effects for a relation the unit no longer has are ignored
    assert apply_effects(s, Effects(relation=MemberSeen(action="joined", id=99, unit="x/0", version=1))) == s
    assert leave_relation(broken, 5).relations == {}
    assert leave_relation(broken, 77) is broken


def test_changed_clears_a_pending_changed_only_for_that_unit() -> None:
    s = started({1: lr(members={"a/0": 1, "a/1": 1}, pending="a/1")})
    s = apply_effects(s, Effects(relation=MemberSeen(action="changed", id=1, unit="a/0", version=2)))
    assert s.relations[1].changed_pending == "a/1"
    s = apply_effects(s, Effects(relation=MemberSeen(action="changed", id=1, unit="a/1", version=2)))
    assert s.relations[1].changed_pending == ""


def test_secret_hooks_and_storage() -> None:
    s = apply_effects(LocalState(), Effects(secret_hook=SecretHookSeen(key="changed:x", value=3)))
    assert s.secret_hooks == {"changed:x": 3}
    s = apply_effects(s, Effects(storage=StorageEffect(id="data/0", attached=True)))
    s = apply_effects(s, Effects(storage=StorageEffect(id="logs/1", attached=True)))
    assert s.storage == ("data/0", "logs/1")
    s = apply_effects(s, Effects(storage=StorageEffect(id="data/0", attached=False)))
    assert s.storage == ("logs/1",)
