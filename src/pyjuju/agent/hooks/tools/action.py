"""``action-get``, ``action-set``, ``action-fail``, ``action-log``: the running action's tools.

They work only while an action runs; elsewhere the context refuses with
``not running an action`` (exit 1). Argument errors are found before the
context is asked anything, so they exit 2 even outside an action, as in Juju.

Argument vectors real clients send (docs/charm-runtime.md, Argument vectors): ops ≤3.3 ``action-get
--format=json``, ``action-set k=v ...`` (nested dicts flattened to dotted
keys), ``action-log <msg>``, ``action-fail <msg>``; ops ≥3.4 the same but
``action-log -- <msg>`` and ``action-fail -- <msg>``; charmhelpers
``action-get [<key>] --format=json``, ``action-set k=v ...``,
``action-fail <msg>``.
"""

from __future__ import annotations

import re
from typing import Any

from .base import Command, OutputCommand, check_empty, usage_error
from .formats import go_quote

_KEY_RULE = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\Z")

# Juju adds these to the results itself (the action's captured output).
_RESERVED_KEYS = frozenset({"stdout", "stdout-encoding", "stderr", "stderr-encoding"})

DEFAULT_FAIL_MESSAGE = "action failed without reason given, check action for errors"


def _lookup(params: dict[str, Any], keys: list[str]) -> Any:
    """Walk nested maps along ``keys``; ``None`` (Go's untyped nil) when any step is missing."""
    value: Any = params
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _nest(keys: list[str], value: str) -> dict[str, Any]:
    """``["a", "b"], "v"`` → ``{"a": {"b": "v"}}``; ``keys`` comes from str.split, never empty."""
    result: dict[str, Any] = {keys[-1]: value}
    for key in reversed(keys[:-1]):
        result = {key: result}
    return result


class ActionGet(OutputCommand):
    name = "action-get"
    args_doc = "[<key>[.<key>.<key>...]]"
    purpose = "Get action parameters."
    doc = """
action-get will print the value of the parameter at the given key, serialized
as YAML.  If multiple keys are passed, action-get will recurse into the param
map as needed.
"""
    keys: list[str] | None = None

    def init(self, args: list[str]) -> None:
        if args:
            check_empty(args[1:])
            self.keys = args[0].split(".")

    async def run(self) -> None:
        params = self.ctx.action_params()
        if self.keys is None:
            answer: Any = dict(params) if params else {}
        else:
            answer = _lookup(params or {}, self.keys)
        if self.format == "smart" and isinstance(answer, (list, tuple)):
            # Go hands the formatter a []interface{}, not a []string, so the
            # smart format prints even a list of strings as a YAML list.
            self.format = "yaml"
        self.write(answer)


class ActionSet(Command):
    name = "action-set"
    args_doc = "<key>=<value> [<key>=<value> ...]"
    purpose = "Set action results."
    doc = """
action-set adds the given values to the results map of the Action.  This map
is returned to the user after the completion of the Action.  Keys must start
and end with lowercase alphanumeric, and contain only lowercase alphanumeric,
hyphens and periods.  The following special keys are reserved for internal use:
"stdout", "stdout-encoding", "stderr", "stderr-encoding".

Example usage:
 action-set outfile.size=10G
 action-set foo.bar=2
 action-set foo.baz.val=3
 action-set foo.bar.zab=4
 action-set foo.baz=1

 will yield:

 outfile:
   size: "10G"
 foo:
   bar:
     zab: "4"
   baz: "1"
"""
    updates: list[dict[str, Any]]

    def init(self, args: list[str]) -> None:
        updates = []
        for arg in args:
            key, eq, value = arg.partition("=")
            if not eq:
                raise usage_error(f"argument {go_quote(arg)} must be of the form key...=value")
            keys = key.split(".")
            for segment in keys:
                if not _KEY_RULE.match(segment):
                    raise usage_error(
                        f"key {go_quote(segment)} must start and end with lowercase "
                        "alphanumeric, and contain only lowercase alphanumeric, "
                        "hyphens and periods"
                    )
                if segment in _RESERVED_KEYS:
                    raise usage_error(f"cannot set reserved action key {go_quote(segment)}")
            updates.append(_nest(keys, value))
        self.updates = updates

    async def run(self) -> None:
        # One merge per argument, in order: a later "a=1" replaces an earlier
        # "a.b=2" and a later "a.b=2" replaces an earlier "a=1" (Juju's order).
        for update in self.updates:
            self.ctx.set_action_results(update)


class ActionFail(Command):
    name = "action-fail"
    args_doc = '["<failure message>"]'
    purpose = "Set action fail status with message."
    doc = """
action-fail sets the fail state of the action with a given error message.  Using
action-fail without a failure message will set a default message indicating a
problem with the action.
"""
    message: str = DEFAULT_FAIL_MESSAGE

    def init(self, args: list[str]) -> None:
        if args:
            self.message = args[0]
            check_empty(args[1:])

    async def run(self) -> None:
        self.ctx.fail_action(self.message)


class ActionLog(Command):
    name = "action-log"
    args_doc = "<message>"
    purpose = "Record a progress message for the current action."
    message: str

    def init(self, args: list[str]) -> None:
        if not args:
            raise usage_error("no message specified")
        self.message = " ".join(args)

    async def run(self) -> None:
        await self.ctx.log_action(self.message)


COMMANDS = (ActionGet, ActionSet, ActionFail, ActionLog)
