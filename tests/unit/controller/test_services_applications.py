"""Applications and units: deploy, scale, remove, leadership, config, resolved."""

from __future__ import annotations

from typing import Any

import pytest

from pyjuju.controller.services import appconfig, charms
from pyjuju.controller.services import applications as apps
from pyjuju.controller.services import units as units_svc
from pyjuju.core.errors import (
    AlreadyExistsError,
    ApplicationNotFoundError,
    CharmNotFoundError,
    ConfigError,
    InvalidArgumentError,
    MachineNotFoundError,
    NotSupportedError,
    UnitNotFoundError,
)


@pytest.fixture
def charm_url(svc, model, charm_bytes) -> str:
    return charms.add_charm(svc, "default", charm_bytes()).url


def deploy(svc, charm_url: str, name: str = "app", n: int = 1, **kw: Any):
    args: dict[str, Any] = dict(config={}, config_strings={}, directives=[])
    args.update(kw)
    return apps.deploy(svc, "default", application=name, charm_url=charm_url, num_units=n, **args)


def units(svc, model, app: str | None = None) -> dict[str, Any]:
    with svc.store.read() as tx:
        return {u.name: u for u in tx.units(model.uuid, application=app)}


def machines(svc, model) -> dict[str, Any]:
    with svc.store.read() as tx:
        return {m.id: m for m in tx.machines(model.uuid)}


def app_row(svc, model, name: str = "app"):
    with svc.store.read() as tx:
        return tx.application(model.uuid, name)


def model_row(svc, model):
    with svc.store.read() as tx:
        return tx.model(model.uuid)


def give_instance(svc, model, machine_id: str) -> None:
    with svc.store.write() as tx:
        tx.update_machine(model.uuid, machine_id, instance_id=f"inst-{machine_id}")


def set_agent(svc, model, unit: str, status: str) -> None:
    with svc.store.write() as tx:
        tx.update_unit(model.uuid, unit, agent_status={"current": status, "message": "", "since": "x"})


# -- deploy ---------------------------------------------------------------------


def test_deploy_creates_units_machines_and_leader(svc, model, charm_url) -> None:
    row = deploy(svc, charm_url, n=3)
    assert row.charm_url == "local:mini-0" and row.config_version == 1
    us = units(svc, model)
    assert list(us) == ["app/0", "app/1", "app/2"]
    assert [u.machine_id for u in us.values()] == ["0", "1", "2"]
    assert [u.number for u in us.values()] == [0, 1, 2]
    assert all(u.life == "alive" and u.agent_status["current"] == "allocating" for u in us.values())
    assert all(u.workload_status["current"] == "waiting" for u in us.values())
    ms = machines(svc, model)
    assert list(ms) == ["0", "1", "2"]
    assert [m.created_for for m in ms.values()] == ["app/0", "app/1", "app/2"]
    m0 = ms["0"]
    assert m0.base == "debian@12" and m0.hardware.startswith("arch=amd64")
    assert m0.instance_id == "" and m0.agent_status["current"] == "pending"
    a = app_row(svc, model)
    assert a.leader == "app/0" and a.next_unit == 3 and a.life == "alive"
    assert model_row(svc, model).next_machine_id == 3


def test_deploy_is_one_revision(svc, model, charm_url) -> None:
    rev = model_row(svc, model).revision
    deploy(svc, charm_url, n=2)
    assert model_row(svc, model).revision == rev + 1


def test_second_deploy_continues_machine_numbering(svc, model, charm_url) -> None:
    deploy(svc, charm_url, n=2)
    deploy(svc, charm_url, name="other", n=2)
    us = units(svc, model, "other")
    assert {n: u.machine_id for n, u in us.items()} == {"other/0": "2", "other/1": "3"}
    assert app_row(svc, model, "other").leader == "other/0"
    assert model_row(svc, model).next_machine_id == 4


def test_deploy_zero_units_has_no_leader(svc, model, charm_url) -> None:
    deploy(svc, charm_url, n=0)
    a = app_row(svc, model)
    assert a.leader is None and a.next_unit == 0
    assert units(svc, model) == {} and machines(svc, model) == {}


