"""``config-get``: the charm's configuration as the hook sees it."""

from __future__ import annotations

from typing import Any

from .base import OutputCommand, check_empty, usage_error
from .flags import FlagSet
from .formats import go_quote


class ConfigGet(OutputCommand):
    name = "config-get"
    args_doc = "[<key>]"
    purpose = "Print application configuration."
    doc = """
config-get returns information about the application configuration
(as defined by config.yaml). If called without arguments, it returns
a dictionary containing all config settings that are either explicitly
set, or which have a non-nil default value. If the --all flag is passed,
it returns a dictionary containing all defined config settings including
nil values (for those without defaults). If called with a single argument,
it returns the value of that config key. Missing config keys are reported
as nulls, and do not return an error.

<key> and --all are mutually exclusive.
"""
    all: bool
    key: str = ""

    def set_flags(self, f: FlagSet) -> None:
        super().set_flags(f)
        f.bool("a", "all", dest="all", usage="print all keys")

    def init(self, args: list[str]) -> None:
        if not args:
            return
        self.key = args[0]
        if self.key and self.all:
            raise usage_error(f"cannot use argument --all together with key {go_quote(self.key)}")
        check_empty(args[1:])

    async def run(self) -> None:
        settings = dict(self.ctx.config())
        if self.key:
            self.write(settings.get(self.key))
            return
        if self.all:
            values: dict[str, Any] = {name: None for name in self.ctx.config_option_names()}
            values.update(settings)
        else:
            values = {k: v for k, v in settings.items() if v is not None}
        self.write(values)


COMMANDS = (ConfigGet,)
