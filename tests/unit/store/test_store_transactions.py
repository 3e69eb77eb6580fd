"""Store transactions: one revision bump per write, change records, rollback, listeners."""

from __future__ import annotations

from typing import Any

import pytest

from pyjuju.core.errors import StoreError
from pyjuju.store import CredentialRow, Store

A = "aaaaaaaa-0000-0000-0000-000000000001"
B = "bbbbbbbb-0000-0000-0000-000000000002"


class Boom(Exception):
    pass


def revision(store: Store, uuid: str) -> int:
    with store.read() as tx:
        m = tx.model(uuid)
        assert m is not None
        return m.revision


def table_counts(store: Store, uuid: str) -> dict[str, int]:
    with store.read() as tx:
        return {
            "apps": len(tx.applications(uuid)),
            "units": len(tx.units(uuid)),
            "machines": len(tx.machines(uuid)),
            "charms": len(tx.charms(uuid)),
            "changes": len(tx.changes_since(uuid, 0)),
            "logs": len(tx.logs(uuid)),
        }


def test_open_store_creates_file_and_reopens_with_data(tmp_path, mk) -> None:
    from pyjuju.store import open_store

    path = tmp_path / "sub.db"
    s = open_store(f"sqlite:///{path}")
    with s.write() as tx:
        tx.add_model(mk.model(A, "one"))
    s.close()
    assert path.exists()
    s2 = open_store(f"sqlite:///{path}")
    try:
        with s2.read() as tx:
            m = tx.model(A)
            assert m is not None and m.name == "one" and m.revision == 1
    finally:
        s2.close()


def test_add_model_is_revision_one_with_model_change(store, mk) -> None:
    with store.write() as tx:
        tx.add_model(mk.model(A, "one"))
    assert revision(store, A) == 1
    with store.read() as tx:
        assert tx.changes_since(A, 0) == [(1, "model", A)]


def test_one_transaction_bumps_revision_once_and_records_each_change(store, mk) -> None:
    with store.write() as tx:
        tx.add_model(mk.model(A, "one"))
    with store.write() as tx:
        tx.add_application(mk.app(A, "app"))
        tx.add_machine(mk.machine(A, "0"))
        tx.add_unit(mk.unit(A, "app/0", machine_id="0"))
        tx.add_unit(mk.unit(A, "app/1", machine_id="0"))
        tx.update_unit(A, "app/0", life="dying")  # same (kind, key) as the add: deduplicated
        tx.update_application(A, "app", next_unit=2)  # likewise
    assert revision(store, A) == 2
    with store.read() as tx:
        assert tx.changes_since(A, 1) == [
            (2, "application", "app"),
            (2, "machine", "0"),
            (2, "unit", "app/0"),
            (2, "unit", "app/1"),
        ]
        assert tx.changes_since(A, 2) == []
        assert [c[0] for c in tx.changes_since(A, 0)] == [1, 2, 2, 2, 2]


def test_each_transaction_gets_its_own_revision(store, mk) -> None:
    with store.write() as tx:
        tx.add_model(mk.model(A, "one"))
        tx.add_application(mk.app(A, "app"))
    for i in range(3):
        with store.write() as tx:
            tx.update_application(A, "app", next_unit=i + 1)
    assert revision(store, A) == 4
    with store.read() as tx:
        assert tx.changes_since(A, 1) == [
            (2, "application", "app"),
            (3, "application", "app"),
            (4, "application", "app"),
        ]
        app = tx.application(A, "app")
        assert app is not None and app.next_unit == 3


def test_transaction_without_changes_does_not_bump_revision(store, mk) -> None:
    with store.write() as tx:
        tx.add_model(mk.model(A, "one"))
    with store.write() as tx:
        assert tx.model(A) is not None  # a read inside a write changes nothing
    assert revision(store, A) == 1


def test_changes_are_per_model(store, mk) -> None:
    with store.write() as tx:
        tx.add_model(mk.model(A, "one"))
        tx.add_model(mk.model(B, "two"))
    with store.write() as tx:
        tx.add_application(mk.app(A, "app"))
        tx.add_application(mk.app(B, "other"))
        tx.add_application(mk.app(B, "third"))
    assert revision(store, A) == 2
    assert revision(store, B) == 2
    with store.read() as tx:
        assert tx.changes_since(A, 1) == [(2, "application", "app")]
        assert tx.changes_since(B, 1) == [(2, "application", "other"), (2, "application", "third")]


