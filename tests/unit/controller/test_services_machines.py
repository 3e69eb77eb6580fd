"""Machines, constraints and exposure through the services, against a real store.

The fake host (conftest) is a 2-core amd64 machine with 2048M of memory."""

from __future__ import annotations

from typing import Any

import pytest

from pyjuju.controller.services import applications as apps
from pyjuju.controller.services import charms
from pyjuju.controller.services import constraints as cons_svc
from pyjuju.controller.services import expose as expose_svc
from pyjuju.controller.services import machines as msvc
from pyjuju.controller.services import units as units_svc
from pyjuju.controller.services.status import build_status
from pyjuju.core.errors import (
    ApplicationNotFoundError,
    ConflictError,
    ConstraintsNotMetError,
    InvalidArgumentError,
    MachineNotFoundError,
    NotFoundError,
    NotSupportedError,
)

WEB = {"provides": {"website": {"interface": "http"}, "admin": {"interface": "http"}},
       "requires": {"db": {"interface": "pgsql"}}}


@pytest.fixture
def url(svc, model, charm_bytes) -> str:
    return charms.add_charm(svc, "default", charm_bytes(metadata=WEB)).url


def deploy(svc, url: str, name: str = "web", n: int = 1, **kw: Any):
    args: dict[str, Any] = dict(config={}, config_strings={}, directives=[])
    args.update(kw)
    return apps.deploy(svc, "default", application=name, charm_url=url, num_units=n, **args)


def machines(svc, model) -> dict[str, Any]:
    with svc.store.read() as tx:
        return {m.id: m for m in tx.machines(model.uuid)}


def units(svc, model) -> dict[str, Any]:
    with svc.store.read() as tx:
        return {u.name: u for u in tx.units(model.uuid)}


def status(svc, model) -> dict[str, Any]:
    with svc.store.read() as tx:
        return build_status(svc, tx, tx.model(model.uuid))


# -- constraints -------------------------------------------------------------------


def test_add_machines_with_constraints_over_the_models(svc, model) -> None:
    cons_svc.set_model_constraints(svc, "default", "mem=1G arch=amd64")
    assert msvc.add_machines(svc, "default", 2, "cores=2", None) == ["0", "1"]
    ms = machines(svc, model)
    assert ms["0"].constraints == "mem=1G arch=amd64 cores=2" and ms["1"].created_for == ""
    assert status(svc, model)["machines"]["0"]["constraints"] == "mem=1G arch=amd64 cores=2"
    assert status(svc, model)["machines"]["0"]["hardware"].startswith("arch=amd64 cores=2")


def test_unmeetable_constraints_change_nothing(svc, model, url, snapshot) -> None:
    msvc.add_machines(svc, "default", 1, "", None)
    before = snapshot()
    with pytest.raises(ConstraintsNotMetError, match='"cores=9999": this host has 2 cores'):
        msvc.add_machines(svc, "default", 1, "cores=9999", None)
    with pytest.raises(ConstraintsNotMetError, match='"mem=64G"'):
        deploy(svc, url, constraints="mem=64G")
    with pytest.raises(ConstraintsNotMetError, match="local machines have no tags"):
        deploy(svc, url, constraints="tags=gpu", n=2, directives=["0"])  # the second unit needs a new machine
    assert snapshot() == before


def test_model_constraints_apply_to_machines_made_for_units(svc, model, url) -> None:
    cons_svc.set_model_constraints(svc, "default", "cores=4")
    with pytest.raises(ConstraintsNotMetError, match='"cores=4"'):
        deploy(svc, url)
    deploy(svc, url, constraints="cores=1 mem=512M")  # the application's override the model's
    assert machines(svc, model)["0"].constraints == "cores=1 mem=512M"


def test_existing_machines_are_not_checked(svc, model, url) -> None:
    msvc.add_machines(svc, "default", 1, "", None)
    deploy(svc, url, constraints="cores=64", directives=["0"])  # as Juju: --to takes the machine as it is
    assert units(svc, model)["web/0"].machine_id == "0"
    with pytest.raises(ConstraintsNotMetError):
        units_svc.add_units(svc, "default", "web", 1, [])


