"""The relation tools: ``relation-ids``, ``-list``, ``-get``, ``-set``, ``-model-get``.

These carry most of a charm's traffic, and each client family calls them
differently (docs/charm-runtime.md, Argument vectors): ops ≥3.4 as ``relation-get --format=json -r 3 - app/0``,
ops ≤3.3 with ``--format=json`` last, charmhelpers with ``-r db:3`` and a
YAML ``--file``. Access rules (who may read or write which bag) are the
context's job; these commands parse, pick the bag and format.
"""

from __future__ import annotations

from ....core.names import application_of, is_valid_application_name, is_valid_unit_name
from .base import (
    Command,
    OutputCommand,
    check_empty,
    parse_key_values,
    relation_flag,
    require_relation,
    usage_error,
)
from .flags import FlagSet
from .formats import Struct, go_quote
from .goyaml import read_string_map


class RelationIds(OutputCommand):
    name = "relation-ids"
    args_doc = "<name>"
    purpose = "List all relation IDs for the given endpoint."
    doc = """
relation-ids outputs a list of the related applications with a relation name.
Accepts a single argument (relation-name) which, in a relation hook, defaults
to the name of the current relation. The output is useful as input to the
relation-list, relation-get, and relation-set commands to read or write other
relation values.

Only relation ids for relations which are not broken are included.
"""
    endpoint: str

    def init(self, args: list[str]) -> None:
        if args:
            self.endpoint = args[0]
            args = args[1:]
        else:
            rid = self.ctx.relation_id
            if rid is None:
                raise usage_error("no endpoint name specified")
            self.endpoint = self.ctx.relation_endpoint(rid)
        check_empty(args)

    async def run(self) -> None:
        self.write(sorted(self.ctx.relation_ids(self.endpoint)))


class RelationList(OutputCommand):
    name = "relation-list"
    purpose = "List relation units."
    doc = "-r must be specified when not in a relation hook"
    relation_id: int
    app: bool

    def set_flags(self, f: FlagSet) -> None:
        super().set_flags(f)
        relation_flag(self, f)
        f.bool("app", dest="app", usage="List remote application instead of participating units")

    def init(self, args: list[str]) -> None:
        require_relation(self)
        check_empty(args)

    async def run(self) -> None:
        if self.app:
            self.write(self.ctx.relation_remote_app(self.relation_id))
        else:
            self.write(sorted(self.ctx.relation_units(self.relation_id)))


class RelationGet(OutputCommand):
    name = "relation-get"
    args_doc = "<key> <unit id>"
    purpose = "Get relation settings."
    doc = """
relation-get prints the value of a unit's relation setting, specified by key.
If no key is given, or if the key is "-", all keys and values will be printed.

A unit can see its own settings by calling "relation-get - MYUNIT", this will include
any changes that have been made with "relation-set".

When reading remote relation data, a charm can call relation-get --app - to get
the data for the application data bag that is set by the remote applications
leader.
"""
    relation_id: int
    app: bool
    key: str = ""
    owner: str = ""

    def set_flags(self, f: FlagSet) -> None:
        super().set_flags(f)
        relation_flag(self, f)
        f.bool("app", dest="app",
               usage="Get the relation data for the overall application, not just a unit")  # fmt: skip

    def init(self, args: list[str]) -> None:
        require_relation(self)
        if args:
            self.key = "" if args[0] == "-" else args[0]
            args = args[1:]
        if args:
            self.owner = self._supplied_owner(args[0])
            args = args[1:]
        else:
            self.owner = self._default_owner()
        check_empty(args)

    def _supplied_owner(self, name: str) -> str:
        if self.app:
            if is_valid_application_name(name):
                return name
            if is_valid_unit_name(name):
                return application_of(name)
            raise usage_error(f"invalid application name {go_quote(name)}")
        if is_valid_unit_name(name):
            return name
        if is_valid_application_name(name):
            raise usage_error(f"expected unit name, got application name {go_quote(name)}")
        raise usage_error(f"invalid unit name {go_quote(name)}")

    def _default_owner(self) -> str:
        # --app reads JUJU_REMOTE_APP; otherwise JUJU_REMOTE_UNIT, and failing
        # that JUJU_REMOTE_APP in app mode (relation-created/-broken and
        # app-level relation-changed have no remote unit).
        if not self.app and self.ctx.remote_unit:
            return self.ctx.remote_unit
        if self.ctx.remote_app:
            self.app = True
            return self.ctx.remote_app
        raise usage_error("no unit or application specified")

    async def run(self) -> None:
        settings = dict(await self.ctx.relation_settings(self.relation_id, self.owner, self.app))
        self.write(settings.get(self.key) if self.key else settings)


class RelationSet(Command):
    name = "relation-set"
    args_doc = "key=value [key=value ...]"
    purpose = "Set relation settings."
    doc = """
"relation-set" writes the local unit's settings for some relation.
If no relation is specified then the current relation is used. The
setting values are not inspected and are stored as strings. Setting
an empty string causes the setting to be removed. Duplicate settings
are not allowed.

If the unit is the leader, it can set the application settings using
"--app". These are visible to related applications via 'relation-get --app'
or by supplying the application name to 'relation-get' in place of
a unit name.

The --file option should be used when one or more key-value pairs are
too long to fit within the command length limit of the shell or
operating system. The file will contain a YAML map containing the
settings.  Settings in the file will be overridden by any duplicate
key-value arguments. A value of "-" for the filename means <stdin>.
"""
    relation_id: int
    app: bool
    file: str
    settings: dict[str, str]

    def set_flags(self, f: FlagSet) -> None:
        relation_flag(self, f)
        f.string("file", dest="file", usage="file containing key-value pairs")
        f.bool("app", dest="app",
               usage='pick whether you are setting "application" settings or "unit" settings')  # fmt: skip
        self.deprecated_format_flag(f)

    def init(self, args: list[str]) -> None:
        require_relation(self)
        self.settings = parse_key_values(args)

    async def run(self) -> None:
        self.warn_deprecated_format()
        settings = self.settings
        if self.file:
            # Read before touching the context: if stdin is needed the call is
            # replayed from scratch with it.
            settings = {**read_string_map(self.read_input(self.file)), **settings}
        self.ctx.set_relation_settings(self.relation_id, settings, self.app)


class RelationModelGet(OutputCommand):
    name = "relation-model-get"
    purpose = "Get details about the model hosting a related application."
    doc = """
-r must be specified when not in a relation hook

relation-model-get outputs details about the model hosting the application
on the other end of a unit relation.
"""
    relation_id: int

    def set_flags(self, f: FlagSet) -> None:
        super().set_flags(f)
        relation_flag(self, f)

    def init(self, args: list[str]) -> None:
        require_relation(self)
        check_empty(args)

    async def run(self) -> None:
        self.write(Struct(uuid=self.ctx.relation_model_uuid(self.relation_id)))


COMMANDS = (RelationIds, RelationList, RelationGet, RelationSet, RelationModelGet)
