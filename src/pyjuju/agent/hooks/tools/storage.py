"""The storage tools: ``storage-get``, ``storage-list``, ``storage-add`` (docs/charm-runtime.md, Storage).

Argument vectors real clients send (docs/charm-runtime.md, Argument vectors): ops ≥3.4 ``storage-list
--format=json <name>``, ``storage-get --format=json -s <name>/<index>``,
``storage-add <name>=<count>``; ops ≤3.3 first runs ``storage-get --help`` and
scrapes the hook's storage id from the line ``-s  (= data/0)``, then
``storage-get -s <id> location --format=json``; charmhelpers ``storage-get
--format=json [-s <id>] [<attr>]`` and ``storage-list --format=json [<name>]``.
"""

from __future__ import annotations

import re

from ..toolctx import ToolError
from .base import Command, OutputCommand, check_empty, usage_error
from .flags import FlagSet
from .formats import go_quote

_STORAGE_NAME = r"[a-z][a-z0-9]*(?:-[a-z0-9]*[a-z][a-z0-9]*)*"
_STORAGE_ID_RE = re.compile(rf"({_STORAGE_NAME})/(?:0|[1-9][0-9]*)\Z")


def is_valid_storage_id(value: str) -> bool:
    """juju/names ``IsValidStorage``: ``<name>/<index>``."""
    return bool(_STORAGE_ID_RE.match(value))


def _storage_tag(storage_id: str) -> str:
    """Juju lists storage sorted by tag (``storage-data-0``), so ``data/10`` precedes ``data/2``."""
    return "storage-" + storage_id.replace("/", "-")


class StorageGet(OutputCommand):
    name = "storage-get"
    args_doc = "[<key>]"
    purpose = "Print information for the storage instance with the specified ID."
    doc = """
When no <key> is supplied, all keys values are printed.

Examples:
    storage-get
    storage-get location
    storage-get -s data/0 kind
"""
    storage: str
    key: str = ""

    def set_flags(self, f: FlagSet) -> None:
        super().set_flags(f)
        ctx = self.ctx
        default = ctx.storage_id()

        def parse(value: str) -> str:
            # Validated while parsing, as Juju does: a bad id is a flag error.
            if not is_valid_storage_id(value):
                raise ValueError(f"invalid storage ID {go_quote(value)}")
            try:
                ctx.storage_get(value)
            except ToolError as e:
                raise ValueError(e.message) from None
            return value

        # ops ≤3.3 finds the hook's storage in the help line "-s  (= data/0)".
        f.value("s", dest="storage", parse=parse, default=default, default_repr=default,
                usage="specify a storage instance by id")  # fmt: skip

    def init(self, args: list[str]) -> None:
        if not self.storage:
            raise usage_error("no storage instance specified")
        if args:
            self.key = args[0]
            args = args[1:]
        check_empty(args)

    async def run(self) -> None:
        info = dict(self.ctx.storage_get(self.storage))
        values = {"kind": info.get("kind", ""), "location": info.get("location", "")}
        if not self.key:
            self.write(values)
        elif self.key in values:
            self.write(values[self.key])
        else:
            raise ToolError(f"invalid storage attribute {go_quote(self.key)}")


class StorageList(OutputCommand):
    name = "storage-list"
    args_doc = "[<storage-name>]"
    purpose = "List storage attached to the unit."
    doc = """
storage-list will list the names of all storage instances
attached to the unit. These names can be passed to storage-get
via the "-s" flag to query the storage attributes.

A storage name may be specified, in which case only storage
instances for that named storage will be returned.
"""
    storage_name: str | None = None

    def init(self, args: list[str]) -> None:
        if args:
            self.storage_name = args[0]
            args = args[1:]
        check_empty(args)

    async def run(self) -> None:
        ids = [
            sid
            for sid in self.ctx.storage_list(self.storage_name)
            if self.storage_name is None or sid.rsplit("/", 1)[0] == self.storage_name
        ]
        self.write(sorted(set(ids), key=_storage_tag))


# -- storage-add ------------------------------------------------------------------------

_POOL_RE = re.compile(r"[a-zA-Z]+[-?a-zA-Z0-9]*\Z")
_COUNT_RE = re.compile(r"-?[0-9]+\Z")
_SIZE_RE = re.compile(r"-?([0-9]+(?:\.[0-9]+)?)[MGTPEZY](?:i?B)?\Z")


def _parse_directive(text: str) -> tuple[str, int, bool]:
    """Juju's ``storage.ParseConstraints``: ``(pool, count, has_size)``; count defaults to 1."""
    pool, count, size = "", 0, 0.0
    for field in text.split(","):
        if not field:
            continue
        if _POOL_RE.match(field):
            if pool:
                raise ValueError(
                    f"pool name is already set to {go_quote(pool)}, new value "
                    f"{go_quote(field)} not valid"
                )
            pool = field
            continue
        if _COUNT_RE.match(field) and int(field) < 2**64:
            if field.startswith("-") or int(field) == 0:
                raise ValueError(
                    f"cannot parse count: count must be greater than zero, got {go_quote(field)}"
                )
            count = int(field)
            continue
        size_match = _SIZE_RE.match(field)
        if size_match:
            if field.startswith("-"):
                raise ValueError(
                    f"cannot parse size: expected a non-negative number, got {go_quote(field)}"
                )
            size = float(size_match.group(1))
            continue
        raise ValueError(f"unrecognized storage constraint {go_quote(field)} not valid")
    if not count and not size and not pool:
        raise ValueError("storage constraints require at least one field to be specified")
    return pool, count or 1, bool(size)


class StorageAdd(Command):
    name = "storage-add"
    args_doc = "<charm storage name>[=count] ..."
    purpose = "Add storage instances."
    doc = """
Storage add adds storage instances to unit using provided storage directives.
A storage directive consists of a storage name as per charm specification
and optional storage COUNT.

COUNT is a positive integer indicating how many instances
of the storage to create. If unspecified, COUNT defaults to 1.

Examples:
    storage-add database-storage=1
"""
    counts: dict[str, int]

    def init(self, args: list[str]) -> None:
        if not args:
            raise usage_error("storage add requires a storage directive")
        parsed: dict[str, tuple[str, int, bool]] = {}
        for arg in args:
            parts = arg.split("=")
            name = parts[0]
            if len(parts) > 2 or not name:
                raise usage_error(f'expected "name=constraints" or "name", got {go_quote(arg)}')
            if name in parsed:
                raise usage_error(f"storage {go_quote(name)} specified more than once")
            try:
                parsed[name] = _parse_directive(parts[1] if len(parts) > 1 else "1")
            except ValueError as e:
                raise usage_error(
                    f"cannot parse constraints for storage {go_quote(name)}: {e}"
                ) from None
        for name, (pool, _count, has_size) in parsed.items():
            if pool or has_size:
                raise usage_error(f"only count can be specified for {go_quote(name)}")
        self.counts = {name: count for name, (_pool, count, _size) in parsed.items()}

    async def run(self) -> None:
        self.ctx.storage_add(dict(self.counts))


COMMANDS = (StorageGet, StorageList, StorageAdd)