def test_application_constraints_replace_and_reset(svc, model, url) -> None:
    deploy(svc, url, n=0, constraints="mem=1G")
    assert cons_svc.application_constraints(svc, "default", "web") == {"mem": 1024}
    cons_svc.set_application_constraints(svc, "default", "web", "cores=2 arch=amd64")
    assert cons_svc.application_constraints(svc, "default", "web") == {"cores": 2, "arch": "amd64"}
    cons_svc.set_application_constraints(svc, "default", "web", "cores= arch=amd64")
    assert cons_svc.application_constraints(svc, "default", "web") == {"arch": "amd64"}
    units_svc.add_units(svc, "default", "web", 1, [])
    assert machines(svc, model)["0"].constraints == "arch=amd64"
    with svc.store.read() as tx:
        assert apps.show_application(tx, model, "web")["constraints"] == {"arch": "amd64"}
    cons_svc.set_application_constraints(svc, "default", "web", "")
    assert cons_svc.application_constraints(svc, "default", "web") == {}
    with pytest.raises(ApplicationNotFoundError):
        cons_svc.set_application_constraints(svc, "default", "nope", "cores=1")
    with pytest.raises(InvalidArgumentError, match="unknown constraint"):
        cons_svc.set_application_constraints(svc, "default", "web", "bogus=1")


def test_check_constraints_is_read_only(svc, model, snapshot) -> None:
    cons_svc.set_model_constraints(svc, "default", "mem=1G")
    before = snapshot()
    assert cons_svc.check_constraints(svc, "default", "cores=2") == {"mem": 1024, "cores": 2}
    with pytest.raises(ConstraintsNotMetError) as ei:
        cons_svc.check_constraints(svc, "default", "cores=3 arch=arm64")
    assert ei.value.details["constraints"] == ["cores", "arch"]
    assert snapshot() == before


# -- placement ------------------------------------------------------------------


def test_placement_by_machine_new_list_and_colocation(svc, model, url, charm_bytes) -> None:
    msvc.add_machines(svc, "default", 2, "", None)
    deploy(svc, url, n=3, directives=["1", "new"])  # shorter list: the rest go to new machines
    assert {u: r.machine_id for u, r in units(svc, model).items()} == {"web/0": "1", "web/1": "2", "web/2": "3"}
    db = charms.add_charm(svc, "default", charm_bytes(name="db")).url
    deploy(svc, db, "db", n=2, directives=["web/2", "0"])
    us = units(svc, model)
    assert us["db/0"].machine_id == "3" and us["db/1"].machine_id == "0"
    assert units_svc.add_units(svc, "default", "db", 1, ["web/0"]) == ["db/2"]
    assert units(svc, model)["db/2"].machine_id == "1"
    with pytest.raises(InvalidArgumentError, match="only possible in a bundle"):
        units_svc.add_units(svc, "default", "db", 1, ["web"])


# -- remove-machine ----------------------------------------------------------------


def test_remove_machine_refused_while_units_are_on_it(svc, model, url, snapshot) -> None:
    msvc.add_machines(svc, "default", 1, "", None)
    deploy(svc, url, n=2, directives=["0", "0"])
    before = snapshot()
    with pytest.raises(ConflictError) as ei:
        msvc.remove_machines(svc, "default", ["0"])
    assert "machine 0" in ei.value.message and "web/0, web/1" in ei.value.message
    assert "--force" in ei.value.message
    assert snapshot() == before


def test_remove_machines_checks_every_id_first(svc, model, snapshot) -> None:
    msvc.add_machines(svc, "default", 1, "", None)
    before = snapshot()
    with pytest.raises(MachineNotFoundError, match="machine 7 not found"):
        msvc.remove_machines(svc, "default", ["0", "7"])
    with pytest.raises(InvalidArgumentError, match='invalid machine id "x"'):
        msvc.remove_machines(svc, "default", ["0", "x"])
    assert snapshot() == before


def test_remove_empty_machine_and_dry_run(svc, model, snapshot) -> None:
    msvc.add_machines(svc, "default", 2, "", None)
    before = snapshot()
    assert msvc.remove_machines(svc, "default", ["1"], dry_run=True) == ["will remove machine 1"]
    assert snapshot() == before
    assert msvc.remove_machines(svc, "default", ["1", "1"]) == ["will remove machine 1"]
    ms = machines(svc, model)
    assert ms["1"].life == "dying" and ms["0"].life == "alive"
    assert status(svc, model)["machines"]["1"]["life"] == "dying"
    assert msvc.remove_machines(svc, "default", ["1"]) == ["will remove machine 1"]  # again: no error


