"""The secret tools: ``secret-add``, ``-set``, ``-get``, ``-info-get``, ``-ids``, ``-grant``,
``-revoke``, ``-remove`` (docs/charm-runtime.md, Secrets).

Argument vectors real clients send (docs/charm-runtime.md, Argument vectors): ops ≥3.4 ``secret-add [--label L]
[--description D] [--expire <iso>] [--rotate P] --owner application|unit
k#file=<tmp> ...`` (stdout is the URI), ``secret-set ... --owner application
<id> k#file=<tmp>``, ``secret-get --format=json <id> [--label L]
[--refresh|--peek]``, ``secret-info-get --format=json <id>|--label L``,
``secret-grant --relation <int> [--unit U] <id>``, ``secret-revoke --relation
<int> [--unit U] <id>``, ``secret-remove <id> [--revision N]``; ops ≤3.3 the
same with the id first and ``--format=json`` last, and ``secret-set`` without
``--owner``.

Content travels as plain text between these tools and the context: the tools
turn ``key=value``, ``key#base64=<b64>``, ``key#file=<path>`` and ``--file`` maps
into text (undecodable bytes carried with ``surrogateescape``) after applying
Juju's checks (key rule, 8 KiB per value, 64 KiB per content), and encode
``key#base64`` output themselves. Everything wrong with the arguments is found
before the context is asked anything (exit 2); refusals of the context (not
the leader, not found, permission denied) exit 1.
"""

from __future__ import annotations

import base64
import json
import os
import re
from typing import Any

from ....core.choices import one_of
from ....core.names import application_of, is_valid_application_name, is_valid_unit_name
from ....wire.agent import SECRET_OWNERS
from ..toolctx import ToolError
from .base import Command, OutputCommand, check_empty, os_reason, relation_flag, usage_error
from .flags import FlagSet
from .formats import Struct, format_yaml, go_quote
from .goyaml import read_string_map
from .secret_args import (
    B64_SUFFIX,
    FILE_SUFFIX,
    MAX_CONTENT_BYTES,
    MAX_VALUE_BYTES,
    ROTATE_POLICIES,
    encode_values,
    parse_expire,
    parse_go_int,
    parse_secret_uri,
    raw_bytes,
    rfc3339,
    uri_arg,
)


class _SecretContentMixin(Command):
    """Reads ``key=value`` arguments and ``--file``, as Juju's ``SecretUpsertContentCommand``."""

    def _read(self, path: str, limit: int, context: str = "") -> bytes:
        # Juju reads these in the agent without the caller's cwd; ops passes
        # absolute paths. Resolving a relative one against the caller's cwd
        # only turns a likely failure into the intended read.
        full = self.abs_path(path)
        try:
            size = os.stat(full).st_size
        except OSError:
            size = 0
        if size > limit:
            raise usage_error(f"secret content in file {go_quote(full)} too large: {size} bytes")
        try:
            with open(full, "rb") as f:
                return f.read()
        except IsADirectoryError:
            raise usage_error(f"{context}read {full}: is a directory") from None
        except OSError as e:
            raise usage_error(f"{context}open {full}: {os_reason(e)}") from None

    def _content_from_args(self, args: list[str]) -> dict[str, str]:
        data: dict[str, bytes] = {}
        for arg in args:
            # Base64 padding may end a value, so it is not taken for the separator.
            idx = arg.rstrip("=").find("=")
            if idx < 1:
                raise usage_error(f"key value {go_quote(arg)} not valid")
            key, value = arg[:idx], arg[idx + 1 :]
            if key.endswith(FILE_SUFFIX):
                key = key[: -len(FILE_SUFFIX)]
                context = f"reading content for secret key {go_quote(key)}: "
                data[key] = self._read(value, MAX_VALUE_BYTES, context)
                continue
            data[key] = raw_bytes(value)
        return encode_values(data)

    def _content_from_file(self, path: str) -> dict[str, str]:
        raw = self._read(path, MAX_CONTENT_BYTES)
        values: dict[str, Any] | None = None
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict) and all(isinstance(v, str) for v in parsed.values()):
            values = parsed
        else:
            try:
                values = read_string_map(raw)
            except ToolError as e:
                raise usage_error(e.message) from None
        return encode_values({str(k): raw_bytes(str(v)) for k, v in values.items()})