def test_deploy_zero_units_with_placement_is_refused(svc, model, charm_url, snapshot) -> None:
    before = snapshot()
    with pytest.raises(InvalidArgumentError):
        deploy(svc, charm_url, n=0, directives=["0"])
    assert snapshot() == before


def test_deploy_config_parsed_and_stored(svc, model, charm_url) -> None:
    row = deploy(
        svc, charm_url,
        config={"ratio": 2, "name": None},
        config_strings={"port": "8080", "debug": "true", "greeting": ""},
    )
    assert row.config == {"ratio": 2.0, "port": 8080, "debug": True, "greeting": ""}
    assert isinstance(row.config["ratio"], float)
    assert app_row(svc, model).config == row.config


@pytest.mark.parametrize(
    "kw",
    [
        {"config": {"port": "80"}},
        {"config": {"debug": 1}},
        {"config": {"nope": 1}},
        {"config_strings": {"port": "eighty"}},
        {"config_strings": {"debug": "yes"}},
        {"config_strings": {"nope": "1"}},
    ],
)
def test_deploy_config_errors_leave_nothing_behind(svc, model, charm_url, snapshot, kw) -> None:
    before = snapshot()
    with pytest.raises(ConfigError):
        deploy(svc, charm_url, n=2, **kw)
    assert snapshot() == before


def test_deploy_errors(svc, model, charm_url, snapshot) -> None:
    deploy(svc, charm_url)
    before = snapshot()
    with pytest.raises(AlreadyExistsError):
        deploy(svc, charm_url)
    with pytest.raises(InvalidArgumentError):
        deploy(svc, charm_url, name="Bad_Name")
    with pytest.raises(InvalidArgumentError):
        deploy(svc, charm_url, name="app-1")  # a segment of only digits
    with pytest.raises(CharmNotFoundError):
        deploy(svc, "local:mini-9", name="x")
    with pytest.raises(MachineNotFoundError):
        deploy(svc, charm_url, name="y", n=2, directives=["new", "5"])
    assert snapshot() == before


def test_deploy_subordinate_creates_no_units(svc, model, charm_bytes) -> None:
    md = {"subordinate": True, "requires": {"juju-info": {"interface": "juju-info", "scope": "container"}}}
    url = charms.add_charm(svc, "default", charm_bytes(name="sub", metadata=md)).url
    row = deploy(svc, url, name="sub", n=3)
    assert row.subordinate is True
    assert units(svc, model) == {} and machines(svc, model) == {}
    with pytest.raises(InvalidArgumentError):
        units_svc.add_units(svc, "default", "sub", 1, [])


def test_deploy_with_placement_on_existing_machine(svc, model, charm_url) -> None:
    deploy(svc, charm_url, n=1)
    deploy(svc, charm_url, name="other", n=2, directives=["0"])
    us = units(svc, model, "other")
    assert {n: u.machine_id for n, u in us.items()} == {"other/0": "0", "other/1": "1"}
    assert machines(svc, model)["1"].created_for == "other/1"
    assert model_row(svc, model).next_machine_id == 2


# -- add_units ------------------------------------------------------------------


def test_add_units_to_existing_machine(svc, model, charm_url) -> None:
    deploy(svc, charm_url, n=1)
    names = units_svc.add_units(svc, "default", "app", 1, ["0"])
    assert names == ["app/1"]
    assert units(svc, model)["app/1"].machine_id == "0"
    assert list(machines(svc, model)) == ["0"]
    assert model_row(svc, model).next_machine_id == 1
    assert app_row(svc, model).leader == "app/0"


def test_add_units_new_machines_and_numbering(svc, model, charm_url) -> None:
    deploy(svc, charm_url, n=1)
    assert units_svc.add_units(svc, "default", "app", 2, []) == ["app/1", "app/2"]
    assert [u.machine_id for u in units(svc, model).values()] == ["0", "1", "2"]