def test_a_transaction_that_raises_changes_nothing(store, mk) -> None:
    with store.write() as tx:
        tx.add_model(mk.model(A, "one"))
        tx.add_application(mk.app(A, "app"))
    before = table_counts(store, A)
    calls: list[Any] = []
    store.add_listener(lambda *a: calls.append(a))
    with pytest.raises(Boom):
        with store.write() as tx:
            tx.add_machine(mk.machine(A, "0"))
            tx.add_unit(mk.unit(A, "app/0", machine_id="0"))
            tx.update_application(A, "app", next_unit=1, leader="app/0")
            tx.update_model(A, next_machine_id=1)
            raise Boom()
    assert table_counts(store, A) == before
    assert revision(store, A) == 1
    with store.read() as tx:
        app = tx.application(A, "app")
        m = tx.model(A)
        assert app is not None and app.next_unit == 0 and app.leader is None
        assert m is not None and m.next_machine_id == 0
    assert calls == []


def test_update_of_missing_row_raises_and_rolls_back(store, mk) -> None:
    with store.write() as tx:
        tx.add_model(mk.model(A, "one"))
    with pytest.raises(StoreError):
        with store.write() as tx:
            tx.add_application(mk.app(A, "app"))
            tx.update_unit(A, "nope/0", life="dying")
    with store.read() as tx:
        assert tx.application(A, "app") is None
    assert revision(store, A) == 1


def test_listener_called_after_commit_with_model_revision_changes(store, mk) -> None:
    seen: list[tuple[str, int, list[tuple[str, str]], bool]] = []

    def listener(model: str, rev: int, changes: list[tuple[str, str]]) -> None:
        # The commit is durable when the listener runs: a fresh read sees it.
        with store.read() as tx:
            visible = tx.application(A, "app") is not None
        seen.append((model, rev, list(changes), visible))

    store.add_listener(listener)
    with store.write() as tx:
        tx.add_model(mk.model(A, "one"))
        tx.add_model(mk.model(B, "two"))
    with store.write() as tx:
        tx.add_application(mk.app(A, "app"))
        tx.add_machine(mk.machine(A, "3"))
    assert seen == [
        (A, 1, [("model", A)], False),
        (B, 1, [("model", B)], False),
        (A, 2, [("application", "app"), ("machine", "3")], True),
    ]


def test_listener_not_called_on_rollback_and_failure_does_not_undo_commit(store, mk) -> None:
    calls: list[tuple[str, int]] = []

    def bad(model: str, rev: int, changes: list[tuple[str, str]]) -> None:
        raise RuntimeError("listener bug")

    store.add_listener(bad)
    store.add_listener(lambda m, r, c: calls.append((m, r)))
    with store.write() as tx:
        tx.add_model(mk.model(A, "one"))
    assert calls == [(A, 1)]  # a failing listener does not stop the next one
    with pytest.raises(Boom):
        with store.write() as tx:
            tx.add_application(mk.app(A, "app"))
            raise Boom()
    assert calls == [(A, 1)]
    assert revision(store, A) == 1


def test_status_only_update_records_its_kind(store, mk) -> None:
    with store.write() as tx:
        tx.add_model(mk.model(A, "one"))
        tx.add_application(mk.app(A, "app"))
        tx.add_machine(mk.machine(A, "0"))
        tx.add_unit(mk.unit(A, "app/0"))
    with store.write() as tx:
        tx.update_unit(A, "app/0", kind="unit-status", workload_status={"current": "active"})
        tx.update_application(A, "app", kind="application-status", status={"current": "active"})
        tx.update_machine(A, "0", kind="machine-status", agent_status={"current": "started"})
    with store.read() as tx:
        assert tx.changes_since(A, 1) == [
            (2, "unit-status", "app/0"),
            (2, "application-status", "app"),
            (2, "machine-status", "0"),
        ]
        u = tx.unit(A, "app/0")
        assert u is not None and u.workload_status == {"current": "active"}


def test_status_and_full_update_of_same_unit_are_both_recorded(store, mk) -> None:
    with store.write() as tx:
        tx.add_model(mk.model(A, "one"))
        tx.add_unit(mk.unit(A, "app/0"))
    with store.write() as tx:
        tx.update_unit(A, "app/0", kind="unit-status", workload_status={"current": "active"})
        tx.update_unit(A, "app/0", life="dying")
    with store.read() as tx:
        assert tx.changes_since(A, 1) == [(2, "unit-status", "app/0"), (2, "unit", "app/0")]


