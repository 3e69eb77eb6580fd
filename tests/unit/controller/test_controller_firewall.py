"""Ingress rules: the pure computation, and one pass of the firewaller worker."""

from __future__ import annotations

import asyncio

import pytest

from pyjuju.controller.firewall import UnitPorts, machine_ingress
from pyjuju.controller.services import applications as apps
from pyjuju.controller.services import charms
from pyjuju.controller.services import expose as expose_svc
from pyjuju.controller.workers.firewaller import Firewaller
from pyjuju.core.errors import ProviderError
from pyjuju.providers.base import IngressRule

EVERYWHERE = {"expose-to-cidrs": ["0.0.0.0/0", "::/0"], "expose-to-spaces": []}
SPACES = {"alpha": ("10.1.0.0/24",)}


def rule(rng: str, *cidrs: str) -> IngressRule:
    ports, _, proto = rng.partition("/")
    lo, _, hi = ports.partition("-")
    if rng == "icmp":
        return IngressRule(protocol="icmp", source_cidrs=tuple(cidrs))
    return IngressRule(protocol=proto, from_port=int(lo), to_port=int(hi or lo), source_cidrs=tuple(cidrs))


def up(machine: str, app: str, *opened: tuple[str, tuple[str, ...] | None]) -> UnitPorts:
    return UnitPorts(machine_id=machine, application=app, opened=tuple(opened))


def test_unexposed_applications_open_nothing() -> None:
    units = [up("0", "web", ("80/tcp", None))]
    assert machine_ingress(units, {}, SPACES) == {}
    assert machine_ingress(units, {"web": {}}, SPACES) == {}


def test_all_endpoints_exposure_covers_every_opened_range() -> None:
    units = [up("0", "web", ("80/tcp", None), ("8443/tcp", ("admin",)), ("icmp", None)),
             up("1", "web", ("80/tcp", None)), up("1", "db", ("5432/tcp", None))]
    got = machine_ingress(units, {"web": {"": EVERYWHERE}}, SPACES)
    assert got == {
        "0": (rule("icmp", "0.0.0.0/0", "::/0"), rule("80/tcp", "0.0.0.0/0", "::/0"),
              rule("8443/tcp", "0.0.0.0/0", "::/0")),
        "1": (rule("80/tcp", "0.0.0.0/0", "::/0"),),  # db is not exposed
    }


def test_endpoint_exposure_covers_its_ranges_and_ranges_open_for_all() -> None:
    units = [up("0", "web", ("80/tcp", None), ("8080/tcp", ("website",)), ("8443/tcp", ("admin",)))]
    exposure = {"web": {"website": {"expose-to-cidrs": ["192.168.0.0/16"]}}}
    assert machine_ingress(units, exposure, SPACES) == {
        "0": (rule("80/tcp", "192.168.0.0/16"), rule("8080/tcp", "192.168.0.0/16")),
    }


def test_sources_of_overlapping_exposures_are_united_and_spaces_resolved() -> None:
    units = [up("3", "web", ("80/tcp", ("website",)), ("1000-2000/udp", ("admin",)))]
    exposure = {"web": {
        "": {"expose-to-cidrs": ["10.0.0.0/8"]},
        "website": {"expose-to-cidrs": ["192.168.1.0/24"], "expose-to-spaces": ["alpha"]},
        "admin": {"expose-to-spaces": ["alpha"]},
    }}
    assert machine_ingress(units, exposure, SPACES) == {
        "3": (rule("80/tcp", "10.0.0.0/8", "10.1.0.0/24", "192.168.1.0/24"),
              rule("1000-2000/udp", "10.0.0.0/8", "10.1.0.0/24")),
    }


def test_two_units_on_one_machine_share_its_rules() -> None:
    units = [up("0", "web", ("80/tcp", None)), up("0", "api", ("80/tcp", None), ("81/tcp", None))]
    exposure = {"web": {"": {"expose-to-cidrs": ["10.0.0.0/8"]}}, "api": {"": {"expose-to-cidrs": ["::/0"]}}}
    assert machine_ingress(units, exposure, SPACES) == {
        "0": (rule("80/tcp", "10.0.0.0/8", "::/0"), rule("81/tcp", "::/0")),
    }


# -- the worker --------------------------------------------------------------------


