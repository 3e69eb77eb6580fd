"""What machine agents report and commit."""

from __future__ import annotations

from typing import Any

import pytest
from agent_fakes import b64text

from pyjuju.controller.services import agents, charms
from pyjuju.controller.services import applications as apps
from pyjuju.controller.services import units as units_svc
from pyjuju.core.errors import ForbiddenError, NotFoundError, NotLeaderError, UnitNotFoundError
from pyjuju.wire import (
    AgentLogRecord,
    AgentStatusParams,
    Empty,
    HookCommitParams,
    LeaderSettingsParams,
    LogBatch,
    PortChange,
    SecretAdd,
    SecretGrant,
    SecretRemove,
    SecretRevoke,
    SecretSet,
    StatusValue,
    UnitStatusQuery,
    UnitStatusReply,
)


@pytest.fixture
def deployed(svc, model, charm_bytes):
    """``app`` with units app/0 (leader, machine 0) and app/1 (machine 1)."""
    url = charms.add_charm(svc, "default", charm_bytes()).url
    apps.deploy(svc, "default", application="app", charm_url=url, num_units=2, config={},
                config_strings={}, directives=[])
    return model


def unit(svc, model, name: str):
    with svc.store.read() as tx:
        return tx.unit(model.uuid, name)


def app_row(svc, model):
    with svc.store.read() as tx:
        return tx.application(model.uuid, "app")


def revision(svc, model) -> int:
    with svc.store.read() as tx:
        return tx.model(model.uuid).revision  # type: ignore[union-attr]


def changes_after(svc, model, rev: int) -> list[tuple[str, str]]:
    with svc.store.read() as tx:
        return [(k, key) for _, k, key in tx.changes_since(model.uuid, rev)]


def port(action: str, proto: str = "tcp", lo: int = 0, hi: int | None = None,
         endpoints: list[str] | None = None) -> PortChange:
    return PortChange(action=action, protocol=proto, from_port=lo,
                      to_port=lo if hi is None else hi, endpoints=endpoints)


def commit(svc, model, cid: str, unit_name: str = "app/0", machine: str = "0", **kw: Any) -> bool:
    return agents.commit_hook(svc, model, machine, unit_name, HookCommitParams(commit_id=cid, **kw)).applied


# -- commit_hook ------------------------------------------------------------------


def test_commit_hook_applies_and_is_idempotent_by_commit_id(svc, deployed) -> None:
    m = deployed
    assert commit(svc, m, "c1", ports=[port("open", lo=80)], state_set={"a": "1", "b": "2"})
    u = unit(svc, m, "app/0")
    assert u.commit_id == "c1"
    assert u.opened_ports == [{"range": "80/tcp", "endpoints": None}]
    assert u.state == {"a": "1", "b": "2"}
    rev = revision(svc, m)
    # the same commit again (agent restarted after sending it): nothing happens
    assert commit(svc, m, "c1", ports=[port("close", lo=80)], state_delete=["a"]) is False
    assert unit(svc, m, "app/0").opened_ports == [{"range": "80/tcp", "endpoints": None}]
    assert revision(svc, m) == rev
    # a new commit applies
    assert commit(svc, m, "c2", state_set={"b": "3"}, state_delete=["a"])
    u = unit(svc, m, "app/0")
    assert u.state == {"b": "3"} and u.commit_id == "c2"
    assert u.opened_ports == [{"range": "80/tcp", "endpoints": None}]


def test_commit_hook_authorisation(svc, deployed, snapshot) -> None:
    before = snapshot()
    with pytest.raises(ForbiddenError):
        commit(svc, deployed, "c1", unit_name="app/1", machine="0", state_set={"x": "y"})
    with pytest.raises(UnitNotFoundError):
        commit(svc, deployed, "c1", unit_name="app/9", machine="0")
    assert snapshot() == before


def test_commit_refused_whole_for_an_undeclared_store(svc, deployed, snapshot) -> None:
    """A hook's storage-add is checked here, not by the tool (as in Juju): nothing of the
    commit applies, and the unit agent fails the hook with this text."""
    before = snapshot()
    with pytest.raises(NotFoundError, match='^charm storage "logs" not found$'):
        commit(svc, deployed, "c1", state_set={"x": "y"}, storage_add={"logs": 1})
    assert snapshot() == before


