"""A fake substrate for controller services: what they ask of the host, with fixed answers."""

from __future__ import annotations

from pyjuju.core.constraints import Constraints
from pyjuju.providers.local import hostcheck
from pyjuju.providers.local.hostcheck import HostFacts

FAKE_FACTS = HostFacts(cores=2, mem_mib=2048, disk_free_mib=10240, arch="amd64")


class FakeHost:
    """A 2-core amd64 debian@12 host with 2G of memory and 10G of disk free."""

    def base(self) -> dict[str, str]:
        return {"name": "debian", "channel": "12"}

    def hardware(self) -> str:
        return "arch=amd64 cores=2 mem=2048M virt-type=container"

    def check_constraints(self, cons: Constraints) -> None:
        hostcheck.check(cons, FAKE_FACTS)
