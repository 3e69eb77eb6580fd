"""``state-get``, ``state-set``, ``state-delete``: the unit's controller-side state.

ops uses these for ``use_juju_for_storage`` (``state-set --file -`` with a
YAML map, ``state-get <key>`` where empty stdout means "missing").
"""

from __future__ import annotations

from ..toolctx import ToolError
from .base import Command, OutputCommand, check_empty, parse_key_values
from .flags import FlagSet
from .formats import NIL_MAP, go_quote
from .goyaml import read_string_map


class StateGet(OutputCommand):
    name = "state-get"
    args_doc = "[<key>]"
    purpose = "Print server-side-state value."
    doc = """
state-get prints the value of the server side state specified by key.
If no key is given, or if the key is "-", all keys and values will be printed.
"""
    strict: bool
    key: str = ""

    def set_flags(self, f: FlagSet) -> None:
        super().set_flags(f)
        f.bool("strict", dest="strict", usage="Return an error if the requested key does not exist")

    def init(self, args: list[str]) -> None:
        if args:
            self.key = "" if args[0] == "-" else args[0]
            check_empty(args[1:])

    async def run(self) -> None:
        state = dict(await self.ctx.state())
        if not self.key:
            # Juju hands the formatter a nil map when the store is empty:
            # json prints null, smart/yaml print {}.
            self.write(state if state else NIL_MAP)
            return
        if self.key not in state and self.strict:
            raise ToolError(f"{go_quote(self.key)} not found")
        self.write(state.get(self.key, ""))


class StateSet(Command):
    name = "state-set"
    args_doc = "key=value [key=value ...]"
    purpose = "Set server-side-state values."
    doc = """
state-set sets the value of the server side state specified by key.

The --file option should be used when one or more key-value pairs
are too long to fit within the command length limit of the shell
or operating system. The file will contain a YAML map containing
the settings as strings.  Settings in the file will be overridden
by any duplicate key-value arguments. A value of "-" for the filename
means <stdin>.

The following fixed size limits apply:
- Length of stored keys cannot exceed 256 bytes.
- Length of stored values cannot exceed 65536 bytes.
"""
    file: str
    values: dict[str, str]

    def set_flags(self, f: FlagSet) -> None:
        f.string("file", dest="file", usage="file containing key-value pairs")

    def init(self, args: list[str]) -> None:
        self.values = parse_key_values(args)

    async def run(self) -> None:
        values = self.values
        if self.file:
            values = {**read_string_map(self.read_input(self.file)), **values}
        self.ctx.set_state(values)


class StateDelete(Command):
    name = "state-delete"
    args_doc = "<key>"
    purpose = "Delete server-side-state key value pair."
    doc = """
state-delete deletes the value of the server side state specified by key.
"""
    key: str = ""

    def init(self, args: list[str]) -> None:
        if args:
            self.key = args[0]
            check_empty(args[1:])

    async def run(self) -> None:
        if self.key:
            self.ctx.delete_state(self.key)


COMMANDS = (StateGet, StateSet, StateDelete)
