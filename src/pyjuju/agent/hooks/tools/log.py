"""``juju-log``: write to the unit's log (immediately, even if the hook fails)."""

from __future__ import annotations

from .base import Command, usage_error
from .flags import FlagSet
from .formats import go_quote

# loggo.ParseLevel: case-insensitive, WARN is WARNING; UNSPECIFIED is valid but logs as INFO.
_LEVELS = {
    "TRACE": "TRACE",
    "DEBUG": "DEBUG",
    "INFO": "INFO",
    "WARNING": "WARNING",
    "WARN": "WARNING",
    "ERROR": "ERROR",
    "CRITICAL": "CRITICAL",
    "UNSPECIFIED": "INFO",
}


class JujuLog(Command):
    name = "juju-log"
    args_doc = "<message>"
    purpose = "Write a message to the juju log."
    debug: bool
    level: str
    message: str

    def set_flags(self, f: FlagSet) -> None:
        f.bool("debug", dest="debug", usage="log at debug level")
        f.string("l", "log-level", dest="level", default="INFO",
                 usage="Send log message at the given level")  # fmt: skip
        self.deprecated_format_flag(f)

    def init(self, args: list[str]) -> None:
        if not args:
            raise usage_error("no message specified")
        self.message = " ".join(args)

    async def run(self) -> None:
        self.warn_deprecated_format()
        level = "INFO"
        if self.debug:
            level = "DEBUG"
        elif self.level:
            known = _LEVELS.get(self.level.upper())
            if known is None:
                await self.ctx.log(
                    "WARNING", f"Specified log level of {go_quote(self.level)} is not valid"
                )
            else:
                level = known
        prefix = ""
        rid = self.ctx.relation_id
        if rid is not None:
            prefix = f"{self.ctx.relation_endpoint(rid)}:{rid}: "
        await self.ctx.log(level, prefix + self.message)


COMMANDS = (JujuLog,)