# -- metadata flags ------------------------------------------------------------------

class _UpsertCommand(_SecretContentMixin):
    """The flags and checks ``secret-add`` and ``secret-set`` share."""

    label: str
    description: str
    expire_spec: str
    rotate: str
    owner: str
    file: str
    expire: str | None = None
    content: dict[str, str]

    def set_flags(self, f: FlagSet) -> None:
        f.string("description", dest="description", usage="the secret description")
        f.string("expire", dest="expire_spec",
                 usage="either a duration or time when the secret should expire")  # fmt: skip
        f.string("file", dest="file", usage="a YAML file containing secret key values")
        f.string("label", dest="label", usage="a label used to identify the secret in hooks")
        f.string("owner", dest="owner", default="application",
                 usage="the owner of the secret, either the application or unit")  # fmt: skip
        f.string("rotate", dest="rotate", usage="the secret rotation policy")

    def _init_upsert(self, args: list[str]) -> None:
        if self.expire_spec:
            self.expire = parse_expire(self.expire_spec)
        if self.rotate and self.rotate not in ROTATE_POLICIES:
            raise usage_error(f"rotate policy {go_quote(self.rotate)} not valid")
        if self.owner not in SECRET_OWNERS:
            raise usage_error(f"secret owner {go_quote(self.owner)} not valid")
        content = self._content_from_args(args)
        if self.file:
            content.update(self._content_from_file(self.file))
            size = sum(len(raw_bytes(v)) for v in content.values())
            if size > MAX_CONTENT_BYTES:
                raise usage_error(f"secret content too large: {size} bytes")
        self.content = content


def _opt(value: str) -> str | None:
    return value or None


class SecretAdd(_UpsertCommand):
    name = "secret-add"
    args_doc = "[key[#base64|#file]=value...]"
    purpose = "Add a new secret."
    doc = """
Add a secret with a list of key values.

If a key has the '#base64' suffix, the value is already in base64 format and no
encoding will be performed, otherwise the value will be base64 encoded
prior to being stored.

If a key has the '#file' suffix, the value is read from the corresponding file.

By default, a secret is owned by the application, meaning only the unit
leader can manage it. Use "--owner unit" to create a secret owned by the
specific unit which created it.

Examples:
    secret-add token=34ae35facd4
    secret-add key#base64=AA==
    secret-add key#file=/path/to/file another-key=s3cret
    secret-add --owner unit token=s3cret
    secret-add --rotate monthly token=s3cret
    secret-add --expire 24h token=s3cret
    secret-add --expire 2025-01-01T06:06:06 token=s3cret
    secret-add --label db-password \\
        --description "my database password" \\
        data#base64=s3cret==
    secret-add --label db-password \\
        --description "my database password" \\
        --file=/path/to/file
"""

    def init(self, args: list[str]) -> None:
        if not args and not self.file:
            raise usage_error("missing secret value or filename")
        self._init_upsert(args)

    async def run(self) -> None:
        if not self.content:
            raise ToolError("empty secret value not valid")
        uri = await self.ctx.secret_add(
            self.content,
            owner=one_of(self.owner, SECRET_OWNERS),  # checked in init
            label=_opt(self.label),
            description=_opt(self.description),
            expire=self.expire,
            rotate=_opt(self.rotate),
        )
        self.inv.stdout += f"{uri}\n".encode()


