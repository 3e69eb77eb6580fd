"""``status-set`` and ``status-get``: the workload status of the unit or application."""

from __future__ import annotations

from typing import Any

from ..toolctx import StatusInfo
from .base import Command, OutputCommand, check_empty, usage_error
from .flags import FlagSet
from .formats import go_quote

# Charms may set only these; the order is the one Juju prints in its error.
SETTABLE_STATUSES = ("maintenance", "blocked", "waiting", "active")


class StatusSet(Command):
    name = "status-set"
    args_doc = "<maintenance | blocked | waiting | active> [message]"
    purpose = "Set status information."
    doc = """
Sets the workload status of the charm. Message is optional.
The "last updated" attribute of the status is set, even if the
status and message are the same as what's already set.
"""
    application: bool
    status: str
    message: str = ""

    def set_flags(self, f: FlagSet) -> None:
        f.bool("application", dest="application",
               usage="set this status for the application to which the unit belongs if the unit is the leader")  # fmt: skip

    def init(self, args: list[str]) -> None:
        if not args:
            raise usage_error("invalid args, require <status> [message]")
        if args[0] not in SETTABLE_STATUSES:
            raise usage_error(
                f"invalid status {go_quote(args[0])}, expected one of [{' '.join(SETTABLE_STATUSES)}]"
            )
        self.status = args[0]
        if len(args) > 1:
            self.message = args[1]
            check_empty(args[2:])

    async def run(self) -> None:
        await self.ctx.set_status(self.status, self.message, self.application)


def _details(info: StatusInfo, include_data: bool) -> dict[str, Any]:
    details: dict[str, Any] = {"status": info.status}
    if include_data:
        details["message"] = info.message
        details["status-data"] = dict(info.data)
    return details


class StatusGet(OutputCommand):
    name = "status-get"
    args_doc = "[--include-data] [--application]"
    purpose = "Print status information."
    doc = """
By default, only the status value is printed.
If the --include-data flag is passed, the associated data are printed also.

Include the --application option to get the overall status for the
application, rather than an individual unit.
"""
    include_data: bool
    application: bool

    def set_flags(self, f: FlagSet) -> None:
        super().set_flags(f)
        f.bool("include-data", dest="include_data", usage="print all status data")
        f.bool("application", dest="application",
               usage="print status for all units of this application if this unit is the leader")  # fmt: skip

    def init(self, args: list[str]) -> None:
        check_empty(args)

    async def run(self) -> None:
        brief = not self.include_data and self.format == "smart"
        if not self.application:
            info = await self.ctx.unit_status()
            self.write(info.status if brief else _details(info, self.include_data))
            return
        app = await self.ctx.application_status()
        if brief:
            self.write(app.application.status)
            return
        # Juju nests "units" inside "application-status" (ops looks at the top
        # level and finds none; harmless, and what charms already parse).
        details = _details(app.application, self.include_data)
        details["units"] = {name: _details(s, self.include_data) for name, s in app.units.items()}
        self.write({"application-status": details})


COMMANDS = (StatusSet, StatusGet)
