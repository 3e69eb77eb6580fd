"""``unit-get`` and ``network-get``: this unit's addresses and bindings."""

from __future__ import annotations

from typing import Any

from ..toolctx import NetworkInfo, ToolError
from .base import OutputCommand, check_empty, relation_flag, usage_error
from .flags import FlagSet
from .formats import Struct, go_quote

_UNIT_SETTINGS = ("private-address", "public-address")


class UnitGet(OutputCommand):
    name = "unit-get"
    args_doc = "<setting>"
    purpose = "Print public-address or private-address."
    key: str

    def init(self, args: list[str]) -> None:
        if not args:
            raise usage_error("no setting specified")
        if args[0] not in _UNIT_SETTINGS:
            raise usage_error(f"unknown setting {go_quote(args[0])}")
        self.key = args[0]
        check_empty(args[1:])

    async def run(self) -> None:
        self.write(self.ctx.unit_address(self.key))


def _display(info: NetworkInfo, with_legacy_keys: bool) -> Struct:
    """Juju's ``networkInfoResultDisplay``: JSON field order, and in YAML the
    ``macaddress``/``interfacename``/``address`` copies old consumers (charmhelpers) read."""
    interfaces = []
    for iface in info.bind_addresses:
        addresses = []
        for addr in iface.addresses:
            entry = Struct(hostname=addr.hostname, value=addr.value, cidr=addr.cidr)
            if with_legacy_keys:
                entry["address"] = addr.value
            addresses.append(entry)
        item = Struct()
        item["mac-address"] = iface.mac_address
        item["interface-name"] = iface.interface_name
        item["addresses"] = addresses
        if with_legacy_keys:
            item["macaddress"] = iface.mac_address
            item["interfacename"] = iface.interface_name
        interfaces.append(item)
    result = Struct()
    if interfaces:
        result["bind-addresses"] = interfaces
    if info.egress_subnets:
        result["egress-subnets"] = list(info.egress_subnets)
    if info.ingress_addresses:
        result["ingress-addresses"] = list(info.ingress_addresses)
    return result


class NetworkGet(OutputCommand):
    name = "network-get"
    args_doc = "<binding-name> [--ingress-address] [--bind-address] [--egress-subnets]"
    purpose = "Get network config."
    doc = """
network-get returns the network config for a given binding name. By default
it returns the list of interfaces and associated addresses in the space for
the binding, as well as the ingress address for the binding. If defined, any
egress subnets are also returned.
If one of the following flags are specified, just that value is returned.
If more than one flag is specified, a map of values is returned.
    --bind-address: the address the local unit should listen on to serve connections, as well
                    as the address that should be advertised to its peers.
    --ingress-address: the address the local unit should advertise as being used for incoming connections.
    --egress-subnets: subnets (in CIDR notation) from which traffic on this relation will originate.
"""
    relation_id: int | None
    primary_address: bool
    bind_address: bool
    ingress_address: bool
    egress_subnets: bool
    binding: str
    keys: list[str]

    def set_flags(self, f: FlagSet) -> None:
        super().set_flags(f)
        f.bool("primary-address", dest="primary_address",
               usage="(deprecated) get the primary address for the binding")  # fmt: skip
        f.bool("bind-address", dest="bind_address",
               usage="get the address for the binding on which the unit should listen")  # fmt: skip
        f.bool("ingress-address", dest="ingress_address",
               usage="get the ingress address for the binding")  # fmt: skip
        f.bool(
            "egress-subnets", dest="egress_subnets", usage="get the egress subnets for the binding"
        )
        relation_flag(self, f)

    def init(self, args: list[str]) -> None:
        if not args:
            raise usage_error("no arguments specified")
        self.binding = args[0]
        if not self.binding:
            raise usage_error("no binding name specified")
        self.keys = [
            key
            for key, wanted in (
                ("bind-address", self.bind_address),
                ("ingress-address", self.ingress_address),
                ("egress-subnets", self.egress_subnets),
            )
            if wanted
        ]
        check_empty(args[1:])

    def _first_address(self, info: NetworkInfo) -> str:
        addresses = info.bind_addresses[0].addresses
        if not addresses:
            raise ToolError(f"no addresses attached to space for binding {go_quote(self.binding)}")
        return addresses[0].value

    async def run(self) -> None:
        info = self.ctx.network_info(self.binding, self.relation_id)
        if not info.bind_addresses:
            raise ToolError(f"no network config found for binding {go_quote(self.binding)}")
        if not self.primary_address and not self.keys:
            self.write(_display(info, with_legacy_keys=self.format != "json"))
            return
        if self.primary_address:
            if self.keys:
                raise ToolError("--primary-address must be the only flag specified")
            self.write(self._first_address(info))
            return
        values: dict[str, Any] = {}
        if self.egress_subnets:
            values["egress-subnets"] = list(info.egress_subnets)
        if self.ingress_address:
            ingress = info.ingress_addresses
            values["ingress-address"] = ingress[0] if ingress else self._first_address(info)
        if self.bind_address:
            values["bind-address"] = self._first_address(info)
        self.write(values[self.keys[0]] if len(self.keys) == 1 else values)


COMMANDS = (UnitGet, NetworkGet)