class SecretSet(_UpsertCommand):
    name = "secret-set"
    args_doc = "<ID> [key[#base64]=value...]"
    purpose = "Update an existing secret."
    doc = """
Update a secret with a list of key values, or set new metadata.
If a value has the '#base64' suffix, it is already in base64 format and no
encoding will be performed, otherwise the value will be base64 encoded
prior to being stored.
To just update selected metadata like rotate policy, do not specify any secret value.
The --owner flag is accepted for compatibility and has no effect.

Examples:
    secret-set secret:9m4e2mr0ui3e8a215n4g token=34ae35facd4
    secret-set secret:9m4e2mr0ui3e8a215n4g key#base64=AA==
    secret-set secret:9m4e2mr0ui3e8a215n4g --rotate monthly token=s3cret
    secret-set secret:9m4e2mr0ui3e8a215n4g --expire 24h
    secret-set secret:9m4e2mr0ui3e8a215n4g --label db-password \\
        --description "my database password"
    secret-set secret:9m4e2mr0ui3e8a215n4g --file=/path/to/file
"""
    uri: str

    def init(self, args: list[str]) -> None:
        if not args:
            raise usage_error("missing secret URI")
        self.uri = uri_arg(args[0])
        self._init_upsert(args[1:])

    async def run(self) -> None:
        await self.ctx.secret_set(
            self.uri,
            None,
            content=self.content or None,
            label=_opt(self.label),
            description=_opt(self.description),
            expire=self.expire,
            rotate=_opt(self.rotate),
        )


# -- reading -------------------------------------------------------------------------


class _SecretOutputCommand(OutputCommand):
    formats = ("json", "yaml")
    default_format = "yaml"
    label: str
    uri: str | None = None

    def take_uri(self, args: list[str]) -> list[str]:
        """An optional secret URI first; without one, ``--label`` must name the secret."""
        if args:
            try:
                self.uri = parse_secret_uri(args[0])
            except ValueError:
                raise usage_error(f"secret URI {go_quote(args[0])} not valid") from None
            args = args[1:]
        if self.uri is None and not self.label:
            raise usage_error("require either a secret URI or label")
        return args


class SecretGet(_SecretOutputCommand):
    name = "secret-get"
    args_doc = "<ID> [key[#base64]]"
    purpose = "Get the content of a secret."
    doc = """
Get the content of a secret with a given secret ID.
The first time the value is fetched, the latest revision is used.
Subsequent calls will always return this same revision unless
--peek or --refresh are used.
Using --peek will fetch the latest revision just this time.
Using --refresh will fetch the latest revision and continue to
return the same revision next time unless --peek or --refresh is used.

Either the ID or label can be used to identify the secret.

Examples:
    secret-get secret:9m4e2mr0ui3e8a215n4g
    secret-get secret:9m4e2mr0ui3e8a215n4g token
    secret-get secret:9m4e2mr0ui3e8a215n4g token#base64
    secret-get secret:9m4e2mr0ui3e8a215n4g --format json
    secret-get secret:9m4e2mr0ui3e8a215n4g --peek
    secret-get secret:9m4e2mr0ui3e8a215n4g --refresh
    secret-get secret:9m4e2mr0ui3e8a215n4g --label db-password
"""
    peek: bool
    refresh: bool
    key: str = ""

    def set_flags(self, f: FlagSet) -> None:
        super().set_flags(f)
        f.string("label", dest="label", usage="a label used to identify the secret in hooks")
        f.bool("peek", dest="peek", usage="get the latest revision just this time")
        f.bool("refresh", dest="refresh",
               usage="get the latest revision and also get this same revision for subsequent calls")  # fmt: skip

    def init(self, args: list[str]) -> None:
        args = self.take_uri(args)
        if self.peek and self.refresh:
            raise usage_error("specify one of --peek or --refresh but not both")
        if args:
            self.key = args[0]
            args = args[1:]
        check_empty(args)

    async def run(self) -> None:
        content = dict(
            await self.ctx.secret_get(
                self.uri, _opt(self.label), peek=self.peek, refresh=self.refresh
            )
        )
        if not self.key:
            self.write(content)
            return
        key, as_base64 = self.key, False
        if key.endswith(B64_SUFFIX):
            key, as_base64 = key[: -len(B64_SUFFIX)], True
        if key not in content:
            raise ToolError(f"secret key value {go_quote(key)} not found")
        value = content[key]
        self.write(base64.b64encode(raw_bytes(value)).decode() if as_base64 else value)