def test_unit_numbers_are_never_reused(svc, model, charm_url) -> None:
    deploy(svc, charm_url, n=2)
    units_svc.remove_units(svc, "default", ["app/1"])  # allocating: gone at once
    assert "app/1" not in units(svc, model)
    assert units_svc.add_units(svc, "default", "app", 1, []) == ["app/2"]
    # the machine made for app/1 is dying; the new unit gets a fresh machine
    assert units(svc, model)["app/2"].machine_id == "2"


@pytest.mark.parametrize(
    "directives, error",
    [
        (["7"], MachineNotFoundError),
        (["lxd:0"], NotSupportedError),
        (["lxd"], NotSupportedError),
        (["0/lxd/1"], NotSupportedError),
        (["kvm:0"], NotSupportedError),
        (["zone=a"], NotSupportedError),
        (["app"], InvalidArgumentError),  # bare application: bundles only
        (["app/9"], UnitNotFoundError),
        (["0", "0"], InvalidArgumentError),  # more directives than units
    ],
)
def test_add_units_placement_errors_change_nothing(svc, model, charm_url, snapshot, directives, error) -> None:
    deploy(svc, charm_url, n=1)
    before = snapshot()
    with pytest.raises(error):
        units_svc.add_units(svc, "default", "app", 1, directives)
    assert snapshot() == before


def test_add_units_to_dying_machine_refused(svc, model, charm_url) -> None:
    deploy(svc, charm_url, n=1)
    with svc.store.write() as tx:
        tx.update_machine(model.uuid, "0", life="dying")
    with pytest.raises(InvalidArgumentError):
        units_svc.add_units(svc, "default", "app", 1, ["0"])


def test_add_units_unknown_or_dying_application(svc, model, charm_url) -> None:
    with pytest.raises(ApplicationNotFoundError):
        units_svc.add_units(svc, "default", "nope", 1, [])
    deploy(svc, charm_url, n=1)
    give_instance(svc, model, "0")
    apps.remove_application(svc, "default", "app")
    with pytest.raises(ApplicationNotFoundError):
        units_svc.add_units(svc, "default", "app", 1, [])


# -- remove_units / leadership ---------------------------------------------------


def test_remove_allocating_unit_removed_at_once_and_machine_dying(svc, model, charm_url) -> None:
    deploy(svc, charm_url, n=2)
    notes = units_svc.remove_units(svc, "default", ["app/0"])
    assert notes == ["will remove unit app/0", "- will remove machine 0"]
    assert list(units(svc, model)) == ["app/1"]
    ms = machines(svc, model)
    assert ms["0"].life == "dying"
    assert ms["1"].life == "alive"
    assert app_row(svc, model).leader == "app/1"


def test_remove_unit_with_provisioned_machine_goes_dying(svc, model, charm_url) -> None:
    deploy(svc, charm_url, n=2)
    give_instance(svc, model, "0")
    set_agent(svc, model, "app/0", "idle")
    notes = units_svc.remove_units(svc, "default", ["app/0"])
    assert notes == ["will remove unit app/0", "- will remove machine 0"]
    u = units(svc, model)["app/0"]
    assert u.life == "dying"
    assert machines(svc, model)["0"].life == "alive"
    # a dying leader keeps leadership until it is gone
    assert app_row(svc, model).leader == "app/0"
    # removing again is harmless
    assert units_svc.remove_units(svc, "default", ["app/0"]) == ["will remove unit app/0"]
    with svc.store.write() as tx:
        units_svc.finish_unit_removal(tx, model.uuid, "app/0")
    assert list(units(svc, model)) == ["app/1"]
    assert machines(svc, model)["0"].life == "dying"
    assert app_row(svc, model).leader == "app/1"


def test_allocating_unit_on_provisioned_machine_goes_dying(svc, model, charm_url) -> None:
    deploy(svc, charm_url, n=1)
    give_instance(svc, model, "0")
    units_svc.remove_units(svc, "default", ["app/0"])
    assert units(svc, model)["app/0"].life == "dying"