def test_remove_machine_with_force_removes_its_units(svc, model, url, charm_bytes, snapshot) -> None:
    msvc.add_machines(svc, "default", 1, "", None)
    deploy(svc, url, n=2, directives=["0"])
    db = charms.add_charm(svc, "default", charm_bytes(name="db")).url
    deploy(svc, db, "db", directives=["0"])
    with svc.store.write() as tx:
        for mid in ("0", "1"):
            tx.update_machine(model.uuid, mid, instance_id=f"inst-{mid}")
        for u in ("web/0", "web/1", "db/0"):
            tx.update_unit(model.uuid, u, agent_status={"current": "idle", "since": "x"})
    before = snapshot()
    notes = msvc.remove_machines(svc, "default", ["0"], force=True, dry_run=True)
    assert notes == ["will remove machine 0", "- will remove unit db/0", "- will remove unit web/0"]
    assert snapshot() == before
    msvc.remove_machines(svc, "default", ["0"], force=True)
    assert set(units(svc, model)) == {"web/1"}
    assert machines(svc, model)["0"].life == "dying" and machines(svc, model)["1"].life == "alive"
    with svc.store.read() as tx:
        assert tx.application(model.uuid, "db") is not None  # an application without units stays
        assert tx.application(model.uuid, "web").leader == "web/1"


def test_add_machine_targets_are_refused(svc, model) -> None:
    with pytest.raises(NotSupportedError, match="containers are not supported"):
        msvc.add_machines(svc, "default", 1, "", "lxd:0")
    with pytest.raises(NotSupportedError, match="availability zones"):
        msvc.add_machines(svc, "default", 1, "", "zone=a")
    with pytest.raises(NotSupportedError, match="ssh:"):
        msvc.add_machines(svc, "default", 1, "", "ssh:me@host")
    assert machines(svc, model) == {}


# -- expose ------------------------------------------------------------------------


def app(svc, model, name: str = "web"):
    with svc.store.read() as tx:
        return tx.application(model.uuid, name)


def test_expose_all_endpoints_to_everywhere(svc, model, url) -> None:
    deploy(svc, url, n=0)
    assert expose_svc.expose(svc, "default", "web") == {
        "": {"expose-to-cidrs": ["0.0.0.0/0", "::/0"], "expose-to-spaces": []}}
    row = app(svc, model)
    assert row.exposed is True and set(row.exposed_endpoints) == {""}
    doc = status(svc, model)["applications"]["web"]
    assert doc["exposed"] is True
    assert doc["exposed-endpoints"] == {"": {"expose-to-cidrs": ["0.0.0.0/0", "::/0"]}}
    assert list(doc).index("exposed-endpoints") == list(doc).index("exposed") + 1
    with svc.store.read() as tx:
        shown = apps.show_application(tx, model, "web")
    assert shown["exposed"] is True and shown["exposed-endpoints"] == doc["exposed-endpoints"]
    expose_svc.unexpose(svc, "default", "web")
    row = app(svc, model)
    assert row.exposed is False and row.exposed_endpoints == {}
    assert "exposed-endpoints" not in status(svc, model)["applications"]["web"]


def test_expose_endpoints_merge_and_unexpose_some(svc, model, url) -> None:
    deploy(svc, url, n=0)
    expose_svc.expose(svc, "default", "web", endpoints=["website", "admin"], cidrs=["10.0.0.0/8"])
    expose_svc.expose(svc, "default", "web", endpoints=["admin"], spaces=["alpha"])
    assert app(svc, model).exposed_endpoints == {
        "website": {"expose-to-cidrs": ["10.0.0.0/8"], "expose-to-spaces": []},
        "admin": {"expose-to-cidrs": [], "expose-to-spaces": ["alpha"]},
    }
    expose_svc.unexpose(svc, "default", "web", endpoints=["website"])
    assert set(app(svc, model).exposed_endpoints) == {"admin"} and app(svc, model).exposed
    with pytest.raises(InvalidArgumentError, match='endpoint "website" of application "web" is not exposed'):
        expose_svc.unexpose(svc, "default", "web", endpoints=["website"])
    expose_svc.unexpose(svc, "default", "web", endpoints=["admin"])
    assert app(svc, model).exposed is False


@pytest.mark.parametrize(
    "kw, error, message",
    [
        ({"endpoints": ["nope"]}, InvalidArgumentError, 'application "web" has no endpoint "nope"'),
        ({"spaces": ["beta"]}, NotFoundError, 'space "beta" not found'),
        ({"cidrs": ["10.0.0.0/33"]}, InvalidArgumentError, 'invalid CIDR "10.0.0.0/33"'),
    ],
)
def test_expose_refusals_change_nothing(svc, model, url, snapshot, kw, error, message) -> None:
    deploy(svc, url, n=0)
    before = snapshot()
    with pytest.raises(error, match=message):
        expose_svc.expose(svc, "default", "web", **kw)
    assert snapshot() == before


def test_expose_implicit_endpoint_and_unknown_application(svc, model, url) -> None:
    deploy(svc, url, n=0)
    expose_svc.expose(svc, "default", "web", endpoints=["juju-info"])
    assert set(app(svc, model).exposed_endpoints) == {"juju-info"}
    with pytest.raises(ApplicationNotFoundError):
        expose_svc.expose(svc, "default", "nope")