def test_port_merging_with_endpoints(svc, deployed) -> None:
    m = deployed

    def ports() -> list[dict[str, Any]]:
        return unit(svc, m, "app/0").opened_ports

    commit(svc, m, "1", ports=[port("open", lo=8080, endpoints=["web"])])
    commit(svc, m, "2", ports=[port("open", lo=8080, endpoints=["admin"]),
                               port("open", proto="udp", lo=53),
                               port("open", lo=1000, hi=2000),
                               port("open", proto="icmp")])
    assert ports() == [
        {"range": "icmp", "endpoints": None},
        {"range": "1000-2000/tcp", "endpoints": None},
        {"range": "8080/tcp", "endpoints": ["admin", "web"]},
        {"range": "53/udp", "endpoints": None},
    ]
    commit(svc, m, "3", ports=[port("close", lo=8080, endpoints=["web"]),
                               port("close", proto="icmp"),
                               port("close", lo=1000, hi=2000)])
    assert ports() == [
        {"range": "8080/tcp", "endpoints": ["admin"]},
        {"range": "53/udp", "endpoints": None},
    ]
    # opening for all endpoints absorbs the endpoint-specific entry
    commit(svc, m, "4", ports=[port("open", lo=8080)])
    assert ports()[0] == {"range": "8080/tcp", "endpoints": None}
    # ... and an endpoint-specific open of an all-endpoints port keeps it open to all
    commit(svc, m, "5", ports=[port("open", lo=8080, endpoints=["web"])])
    assert ports()[0] == {"range": "8080/tcp", "endpoints": None}
    commit(svc, m, "6", ports=[port("open", lo=9000, endpoints=["web"]),
                               port("close", lo=9000, endpoints=["web"]),
                               port("close", proto="udp", lo=53), port("close", lo=8080)])
    assert ports() == []
    # closing what is not open is a no-op
    commit(svc, m, "7", ports=[port("close", lo=1)])
    assert ports() == []


def test_ports_sorted_numerically(svc, deployed) -> None:
    commit(svc, deployed, "1", ports=[port("open", lo=443), port("open", lo=80), port("open", lo=8080)])
    assert [p["range"] for p in unit(svc, deployed, "app/0").opened_ports] == [
        "80/tcp", "443/tcp", "8080/tcp",
    ]


# -- leader settings ---------------------------------------------------------------


def test_set_leader_settings(svc, deployed) -> None:
    m = deployed
    with pytest.raises(NotLeaderError):
        agents.set_leader_settings(svc, m, "1", "app/1", LeaderSettingsParams(values={"a": "1"}))
    with pytest.raises(ForbiddenError):
        agents.set_leader_settings(svc, m, "1", "app/0", LeaderSettingsParams(values={"a": "1"}))
    assert app_row(svc, m).leader_settings_version == 0
    agents.set_leader_settings(svc, m, "0", "app/0", LeaderSettingsParams(values={"a": "1", "b": "2"}))
    a = app_row(svc, m)
    assert a.leader_settings == {"a": "1", "b": "2"} and a.leader_settings_version == 1
    rev = revision(svc, m)
    agents.set_leader_settings(svc, m, "0", "app/0", LeaderSettingsParams(values={"a": "1"}))  # no change: no bump
    assert app_row(svc, m).leader_settings_version == 1 and revision(svc, m) == rev
    agents.set_leader_settings(svc, m, "0", "app/0", LeaderSettingsParams(values={"a": "", "missing": ""}))
    a = app_row(svc, m)
    assert a.leader_settings == {"b": "2"} and a.leader_settings_version == 2
    assert changes_after(svc, m, rev) == [("application", "app")]


# -- status -------------------------------------------------------------------------