_INFO_FIELDS = ("description", "rotation", "expiry", "rotates")
_TIME_FIELDS = ("expiry", "rotates")


def _info_struct(md: dict[str, Any]) -> Struct:
    """Juju's ``metadataDisplay``: field order, ``label`` always present, the rest omitempty."""
    out = Struct(revision=md.get("revision", 0), label=md.get("label") or "",
                 owner=md.get("owner") or "")  # fmt: skip
    for field in _INFO_FIELDS:
        if md.get(field):
            out[field] = md[field]
    access = md.get("access")
    if access:
        out["access"] = [
            Struct(target=a.get("target", ""), scope=a.get("scope", ""), role=a.get("role", ""))
            for a in access
        ]
    return out


class SecretInfoGet(_SecretOutputCommand):
    name = "secret-info-get"
    args_doc = "<ID>"
    purpose = "Get a secret's metadata info."
    doc = """
Get the metadata of a secret with a given secret ID.
Either the ID or label can be used to identify the secret.

Examples:
    secret-info-get secret:9m4e2mr0ui3e8a215n4g
    secret-info-get --label db-password
"""

    def set_flags(self, f: FlagSet) -> None:
        super().set_flags(f)
        f.string("label", dest="label", usage="a label used to identify the secret")

    def init(self, args: list[str]) -> None:
        args = self.take_uri(args)
        if self.uri is not None and self.label:
            raise usage_error("specify either a secret URI or label but not both")
        check_empty(args)

    async def run(self) -> None:
        info = await self.ctx.secret_info(self.uri, _opt(self.label))
        value = {str(sid): _info_struct(dict(md)) for sid, md in info.items()}
        if self.format != "yaml":
            self.write(value)
            return
        # Go writes time.Time values as plain YAML timestamps; as strings
        # they would be quoted.
        times = {str(md[f]) for md in value.values() for f in _TIME_FIELDS if f in md}
        lines = format_yaml(value).decode("utf-8", "surrogateescape").split("\n")
        for i, line in enumerate(lines):
            m = re.match(r'(\s*(?:expiry|rotates): )"([^"\\]*)"\Z', line)
            if m and m.group(2) in times:
                lines[i] = m.group(1) + m.group(2)
        self.emit("\n".join(lines).encode("utf-8", "surrogateescape"))


class SecretIds(OutputCommand):
    name = "secret-ids"
    purpose = "Print secret IDs."
    doc = """
Returns the secret ids for secrets owned by the application.

Examples:
    secret-ids
"""

    async def run(self) -> None:
        ids = sorted(str(i) for i in await self.ctx.secret_ids())
        # Juju's list is nil when there are none: json prints null.
        self.write(ids if ids or self.format != "json" else None)


# -- access --------------------------------------------------------------------------


class SecretGrant(Command):
    name = "secret-grant"
    args_doc = "<ID>"
    purpose = "Grant access to a secret."
    doc = """
Grant access to view the value of a specified secret.
Access is granted in the context of a relation - unless revoked
earlier, once the relation is removed, so too is the access grant.

By default, all units of the related application are granted access.
Optionally specify a unit name to limit access to just that unit.

Examples:
    secret-grant secret:9m4e2mr0ui3e8a215n4g -r 0 --unit mediawiki/6
    secret-grant secret:9m4e2mr0ui3e8a215n4g --relation db:2
"""
    relation_id: int | None
    unit: str
    uri: str

    def set_flags(self, f: FlagSet) -> None:
        relation_flag(self, f)
        f.string("unit", dest="unit", usage="the unit to grant access")

    def init(self, args: list[str]) -> None:
        if not args:
            raise usage_error("missing secret URI")
        self.uri = uri_arg(args[0])
        if self.relation_id is None:
            raise usage_error("no relation id specified")
        if self.unit:
            if not is_valid_unit_name(self.unit):
                raise usage_error(f"unit {go_quote(self.unit)} not valid")
            remote = self.ctx.relation_remote_app(self.relation_id)
            if application_of(self.unit) != remote:
                raise usage_error(
                    f"cannot specify unit {go_quote(self.unit)} in relation to "
                    f"application {go_quote(remote)}"
                )
        check_empty(args[1:])

    async def run(self) -> None:
        assert self.relation_id is not None
        await self.ctx.secret_grant(self.uri, self.relation_id, _opt(self.unit))