def test_removing_unit_on_shared_machine_keeps_machine(svc, model, charm_url) -> None:
    deploy(svc, charm_url, n=1)
    units_svc.add_units(svc, "default", "app", 1, ["0"])
    notes = units_svc.remove_units(svc, "default", ["app/1"])
    assert notes == ["will remove unit app/1"]
    assert machines(svc, model)["0"].life == "alive"
    notes = units_svc.remove_units(svc, "default", ["app/0"])
    # machine 0 was made for app/0 and is now empty
    assert notes == ["will remove unit app/0", "- will remove machine 0"]
    assert machines(svc, model)["0"].life == "dying"


def test_machine_not_released_while_another_unit_uses_it(svc, model, charm_url) -> None:
    deploy(svc, charm_url, n=1)
    deploy(svc, charm_url, name="other", n=1, directives=["0"])
    notes = units_svc.remove_units(svc, "default", ["app/0"])
    assert notes == ["will remove unit app/0"]
    assert machines(svc, model)["0"].life == "alive"


def test_remove_units_errors_change_nothing(svc, model, charm_url, snapshot) -> None:
    deploy(svc, charm_url, n=2)
    before = snapshot()
    with pytest.raises(UnitNotFoundError):
        units_svc.remove_units(svc, "default", ["app/0", "app/9"])
    with pytest.raises(InvalidArgumentError):
        units_svc.remove_units(svc, "default", ["app"])
    assert snapshot() == before


def test_ensure_leader_after_leader_removed(svc, model, charm_url) -> None:
    deploy(svc, charm_url, n=3)
    give_instance(svc, model, "1")
    with svc.store.write() as tx:
        tx.update_unit(model.uuid, "app/1", life="dying")
    units_svc.remove_units(svc, "default", ["app/0"])
    # the lowest *alive* unit wins over a lower dying one
    assert app_row(svc, model).leader == "app/2"


def test_ensure_leader_falls_back_to_dying_unit(svc, model, charm_url) -> None:
    deploy(svc, charm_url, n=2)
    give_instance(svc, model, "1")
    set_agent(svc, model, "app/1", "idle")
    units_svc.remove_units(svc, "default", ["app/1"])  # dying
    units_svc.remove_units(svc, "default", ["app/0"])  # allocating: gone
    assert app_row(svc, model).leader == "app/1"
    with svc.store.write() as tx:
        units_svc.finish_unit_removal(tx, model.uuid, "app/1")
    assert app_row(svc, model).leader is None


def test_ensure_leader_keeps_existing_leader(svc, model, charm_url) -> None:
    deploy(svc, charm_url, n=2)
    with svc.store.write() as tx:
        tx.update_application(model.uuid, "app", leader="app/1")
        units_svc.ensure_leader(tx, model.uuid, "app")
    assert app_row(svc, model).leader == "app/1"


def test_remove_application_without_instances_is_immediate(svc, model, charm_url) -> None:
    deploy(svc, charm_url, n=2)
    notes = apps.remove_application(svc, "default", "app")
    assert notes[0] == "will remove application app"
    assert "will remove unit app/0" in notes and "- will remove machine 1" in notes
    assert app_row(svc, model) is None
    assert units(svc, model) == {}
    assert all(m.life == "dying" for m in machines(svc, model).values())


def test_remove_application_waits_for_units(svc, model, charm_url) -> None:
    deploy(svc, charm_url, n=1)
    give_instance(svc, model, "0")
    apps.remove_application(svc, "default", "app")
    assert app_row(svc, model).life == "dying"
    assert units(svc, model)["app/0"].life == "dying"
    with svc.store.write() as tx:
        units_svc.finish_unit_removal(tx, model.uuid, "app/0")
    assert app_row(svc, model) is None
    with pytest.raises(ApplicationNotFoundError):
        apps.remove_application(svc, "default", "app")


# -- config ---------------------------------------------------------------------


