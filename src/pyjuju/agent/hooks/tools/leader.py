"""``is-leader``, ``leader-get``, ``leader-set`` (leader settings: Juju ≤ 3.x)."""

from __future__ import annotations

from .base import Command, OutputCommand, check_empty, parse_key_values, usage_error
from .formats import go_quote


class IsLeader(OutputCommand):
    name = "is-leader"
    purpose = "Print application leadership status."
    doc = """
is-leader prints a boolean indicating whether the local unit is guaranteed to
be application leader for at least 30 seconds. If it fails, you should assume that
there is no such guarantee.
"""

    async def run(self) -> None:
        # Leadership as of the hook's start: reading it cannot fail.
        self.write(await self.ctx.is_leader())


class LeaderGet(OutputCommand):
    name = "leader-get"
    args_doc = "[<key>]"
    purpose = "Print application leadership settings."
    doc = """
leader-get prints the value of a leadership setting specified by key. If no key
is given, or if the key is "-", all keys and values will be printed.
"""
    key: str = ""

    def init(self, args: list[str]) -> None:
        if not args:
            return
        key = args[0]
        if key == "-":
            key = ""
        elif "=" in key:
            raise usage_error(f"invalid key {go_quote(key)}")
        self.key = key
        check_empty(args[1:])

    async def run(self) -> None:
        settings = dict(await self.ctx.leader_settings())
        self.write(settings.get(self.key) if self.key else settings)


class LeaderSet(Command):
    name = "leader-set"
    args_doc = "<key>=<value> [...]"
    purpose = "Write application leadership settings."
    doc = """
leader-set immediate writes the supplied key/value pairs to the controller,
which will then inform non-leader units of the change. It will fail if called
without arguments, or if called by a unit that is not currently application leader.
"""
    settings: dict[str, str]

    def init(self, args: list[str]) -> None:
        self.settings = parse_key_values(args)

    async def run(self) -> None:
        await self.ctx.set_leader_settings(self.settings)


COMMANDS = (IsLeader, LeaderGet, LeaderSet)