def test_set_unit_status_status_only_is_unit_status_kind(svc, deployed) -> None:
    m = deployed
    rev = revision(svc, m)
    agents.set_unit_status(
        svc, m, "0", "app/0",
        AgentStatusParams(workload=StatusValue(status="active", message="ready"),
                          agent=StatusValue(status="idle"), mark_status_set=True,
                          workload_version="1.0"),
    )
    assert changes_after(svc, m, rev) == [("unit-status", "app/0")]
    u = unit(svc, m, "app/0")
    assert u.workload_status["current"] == "active" and u.workload_status["message"] == "ready"
    assert u.agent_status["current"] == "idle"
    assert u.status_ever_set is True and u.workload_version == "1.0"


def test_set_unit_status_clearing_resolved_is_a_unit_change(svc, deployed) -> None:
    m = deployed
    agents.set_unit_status(svc, m, "0", "app/0",
                           AgentStatusParams(agent=StatusValue(status="error", message="hook failed")))
    units_svc.resolved(svc, "default", ["app/0"], retry=True)
    rev = revision(svc, m)
    agents.set_unit_status(svc, m, "0", "app/0",
                           AgentStatusParams(agent=StatusValue(status="executing")))
    assert changes_after(svc, m, rev) == [("unit", "app/0")]
    u = unit(svc, m, "app/0")
    assert u.resolved == "" and u.resolved_seq == 1


def test_set_unit_status_in_error_keeps_resolved(svc, deployed) -> None:
    m = deployed
    agents.set_unit_status(svc, m, "0", "app/0", AgentStatusParams(agent=StatusValue(status="error")))
    units_svc.resolved(svc, "default", ["app/0"], retry=False)
    rev = revision(svc, m)
    agents.set_unit_status(svc, m, "0", "app/0", AgentStatusParams(agent=StatusValue(status="error")))
    assert unit(svc, m, "app/0").resolved == "no-retry"
    assert changes_after(svc, m, rev) == [("unit-status", "app/0")]


def test_application_status_only_from_leader(svc, deployed, snapshot) -> None:
    m = deployed
    before = snapshot()
    with pytest.raises(NotLeaderError):
        agents.set_unit_status(
            svc, m, "1", "app/1",
            AgentStatusParams(workload=StatusValue(status="active"),
                              application=StatusValue(status="blocked", message="no")),
        )
    assert snapshot() == before  # the unit's own status did not go through either
    rev = revision(svc, m)
    agents.set_unit_status(svc, m, "0", "app/0",
                           AgentStatusParams(application=StatusValue(status="blocked", message="no")))
    assert app_row(svc, m).status["current"] == "blocked"
    assert changes_after(svc, m, rev) == [("application-status", "app")]


def test_set_machine_status_only_on_change(svc, deployed) -> None:
    m = deployed
    rev = revision(svc, m)
    agents.set_machine_status(svc, m.uuid, "0", "started")
    agents.set_machine_status(svc, m.uuid, "0", "started")
    assert changes_after(svc, m, rev) == [("machine-status", "0")]
    agents.set_machine_status(svc, m.uuid, "99", "started")  # unknown machine: ignored
    with svc.store.read() as tx:
        assert tx.machine(m.uuid, "0").agent_status["current"] == "started"  # type: ignore[union-attr]


def test_status_for_tools(svc, deployed) -> None:
    m = deployed
    agents.set_unit_status(svc, m, "0", "app/0",
                           AgentStatusParams(workload=StatusValue(status="active", message="ok")))
    assert agents.status_for_tools(svc, m, "0", "app/0", UnitStatusQuery()) == UnitStatusReply(
        unit=StatusValue(status="active", message="ok"))
    doc = agents.status_for_tools(svc, m, "0", "app/0", UnitStatusQuery(application=True))
    # derived: app/1 is still waiting, which outranks active
    assert doc.application is not None and doc.application.status == "waiting"
    assert set(doc.units) == {"app/0", "app/1"}
    with pytest.raises(NotLeaderError):
        agents.status_for_tools(svc, m, "1", "app/1", UnitStatusQuery(application=True))