def test_json_columns_round_trip(store, mk) -> None:
    ports = [{"range": "80/tcp", "endpoints": None}, {"range": "53/udp", "endpoints": ["dns"]}]
    with store.write() as tx:
        tx.add_model(mk.model(A, "one", config={"automatically-retry-hooks": False}))
        tx.add_unit(mk.unit(A, "app/0", opened_ports=ports, state={"k": "v"}))
    with store.read() as tx:
        u = tx.unit(A, "app/0")
        m = tx.model(A)
    assert u is not None and u.opened_ports == ports and u.state == {"k": "v"}
    assert m is not None and m.config == {"automatically-retry-hooks": False}


def test_missing_rows_read_as_none(store, mk) -> None:
    with store.read() as tx:
        assert tx.model(A) is None
        assert tx.model_by_name("admin", "one") is None
        assert tx.application(A, "x") is None
        assert tx.unit(A, "x/0") is None
        assert tx.machine(A, "0") is None
        assert tx.charm(A, "local:x-0") is None
        assert tx.controller_value("uuid") is None


def test_machines_sorted_numerically_and_units_by_number(store, mk) -> None:
    with store.write() as tx:
        tx.add_model(mk.model(A, "one"))
        for mid in ("10", "2", "1", "0"):
            tx.add_machine(mk.machine(A, mid))
        for name in ("app/10", "app/2", "app/1"):
            tx.add_unit(mk.unit(A, name, machine_id="2" if name == "app/2" else "1"))
    with store.read() as tx:
        assert [m.id for m in tx.machines(A)] == ["0", "1", "2", "10"]
        assert [u.name for u in tx.units(A)] == ["app/1", "app/2", "app/10"]
        assert [u.name for u in tx.units(A, machine_id="1")] == ["app/1", "app/10"]
        assert [u.name for u in tx.units(A, application="nope")] == []


def test_model_by_name_is_per_owner(store, mk) -> None:
    with store.write() as tx:
        tx.add_model(mk.model(A, "one"))
        tx.add_model(mk.model(B, "one", owner="bob"))
    with store.read() as tx:
        a = tx.model_by_name("admin", "one")
        b = tx.model_by_name("bob", "one")
        assert a is not None and a.uuid == A
        assert b is not None and b.uuid == B
        assert {m.uuid for m in tx.models()} == {A, B}


def test_duplicate_model_name_for_same_owner_is_refused(store, mk) -> None:
    with store.write() as tx:
        tx.add_model(mk.model(A, "one"))
    with pytest.raises(Exception):  # noqa: B017 - the unique constraint's driver error
        with store.write() as tx:
            tx.add_model(mk.model(B, "one"))
    with store.read() as tx:
        assert tx.model(B) is None


def test_controller_values_insert_and_update(store) -> None:
    with store.write() as tx:
        tx.set_controller_value("uuid", "abc")
        tx.set_controller_value("cfg", {"a": 1})
    with store.write() as tx:
        tx.set_controller_value("uuid", "def")
    with store.read() as tx:
        assert tx.controller_value("uuid") == "def"
        assert tx.controller_value("cfg") == {"a": 1}


def test_trim_changes_drops_old_revisions_only(store, mk) -> None:
    with store.write() as tx:
        tx.add_model(mk.model(A, "one"))
        tx.add_application(mk.app(A, "app"))
    for i in range(3):
        with store.write() as tx:
            tx.update_application(A, "app", next_unit=i)
    with store.write() as tx:
        tx.trim_changes(A, 3)
    with store.read() as tx:
        assert [r for r, _, _ in tx.changes_since(A, 0)] == [3, 4]


# -- logs ------------------------------------------------------------------------


def _log(model: str, i: int, entity: str = "unit-app-0", level: str = "INFO") -> dict[str, Any]:
    return {
        "model_uuid": model, "time": f"2024-01-01T00:00:{i:02d}+00:00", "entity": entity,
        "level": level, "module": "unit.app/0.install", "location": "", "message": f"m{i}",
    }


def test_logs_add_and_query_with_filters(store, mk) -> None:
    with store.write() as tx:
        tx.add_model(mk.model(A, "one"))
        tx.add_model(mk.model(B, "two"))
    with store.write() as tx:
        assert tx.add_logs([]) == 0
        last = tx.add_logs(
            [
                _log(A, 0),
                _log(A, 1, entity="machine-0", level="DEBUG"),
                _log(A, 2, level="ERROR"),
                _log(B, 3),
                _log(A, 4, entity="unit-app-1", level="WARNING"),
            ]
        )
    with store.read() as tx:
        all_a = tx.logs(A)
        assert [r.message for r in all_a] == ["m0", "m1", "m2", "m4"]
        assert last == all_a[-1].id
        assert [r.message for r in tx.logs(B)] == ["m3"]
        assert [r.message for r in tx.logs(A, entities=["unit-app-0"])] == ["m0", "m2"]
        assert [r.message for r in tx.logs(A, levels=["ERROR", "WARNING"])] == ["m2", "m4"]
        assert [r.message for r in tx.logs(A, after_id=all_a[1].id)] == ["m2", "m4"]
        assert [r.message for r in tx.logs(A, last=2)] == ["m2", "m4"]  # oldest first
        assert [r.message for r in tx.logs(A, last=10)] == ["m0", "m1", "m2", "m4"]
        assert [r.message for r in tx.logs(A, entities=["unit-app-0"], last=1)] == ["m2"]
        assert tx.logs(A, last=0) == []
        r0 = all_a[0]
        assert (r0.entity, r0.level, r0.module, r0.time) == (
            "unit-app-0", "INFO", "unit.app/0.install", "2024-01-01T00:00:00+00:00",
        )