def test_set_config_strings_parsed_by_type_and_version_bumped(svc, model, charm_url) -> None:
    deploy(svc, charm_url)
    changed = appconfig.set_config(svc, "default", "app", strings={"port": "8080", "debug": "True",
                                                              "ratio": "1e3"}, values={}, reset=[])
    assert changed is True
    a = app_row(svc, model)
    assert a.config == {"port": 8080, "debug": True, "ratio": 1000.0}
    assert a.config_version == 2


def test_set_config_same_effective_config_no_bump(svc, model, charm_url) -> None:
    deploy(svc, charm_url)
    rev = model_row(svc, model).revision
    # explicitly setting the default value: stored, but the effective config is unchanged
    assert appconfig.set_config(svc, "default", "app", strings={"port": "80"}, values={}, reset=[]) is False
    a = app_row(svc, model)
    assert a.config == {"port": 80} and a.config_version == 1
    assert model_row(svc, model).revision == rev + 1
    # exactly the same again: no write at all
    assert appconfig.set_config(svc, "default", "app", strings={"port": "80"}, values={}, reset=[]) is False
    assert model_row(svc, model).revision == rev + 1
    # resetting to the default it already has: still no bump
    assert appconfig.set_config(svc, "default", "app", strings={}, values={}, reset=["port"]) is False
    assert app_row(svc, model).config == {} and app_row(svc, model).config_version == 1


def test_set_config_reset_bumps_when_effective_changes(svc, model, charm_url) -> None:
    deploy(svc, charm_url, config_strings={"port": "81", "name": "x"})
    assert appconfig.set_config(svc, "default", "app", strings={}, values={}, reset=["port", "name"])
    a = app_row(svc, model)
    assert a.config == {} and a.config_version == 2
    # typed values; None resets
    assert appconfig.set_config(svc, "default", "app", strings={}, values={"ratio": 3}, reset=[])
    assert appconfig.set_config(svc, "default", "app", strings={}, values={"ratio": None}, reset=[])
    a = app_row(svc, model)
    assert a.config == {} and a.config_version == 4


@pytest.mark.parametrize(
    "kw",
    [
        {"strings": {"port": "x"}, "values": {}, "reset": []},
        {"strings": {"nope": "1"}, "values": {}, "reset": []},
        {"strings": {}, "values": {"port": 1.5}, "reset": []},
        {"strings": {}, "values": {}, "reset": ["nope"]},
    ],
)
def test_set_config_errors_change_nothing(svc, model, charm_url, snapshot, kw) -> None:
    deploy(svc, charm_url)
    before = snapshot()
    with pytest.raises(ConfigError):
        appconfig.set_config(svc, "default", "app", **kw)
    assert snapshot() == before


def test_get_config_sources(svc, model, charm_url) -> None:
    deploy(svc, charm_url, config_strings={"port": "80", "ratio": "0.75"})
    doc = appconfig.get_config(svc, "default", "app")
    s = doc["settings"]
    assert doc["application"] == "app" and doc["charm"] == "mini"
    assert s["port"] == {"description": "listen port", "type": "int", "default": 80,
                         "value": 80, "source": "default"}
    assert s["ratio"]["value"] == 0.75 and s["ratio"]["source"] == "user"
    assert s["name"] == {"description": "no default", "type": "string", "source": "unset"}
    assert s["greeting"]["value"] == "hello" and s["greeting"]["source"] == "default"


# -- resolved -------------------------------------------------------------------


def test_resolved_only_for_units_in_error(svc, model, charm_url, snapshot) -> None:
    deploy(svc, charm_url, n=2)
    before = snapshot()
    with pytest.raises(InvalidArgumentError):
        units_svc.resolved(svc, "default", ["app/0"], retry=True)
    with pytest.raises(UnitNotFoundError):
        units_svc.resolved(svc, "default", ["app/7"], retry=True)
    assert snapshot() == before
    set_agent(svc, model, "app/1", "error")
    assert units_svc.units_in_error(svc, "default") == ["app/1"]
    units_svc.resolved(svc, "default", ["app/1"], retry=True)
    u = units(svc, model)["app/1"]
    assert (u.resolved, u.resolved_seq) == ("retry", 1)
    units_svc.resolved(svc, "default", ["app/1"], retry=False)
    u = units(svc, model)["app/1"]
    assert (u.resolved, u.resolved_seq) == ("no-retry", 2)
    # one unit not in error makes the whole call fail, nothing applied
    with pytest.raises(InvalidArgumentError):
        units_svc.resolved(svc, "default", ["app/1", "app/0"], retry=True)
    assert units(svc, model)["app/1"].resolved_seq == 2