def test_unit_dead_finishes_removal(svc, deployed) -> None:
    m = deployed
    with svc.store.write() as tx:
        tx.update_machine(m.uuid, "0", instance_id="i-0")
    units_svc.remove_units(svc, "default", ["app/0"])
    with pytest.raises(ForbiddenError):
        agents.unit_dead(svc, m, "1", "app/0", Empty())
    agents.unit_dead(svc, m, "0", "app/0", Empty())
    assert unit(svc, m, "app/0") is None
    assert app_row(svc, m).leader == "app/1"
    with svc.store.read() as tx:
        assert tx.machine(m.uuid, "0").life == "dying"  # type: ignore[union-attr]


def test_add_logs_wakes_log_subscribers_without_revision(svc, deployed) -> None:
    m = deployed
    rev = revision(svc, m)
    with svc.hub.subscribe_logs(m.uuid) as ev:
        agents.add_logs(svc, m, "0", "", LogBatch(records=[AgentLogRecord(
            time="t", entity="unit-app-0", level="INFO", module="unit.app/0.install", message="hi")]))
        assert ev.is_set()
    assert revision(svc, m) == rev
    with svc.store.read() as tx:
        rows = tx.logs(m.uuid)
    assert [(r.entity, r.message, r.location) for r in rows] == [("unit-app-0", "hi", "")]


def test_hub_receives_committed_changes(svc, deployed) -> None:
    m = deployed
    with svc.hub.subscribe(m.uuid) as q:
        commit(svc, m, "c1", state_set={"k": "v"})
        rev, changes = q.get_nowait()
    assert rev == revision(svc, m)
    assert changes == [("unit", "app/0")]


# -- secrets committed by hooks ---------------------------------------------------


def grants(svc, model) -> list[tuple[str, str]]:
    with svc.store.read() as tx:
        return [(g.subject, g.subject_kind) for g in tx.secret_grants(model.uuid, "s1")]


def test_secret_changes_in_a_commit_apply_in_order(svc, deployed) -> None:
    m = deployed
    assert commit(svc, m, "c1", secrets=[
        SecretAdd(id="s1", content=b64text({"k": "v"}), label="db"),
        SecretGrant(id="s1", relation_id=3, app="wordpress"),
        SecretGrant(id="s1", relation_id=3, app="wordpress", unit="wordpress/1"),
    ])
    with svc.store.read() as tx:
        s = tx.secret(m.uuid, "s1")
    assert s is not None and (s.owner_kind, s.owner, s.label) == ("application", "app", "db")
    assert sorted(grants(svc, m)) == [("wordpress", "application"), ("wordpress/1", "unit")]

    # A revoke naming nobody revokes nothing; one naming the application revokes its grant.
    assert commit(svc, m, "c2", secrets=[SecretRevoke(id="s1"), SecretRevoke(id="s1", app="wordpress")])
    assert grants(svc, m) == [("wordpress/1", "unit")]

    assert commit(svc, m, "c3", secrets=[SecretSet(id="secret:s1", content=b64text({"k": "w"})),
                                         SecretRemove(id="s1", revision=1)])
    with svc.store.read() as tx:
        assert [r.revision for r in tx.secret_revisions(m.uuid, "s1")] == [2]


def test_secret_changes_need_the_owner(svc, deployed, snapshot) -> None:
    m = deployed
    with pytest.raises(NotLeaderError):  # app/1 is not the leader
        commit(svc, m, "c1", unit_name="app/1", machine="1", secrets=[SecretAdd(id="s1")])
    assert commit(svc, m, "c2", secrets=[SecretAdd(id="s1")])
    assert commit(svc, m, "c3", unit_name="app/1", machine="1", secrets=[SecretAdd(id="s2", owner="unit")])
    before = snapshot()
    with pytest.raises(NotLeaderError):
        commit(svc, m, "c4", unit_name="app/1", machine="1", secrets=[SecretRemove(id="s1")])
    with pytest.raises(ForbiddenError):
        commit(svc, m, "c5", secrets=[SecretRevoke(id="s2", app="wordpress")])
    assert snapshot() == before
    with svc.store.read() as tx:
        assert {s.id: (s.owner_kind, s.owner) for s in tx.secrets(m.uuid)} == {
            "s1": ("application", "app"), "s2": ("unit", "app/1")}
