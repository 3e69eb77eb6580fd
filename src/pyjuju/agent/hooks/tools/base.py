"""What every hook tool shares: the command shape, output flags and argument helpers.

A tool follows juju/cmd's life cycle so its behaviour (and exit codes) line
up with Juju's: flags are parsed (errors exit 2), ``init`` validates the
positionals (errors exit 2), ``run`` talks to the hook context (errors exit
1). A new tool is a :class:`Command` subclass listed in its module's
``COMMANDS`` tuple.
"""

from __future__ import annotations

import os
import re
from typing import Any, ClassVar

from ..toolctx import ToolContext, ToolError
from .flags import FlagSet
from .formats import FORMATTERS, go_quote, go_quote_list


class StdinRequired(Exception):
    """The tool must read stdin, but the client did not send it (it will resend with stdin)."""


def usage_error(message: str) -> ToolError:
    """An argument error: ``ERROR <message>``, exit 2 (juju/cmd ``Init`` failures)."""
    return ToolError(message, code=2)


def check_empty(args: list[str]) -> None:
    """juju/cmd ``CheckEmpty``: refuse positionals a tool does not take."""
    if args:
        raise usage_error(f"unrecognized args: {go_quote_list(args)}")


def parse_key_values(args: list[str]) -> dict[str, str]:
    """juju/utils ``keyvalues.Parse(args, allowEmptyValues=true)``; values may contain ``=``."""
    result: dict[str, str] = {}
    for arg in args:
        key, eq, value = arg.partition("=")
        if not eq or not key:
            raise usage_error(f'expected "key=value", got {go_quote(arg)}')
        if key in result:
            raise usage_error(f"key {go_quote(key)} specified more than once")
        result[key] = value
    return result


def os_reason(e: OSError) -> str:
    """Go spells errno texts in lower case (``no such file or directory``)."""
    text = e.strerror or str(e)
    return text[:1].lower() + text[1:]


class Invocation:
    """One call of a tool: what the client sent and what we answer."""

    __slots__ = ("stdin", "cwd", "stdout", "stderr")

    def __init__(self, stdin: bytes | None, cwd: str) -> None:
        self.stdin = stdin
        self.cwd = cwd
        self.stdout = bytearray()
        self.stderr = bytearray()


class Command:
    """One hook tool. Subclasses set the class attributes and override the hooks."""

    name: ClassVar[str]
    args_doc: ClassVar[str] = ""
    purpose: ClassVar[str] = ""
    doc: ClassVar[str] = ""

    def __init__(self, ctx: ToolContext, inv: Invocation) -> None:
        self.ctx = ctx
        self.inv = inv

    def set_flags(self, f: FlagSet) -> None:
        """Declare flags; their values become attributes of ``self``."""

    def init(self, args: list[str]) -> None:
        """Validate the positionals (raise :func:`usage_error`)."""
        check_empty(args)

    async def run(self) -> None:
        raise NotImplementedError

    # -- helpers ---------------------------------------------------------------

    def warn(self, text: str) -> None:
        self.inv.stderr += text.encode("utf-8", "replace")

    def abs_path(self, path: str) -> str:
        """Relative paths are the caller's: resolve against the hook's working directory."""
        return path if os.path.isabs(path) else os.path.join(self.inv.cwd, path)

    def read_input(self, path: str) -> bytes:
        """Read a ``--file`` argument: ``-`` is the caller's stdin."""
        if path == "-":
            if self.inv.stdin is None:
                raise StdinRequired
            return self.inv.stdin
        full = self.abs_path(path)
        try:
            with open(full, "rb") as f:
                return f.read()
        except IsADirectoryError:
            raise ToolError(f"read {full}: is a directory") from None
        except OSError as e:
            raise ToolError(f"open {full}: {os_reason(e)}") from None

    def deprecated_format_flag(self, f: FlagSet) -> None:
        """``--format`` on tools that print nothing: accepted, ignored, warned about in ``run``."""
        f.string("format", dest="format_flag", usage="deprecated format flag")

    def warn_deprecated_format(self) -> None:
        if getattr(self, "format_flag", ""):
            self.warn(f"--format flag deprecated for command {go_quote(self.name)}")


class OutputCommand(Command):
    """A tool that prints a value: ``--format`` and ``-o/--output``."""

    formats: ClassVar[tuple[str, ...]] = ("json", "smart", "yaml")
    default_format: ClassVar[str] = "smart"
    format: str
    output_path: str

    def set_flags(self, f: FlagSet) -> None:
        choices = self.formats

        def parse_format(value: str) -> str:
            if value not in choices:
                raise ValueError(f"unknown format {go_quote(value)}")
            return value

        f.value(
            "format",
            dest="format",
            parse=parse_format,
            default=self.default_format,
            default_repr=self.default_format,
            usage=f"Specify output format ({'|'.join(sorted(choices))})",
        )
        f.string("o", "output", dest="output_path", usage="Specify an output file")

    def write(self, value: Any) -> None:
        """Format ``value``; write it to ``-o`` (created/truncated, nothing printed) or stdout."""
        self.emit(FORMATTERS[self.format](value))

    def emit(self, data: bytes) -> None:
        """Write already formatted bytes to ``-o`` (created/truncated) or stdout."""
        if not self.output_path:
            self.inv.stdout += data
            return
        path = self.abs_path(self.output_path)
        try:
            with open(path, "wb") as f:
                f.write(data)
        except OSError as e:
            raise ToolError(f"open {path}: {os_reason(e)}") from None


# -- relation ids ---------------------------------------------------------------------

_ATOI = re.compile(r"[+-]?[0-9]+\Z")


def relation_flag(cmd: Command, f: FlagSet) -> None:
    """``-r/--relation <id>|<endpoint>:<id>``, defaulting to the hook's relation.

    Validated while parsing, as Juju does, so a bad id is a flag error (exit 2)
    and an unknown one says "relation not found" (ops matches that text).
    """
    ctx = cmd.ctx

    def parse(value: str) -> int:
        tail = value.rpartition(":")[2]
        if not _ATOI.match(tail):
            raise ValueError("invalid relation id")
        rid = int(tail)
        if not ctx.has_relation(rid):
            raise ValueError("relation not found")
        return rid

    def default_repr() -> str:
        rid = ctx.relation_id
        return "" if rid is None else f"{ctx.relation_endpoint(rid)}:{rid}"

    f.value(
        "r",
        "relation",
        dest="relation_id",
        parse=parse,
        default=ctx.relation_id,
        default_repr=default_repr,
        usage="Specify a relation by id",
    )


def require_relation(cmd: Command) -> int:
    rid: int | None = getattr(cmd, "relation_id", None)  # set by relation_flag's parser
    if rid is None:
        raise usage_error("no relation id specified")
    return rid


def render_help(cmd: Command, flags: FlagSet) -> str:
    """juju/cmd's help layout: usage, summary, options, details."""
    usage = f"Usage: {cmd.name} [options]" + (f" {cmd.args_doc}" if cmd.args_doc else "")
    parts = [usage, "", "Summary:", cmd.purpose]
    options = flags.defaults_text()
    if options:
        parts += ["", "Options:", options]
    if cmd.doc:
        parts += ["", "Details:", cmd.doc.strip("\n")]
    return "\n".join(parts) + "\n"