def test_show_application(svc, model, charm_bytes) -> None:
    url = charms.add_charm(svc, "default", charm_bytes(metadata={"provides": {"web": {"interface": "http"}}})).url
    deploy(svc, url, constraints="mem=1G")
    with svc.store.read() as tx:
        doc = apps.show_application(tx, model, "app")
    assert doc["charm"] == "mini" and doc["base"] == "debian@12"
    assert doc["principal"] is True and doc["exposed"] is False
    assert doc["endpoint-bindings"] == {"": "alpha", "web": "alpha"}
    assert doc["constraints"] == {"mem": 1024}
    assert machines(svc, model)["0"].constraints == "mem=1G"


def test_get_config_empty_string_default_reports_value(svc, model, charm_bytes) -> None:
    cfg = {"options": {"testoption": {"type": "string", "default": ""},
                       "flag": {"type": "boolean", "default": True}}}
    url = charms.add_charm(svc, "default", charm_bytes(name="cfg", config=cfg)).url
    deploy(svc, url, name="cfg", n=0, config_strings={"flag": "false"})
    s = appconfig.get_config(svc, "default", "cfg")["settings"]
    assert s["testoption"] == {"description": "", "type": "string", "default": "",
                               "value": "", "source": "default"}
    assert s["flag"]["value"] is False and s["flag"]["source"] == "user"


# -- forced removal, trust and base at deploy ------------------------------------


def test_force_removes_units_stuck_in_error_at_once(svc, model, charm_url) -> None:
    deploy(svc, charm_url, n=2)
    for mid in ("0", "1"):
        give_instance(svc, model, mid)
    set_agent(svc, model, "app/0", "error")
    set_agent(svc, model, "app/1", "idle")
    units_svc.remove_units(svc, "default", ["app/0", "app/1"], force=True)
    left = units(svc, model)
    assert "app/0" not in left  # could not run its hooks: gone
    assert left["app/1"].life == "dying"  # healthy: leaves through stop and remove


def test_without_force_a_unit_in_error_waits(svc, model, charm_url) -> None:
    deploy(svc, charm_url, n=1)
    give_instance(svc, model, "0")
    set_agent(svc, model, "app/0", "error")
    units_svc.remove_units(svc, "default", ["app/0"])
    assert units(svc, model)["app/0"].life == "dying"


def test_force_remove_application_with_unit_in_error(svc, model, charm_url) -> None:
    deploy(svc, charm_url, n=1)
    give_instance(svc, model, "0")
    set_agent(svc, model, "app/0", "error")
    apps.remove_application(svc, "default", "app", force=True)
    assert units(svc, model) == {} and app_row(svc, model) is None


def test_deploy_with_trust(svc, model, charm_url) -> None:
    deploy(svc, charm_url, trust=True)
    assert app_row(svc, model).trust is True
    assert appconfig.get_config(svc, "default", "app")["application-config"]["trust"]["value"] is True


def test_deploy_base_must_be_the_hosts_unless_forced(svc, model, charm_url, snapshot) -> None:
    before = snapshot()
    with pytest.raises(InvalidArgumentError, match='base "ubuntu@22.04" is not available.*debian@12'):
        deploy(svc, charm_url, base="ubuntu@22.04")
    with pytest.raises(InvalidArgumentError, match="expected NAME@CHANNEL"):
        deploy(svc, charm_url, base="jammy")
    assert snapshot() == before
    deploy(svc, charm_url, "a1", base="debian@12")
    deploy(svc, charm_url, "a2", base="ubuntu@22.04", force=True)
    assert app_row(svc, model, "a1") is not None and app_row(svc, model, "a2") is not None
