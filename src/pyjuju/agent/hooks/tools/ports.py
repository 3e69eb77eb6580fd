"""``open-port``, ``close-port`` and ``opened-ports``.

Opens and closes are buffered by the context (committed if the hook
succeeds); ``opened-ports`` shows committed ranges plus this hook's pending
changes, as Juju ≥ 3.1.1 does.
"""

from __future__ import annotations

from ....core.errors import InvalidArgumentError
from ....core.ports import PortRange
from .base import Command, OutputCommand, check_empty, usage_error
from .flags import FlagSet

_PORT_FORMAT = "<port>[/<protocol>] or <from>-<to>[/<protocol>] or icmp"


class _PortCommand(Command):
    args_doc = _PORT_FORMAT
    endpoints: str
    port: PortRange

    def set_flags(self, f: FlagSet) -> None:
        self.deprecated_format_flag(f)
        f.string("endpoints", dest="endpoints",
                 usage="a comma-delimited list of application endpoints to target with this operation")  # fmt: skip

    def init(self, args: list[str]) -> None:
        if not args:
            raise usage_error("no port or range specified")
        try:
            # charmhelpers sends "80/TCP" and "ICMP".
            self.port = PortRange.parse(args[0].lower())
        except InvalidArgumentError as e:
            raise usage_error(e.message) from None
        check_empty(args[1:])

    def _endpoints(self) -> tuple[str, ...] | None:
        if not self.endpoints:
            return None
        return tuple(ep.strip() for ep in self.endpoints.split(","))


class OpenPort(_PortCommand):
    name = "open-port"
    purpose = "Register a request to open a port or port range."
    doc = """
open-port registers a request to open the specified port or port range.

By default, the specified port or port range will be opened for all defined
application endpoints. The --endpoints option can be used to constrain the
open request to a comma-delimited list of application endpoints.

The port is opened only while the application is exposed; the change is
transactional and takes effect when the hook exits successfully.
"""

    async def run(self) -> None:
        self.warn_deprecated_format()
        self.ctx.open_port(self.port, self._endpoints())


class ClosePort(_PortCommand):
    name = "close-port"
    purpose = "Register a request to close a port or port range."
    doc = """
close-port registers a request to close the specified port or port range.

By default, the specified port or port range will be closed for all defined
application endpoints. The --endpoints option can be used to constrain the
close request to a comma-delimited list of application endpoints.
"""

    async def run(self) -> None:
        self.warn_deprecated_format()
        self.ctx.close_port(self.port, self._endpoints())


class OpenedPorts(OutputCommand):
    name = "opened-ports"
    purpose = "List all ports or port ranges opened by the unit."
    doc = """
opened-ports lists all ports or port ranges opened by a unit.

Each list entry is formatted as <port>/<protocol> (e.g. "80/tcp") or
<from>-<to>/<protocol> (e.g. "8080-8088/udp"). With --endpoints each entry
is followed by the endpoints it applies to (e.g. "80/tcp (endpoint1, endpoint2)"),
or "(*)" when it applies to all endpoints.
"""
    show_endpoints: bool

    def set_flags(self, f: FlagSet) -> None:
        super().set_flags(f)
        f.bool("endpoints", dest="show_endpoints",
               usage="display the list of target application endpoints for each port range")  # fmt: skip

    async def run(self) -> None:
        by_range: dict[PortRange, set[str]] = {}
        for opened in self.ctx.opened_ports():
            endpoints = by_range.setdefault(opened.range, set())
            if opened.endpoints:
                endpoints.update(opened.endpoints)
            else:
                endpoints.add("")  # "" = every endpoint, as in Juju
        entries = []
        for port in sorted(by_range):
            if not self.show_endpoints:
                entries.append(str(port))
                continue
            names = by_range[port]
            described = "*" if "" in names else ", ".join(sorted(names))
            entries.append(f"{port} ({described})")
        self.write(entries)


COMMANDS = (OpenPort, ClosePort, OpenedPorts)
