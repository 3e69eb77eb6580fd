"""The secret tools against the fake context: argv shapes of ops 2.x/3.x,
formats, content rules, and every error text and exit code."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from pyjuju.agent.hooks.tools import COMMANDS, run_tool
from pyjuju.agent.hooks.tools.secret import parse_expire, parse_go_int, parse_secret_uri
from pyjuju.agent.toolclient import TOOL_NAMES
from pyjuju.testing.fake_toolctx import FakeSecretGrant, FakeToolContext, fake_secret_id

SECRET_TOOLS = (
    "secret-add",
    "secret-get",
    "secret-set",
    "secret-info-get",
    "secret-ids",
    "secret-grant",
    "secret-revoke",
    "secret-remove",
)

OWNED = "cn7ak5vmp25c7bce8nkg"  # owned by wordpress (the app)
MINE = "cn7ak5vmp25c7bce8nk0"  # owned by wordpress/0
THEIRS = "co1234567890abcdefgh"  # owned by mysql, granted to wordpress
HIDDEN = "co1234567890abcdefg0"  # owned by mysql, not granted
ABSENT = "cn7ak5vmp25c7bce8nm0"
MODEL = "deadbeef-0bad-400d-8000-4b1d0000000a"
NEW = fake_secret_id(1)  # the id the fake gives the first added secret


@pytest.fixture
def ctx() -> FakeToolContext:
    """The secret tools still run against the fake context (the other tools' tests do not)."""
    c = FakeToolContext(unit_name="wordpress/0", hook_name="config-changed")
    c.add_relation(3, "db", "mysql", units=["mysql/1", "mysql/0"])
    return c


@pytest.fixture
def run(ctx: FakeToolContext):
    def _run(name: str, *args: str, stdin: bytes | None = None, cwd: str = "/", on=None):
        return asyncio.run(run_tool(on or ctx, name, list(args), stdin, cwd))

    return _run


@pytest.fixture
def sctx(ctx: FakeToolContext, tmp_path: Path) -> FakeToolContext:
    """``ctx`` as the leader, with one secret of each kind and some files in ``tmp_path``."""
    ctx.leader = True
    ctx.add_secret(
        {"password": "s3cret", "user": "admin", "pin": "123"},
        label="db-pass",
        secret_id=OWNED,
    )
    ctx.add_secret({"token": "mine"}, owner="unit", label="my-token", secret_id=MINE)
    theirs = ctx.add_secret(
        {"token": "new"},
        owner_name="mysql",
        secret_id=THEIRS,
        revisions={1: {"token": "old"}},
    )
    theirs.grants.append(FakeSecretGrant("application-wordpress", "relation-3"))
    ctx.add_secret({"x": "y"}, owner_name="mysql", secret_id=HIDDEN)
    (tmp_path / "value").write_text("file-content")
    (tmp_path / "binary").write_bytes(b"\x00\xff\xfe")
    (tmp_path / "content.yaml").write_text("hello: world\ngoodbye#base64: d29ybGQ=\nport: 80\n")
    (tmp_path / "content.json").write_text('{"hello": "json", "token": "from-file"}')
    (tmp_path / "empty.yaml").write_text("{}\n")
    (tmp_path / "bad.yaml").write_text("Bad: x\n")
    (tmp_path / "notmap.yaml").write_text("- a\n- b\n")
    (tmp_path / "big").write_bytes(b"x" * 8193)
    (tmp_path / "edge").write_bytes(b"x" * 8192)
    (tmp_path / "huge.yaml").write_text("key: " + "x" * 65536 + "\n")
    return ctx


Check = Callable[[FakeToolContext], object] | None


@dataclasses.dataclass(frozen=True)
class Case:
    """Run ``args`` (``{tmp}`` is the test's directory) after ``setup``; then ``check``."""

    id: str
    args: list[str]
    code: int = 0
    stdout: str = ""
    stderr: str = ""
    setup: Check = None
    check: Check = None


def not_leader(c: FakeToolContext) -> None:
    c.leader = False


def in_db_hook(c: FakeToolContext) -> None:
    c.enter_relation_hook(3, "joined", remote_unit="mysql/0")


def new(c: FakeToolContext):
    return c.secrets[NEW]


def granted(c: FakeToolContext, sid: str = OWNED) -> list[tuple[str, str]]:
    return [(g.target, g.scope) for g in c.secrets[sid].grants]


def grants_to_mysql(c: FakeToolContext) -> None:
    c.secrets[OWNED].grants = [
        FakeSecretGrant("application-mysql", "relation-3"),
        FakeSecretGrant("unit-mysql-0", "relation-3"),
    ]


def two_revisions(c: FakeToolContext) -> None:
    c.secrets[OWNED].revisions[2] = {"password": "n3w"}


def with_expiry(c: FakeToolContext) -> None:
    s = c.secrets[OWNED]
    s.description, s.expiry, s.rotation, s.rotates = "db", "2025-01-01T06:06:06Z", "daily", None


INFO_JSON = f'{{"{OWNED}":{{"revision":1,"label":"db-pass","owner":"application"}}}}\n'
INFO_YAML = f"{OWNED}:\n  revision: 1\n  label: db-pass\n  owner: application\n"
ENC = base64.b64encode

CASES = [
    # -- secret-add: what ops sends ----------------------------------------------------------
    Case("add ops3 owner app file", ["secret-add", "--owner", "application", "--label", "L",
                                     "key#file={tmp}/value"], stdout=f"secret:{NEW}\n",
         check=lambda c: (new(c).owner, new(c).owner_name, new(c).label, new(c).revisions)
         == ("application", "wordpress", "L", {1: {"key": "file-content"}})),
    Case("add ops3 all metadata", ["secret-add", "--label", "L", "--description", "D", "--expire",
                                   "2025-01-01T06:06:06+02:00", "--rotate", "monthly", "--owner",
                                   "unit", "a-key#file={tmp}/value", "b-key#file={tmp}/binary"],
         stdout=f"secret:{NEW}\n",
         check=lambda c: (new(c).owner, new(c).owner_name, new(c).description, new(c).expiry,
                          new(c).rotation, new(c).revisions[1])
         == ("unit", "wordpress/0", "D", "2025-01-01T04:06:06Z", "monthly",
             {"a-key": "file-content", "b-key": b"\x00\xff\xfe".decode("utf-8", "surrogateescape")})),
    Case("add ops2 owner last", ["secret-add", "key#file={tmp}/value", "--owner", "unit"],
         stdout=f"secret:{NEW}\n", check=lambda c: new(c).owner == "unit"),
    Case("add default owner is app", ["secret-add", "token=34ae35facd4"], stdout=f"secret:{NEW}\n",
         check=lambda c: (new(c).owner, new(c).revisions) == ("application",
                                                              {1: {"token": "34ae35facd4"}})),
    Case("add base64", ["secret-add", "key#base64=AA==", "data#base64=czNjcmV0"],
         stdout=f"secret:{NEW}\n",
         check=lambda c: new(c).revisions[1] == {"key": "\x00", "data": "s3cret"}),
    Case("add value with = and padding", ["secret-add", "key=a=b", "other=abc=="],
         stdout=f"secret:{NEW}\n",
         check=lambda c: new(c).revisions[1] == {"key": "a=b", "other": "abc=="}),
    Case("add empty-looking values", ["secret-add", "key= ", "other=-"], stdout=f"secret:{NEW}\n",
         check=lambda c: new(c).revisions[1] == {"key": " ", "other": "-"}),
    Case("add later key wins", ["secret-add", "key=1", "key=2"], stdout=f"secret:{NEW}\n",
         check=lambda c: new(c).revisions[1] == {"key": "2"}),
    Case("add yaml file", ["secret-add", "--file", "{tmp}/content.yaml"], stdout=f"secret:{NEW}\n",
         check=lambda c: new(c).revisions[1] == {"hello": "world", "goodbye": "world", "port": "80"}),
    Case("add json file overrides args", ["secret-add", "token=arg", "other=arg",
                                          "--file={tmp}/content.json"],
         stdout=f"secret:{NEW}\n",
         check=lambda c: new(c).revisions[1] == {"token": "from-file", "other": "arg",
                                                 "hello": "json"}),
    Case("add relative file from cwd", ["secret-add", "key#file=value"], stdout=f"secret:{NEW}\n",
         check=lambda c: new(c).revisions[1] == {"key": "file-content"}),
    Case("add value at the limit", ["secret-add", "key#file={tmp}/edge"], stdout=f"secret:{NEW}\n"),
    Case("add expire no zone is utc", ["secret-add", "--expire", "2025-01-01T06:06:06", "key=v"],
         stdout=f"secret:{NEW}\n", check=lambda c: new(c).expiry == "2025-01-01T06:06:06Z"),
    Case("add expire rfc3339 fraction", ["secret-add", "--expire=2025-01-01T06:06:06.250Z", "key=v"],
         stdout=f"secret:{NEW}\n", check=lambda c: new(c).expiry == "2025-01-01T06:06:06.25Z"),
    Case("add rotate never", ["secret-add", "--rotate", "never", "key=v"], stdout=f"secret:{NEW}\n",
         check=lambda c: (new(c).rotation, new(c).rotates) == ("never", None)),
    Case("add unit secret as non-leader", ["secret-add", "--owner", "unit", "key=v"],
         stdout=f"secret:{NEW}\n", setup=not_leader),
    Case("add after --", ["secret-add", "--", "key=v"], stdout=f"secret:{NEW}\n"),
    # -- secret-add: errors ----------------------------------------------------------------
    Case("add nothing", ["secret-add"], 2, stderr="ERROR missing secret value or filename\n"),
    Case("add nothing with flags", ["secret-add", "--label", "L"], 2,
         stderr="ERROR missing secret value or filename\n"),
    Case("add empty value", ["secret-add", "key="], 2, stderr='ERROR key value "key=" not valid\n'),
    Case("add only padding", ["secret-add", "key=="], 2,
         stderr='ERROR key value "key==" not valid\n'),
    Case("add no key", ["secret-add", "=abc"], 2, stderr='ERROR key value "=abc" not valid\n'),
    Case("add bare word", ["secret-add", "token"], 2, stderr='ERROR key value "token" not valid\n'),
    Case("add short key", ["secret-add", "ab=c"], 2, stderr='ERROR key "ab" not valid\n'),
    Case("add upper key", ["secret-add", "Key=c"], 2, stderr='ERROR key "Key" not valid\n'),
    Case("add trailing hyphen", ["secret-add", "key-=c"], 2, stderr='ERROR key "key-" not valid\n'),
    Case("add double hyphen", ["secret-add", "a--b=c"], 2, stderr='ERROR key "a--b" not valid\n'),
    Case("add underscore", ["secret-add", "a_b_c=c"], 2, stderr='ERROR key "a_b_c" not valid\n'),
    Case("add bad base64 key", ["secret-add", "ab#base64=AA=="], 2,
         stderr='ERROR key "ab" not valid\n'),
    Case("add bad base64", ["secret-add", "key#base64=%%%%"], 2,
         stderr='ERROR key "key": illegal base64 data at input byte 0\n'),
    Case("add base64 no padding", ["secret-add", "key#base64=AAA"], 2,
         stderr='ERROR key "key": illegal base64 data at input byte 3\n'),
    Case("add missing file", ["secret-add", "key#file={tmp}/missing"], 2,
         stderr='ERROR reading content for secret key "key": open {tmp}/missing: '
                "no such file or directory\n"),
    Case("add directory", ["secret-add", "key#file={tmp}"], 2,
         stderr='ERROR reading content for secret key "key": read {tmp}: is a directory\n'),
    Case("add file too large", ["secret-add", "key#file={tmp}/big"], 2,
         stderr='ERROR secret content in file "{tmp}/big" too large: 8193 bytes\n'),
    Case("add value too large", ["secret-add", "key=" + "x" * 8193], 2,
         stderr='ERROR secret content for key "key" too large: 8193 bytes\n'),
    Case("add base64 too large", ["secret-add", "key#base64=" + "A" * 8196], 2,
         stderr='ERROR secret content for key "key#base64" too large: 8196 bytes\n'),
    Case("add content too large", ["secret-add"] + [f"key-{c}=" + "x" * 8000 for c in "abcdefghi"],
         2, stderr="ERROR secret content too large: 72000 bytes\n"),
    Case("add yaml file too large", ["secret-add", "--file", "{tmp}/huge.yaml"], 2,
         stderr='ERROR secret content in file "{tmp}/huge.yaml" too large: 65542 bytes\n'),
    Case("add missing yaml file", ["secret-add", "--file", "{tmp}/nope.yaml"], 2,
         stderr="ERROR open {tmp}/nope.yaml: no such file or directory\n"),
    Case("add yaml file bad key", ["secret-add", "--file", "{tmp}/bad.yaml"], 2,
         stderr='ERROR key "Bad" not valid\n'),
    Case("add yaml file not a map", ["secret-add", "--file", "{tmp}/notmap.yaml"], 2,
         stderr="ERROR yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into "
                "map[string]string\n"),
    Case("add empty yaml file", ["secret-add", "--file", "{tmp}/empty.yaml"], 1,
         stderr="ERROR empty secret value not valid\n"),
    Case("add bad expire", ["secret-add", "--expire", "soon", "key=v"], 2,
         stderr='ERROR expire time or duration "soon" not valid\n'),
    Case("add expire unitless", ["secret-add", "--expire", "24", "key=v"], 2,
         stderr='ERROR expire time or duration "24" not valid\n'),
    Case("add expire days", ["secret-add", "--expire", "1d", "key=v"], 2,
         stderr='ERROR expire time or duration "1d" not valid\n'),
    Case("add expire bad date", ["secret-add", "--expire", "2025-02-30T00:00:00", "key=v"], 2,
         stderr='ERROR expire time or duration "2025-02-30T00:00:00" not valid\n'),
    Case("add negative expire", ["secret-add", "--expire", "-1h", "key=v"], 2,
         stderr='ERROR negative expire duration "-1h" not valid\n'),
    Case("add zero expire", ["secret-add", "--expire", "0s", "key=v"], 2,
         stderr='ERROR negative expire duration "0s" not valid\n'),
    Case("add bad rotate", ["secret-add", "--rotate", "fortnightly", "key=v"], 2,
         stderr='ERROR rotate policy "fortnightly" not valid\n'),
    Case("add bad owner", ["secret-add", "--owner", "model", "key=v"], 2,
         stderr='ERROR secret owner "model" not valid\n'),
    Case("add expire checked before content", ["secret-add", "--expire", "x", "bad"], 2,
         stderr='ERROR expire time or duration "x" not valid\n'),
    Case("add app secret not leader", ["secret-add", "key=v"], 1,
         stderr="ERROR this unit is not the leader\n", setup=not_leader,
         check=lambda c: NEW not in c.secrets),
    Case("add duplicate label", ["secret-add", "--label", "db-pass", "key=v"], 1,
         stderr='ERROR secret with label "db-pass" already exists\n'),
    Case("add unknown flag", ["secret-add", "--info", "x", "key=v"], 2,
         stderr="ERROR option provided but not defined: --info\n"),
    Case("add format flag refused", ["secret-add", "--format=json", "key=v"], 2,
         stderr="ERROR option provided but not defined: --format\n"),
    # -- secret-get --------------------------------------------------------------------------
    Case("get ops3 json", ["secret-get", "--format=json", f"secret:{OWNED}"],
         stdout='{"password":"s3cret","pin":"123","user":"admin"}\n'),
    Case("get ops2 json last", ["secret-get", f"secret:{OWNED}", "--format=json"],
         stdout='{"password":"s3cret","pin":"123","user":"admin"}\n'),
    Case("get default yaml", ["secret-get", f"secret:{OWNED}"],
         stdout='password: s3cret\npin: "123"\nuser: admin\n'),
    Case("get bare id", ["secret-get", OWNED, "user"], stdout="admin\n"),
    Case("get model uri", ["secret-get", f"secret://{MODEL}/{OWNED}", "user"], stdout="admin\n"),
    Case("get by label", ["secret-get", "--format=json", "--label", "db-pass"],
         stdout='{"password":"s3cret","pin":"123","user":"admin"}\n'),
    Case("get unit secret by label", ["secret-get", "--label=my-token", "--format=json"],
         stdout='{"token":"mine"}\n'),
    Case("get key yaml scalar quoted", ["secret-get", f"secret:{OWNED}", "pin"], stdout='"123"\n'),
    Case("get key json", ["secret-get", f"secret:{OWNED}", "pin", "--format", "json"],
         stdout='"123"\n'),
    Case("get key base64", ["secret-get", f"secret:{OWNED}", "user#base64"],
         stdout="YWRtaW4=\n"),
    Case("get key base64 json", ["secret-get", "--format=json", OWNED, "user#base64"],
         stdout='"YWRtaW4="\n'),
    Case("get consumer peek", ["secret-get", "--format=json", f"secret:{THEIRS}", "--peek"],
         stdout='{"token":"new"}\n', check=lambda c: c.secrets[THEIRS].tracked is None),
    Case("get consumer first read pins", ["secret-get", f"secret:{THEIRS}", "--format=json"],
         stdout='{"token":"new"}\n', check=lambda c: c.secrets[THEIRS].tracked == 2),
    Case("get consumer refresh", ["secret-get", "--format=json", f"secret:{THEIRS}", "--refresh"],
         stdout='{"token":"new"}\n', check=lambda c: c.secrets[THEIRS].tracked == 2),
    Case("get consumer sets label", ["secret-get", f"secret:{THEIRS}", "--label", "their-token",
                                     "token"],
         stdout="new\n", check=lambda c: c.secrets[THEIRS].consumer_label == "their-token"),
    Case("get owner sets label", ["secret-get", f"secret:{OWNED}", "--label", "renamed", "user"],
         stdout="admin\n", check=lambda c: c.secrets[OWNED].label == "renamed"),
    Case("get non-leader reads app secret", ["secret-get", f"secret:{OWNED}", "user"],
         stdout="admin\n", setup=not_leader),
    # -- secret-get: errors -----------------------------------------------------------------
    Case("get nothing", ["secret-get"], 2, stderr="ERROR require either a secret URI or label\n"),
    Case("get peek and refresh", ["secret-get", OWNED, "--peek", "--refresh"], 2,
         stderr="ERROR specify one of --peek or --refresh but not both\n"),
    Case("get short id", ["secret-get", "--format=json", "secret:abc", "--peek"], 2,
         stderr='ERROR secret URI "secret:abc" not valid\n'),
    Case("get other scheme", ["secret-get", "vault:" + OWNED], 2,
         stderr=f'ERROR secret URI "vault:{OWNED}" not valid\n'),
    Case("get label then key", ["secret-get", "--label", "db-pass", "user"], 2,
         stderr='ERROR secret URI "user" not valid\n'),
    Case("get extra args", ["secret-get", OWNED, "user", "pin", "x"], 2,
         stderr='ERROR unrecognized args: ["pin" "x"]\n'),
    Case("get smart refused", ["secret-get", OWNED, "--format=smart"], 2,
         stderr='ERROR invalid value "smart" for option --format: unknown format "smart"\n'),
    Case("get missing key", ["secret-get", OWNED, "nope"], 1,
         stderr='ERROR secret key value "nope" not found\n'),
    Case("get missing key base64", ["secret-get", OWNED, "nope#base64"], 1,
         stderr='ERROR secret key value "nope" not found\n'),
    Case("get unknown secret", ["secret-get", f"secret:{ABSENT}"], 1,
         stderr=f'ERROR secret "{ABSENT}" not found\n'),
    Case("get unknown label", ["secret-get", "--label", "nope"], 1,
         stderr='ERROR secret with label "nope" not found\n'),
    Case("get not granted", ["secret-get", HIDDEN], 1, stderr="ERROR permission denied\n"),
    # -- secret-set --------------------------------------------------------------------------
    Case("set ops3", ["secret-set", "--label", "L2", "--description", "D", "--owner",
                      "application", f"secret:{OWNED}", "password#file={tmp}/value"],
         check=lambda c: (c.secrets[OWNED].label, c.secrets[OWNED].description,
                          c.secrets[OWNED].revisions[2])
         == ("L2", "D", {"password": "file-content"})),
    Case("set ops2 id first", ["secret-set", f"secret:{OWNED}", "--label", "L2",
                               "password#file={tmp}/value"],
         check=lambda c: (c.secrets[OWNED].label, c.secrets[OWNED].latest) == ("L2", 2)),
    Case("set metadata only", ["secret-set", OWNED, "--rotate", "weekly", "--expire",
                               "2030-01-01T00:00:00Z"],
         check=lambda c: (c.secrets[OWNED].latest, c.secrets[OWNED].rotation,
                          c.secrets[OWNED].expiry)
         == (1, "weekly", "2030-01-01T00:00:00Z")),
    Case("set same content no revision", ["secret-set", OWNED, "password=s3cret", "user=admin",
                                          "pin=123"],
         check=lambda c: c.secrets[OWNED].latest == 1),
    Case("set owner accepted and ignored", ["secret-set", MINE, "--owner", "application",
                                            "token=x"],
         check=lambda c: (c.secrets[MINE].owner, c.secrets[MINE].revisions[2])
         == ("unit", {"token": "x"})),
    Case("set unit secret as non-leader", ["secret-set", MINE, "token=x"], setup=not_leader),
    Case("set from file", ["secret-set", OWNED, "--file", "{tmp}/content.yaml"],
         check=lambda c: c.secrets[OWNED].revisions[2]["goodbye"] == "world"),
    Case("set missing uri", ["secret-set"], 2, stderr="ERROR missing secret URI\n"),
    Case("set bad uri", ["secret-set", "token=x"], 2, stderr='ERROR secret URI "token=x" not valid\n'),
    Case("set bad owner", ["secret-set", OWNED, "--owner", "me"], 2,
         stderr='ERROR secret owner "me" not valid\n'),
    Case("set bad key", ["secret-set", OWNED, "X=1"], 2, stderr='ERROR key "X" not valid\n'),
    Case("set not leader", ["secret-set", OWNED, "password=x"], 1,
         stderr="ERROR this unit is not the leader\n", setup=not_leader,
         check=lambda c: c.secrets[OWNED].latest == 1),
    Case("set someone else's", ["secret-set", THEIRS, "token=x"], 1,
         stderr=f'ERROR secret "secret:{THEIRS}" not found\n'),
    Case("set unknown", ["secret-set", ABSENT, "token=x"], 1,
         stderr=f'ERROR secret "{ABSENT}" not found\n'),
    Case("set duplicate label", ["secret-set", MINE, "--label", "db-pass"], 1,
         stderr='ERROR secret with label "db-pass" already exists\n'),
    # -- secret-info-get ---------------------------------------------------------------------
    Case("info ops json", ["secret-info-get", "--format=json", f"secret:{OWNED}"],
         stdout=INFO_JSON),
    Case("info ops2 json last", ["secret-info-get", f"secret:{OWNED}", "--format=json"],
         stdout=INFO_JSON),
    Case("info by label", ["secret-info-get", "--format=json", "--label", "db-pass"],
         stdout=INFO_JSON),
    Case("info default yaml", ["secret-info-get", OWNED], stdout=INFO_YAML),
    Case("info unit secret", ["secret-info-get", "--format=json", MINE],
         stdout=f'{{"{MINE}":{{"revision":1,"label":"my-token","owner":"unit"}}}}\n'),
    Case("info metadata yaml", ["secret-info-get", OWNED], setup=with_expiry,
         stdout=f"{OWNED}:\n  revision: 1\n  label: db-pass\n  owner: application\n"
                "  description: db\n  rotation: daily\n  expiry: 2025-01-01T06:06:06Z\n"),
    Case("info metadata json", ["secret-info-get", OWNED, "--format=json"], setup=with_expiry,
         stdout=f'{{"{OWNED}":{{"revision":1,"label":"db-pass","owner":"application",'
                '"description":"db","rotation":"daily","expiry":"2025-01-01T06:06:06Z"}}\n'),
    Case("info access", ["secret-info-get", OWNED], setup=grants_to_mysql,
         stdout=INFO_YAML + "  access:\n  - target: application-mysql\n    scope: relation-3\n"
                "    role: view\n  - target: unit-mysql-0\n    scope: relation-3\n"
                "    role: view\n"),
    Case("info latest revision", ["secret-info-get", OWNED, "--format=json"], setup=two_revisions,
         stdout=INFO_JSON.replace('"revision":1', '"revision":2')),
    Case("info nothing", ["secret-info-get"], 2,
         stderr="ERROR require either a secret URI or label\n"),
    Case("info both", ["secret-info-get", OWNED, "--label", "db-pass"], 2,
         stderr="ERROR specify either a secret URI or label but not both\n"),
    Case("info bad uri", ["secret-info-get", "secret:abc"], 2,
         stderr='ERROR secret URI "secret:abc" not valid\n'),
    Case("info extra args", ["secret-info-get", OWNED, "x"], 2,
         stderr='ERROR unrecognized args: ["x"]\n'),
    Case("info smart refused", ["secret-info-get", OWNED, "--format", "smart"], 2,
         stderr='ERROR invalid value "smart" for option --format: unknown format "smart"\n'),
    Case("info unknown id", ["secret-info-get", ABSENT], 1,
         stderr=f'ERROR secret "{ABSENT}" not found\n'),
    Case("info unknown label", ["secret-info-get", "--label", "nope"], 1,
         stderr='ERROR secret "nope" not found\n'),
    Case("info consumer", ["secret-info-get", THEIRS], 1,
         stderr=f'ERROR secret "{THEIRS}" not found\n'),
    Case("info app secret non-leader", ["secret-info-get", OWNED], 1, setup=not_leader,
         stderr=f'ERROR secret "{OWNED}" not found\n'),
    # -- secret-ids --------------------------------------------------------------------------
    Case("ids smart", ["secret-ids"], stdout=f"{MINE}\n{OWNED}\n"),
    Case("ids json", ["secret-ids", "--format=json"], stdout=f'["{MINE}","{OWNED}"]\n'),
    Case("ids yaml", ["secret-ids", "--format=yaml"], stdout=f"- {MINE}\n- {OWNED}\n"),
    Case("ids non-leader", ["secret-ids", "--format=json"], stdout=f'["{MINE}"]\n',
         setup=not_leader),
    Case("ids none smart", ["secret-ids"], setup=lambda c: c.secrets.clear()),
    Case("ids none json", ["secret-ids", "--format=json"], stdout="null\n",
         setup=lambda c: c.secrets.clear()),
    Case("ids none yaml", ["secret-ids", "--format=yaml"], stdout="[]\n",
         setup=lambda c: c.secrets.clear()),
    Case("ids extra args", ["secret-ids", "x"], 2, stderr='ERROR unrecognized args: ["x"]\n'),
    # -- secret-grant ------------------------------------------------------------------------
    Case("grant ops3", ["secret-grant", "--relation", "3", f"secret:{OWNED}"],
         check=lambda c: granted(c) == [("application-mysql", "relation-3")]),
    Case("grant ops3.7 endpoint id", ["secret-grant", "--relation", "db:3", "--unit", "mysql/0",
                                      f"secret:{OWNED}"],
         check=lambda c: granted(c) == [("unit-mysql-0", "relation-3")]),
    Case("grant ops2 id first", ["secret-grant", f"secret:{OWNED}", "--relation", "3", "--unit",
                                 "mysql/1"],
         check=lambda c: granted(c) == [("unit-mysql-1", "relation-3")]),
    Case("grant short flag", ["secret-grant", "-r3", OWNED],
         check=lambda c: granted(c) == [("application-mysql", "relation-3")]),
    Case("grant relation hook default", ["secret-grant", OWNED], setup=in_db_hook,
         check=lambda c: granted(c) == [("application-mysql", "relation-3")]),
    Case("grant unit secret non-leader", ["secret-grant", "-r", "3", MINE], setup=not_leader,
         check=lambda c: granted(c, MINE) == [("application-mysql", "relation-3")]),
    Case("grant twice", ["secret-grant", "-r", "3", OWNED], setup=grants_to_mysql,
         check=lambda c: len(granted(c)) == 2),
    Case("grant missing uri", ["secret-grant"], 2, stderr="ERROR missing secret URI\n"),
    Case("grant missing uri in hook", ["secret-grant", "--unit", "mysql/0"], 2,
         stderr="ERROR missing secret URI\n", setup=in_db_hook),
    Case("grant bad uri", ["secret-grant", "-r", "3", "abc"], 2,
         stderr='ERROR secret URI "abc" not valid\n'),
    Case("grant no relation", ["secret-grant", OWNED], 2, stderr="ERROR no relation id specified\n"),
    Case("grant unknown relation", ["secret-grant", "--relation", "99", OWNED], 2,
         stderr='ERROR invalid value "99" for option --relation: relation not found\n'),
    Case("grant bad relation", ["secret-grant", "--relation", "db", OWNED], 2,
         stderr='ERROR invalid value "db" for option --relation: invalid relation id\n'),
    Case("grant bad unit", ["secret-grant", "-r", "3", "--unit", "mysql", OWNED], 2,
         stderr='ERROR unit "mysql" not valid\n'),
    Case("grant unit of other app", ["secret-grant", "-r", "3", "--unit", "foo/0", OWNED], 2,
         stderr='ERROR cannot specify unit "foo/0" in relation to application "mysql"\n'),
    Case("grant app flag refused", ["secret-grant", "-r", "3", "--app", "mysql", OWNED], 2,
         stderr="ERROR option provided but not defined: --app\n"),
    Case("grant extra args", ["secret-grant", "-r", "3", OWNED, "x"], 2,
         stderr='ERROR unrecognized args: ["x"]\n'),
    Case("grant not leader", ["secret-grant", "-r", "3", OWNED], 1, setup=not_leader,
         stderr="ERROR this unit is not the leader\n", check=lambda c: granted(c) == []),
    Case("grant someone else's", ["secret-grant", "-r", "3", THEIRS], 1,
         stderr=f'ERROR secret "secret:{THEIRS}" not found\n'),
    # -- secret-revoke -----------------------------------------------------------------------
    Case("revoke ops3 relation unit", ["secret-revoke", "--relation", "3", "--unit", "mysql/0",
                                       f"secret:{OWNED}"],
         setup=grants_to_mysql, check=lambda c: granted(c) == [("application-mysql", "relation-3")]),
    Case("revoke ops2 id first", ["secret-revoke", f"secret:{OWNED}", "--relation", "5",
                                  "--unit", "u/1"],
         setup=lambda c: (grants_to_mysql(c), c.add_relation(5, "cache", "u", ["u/1"]),
                          c.grant_secret(OWNED, "u/1", "relation-5")),
         check=lambda c: len(granted(c)) == 2),
    Case("revoke relation", ["secret-revoke", "--relation", "3", OWNED], setup=grants_to_mysql,
         check=lambda c: granted(c) == [("unit-mysql-0", "relation-3")]),
    Case("revoke relation hook default", ["secret-revoke", OWNED], setup=lambda c: (
        grants_to_mysql(c), in_db_hook(c)),
         check=lambda c: granted(c) == [("unit-mysql-0", "relation-3")]),
    Case("revoke app", ["secret-revoke", "--app", "mysql", OWNED], setup=grants_to_mysql,
         check=lambda c: granted(c) == [("unit-mysql-0", "relation-3")]),
    Case("revoke application", ["secret-revoke", "--application=mysql", OWNED],
         setup=grants_to_mysql, check=lambda c: granted(c) == [("unit-mysql-0", "relation-3")]),
    Case("revoke unit", ["secret-revoke", OWNED, "--unit", "mysql/0"], setup=grants_to_mysql,
         check=lambda c: granted(c) == [("application-mysql", "relation-3")]),
    Case("revoke missing uri", ["secret-revoke"], 2, stderr="ERROR missing secret URI\n"),
    Case("revoke bad uri", ["secret-revoke", "--app", "mysql", "secret:"], 2,
         stderr='ERROR secret URI "secret:" not valid\n'),
    Case("revoke nothing to revoke", ["secret-revoke", OWNED], 2,
         stderr="ERROR missing relation or application or unit\n"),
    Case("revoke app and unit", ["secret-revoke", OWNED, "--app", "mysql", "--unit", "mysql/0"], 2,
         stderr="ERROR specify only one of application or unit\n"),
    Case("revoke relation and app", ["secret-revoke", OWNED, "-r", "3", "--app", "mysql"], 2,
         stderr="ERROR do not specify both relation and app\n"),
    Case("revoke app in relation hook", ["secret-revoke", OWNED, "--app", "mysql"], 2,
         stderr="ERROR do not specify both relation and app\n", setup=in_db_hook),
    Case("revoke bad app", ["secret-revoke", OWNED, "--app", "0/foo"], 2,
         stderr='ERROR application "0/foo" not valid\n'),
    Case("revoke bad unit", ["secret-revoke", OWNED, "--unit", "foo"], 2,
         stderr='ERROR unit "foo" not valid\n'),
    Case("revoke unknown relation", ["secret-revoke", OWNED, "--relation", "-666"], 2,
         stderr='ERROR invalid value "-666" for option --relation: relation not found\n'),
    Case("revoke not leader", ["secret-revoke", OWNED, "--app", "mysql"], 1, setup=not_leader,
         stderr="ERROR this unit is not the leader\n"),
    # -- secret-remove -----------------------------------------------------------------------
    Case("remove all", ["secret-remove", f"secret:{OWNED}"], setup=two_revisions,
         check=lambda c: OWNED not in c.secrets),
    Case("remove ops revision last", ["secret-remove", f"secret:{OWNED}", "--revision", "1"],
         setup=two_revisions, check=lambda c: list(c.secrets[OWNED].revisions) == [2]),
    Case("remove revision first", ["secret-remove", "--revision=2", OWNED], setup=two_revisions,
         check=lambda c: list(c.secrets[OWNED].revisions) == [1]),
    Case("remove revision hex", ["secret-remove", "--revision=0x2", OWNED], setup=two_revisions,
         check=lambda c: list(c.secrets[OWNED].revisions) == [1]),
    Case("remove revision 0 is all", ["secret-remove", "--revision", "0", OWNED],
         check=lambda c: OWNED not in c.secrets),
    Case("remove negative revision is all", ["secret-remove", "--revision", "-3", OWNED],
         check=lambda c: OWNED not in c.secrets),
    Case("remove unit secret non-leader", ["secret-remove", MINE], setup=not_leader,
         check=lambda c: MINE not in c.secrets),
    Case("remove missing uri", ["secret-remove"], 2, stderr="ERROR missing secret URI\n"),
    Case("remove bad uri", ["secret-remove", "secret://x/" + OWNED], 2,
         stderr='ERROR host controller UUID "x" not valid\n'),
    Case("remove bad revision", ["secret-remove", OWNED, "--revision", "x"], 2,
         stderr='ERROR invalid value "x" for option --revision: strconv.ParseInt: parsing "x": '
                "invalid syntax\n"),
    Case("remove revision needs value", ["secret-remove", OWNED, "--revision"], 2,
         stderr="ERROR option needs an argument: --revision\n"),
    Case("remove extra args", ["secret-remove", OWNED, "x"], 2,
         stderr='ERROR unrecognized args: ["x"]\n'),
    Case("remove unknown revision", ["secret-remove", OWNED, "--revision", "7"], 1,
         stderr="ERROR secret revision 7 not found\n"),
    Case("remove not leader", ["secret-remove", OWNED], 1, setup=not_leader,
         stderr="ERROR this unit is not the leader\n", check=lambda c: OWNED in c.secrets),
    Case("remove someone else's", ["secret-remove", THEIRS], 1,
         stderr=f'ERROR secret "secret:{THEIRS}" not found\n'),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_secret_tool(sctx: FakeToolContext, run, tmp_path: Path, case: Case) -> None:
    if case.setup:
        case.setup(sctx)
    tmp = str(tmp_path)
    args = [a.replace("{tmp}", tmp) for a in case.args]
    result = run(args[0], *args[1:], cwd=tmp)
    assert (result.code, result.stdout.decode(), result.stderr.decode()) == (
        case.code,
        case.stdout.replace("{tmp}", tmp),
        case.stderr.replace("{tmp}", tmp),
    )
    if case.check:
        assert case.check(sctx)


def test_failed_tools_change_nothing(sctx: FakeToolContext, run, tmp_path: Path) -> None:
    before = repr(sctx.secrets)
    for case in CASES:
        if case.code and case.setup is None:
            run(*[a.replace("{tmp}", str(tmp_path)) for a in case.args], cwd=str(tmp_path))
    assert repr(sctx.secrets) == before


# -- several calls ------------------------------------------------------------------------


def test_consumer_tracks_revision_until_refresh(sctx: FakeToolContext, run) -> None:
    get = ["secret-get", THEIRS, "token"]
    assert run(*get).stdout == b"new\n"
    sctx.secrets[THEIRS].revisions[3] = {"token": "newer"}
    assert run(*get).stdout == b"new\n"  # pinned by the first read
    assert run(*get, "--peek").stdout == b"newer\n"
    assert sctx.secrets[THEIRS].tracked == 2
    assert run(*get).stdout == b"new\n"
    assert run(*get, "--refresh").stdout == b"newer\n"
    assert sctx.secrets[THEIRS].tracked == 3
    assert run(*get).stdout == b"newer\n"


def test_consumer_label_then_lookup_by_label(sctx: FakeToolContext, run) -> None:
    assert run("secret-get", THEIRS, "--label", "theirs").code == 0
    result = run("secret-get", "--label", "theirs", "--format=json")
    assert (result.code, result.stdout) == (0, b'{"token":"new"}\n')


def test_owner_sees_latest_revision(sctx: FakeToolContext, run) -> None:
    assert run("secret-set", OWNED, "user=root").code == 0
    assert run("secret-get", OWNED, "user").stdout == b"root\n"
    assert sctx.secrets[OWNED].revisions[1]["user"] == "admin"


def test_add_then_get_round_trips_binary_content(sctx: FakeToolContext, run) -> None:
    data = bytes(range(256))
    uri = run("secret-add", f"blob#base64={ENC(data).decode()}").stdout.decode().strip()
    assert run("secret-get", uri, "blob#base64").stdout == ENC(data) + b"\n"
    out = json.loads(run("secret-get", uri, "--format=json").stdout)
    assert out["blob"].startswith("\x00\x01")  # invalid UTF-8 comes out as U+FFFD, as in Go


def test_add_then_info_and_ids(sctx: FakeToolContext, run) -> None:
    uri = run("secret-add", "--owner", "unit", "--label", "tls", "cert=x").stdout.decode().strip()
    sid = uri.removeprefix("secret:")
    info = json.loads(run("secret-info-get", "--format=json", "--label", "tls").stdout)
    assert info == {sid: {"revision": 1, "label": "tls", "owner": "unit"}}
    assert sid in run("secret-ids").stdout.decode().split()


def test_add_expire_duration_is_from_now(sctx: FakeToolContext, run) -> None:
    before = dt.datetime.now(dt.UTC)
    assert run("secret-add", "--expire", "1h30m", "key=v").code == 0
    expiry = dt.datetime.fromisoformat(sctx.secrets[NEW].expiry.replace("Z", "+00:00"))
    after = dt.datetime.now(dt.UTC)
    assert before + dt.timedelta(minutes=90) <= expiry <= after + dt.timedelta(minutes=90)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", sctx.secrets[NEW].expiry)


def test_add_rotation_sets_next_rotation(sctx: FakeToolContext, run) -> None:
    assert run("secret-add", "--rotate", "daily", "key=v").code == 0
    info = json.loads(run("secret-info-get", "--format=json", NEW).stdout)[NEW]
    assert info["rotation"] == "daily"
    assert info["rotates"].endswith("Z")
    yaml_out = run("secret-info-get", NEW).stdout.decode()
    assert f"  rotates: {info['rotates']}\n" in yaml_out  # a timestamp, not a quoted string


def test_get_output_file(sctx: FakeToolContext, run, tmp_path: Path) -> None:
    result = run("secret-get", OWNED, "-o", "out.json", "--format=json", cwd=str(tmp_path))
    assert (result.code, result.stdout, result.stderr) == (0, b"", b"")
    assert json.loads((tmp_path / "out.json").read_text())["user"] == "admin"
    result = run("secret-info-get", OWNED, "--output", str(tmp_path / "info.yaml"))
    assert (result.code, result.stdout) == (0, b"")
    assert (tmp_path / "info.yaml").read_text() == INFO_YAML


def test_grant_then_consumer_access(sctx: FakeToolContext, run) -> None:
    consumer = FakeToolContext(unit_name="mysql/0")
    consumer.secrets = sctx.secrets  # the same model
    assert run("secret-get", OWNED, on=consumer).stderr == b"ERROR permission denied\n"
    assert run("secret-grant", "-r", "3", OWNED).code == 0
    assert run("secret-get", OWNED, "user", on=consumer).stdout == b"admin\n"
    assert run("secret-revoke", "-r", "3", OWNED).code == 0
    assert run("secret-get", OWNED, on=consumer).code == 1


# -- parsing helpers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "uri"),
    [
        (OWNED, f"secret:{OWNED}"),
        (f"secret:{OWNED}", f"secret:{OWNED}"),
        (f"SECRET:{OWNED}", f"secret:{OWNED}"),
        (f"secret:/{OWNED}", f"secret:{OWNED}"),
        (f"secret://{MODEL}/{OWNED}", f"secret://{MODEL}/{OWNED}"),
        (f"{MODEL}/{OWNED}", f"secret://{MODEL}/{OWNED}"),
        (f"secret:{OWNED}#key", f"secret:{OWNED}"),
    ],
)
def test_parse_secret_uri(text: str, uri: str) -> None:
    assert parse_secret_uri(text) == uri


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("secret:abc", 'secret URI "secret:abc" not valid'),
        ("", 'secret URI "" not valid'),
        ("cn7ak5vmp25c7bce8nkw", 'secret URI "cn7ak5vmp25c7bce8nkw" not valid'),  # not xid
        ("CN7AK5VMP25C7BCE8NKG", 'secret URI "CN7AK5VMP25C7BCE8NKG" not valid'),
        (f"vault:{OWNED}", 'secret URI scheme "vault" not valid'),
        (f"secret://{OWNED}", f'host controller UUID "{OWNED}" not valid'),
        (f":{OWNED}", f'parse ":{OWNED}": missing protocol scheme'),
        (f"1:{OWNED}", f'parse "1:{OWNED}": first path segment in URL cannot contain colon'),
    ],
)
def test_parse_secret_uri_errors(text: str, error: str) -> None:
    with pytest.raises(ValueError) as e:
        parse_secret_uri(text)
    assert str(e.value) == error


