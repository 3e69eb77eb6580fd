"""Workers: one reconcile pass of the provisioner and of cleanup, with a fake provider."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from pyjuju.controller.services import applications as apps
from pyjuju.controller.services import charms, models
from pyjuju.controller.services import units as units_svc
from pyjuju.controller.services.base import hash_token
from pyjuju.controller.workers.cleanup import Cleanup
from pyjuju.controller.workers.provisioner import Provisioner
from pyjuju.core.errors import ProviderError
from pyjuju.providers.base import Instance, InstanceSpec


class FakeProvider:
    name = "fake"

    def __init__(self) -> None:
        self.started: list[InstanceSpec] = []
        self.stopped: list[str] = []
        self.ensured: list[str] = []
        self.fail_start = False
        self.restart = False

    def agent_api_host(self) -> str:
        return "10.9.0.1"

    def start_instance(self, spec: InstanceSpec) -> Instance:
        if self.fail_start:
            raise ProviderError("no room at the inn")
        self.started.append(spec)
        iid = f"inst-{spec.machine_id}"
        return Instance(instance_id=iid, hostname=iid, addresses=(f"10.9.0.{10 + int(spec.machine_id)}",))

    def stop_instance(self, instance_id: str) -> None:
        self.stopped.append(instance_id)

    def ensure_running(self, instance_id: str) -> bool:
        self.ensured.append(instance_id)
        return self.restart


@pytest.fixture
def deployed(svc, model, charm_bytes):
    url = charms.add_charm(svc, "default", charm_bytes()).url
    apps.deploy(svc, "default", application="app", charm_url=url, num_units=2, config={},
                config_strings={}, directives=[])
    return model


def machines(svc, model) -> dict[str, Any]:
    with svc.store.read() as tx:
        return {m.id: m for m in tx.machines(model.uuid)}


def test_provisioner_starts_pending_machines(svc, deployed) -> None:
    p = FakeProvider()
    prov = Provisioner(svc, p, api_port=17070)  # type: ignore[arg-type]
    asyncio.run(prov.reconcile())
    assert sorted(s.machine_id for s in p.started) == ["0", "1"]
    spec = next(s for s in p.started if s.machine_id == "0")
    cfg = spec.agent_config
    assert cfg["api"] == ["http://10.9.0.1:17070"]
    assert cfg["model_uuid"] == deployed.uuid and cfg["model_name"] == "default"
    assert cfg["controller_uuid"] == svc.controller_uuid and cfg["machine_id"] == "0"
    with svc.store.read() as tx:
        cred = tx.credential(hash_token(cfg["token"]))
    assert cred is not None and (cred.kind, cred.entity, cred.model_uuid) == ("machine", "0", deployed.uuid)
    m0 = machines(svc, deployed)["0"]
    assert m0.instance_id == "inst-0" and m0.hostname == "inst-0" and m0.addresses == ["10.9.0.10"]
    assert m0.machine_status["current"] == "running"
    # second pass: nothing new to start, running machines are supervised
    asyncio.run(prov.reconcile())
    assert len(p.started) == 2
    assert sorted(p.ensured) == ["inst-0", "inst-1"]


def test_provisioner_records_provider_errors(svc, deployed) -> None:
    p = FakeProvider()
    p.fail_start = True
    asyncio.run(Provisioner(svc, p, api_port=1).reconcile())  # type: ignore[arg-type]
    m0 = machines(svc, deployed)["0"]
    assert m0.instance_id == ""
    assert m0.machine_status["current"] == "provisioning error"
    assert m0.machine_status["message"] == "no room at the inn"


def test_provisioner_stops_and_removes_dying_machines(svc, deployed) -> None:
    p = FakeProvider()
    prov = Provisioner(svc, p, api_port=1)  # type: ignore[arg-type]
    asyncio.run(prov.reconcile())
    token = next(s for s in p.started if s.machine_id == "1").agent_config["token"]
    with svc.store.write() as tx:
        units_svc.finish_unit_removal(tx, deployed.uuid, "app/1")  # machine 1 becomes dying
    assert machines(svc, deployed)["1"].life == "dying"
    asyncio.run(prov.reconcile())
    assert p.stopped == ["inst-1"]
    assert list(machines(svc, deployed)) == ["0"]
    with svc.store.read() as tx:
        assert tx.credential(hash_token(token)) is None


def test_provisioner_dying_machine_without_instance_is_just_removed(svc, deployed) -> None:
    units_svc.remove_units(svc, "default", ["app/0"])  # allocating, never provisioned
    p = FakeProvider()
    asyncio.run(Provisioner(svc, p, api_port=1).reconcile())  # type: ignore[arg-type]
    assert p.stopped == []
    assert list(machines(svc, deployed)) == ["1"]


def test_cleanup_removes_an_empty_dying_model(svc, model) -> None:
    other = models.add_model(svc, "other")
    with svc.store.write() as tx:
        models.mark_model_dying(tx, model)
    Cleanup(svc).once()
    with svc.store.read() as tx:
        assert tx.model(model.uuid) is None
        assert tx.model(other.uuid) is not None


def test_cleanup_waits_for_units_then_machines(svc, deployed) -> None:
    with svc.store.write() as tx:
        tx.update_machine(deployed.uuid, "0", instance_id="i-0")
        tx.update_machine(deployed.uuid, "1", instance_id="i-1")
        models.mark_model_dying(tx, deployed)
    Cleanup(svc).once()
    assert all(m.life == "alive" for m in machines(svc, deployed).values())  # units remain
    with svc.store.write() as tx:
        for u in ("app/0", "app/1"):
            units_svc.finish_unit_removal(tx, deployed.uuid, u)
    with svc.store.write() as tx:
        tx.update_machine(deployed.uuid, "1", life="alive")
    Cleanup(svc).once()
    assert all(m.life == "dying" for m in machines(svc, deployed).values())
    with svc.store.read() as tx:
        assert tx.model(deployed.uuid) is not None  # machines still to be removed


def test_cleanup_force_drops_units(svc, deployed) -> None:
    with svc.store.write() as tx:
        tx.update_model(deployed.uuid, life="dying",
                        status={"current": "destroying", "since": "x", "force": True})
    Cleanup(svc).once()
    with svc.store.read() as tx:
        assert tx.units(deployed.uuid) == []
        assert all(m.life == "dying" for m in tx.machines(deployed.uuid))
