"""The status document built from one snapshot."""

from __future__ import annotations

from typing import Any

import pytest

from pyjuju.controller.services import applications as apps
from pyjuju.controller.services import charms, status
from pyjuju.core.version import JUJU_VERSION


@pytest.fixture
def url(svc, model, charm_bytes) -> str:
    md = {"provides": {"website": {"interface": "http"}}}
    return charms.add_charm(svc, "default", charm_bytes(metadata=md, files={"version": "abc\n"})).url


def deploy(svc, url: str, name: str, n: int) -> None:
    apps.deploy(svc, "default", application=name, charm_url=url, num_units=n, config={},
                config_strings={}, directives=[])


def set_unit(svc, model, name: str, **fields: Any) -> None:
    with svc.store.write() as tx:
        tx.update_unit(model.uuid, name, **fields)


def doc(svc, model) -> dict[str, Any]:
    with svc.store.read() as tx:
        m = tx.model(model.uuid)
        return status.build_status(svc, tx, m)


def test_empty_model_document(svc, model) -> None:
    d = doc(svc, model)
    assert list(d) == ["model", "machines", "applications", "storage"]
    assert d["machines"] == {} and d["applications"] == {} and d["storage"] == {}
    md = d["model"]
    assert md["name"] == "default" and md["controller"] == "ctl"
    assert (md["type"], md["cloud"], md["region"]) == ("iaas", "local", "localhost")
    assert md["version"] == JUJU_VERSION and md["sla"] == "unsupported"
    assert md["model-status"]["current"] == "available" and "since" in md["model-status"]


def test_machine_and_unit_documents(svc, model, url) -> None:
    deploy(svc, url, "app", 2)
    d = doc(svc, model)
    m0 = d["machines"]["0"]
    assert m0["instance-id"] == "pending"
    assert m0["juju-status"]["current"] == "pending" and m0["juju-status"]["version"] == JUJU_VERSION
    assert m0["base"] == {"name": "debian", "channel": "12"}
    assert m0["hardware"].startswith("arch=amd64")
    assert "dns-name" not in m0 and "life" not in m0
    a = d["applications"]["app"]
    assert a["charm"] == "local:mini-0" and a["charm-name"] == "mini" and a["charm-rev"] == 0
    assert a["charm-origin"] == "local" and a["charm-version"] == "abc"
    assert a["base"] == {"name": "debian", "channel": "12"}
    assert a["exposed"] is False
    assert a["endpoint-bindings"] == {"": "alpha", "website": "alpha"}
    u0, u1 = a["units"]["app/0"], a["units"]["app/1"]
    assert u0["leader"] is True and "leader" not in u1
    assert u0["machine"] == "0" and u1["machine"] == "1"
    assert u0["juju-status"]["current"] == "allocating"
    assert "open-ports" not in u0 and "public-address" not in u0


def test_provisioned_machine_addresses_and_ports(svc, model, url) -> None:
    deploy(svc, url, "app", 1)
    with svc.store.write() as tx:
        tx.update_machine(model.uuid, "0", instance_id="i-0", hostname="h0",
                          addresses=["10.0.0.2", "10.0.0.3"])
    set_unit(svc, model, "app/0", opened_ports=[{"range": "80/tcp", "endpoints": None},
                                                {"range": "icmp", "endpoints": None}],
             workload_version="2.1")
    d = doc(svc, model)
    m0 = d["machines"]["0"]
    assert m0["instance-id"] == "i-0" and m0["hostname"] == "h0"
    assert m0["dns-name"] == "10.0.0.2" and m0["ip-addresses"] == ["10.0.0.2", "10.0.0.3"]
    u = d["applications"]["app"]["units"]["app/0"]
    assert u["open-ports"] == ["80/tcp", "icmp"]
    assert u["public-address"] == "10.0.0.2"
    assert d["applications"]["app"]["version"] == "2.1"


def test_unit_in_error_shows_workload_error_and_agent_idle(svc, model, url) -> None:
    deploy(svc, url, "app", 1)
    set_unit(svc, model, "app/0",
             agent_status={"current": "error", "message": 'hook failed: "install"',
                           "data": {"hook": "install"}, "since": "2024-01-01T00:00:00+00:00"},
             workload_status={"current": "maintenance", "message": "installing", "since": "x"})
    d = doc(svc, model)
    u = d["applications"]["app"]["units"]["app/0"]
    assert u["workload-status"] == {"current": "error", "message": 'hook failed: "install"',
                                    "since": "2024-01-01T00:00:00+00:00"}
    assert u["juju-status"]["current"] == "idle"
    assert "message" not in u["juju-status"]
    assert d["applications"]["app"]["application-status"]["current"] == "error"
    assert d["applications"]["app"]["application-status"]["message"] == 'hook failed: "install"'


@pytest.mark.parametrize(
    "statuses, expected",
    [
        (["active", "active"], "active"),
        (["active", "waiting"], "waiting"),
        (["waiting", "maintenance"], "maintenance"),
        (["maintenance", "blocked", "active"], "blocked"),
        (["blocked", "error"], "error"),
        (["unknown", "active"], "active"),
        (["terminated", "unknown"], "terminated"),
    ],
)
def test_derived_application_status_by_severity(svc, model, url, statuses, expected) -> None:
    deploy(svc, url, "app", len(statuses))
    for i, s in enumerate(statuses):
        set_unit(svc, model, f"app/{i}",
                 workload_status={"current": s, "message": f"m{i}", "since": f"s{i}"})
    st = doc(svc, model)["applications"]["app"]["application-status"]
    assert st["current"] == expected
    first = statuses.index(expected)
    assert st["message"] == f"m{first}" and st["since"] == f"s{first}"


def test_application_status_set_by_leader_wins(svc, model, url) -> None:
    deploy(svc, url, "app", 1)
    with svc.store.write() as tx:
        tx.update_application(model.uuid, "app", status={"current": "active", "message": "all good"})
    st = doc(svc, model)["applications"]["app"]["application-status"]
    assert st == {"current": "active", "message": "all good"}


def test_application_without_units_is_unknown(svc, model, url) -> None:
    deploy(svc, url, "app", 0)
    a = doc(svc, model)["applications"]["app"]
    assert a["application-status"]["current"] == "unknown"
    assert "units" not in a and "base" not in a


def test_applications_in_natural_order_and_dying_life(svc, model, url) -> None:
    for name in ("app10", "app2", "app1"):
        deploy(svc, url, name, 1)
    with svc.store.write() as tx:
        tx.update_machine(model.uuid, "0", instance_id="i-0", life="dying")
        tx.update_unit(model.uuid, "app10/0", life="dying")
    d = doc(svc, model)
    assert list(d["applications"]) == ["app1", "app2", "app10"]
    assert d["applications"]["app10"]["units"]["app10/0"]["life"] == "dying"
    assert d["machines"]["0"]["life"] == "dying"
    assert list(d["machines"]) == ["0", "1", "2"]


def test_show_unit(svc, model, url) -> None:
    deploy(svc, url, "app", 2)
    set_unit(svc, model, "app/1", opened_ports=[{"range": "443/tcp", "endpoints": None}])
    with svc.store.read() as tx:
        u = tx.unit(model.uuid, "app/1")
        out = status.show_unit(tx, model, u)
    assert out["opened-ports"] == ["443/tcp"] and out["leader"] is False
    assert out["charm"] == "local:mini-0" and out["machine"] == "1" and out["life"] == "alive"