def test_logs_do_not_bump_revision(store, mk) -> None:
    calls: list[Any] = []
    with store.write() as tx:
        tx.add_model(mk.model(A, "one"))
    store.add_listener(lambda *a: calls.append(a))
    with store.write() as tx:
        tx.add_logs([_log(A, 0)])
    assert revision(store, A) == 1
    assert calls == []


def test_trim_logs_keeps_newest_of_that_model_only(store, mk) -> None:
    with store.write() as tx:
        tx.add_model(mk.model(A, "one"))
        tx.add_model(mk.model(B, "two"))
    with store.write() as tx:
        tx.add_logs([_log(A, i) for i in range(5)] + [_log(B, i) for i in range(3)])
    with store.write() as tx:
        tx.trim_logs(A, 2)
        tx.trim_logs(B, 10)  # fewer than keep: nothing removed
    with store.read() as tx:
        assert [r.message for r in tx.logs(A)] == ["m3", "m4"]
        assert len(tx.logs(B)) == 3
    with store.write() as tx:
        tx.trim_logs(A, 0)
    with store.read() as tx:
        assert tx.logs(A) == []


# -- remove_model ----------------------------------------------------------------


def _populate(store: Store, mk: Any, uuid: str, name: str) -> None:
    from pyjuju.store import CharmRow

    with store.write() as tx:
        tx.add_model(mk.model(uuid, name))
        tx.add_charm(
            CharmRow(
                model_uuid=uuid, url="local:app-0", name="app", revision=0, sha256="0" * 64,
                size=1, metadata={"name": "app"}, config={}, actions={}, version="",
                created="now",
            )
        )
        tx.add_application(mk.app(uuid, "app"))
        tx.add_machine(mk.machine(uuid, "0"))
        tx.add_unit(mk.unit(uuid, "app/0", machine_id="0"))
        tx.add_logs([_log(uuid, 1)])
        tx.add_credential(
            CredentialRow(token_hash=f"tok-{uuid}", kind="machine", entity="0",
                          model_uuid=uuid, created="now")
        )


def test_remove_model_removes_everything_of_that_model_only(store, mk) -> None:
    _populate(store, mk, A, "one")
    _populate(store, mk, B, "two")
    b_before = table_counts(store, B)
    b_rev = revision(store, B)
    calls: list[Any] = []
    store.add_listener(lambda *a: calls.append(a))
    with store.write() as tx:
        tx.update_unit(A, "app/0", life="dying")  # pending change of A is dropped with it
        tx.remove_model(A)
    assert calls == []
    with store.read() as tx:
        assert tx.model(A) is None
        assert tx.credential(f"tok-{A}") is None
        assert tx.credential(f"tok-{B}") is not None
        assert tx.model(B) is not None
    assert table_counts(store, A) == {
        "apps": 0, "units": 0, "machines": 0, "charms": 0, "changes": 0, "logs": 0,
    }
    assert table_counts(store, B) == b_before
    assert all(v > 0 for k, v in b_before.items())
    assert revision(store, B) == b_rev


def test_remove_credentials_matches_kind_entity_and_model(store, mk) -> None:
    with store.write() as tx:
        tx.add_model(mk.model(A, "one"))
        tx.add_model(mk.model(B, "two"))
        for tok, model in (("t1", A), ("t2", B)):
            tx.add_credential(CredentialRow(token_hash=tok, kind="machine", entity="0",
                                            model_uuid=model, created="now"))
        tx.add_credential(CredentialRow(token_hash="u", kind="user", entity="admin",
                                        model_uuid=None, created="now"))
    with store.write() as tx:
        tx.remove_credentials("machine", "0", A)
    with store.read() as tx:
        assert tx.credential("t1") is None
        assert tx.credential("t2") is not None
        cred = tx.credential("u")
        assert cred is not None and cred.kind == "user" and cred.model_uuid is None
