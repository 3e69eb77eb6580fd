"""The hook tools' command lines, answered from a :class:`~..toolctx.ToolContext`.

Every tool a hook runs (``relation-get``, ``config-get``, …) arrives here as
a name, an argv, maybe stdin, and the caller's working directory;
:func:`run_tool` answers with what to print and the exit status. Flags,
formats, exit codes and error texts follow Juju's (docs/charm-runtime.md, Hook tools), because ops,
charmhelpers and bash charms match on them.

Adding a family of tools: write a module with ``Command`` subclasses and a
``COMMANDS`` tuple, list it in ``_FAMILIES`` and add the names to
``pyjuju.agent.toolclient.TOOL_NAMES``.
"""

from __future__ import annotations

import dataclasses
import logging

from ....core.errors import PyjujuError
from ..toolctx import ToolContext, ToolError
from . import (
    action,
    config,
    goal,
    leader,
    log,
    ports,
    relation,
    resource,
    secret,
    state,
    status,
    storage,
    unit,
    version,
)
from .base import Command, Invocation, StdinRequired, render_help
from .flags import FlagSet, HelpRequested
from .formats import go_quote

__all__ = ["COMMANDS", "StdinRequired", "ToolResult", "run_tool"]

logger = logging.getLogger(__name__)

_FAMILIES = (
    config,
    unit,
    ports,
    log,
    status,
    version,
    leader,
    state,
    goal,
    relation,
    action,
    secret,
    storage,
    resource,
)

COMMANDS: dict[str, type[Command]] = {
    cls.name: cls for family in _FAMILIES for cls in family.COMMANDS
}


@dataclasses.dataclass(frozen=True, slots=True)
class ToolResult:
    """What the client prints and the status it exits with."""

    code: int
    stdout: bytes
    stderr: bytes


def _error_text(message: str) -> bytes:
    return f"ERROR {message}\n".encode("utf-8", "replace")


async def run_tool(
    ctx: ToolContext, name: str, args: list[str], stdin: bytes | None, cwd: str
) -> ToolResult:
    """Run tool ``name`` with ``args`` against ``ctx``.

    Raises :class:`StdinRequired` (before any side effect on ``ctx``) when the
    tool must read stdin and ``stdin`` is ``None``; the caller re-runs it
    with the client's stdin.
    """
    cls = COMMANDS.get(name)
    if cls is None:
        return ToolResult(1, b"", _error_text(f"unknown command {go_quote(name)}"))
    inv = Invocation(stdin, cwd)
    command = cls(ctx, inv)
    code = 0
    try:
        flags = FlagSet(command)
        command.set_flags(flags)
        try:
            positionals = flags.parse(list(args))
        except HelpRequested:
            return ToolResult(0, render_help(command, flags).encode(), b"")
        command.init(positionals)
        await command.run()
    except StdinRequired:
        raise
    except ToolError as e:
        code = e.code
        inv.stderr += _error_text(e.message)
    except PyjujuError as e:
        code = 1
        inv.stderr += _error_text(e.message)
    except Exception as e:  # a bug or an agent failure: the hook sees exit 1, we keep the trace
        logger.exception("hook tool %s %r failed", name, args)
        code = 1
        inv.stderr += _error_text(str(e) or type(e).__name__)
    return ToolResult(code, bytes(inv.stdout), bytes(inv.stderr))