class FakeProvider:
    name = "fake"

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[IngressRule, ...]]] = []
        self.fail = False

    def network_cidrs(self) -> tuple[str, ...]:
        return ("10.9.0.0/24",)

    def set_ingress_rules(self, instance_id: str, rules: tuple[IngressRule, ...]) -> None:
        if self.fail:
            raise ProviderError("firewall unavailable")
        self.calls.append((instance_id, rules))


@pytest.fixture
def web(svc, model, charm_bytes):
    url = charms.add_charm(svc, "default", charm_bytes(metadata={"provides": {"website": {"interface": "http"}}})).url
    apps.deploy(svc, "default", application="web", charm_url=url, num_units=2, config={},
                config_strings={}, directives=[])
    with svc.store.write() as tx:
        tx.update_machine(model.uuid, "0", instance_id="inst-0")
        tx.update_unit(model.uuid, "web/0", opened_ports=[{"range": "80/tcp", "endpoints": None}])
    return model


def test_firewaller_applies_changes_only(svc, web) -> None:
    provider = FakeProvider()
    fw = Firewaller(svc, provider)  # type: ignore[arg-type]
    asyncio.run(fw.reconcile())
    assert provider.calls == [("inst-0", ())]  # machine 1 has no instance yet
    asyncio.run(fw.reconcile())
    assert len(provider.calls) == 1  # nothing changed, nothing sent

    expose_svc.expose(svc, "default", "web", cidrs=["10.0.0.0/8"], spaces=["alpha"])
    asyncio.run(fw.reconcile())
    assert provider.calls[-1] == ("inst-0", (rule("80/tcp", "10.0.0.0/8", "10.9.0.0/24"),))

    with svc.store.write() as tx:
        tx.update_machine(web.uuid, "1", instance_id="inst-1")
    asyncio.run(fw.reconcile())
    assert provider.calls[-1] == ("inst-1", ())

    expose_svc.unexpose(svc, "default", "web")
    asyncio.run(fw.reconcile())
    assert provider.calls[-1] == ("inst-0", ())
    assert fw.applied == {"inst-0": (), "inst-1": ()}


def test_firewaller_retries_what_the_provider_refused(svc, web) -> None:
    provider = FakeProvider()
    fw = Firewaller(svc, provider)  # type: ignore[arg-type]
    expose_svc.expose(svc, "default", "web")
    provider.fail = True
    asyncio.run(fw.reconcile())
    assert fw.applied == {}
    provider.fail = False
    asyncio.run(fw.reconcile())
    assert provider.calls == [("inst-0", (rule("80/tcp", "0.0.0.0/0", "::/0"),))]


def test_firewaller_forgets_removed_machines(svc, web) -> None:
    provider = FakeProvider()
    fw = Firewaller(svc, provider)  # type: ignore[arg-type]
    asyncio.run(fw.reconcile())
    with svc.store.write() as tx:
        tx.update_machine(web.uuid, "0", life="dying")
    asyncio.run(fw.reconcile())
    assert fw.applied == {}


def test_firewaller_looks_only_at_models_that_changed(svc, web) -> None:
    provider = FakeProvider()
    fw = Firewaller(svc, provider)  # type: ignore[arg-type]
    asyncio.run(fw.reconcile(set()))
    assert provider.calls == []
    asyncio.run(fw.reconcile({web.uuid}))
    assert provider.calls == [("inst-0", ())]
    with svc.store.write() as tx:
        tx.update_machine(web.uuid, "0", life="dying")
    asyncio.run(fw.reconcile({"some-other-model"}))
    assert fw.applied == {"inst-0": ()}  # not looked at: still known
    asyncio.run(fw.reconcile({web.uuid}))
    assert fw.applied == {}


def test_firewaller_wakes_on_changes_through_the_hub(svc, web) -> None:
    provider = FakeProvider()

    async def scenario() -> None:
        fw = Firewaller(svc, provider)  # type: ignore[arg-type]
        task = asyncio.create_task(fw.run())
        try:
            for _ in range(100):
                await asyncio.sleep(0.01)
                if provider.calls:
                    break
            expose_svc.expose(svc, "default", "web")
            for _ in range(100):
                await asyncio.sleep(0.01)
                if len(provider.calls) > 1:
                    break
        finally:
            task.cancel()

    asyncio.run(scenario())
    assert provider.calls == [("inst-0", ()), ("inst-0", (rule("80/tcp", "0.0.0.0/0", "::/0"),))]
