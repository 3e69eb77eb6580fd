"""A gnuflag-compatible flag parser.

Hook tools are called with argument vectors written for Juju's Go parser
(``juju/gnuflag``): ops ≤3.3 puts ``--format=json`` after positionals, ops
≥3.4 puts ``--`` before free text, charmhelpers sends ``-r3``-style short
flags, booleans arrive as ``--application=False``. ``argparse`` disagrees with
gnuflag on several of these (abbreviations, ``-format`` clusters, negative
numbers, error texts), so this small parser follows gnuflag instead.

Parsed values are set as attributes on a target object (the command).
Errors are :class:`~..toolctx.ToolError` with exit code 2 and gnuflag's
wording, with flags called "option" as in Juju's hook tools.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from ..toolctx import ToolError
from .formats import go_quote


class HelpRequested(Exception):
    """``-h``/``--help`` was given: print the help text and exit 0."""


def flag_error(message: str) -> ToolError:
    return ToolError(message, code=2)


def dashed(name: str) -> str:
    """gnuflag shows one-letter flags as ``-x`` and longer ones as ``--name``."""
    return ("-" if len(name) == 1 else "--") + name


_TRUE = frozenset({"1", "t", "T", "TRUE", "true", "True"})
_FALSE = frozenset({"0", "f", "F", "FALSE", "false", "False"})


def parse_bool(value: str) -> bool:
    """Go's ``strconv.ParseBool``."""
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"strconv.ParseBool: parsing {go_quote(value)}: invalid syntax")


@dataclasses.dataclass(eq=False)
class Flag:
    names: tuple[str, ...]
    dest: str
    is_bool: bool
    parse: Callable[[str], Any]
    usage: str
    default_repr: str | Callable[[], str]


class FlagSet:
    """The flags of one command invocation."""

    def __init__(self, target: object) -> None:
        self._target = target
        self._by_name: dict[str, Flag] = {}
        self._flags: list[Flag] = []

    # -- definition ------------------------------------------------------------

    def _add(self, flag: Flag, default: Any) -> None:
        for name in flag.names:
            self._by_name[name] = flag
        self._flags.append(flag)
        setattr(self._target, flag.dest, default)

    def bool(self, *names: str, dest: str, usage: str = "", default: bool = False) -> None:
        self._add(
            Flag(names, dest, True, parse_bool, usage, "true" if default else "false"), default
        )

    def string(self, *names: str, dest: str, usage: str = "", default: str = "") -> None:
        self._add(Flag(names, dest, False, str, usage, go_quote(default)), default)

    def value(
        self,
        *names: str,
        dest: str,
        parse: Callable[[str], Any],
        default: Any,
        usage: str = "",
        default_repr: str | Callable[[], str] = "",
    ) -> None:
        """A flag whose text is converted (and validated) by ``parse``; ValueError → flag error."""
        self._add(Flag(names, dest, False, parse, usage, default_repr), default)

    # -- parsing ----------------------------------------------------------------

    def _set(self, flag: Flag, name: str, value: str) -> None:
        try:
            parsed = flag.parse(value)
        except ValueError as e:
            raise flag_error(
                f"invalid value {go_quote(value)} for option {dashed(name)}: {e}"
            ) from None
        setattr(self._target, flag.dest, parsed)

    def _lookup(self, name: str) -> Flag:
        flag = self._by_name.get(name)
        if flag is None:
            if name in ("h", "help"):
                raise HelpRequested
            raise flag_error(f"option provided but not defined: {dashed(name)}")
        return flag

    def parse(self, args: list[str]) -> list[str]:
        """Set every flag found in ``args`` (interspersed allowed) and return the positionals."""
        positionals: list[str] = []
        i = 0
        while i < len(args):
            arg = args[i]
            i += 1
            if len(arg) < 2 or arg[0] != "-":
                positionals.append(arg)
                continue
            if arg == "--":
                positionals.extend(args[i:])
                break
            if arg[1] == "-":
                name, eq, value = arg[2:].partition("=")
                if not name or name[0] == "-":
                    raise flag_error(f"bad flag syntax: {arg}")
                flag = self._lookup(name)
                if flag.is_bool:
                    self._set(flag, name, value if eq else "true")
                    continue
                if not eq:
                    if i >= len(args):
                        raise flag_error(f"option needs an argument: {dashed(name)}")
                    value = args[i]
                    i += 1
                self._set(flag, name, value)
                continue
            cluster = arg[1:]
            while cluster:
                name, cluster = cluster[0], cluster[1:]
                flag = self._lookup(name)
                if flag.is_bool:
                    self._set(flag, name, "true")
                    continue
                if cluster:
                    value, cluster = cluster, ""
                elif i < len(args):
                    value = args[i]
                    i += 1
                else:
                    raise flag_error(f"option needs an argument: {dashed(name)}")
                self._set(flag, name, value)
        return positionals

    # -- help -------------------------------------------------------------------

    def defaults_text(self) -> str:
        """gnuflag's PrintDefaults: ``-r, --relation (= db:1)`` then the indented usage.

        ops ≤3.3 scrapes ``storage-get --help`` for ``-s  (= data/0)``, so the
        layout (two spaces before ``(=`` for a lone name) is kept.
        """
        lines = []
        for flag in sorted(self._flags, key=lambda f: max(f.names, key=len)):
            names = ", ".join(dashed(n) for n in sorted(flag.names, key=lambda n: (len(n), n)))
            default = flag.default_repr() if callable(flag.default_repr) else flag.default_repr
            sep = "  " if len(flag.names) == 1 else " "
            lines.append(f"{names}{sep}(= {default})")
            if flag.usage:
                lines.append(f"    {flag.usage}")
        return "\n".join(lines)