NOW = dt.datetime(2024, 5, 1, 10, 0, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("spec", "expiry"),
    [
        ("24h", "2024-05-02T10:00:00Z"),
        ("1h30m", "2024-05-01T11:30:00Z"),
        ("1.5s", "2024-05-01T10:00:01.5Z"),
        ("90m", "2024-05-01T11:30:00Z"),
        ("2025-01-01T06:06:06", "2025-01-01T06:06:06Z"),
        ("2025-01-01T06:06:06Z", "2025-01-01T06:06:06Z"),
        ("2025-01-01T06:06:06-05:30", "2025-01-01T11:36:06Z"),
        ("2025-01-01T06:06:06.123456789Z", "2025-01-01T06:06:06.123456Z"),
    ],
)
def test_parse_expire(spec: str, expiry: str) -> None:
    assert parse_expire(spec, NOW) == expiry


@pytest.mark.parametrize(
    ("text", "value"),
    [("0", 0), ("12", 12), ("+3", 3), ("-3", -3), ("0x1f", 31), ("0o17", 15), ("017", 15),
     ("0b101", 5), ("1_000", 1000), ("0x_1f", 31)],
)  # fmt: skip
def test_parse_go_int(text: str, value: int) -> None:
    assert parse_go_int(text) == value


@pytest.mark.parametrize("text", ["", "x", "1.5", "08", "_1", "1_", "1__0", "0x", "--1", " 1"])
def test_parse_go_int_syntax_errors(text: str) -> None:
    with pytest.raises(ValueError, match="invalid syntax"):
        parse_go_int(text)


def test_parse_go_int_range() -> None:
    assert parse_go_int(str(2**63 - 1)) == 2**63 - 1
    with pytest.raises(ValueError, match="value out of range"):
        parse_go_int(str(2**63))


# -- registration and help ------------------------------------------------------------------


def test_secret_tools_are_installed() -> None:
    for name in SECRET_TOOLS:
        assert name in COMMANDS
        assert name in TOOL_NAMES


@pytest.mark.parametrize("name", SECRET_TOOLS)
def test_secret_tool_help(sctx: FakeToolContext, run, name: str) -> None:
    before = repr(sctx.secrets)
    result = run(name, OWNED, "key=v", "--help")
    assert (result.code, result.stderr) == (0, b"")
    text = result.stdout.decode()
    assert text.startswith(f"Usage: {name} [options]")
    assert "\nSummary:\n" in text
    assert repr(sctx.secrets) == before


def test_secret_add_help_shows_owner_default(run) -> None:
    text = run("secret-add", "--help").stdout.decode()
    assert re.search(r'^--owner +\(= "application"\)$', text, re.M)
    for flag in ("--description", "--expire", "--file", "--label", "--rotate"):
        assert re.search(rf'^{flag} +\(= ""\)$', text, re.M)