class SecretRevoke(Command):
    name = "secret-revoke"
    args_doc = "<ID>"
    purpose = "Revoke access to a secret."
    doc = """
Revoke access to view the value of a specified secret.
Access may be revoked from an application (all units of
that application lose access), or from a specified unit.
If run in a relation hook, the related application's
access is revoked, unless a unit is specified, in which
case just that unit's access is revoked.

Examples:
    secret-revoke secret:9m4e2mr0ui3e8a215n4g
    secret-revoke secret:9m4e2mr0ui3e8a215n4g --relation 1
    secret-revoke secret:9m4e2mr0ui3e8a215n4g --app mediawiki
    secret-revoke secret:9m4e2mr0ui3e8a215n4g --unit mediawiki/6
"""
    relation_id: int | None
    app: str
    unit: str
    uri: str

    def set_flags(self, f: FlagSet) -> None:
        relation_flag(self, f)
        f.string("app", "application", dest="app", usage="the application to revoke access")
        f.string("unit", dest="unit", usage="the unit to revoke access")

    def init(self, args: list[str]) -> None:
        if not args:
            raise usage_error("missing secret URI")
        self.uri = uri_arg(args[0])
        if self.app and not is_valid_application_name(self.app):
            raise usage_error(f"application {go_quote(self.app)} not valid")
        if self.unit and not is_valid_unit_name(self.unit):
            raise usage_error(f"unit {go_quote(self.unit)} not valid")
        if self.app and self.unit:
            raise usage_error("specify only one of application or unit")
        # The relation (explicit or the hook's) stands for its remote application.
        if self.relation_id is not None and self.app:
            raise usage_error("do not specify both relation and app")
        if self.relation_id is None and not self.app and not self.unit:
            raise usage_error("missing relation or application or unit")
        check_empty(args[1:])

    async def run(self) -> None:
        await self.ctx.secret_revoke(
            self.uri, relation_id=self.relation_id, app=_opt(self.app), unit=_opt(self.unit)
        )


# -- removal -------------------------------------------------------------------------

class SecretRemove(Command):
    name = "secret-remove"
    args_doc = "<ID>"
    purpose = "Remove an existing secret."
    doc = """
Remove a secret with the specified URI, or only the given revision of it.

Examples:
    secret-remove secret:9m4e2mr0ui3e8a215n4g
    secret-remove secret:9m4e2mr0ui3e8a215n4g --revision 3
"""
    revision: int
    uri: str

    def set_flags(self, f: FlagSet) -> None:
        f.value("revision", dest="revision", parse=parse_go_int, default=0, default_repr="0",
                usage="remove the specified revision")  # fmt: skip

    def init(self, args: list[str]) -> None:
        if not args:
            raise usage_error("missing secret URI")
        self.uri = uri_arg(args[0])
        check_empty(args[1:])

    async def run(self) -> None:
        await self.ctx.secret_remove(self.uri, self.revision if self.revision > 0 else None)


COMMANDS = (
    SecretAdd,
    SecretSet,
    SecretGet,
    SecretInfoGet,
    SecretIds,
    SecretGrant,
    SecretRevoke,
    SecretRemove,
)

__all__ = ["COMMANDS", "parse_expire", "parse_go_int", "parse_secret_uri", "rfc3339"]
