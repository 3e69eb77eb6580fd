"""What a local machine can be: constraints checked against (injected) host facts,
and the firewall rules the local provider records."""

from __future__ import annotations

import json
import uuid

import pytest

from pyjuju.core.constraints import Constraints
from pyjuju.core.errors import ConstraintsNotMetError, ProviderError
from pyjuju.providers.base import IngressRule
from pyjuju.providers.local import LocalProvider
from pyjuju.providers.local.hostcheck import HostFacts, check, juju_arch, read_host_facts

HOST = HostFacts(cores=2, mem_mib=4096, disk_free_mib=20480, arch="amd64")


@pytest.mark.parametrize(
    "text",
    ["", "cores=2", "mem=4G", "root-disk=20G", "arch=amd64", "tags=", "spaces=alpha", "zones=",
     "virt-type=container", "allocate-public-ip=false", "cores=1 mem=1G root-disk=1G arch=amd64"],
)
def test_constraints_a_local_machine_meets(text: str) -> None:
    check(Constraints.parse(text), HOST)


@pytest.mark.parametrize(
    "text, message",
    [
        ("cores=64", 'cannot satisfy constraint "cores=64": this host has 2 cores'),
        ("mem=5G", 'cannot satisfy constraint "mem=5G": this host has 4096M of memory'),
        ("root-disk=1T", 'cannot satisfy constraint "root-disk=1T": this host has 20480M of free disk'),
        ("arch=arm64", 'cannot satisfy constraint "arch=arm64": this host is amd64'),
        ("tags=gpu", 'cannot satisfy constraint "tags=gpu": local machines have no tags'),
        ("container=lxd", "containers are not supported by the local provider"),
        ("zones=az1", "the local provider has no availability zones"),
        ("instance-type=m5.large", "the local provider has no instance types"),
        ("spaces=db", 'space "db" not found (spaces: alpha)'),
        ("spaces=^alpha", 'local machines are always in space "alpha"'),
        ("virt-type=kvm", 'local machines are of virt-type "container"'),
        ("allocate-public-ip=true", "local machines have no public addresses"),
        ("image-id=ami-1", '"image-id" is not supported by the local provider'),
    ],
)
def test_constraints_a_local_machine_cannot_meet(text: str, message: str) -> None:
    with pytest.raises(ConstraintsNotMetError) as ei:
        check(Constraints.parse(text), HOST)
    assert message in ei.value.message
    assert ei.value.details["constraints"] == [text.split("=")[0]]
    assert isinstance(ei.value, ProviderError) and ei.value.code == "constraints-not-met"


def test_every_unmet_constraint_is_named() -> None:
    with pytest.raises(ConstraintsNotMetError) as ei:
        check(Constraints.parse("cores=9 mem=1G arch=s390x"), HOST)
    assert ei.value.details["constraints"] == ["cores", "arch"]
    assert '"cores=9"' in ei.value.message and '"arch=s390x"' in ei.value.message


def test_arch_names_and_real_facts(tmp_path) -> None:
    assert juju_arch("x86_64") == "amd64" and juju_arch("aarch64") == "arm64"
    facts = read_host_facts(tmp_path / "not" / "there" / "yet")
    assert facts.cores >= 1 and facts.mem_mib > 0 and facts.disk_free_mib > 0


@pytest.fixture
def provider(tmp_path):
    p = LocalProvider(tmp_path / "provider", controller_uuid=str(uuid.uuid4()), network="loopback",
                      host_facts=lambda: HOST)
    try:
        yield p
    finally:
        p.destroy_all()


def test_provider_checks_against_its_facts(provider) -> None:
    provider.check_constraints(Constraints.parse("cores=2"))
    with pytest.raises(ConstraintsNotMetError, match="this host has 2 cores"):
        provider.check_constraints(Constraints.parse("cores=3"))
    assert provider.hardware() == "arch=amd64 cores=2 mem=4096M virt-type=container"
    assert provider.network_cidrs() == ("127.0.0.0/8",)


def test_provider_records_ingress_rules(provider) -> None:
    import sys

    from pyjuju.providers.base import InstanceSpec

    inst = provider.start_instance(InstanceSpec(
        model_uuid="0123abcd-0000-0000-0000-000000000000", machine_id="0", agent_config={},
        agent_command=(sys.executable, "-c", "import time; time.sleep(60)"),
    ))
    rules = (IngressRule(protocol="tcp", from_port=80, to_port=80, source_cidrs=("0.0.0.0/0", "::/0")),
             IngressRule(protocol="icmp", source_cidrs=("10.0.0.0/8",)))
    provider.set_ingress_rules(inst.instance_id, rules)
    doc = json.loads((provider.root / "machines" / inst.instance_id / "firewall.json").read_text())
    assert doc["instance-id"] == inst.instance_id
    assert [r["port-range"] for r in doc["ingress"]] == ["icmp", "80/tcp"]
    assert doc["ingress"][1]["source-cidrs"] == ["0.0.0.0/0", "::/0"]
    assert provider.ingress_rules(inst.instance_id) == doc["ingress"]
    provider.set_ingress_rules(inst.instance_id, ())
    assert provider.ingress_rules(inst.instance_id) == []
    provider.set_ingress_rules("no-such-instance", rules)  # ignored: it may have just been stopped
    provider.stop_instance(inst.instance_id)
    provider.set_ingress_rules(inst.instance_id, rules)
    assert provider.ingress_rules(inst.instance_id) == []
