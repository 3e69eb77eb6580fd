"""The secret tools in real hook contexts of a real controller: argv shapes of ops 2.x/3.x,
formats, content rules, every error text and exit code, and what the controller keeps once
the hook commits (controllerscene.py)."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import itertools
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from controllerscene import (
    HIDDEN,
    MINE,
    NEW_IDS,
    OWNED,
    THEIRS,
    ControllerScene,
    build_template,
    copy_template,
)

from pyjuju.agent.hooks.tools import COMMANDS
from pyjuju.agent.hooks.tools.secret import parse_expire, parse_go_int, parse_secret_uri
from pyjuju.agent.toolclient import TOOL_NAMES
from pyjuju.core.errors import PyjujuError
from pyjuju.wire import HookCommitParams, SecretGrant, SecretSet

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

ABSENT = "cn7ak5vmp25c7bce8nm0"
MODEL = "deadbeef-0bad-400d-8000-4b1d0000000a"
NEW = NEW_IDS[0]  # the id of the first secret a hook adds
DB_SCOPE = "relation-wordpress.db#mysql.server"  # Juju's tag of the db:3 relation


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("secrets-model")
    build_template(root)
    return root


@pytest.fixture
def sc(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ControllerScene]:
    """The controller of controllerscene.py, with some files in ``tmp_path`` to read secrets from."""
    scene = copy_template(template, tmp_path / "controller")
    monkeypatch.setattr("pyjuju.agent.hooks.context.new_secret_id", scene.next_secret_id)
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
    try:
        yield scene
    finally:
        scene.svc.store.close()


Setup = Callable[[ControllerScene], object] | None


@dataclasses.dataclass(frozen=True)
class Case:
    """After ``setup``, run ``args`` (``{tmp}`` is the test's directory) in a hook of
    wordpress/0; when it exits 0, commit the hook as the unit agent would: the controller
    refuses with ``refused`` (``""``: applies it). Then ``check`` the controller."""

    id: str
    args: list[str]
    code: int = 0
    stdout: str | Callable[[ControllerScene], str] = ""
    stderr: str = ""
    setup: Setup = None
    check: Setup = None
    refused: str = ""


_setup_hooks = itertools.count()


def commit_from(unit: str, *changes) -> Callable[[ControllerScene], None]:
    """A setup: an earlier hook of ``unit`` committed ``changes`` (each hook its own commit id)."""
    def setup(c: ControllerScene) -> None:
        c.send(unit, HookCommitParams(commit_id=f"earlier-hook-{next(_setup_hooks)}", secrets=list(changes)))
    return setup


def not_leader(c: ControllerScene) -> None:
    c.set_leader("wordpress/1")


def in_db_hook(c: ControllerScene) -> None:
    c.hook_args = {"hook": "db-relation-joined", "relation_id": 3, "remote_unit": "mysql/0"}


def in_unit_without_secrets(c: ControllerScene) -> None:
    c.hook_args = {"unit": "wordpress/1"}


def new(c: ControllerScene):
    return c.secret(NEW)


def content(c: ControllerScene, sid: str = NEW, revision: int = 1) -> dict[str, str]:
    return c.revisions(sid)[revision]


def granted(c: ControllerScene, sid: str = OWNED) -> list[tuple[str, int | None]]:
    return c.grants(sid)


grants_to_mysql = commit_from("wordpress/0", SecretGrant(id=OWNED, relation_id=3, app="mysql"),
                              SecretGrant(id=OWNED, relation_id=3, app="mysql", unit="mysql/0"))
two_revisions = commit_from("wordpress/0", SecretSet(id=OWNED, content={"password": "n3w"}))
with_expiry = commit_from("wordpress/0", SecretSet(id=OWNED, description="db", expire="2025-01-01T06:06:06Z",
                                                   rotate="daily"))


def rotates(c: ControllerScene, sid: str = OWNED) -> str:
    """When the controller will next ask for a rotation, as secret-info-get shows it."""
    s = c.secret(sid)
    assert s is not None
    return dt.datetime.fromisoformat(s.next_rotate).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


INFO_JSON = f'{{"{OWNED}":{{"revision":1,"label":"db-pass","owner":"application"}}}}\n'
INFO_YAML = f"{OWNED}:\n  revision: 1\n  label: db-pass\n  owner: application\n"
ENC = base64.b64encode

CASES = [
    # -- secret-add: what ops sends ----------------------------------------------------------
    Case("add ops3 owner app file", ["secret-add", "--owner", "application", "--label", "L",
                                     "key#file={tmp}/value"], stdout=f"secret:{NEW}\n",
         check=lambda c: (new(c).owner_kind, new(c).owner, new(c).label, c.revisions(NEW))
         == ("application", "wordpress", "L", {1: {"key": "file-content"}})),
    Case("add ops3 all metadata", ["secret-add", "--label", "L", "--description", "D", "--expire",
                                   "2025-01-01T06:06:06+02:00", "--rotate", "monthly", "--owner",
                                   "unit", "a-key#file={tmp}/value", "b-key#file={tmp}/binary"],
         stdout=f"secret:{NEW}\n",
         check=lambda c: (new(c).owner_kind, new(c).owner, new(c).description, c.expiry(NEW),
                          new(c).rotate_policy, content(c))
         == ("unit", "wordpress/0", "D", "2025-01-01T04:06:06Z", "monthly",
             {"a-key": "file-content", "b-key": b"\x00\xff\xfe".decode("utf-8", "surrogateescape")})),
    Case("add ops2 owner last", ["secret-add", "key#file={tmp}/value", "--owner", "unit"],
         stdout=f"secret:{NEW}\n", check=lambda c: new(c).owner_kind == "unit"),
    Case("add default owner is app", ["secret-add", "token=34ae35facd4"], stdout=f"secret:{NEW}\n",
         check=lambda c: (new(c).owner_kind, c.revisions(NEW)) == ("application",
                                                                   {1: {"token": "34ae35facd4"}})),
    Case("add base64", ["secret-add", "key#base64=AA==", "data#base64=czNjcmV0"],
         stdout=f"secret:{NEW}\n",
         check=lambda c: content(c) == {"key": "\x00", "data": "s3cret"}),
    Case("add value with = and padding", ["secret-add", "key=a=b", "other=abc=="],
         stdout=f"secret:{NEW}\n",
         check=lambda c: content(c) == {"key": "a=b", "other": "abc=="}),
    Case("add empty-looking values", ["secret-add", "key= ", "other=-"], stdout=f"secret:{NEW}\n",
         check=lambda c: content(c) == {"key": " ", "other": "-"}),
    Case("add later key wins", ["secret-add", "key=1", "key=2"], stdout=f"secret:{NEW}\n",
         check=lambda c: content(c) == {"key": "2"}),
    Case("add yaml file", ["secret-add", "--file", "{tmp}/content.yaml"], stdout=f"secret:{NEW}\n",
         check=lambda c: content(c) == {"hello": "world", "goodbye": "world", "port": "80"}),
    Case("add json file overrides args", ["secret-add", "token=arg", "other=arg",
                                          "--file={tmp}/content.json"],
         stdout=f"secret:{NEW}\n",
         check=lambda c: content(c) == {"token": "from-file", "other": "arg",
                                                 "hello": "json"}),
    Case("add relative file from cwd", ["secret-add", "key#file=value"], stdout=f"secret:{NEW}\n",
         check=lambda c: content(c) == {"key": "file-content"}),
    Case("add value at the limit", ["secret-add", "key#file={tmp}/edge"], stdout=f"secret:{NEW}\n"),
    Case("add expire no zone is utc", ["secret-add", "--expire", "2025-01-01T06:06:06", "key=v"],
         stdout=f"secret:{NEW}\n", check=lambda c: c.expiry(NEW) == "2025-01-01T06:06:06Z"),
    Case("add expire rfc3339 fraction", ["secret-add", "--expire=2025-01-01T06:06:06.250Z", "key=v"],
         stdout=f"secret:{NEW}\n", check=lambda c: c.expiry(NEW) == "2025-01-01T06:06:06.25Z"),
    Case("add rotate never", ["secret-add", "--rotate", "never", "key=v"], stdout=f"secret:{NEW}\n",
         check=lambda c: (new(c).rotate_policy, new(c).next_rotate) == ("never", "")),
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
         check=lambda c: new(c) is None),
    Case("add label the owner uses", ["secret-add", "--label", "db-pass", "key=v"],
         stdout=f"secret:{NEW}\n",
         refused='secret label "db-pass" for owner "application-wordpress" already exists',
         check=lambda c: new(c) is None),
    Case("add label the application uses", ["secret-add", "--owner", "unit", "--label", "db-pass", "key=v"],
         stdout=f"secret:{NEW}\n", refused='secret label "db-pass" for "unit-wordpress-0" already exists'),
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
         stdout='{"token":"new"}\n', check=lambda c: c.consumer(THEIRS, "wordpress/0").revision == 2),
    Case("get consumer first read pins", ["secret-get", f"secret:{THEIRS}", "--format=json"],
         stdout='{"token":"new"}\n', check=lambda c: c.consumer(THEIRS, "wordpress/0").revision == 2),
    Case("get consumer refresh", ["secret-get", "--format=json", f"secret:{THEIRS}", "--refresh"],
         stdout='{"token":"new"}\n', check=lambda c: c.consumer(THEIRS, "wordpress/0").revision == 2),
    Case("get consumer sets label", ["secret-get", f"secret:{THEIRS}", "--label", "their-token",
                                     "token"],
         stdout="new\n", check=lambda c: c.consumer(THEIRS, "wordpress/0").label == "their-token"),
    Case("get consumer label taken", ["secret-get", f"secret:{THEIRS}", "--label", "my-token"], 1,
         stderr='ERROR secret label "my-token" for owner "unit-wordpress-0" already exists\n',
         check=lambda c: c.consumer(THEIRS, "wordpress/0") is None),
    Case("get owner sets label", ["secret-get", f"secret:{OWNED}", "--label", "renamed", "user"],
         stdout="admin\n", check=lambda c: c.secret(OWNED).label == "renamed"),
    Case("get owner label taken", ["secret-get", f"secret:{OWNED}", "--label", "my-token"], 1,
         stderr='ERROR secret label "my-token" for "application-wordpress" already exists\n',
         check=lambda c: c.secret(OWNED).label == "db-pass"),
    Case("get non-leader leaves owner label", ["secret-get", OWNED, "--label", "renamed", "user"],
         stdout="admin\n", setup=not_leader,
         check=lambda c: (c.secret(OWNED).label, c.consumer(OWNED, "wordpress/0").label) == ("db-pass", "")),
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
         stderr=f'ERROR secret "secret:{ABSENT}" not found\n'),
    Case("get unknown label", ["secret-get", "--label", "nope"], 1,
         stderr='ERROR consumer label "nope" not found\n'),
    Case("get not granted", ["secret-get", HIDDEN], 1, stderr="ERROR permission denied\n"),
    # -- secret-set --------------------------------------------------------------------------
    Case("set ops3", ["secret-set", "--label", "L2", "--description", "D", "--owner",
                      "application", f"secret:{OWNED}", "password#file={tmp}/value"],
         check=lambda c: (c.secret(OWNED).label, c.secret(OWNED).description, content(c, OWNED, 2))
         == ("L2", "D", {"password": "file-content"})),
    Case("set ops2 id first", ["secret-set", f"secret:{OWNED}", "--label", "L2",
                               "password#file={tmp}/value"],
         check=lambda c: (c.secret(OWNED).label, c.secret(OWNED).latest_revision) == ("L2", 2)),
    Case("set metadata only", ["secret-set", OWNED, "--rotate", "weekly", "--expire",
                               "2030-01-01T00:00:00Z"],
         check=lambda c: (c.secret(OWNED).latest_revision, c.secret(OWNED).rotate_policy, c.expiry(OWNED))
         == (1, "weekly", "2030-01-01T00:00:00Z")),
    Case("set same content no revision", ["secret-set", OWNED, "password=s3cret", "user=admin",
                                          "pin=123"],
         check=lambda c: c.secret(OWNED).latest_revision == 1),
    Case("set owner accepted and ignored", ["secret-set", MINE, "--owner", "application",
                                            "token=x"],
         check=lambda c: (c.secret(MINE).owner_kind, content(c, MINE, 2)) == ("unit", {"token": "x"})),
    Case("set unit secret as non-leader", ["secret-set", MINE, "token=x"], setup=not_leader),
    Case("set from file", ["secret-set", OWNED, "--file", "{tmp}/content.yaml"],
         check=lambda c: content(c, OWNED, 2)["goodbye"] == "world"),
    Case("set missing uri", ["secret-set"], 2, stderr="ERROR missing secret URI\n"),
    Case("set bad uri", ["secret-set", "token=x"], 2, stderr='ERROR secret URI "token=x" not valid\n'),
    Case("set bad owner", ["secret-set", OWNED, "--owner", "me"], 2,
         stderr='ERROR secret owner "me" not valid\n'),
    Case("set bad key", ["secret-set", OWNED, "X=1"], 2, stderr='ERROR key "X" not valid\n'),
    # Juju's context knows only the unit's own secrets (and, on the leader, its application's):
    # changes to any other are sent, and the controller refuses them when the hook commits.
    Case("set not leader", ["secret-set", OWNED, "password=x"], setup=not_leader,
         refused="this unit is not the leader", check=lambda c: c.secret(OWNED).latest_revision == 1),
    Case("set someone else's", ["secret-set", THEIRS, "token=x"],
         refused=f'permission denied: unit "wordpress/0" does not own secret "{THEIRS}"',
         check=lambda c: c.secret(THEIRS).latest_revision == 2),
    Case("set unknown", ["secret-set", ABSENT, "token=x"], refused=f'secret "{ABSENT}" not found'),
    Case("set duplicate label", ["secret-set", MINE, "--label", "db-pass"],
         refused='secret label "db-pass" for "unit-wordpress-0" already exists',
         check=lambda c: c.secret(MINE).label == "my-token"),
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
         stdout=lambda c: f"{OWNED}:\n  revision: 1\n  label: db-pass\n  owner: application\n"
                          "  description: db\n  rotation: daily\n  expiry: 2025-01-01T06:06:06Z\n"
                          f"  rotates: {rotates(c)}\n"),
    Case("info metadata json", ["secret-info-get", OWNED, "--format=json"], setup=with_expiry,
         stdout=lambda c: f'{{"{OWNED}":{{"revision":1,"label":"db-pass","owner":"application",'
                          '"description":"db","rotation":"daily","expiry":"2025-01-01T06:06:06Z",'
                          f'"rotates":"{rotates(c)}"}}}}\n'),
    Case("info unlabelled", ["secret-info-get", "--format=json", OWNED],
         setup=commit_from("wordpress/0", SecretSet(id=OWNED, label="")),
         stdout=f'{{"{OWNED}":{{"revision":1,"label":"","owner":"application"}}}}\n'),
    Case("info access", ["secret-info-get", OWNED], setup=grants_to_mysql,
         stdout=INFO_YAML + f"  access:\n  - target: application-mysql\n    scope: {DB_SCOPE}\n"
                f"    role: view\n  - target: unit-mysql-0\n    scope: {DB_SCOPE}\n"
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
    Case("info consumer label", ["secret-info-get", "--label", "theirs"], 1,
         setup=lambda c: c.run(c.hook(), "secret-get", THEIRS, "--label", "theirs"),
         stderr='ERROR secret "theirs" not found\n'),
    Case("info app secret non-leader", ["secret-info-get", OWNED], 1, setup=not_leader,
         stderr=f'ERROR secret "{OWNED}" not found\n'),
    # -- secret-ids --------------------------------------------------------------------------
    Case("ids smart", ["secret-ids"], stdout=f"{MINE}\n{OWNED}\n"),
    Case("ids json", ["secret-ids", "--format=json"], stdout=f'["{MINE}","{OWNED}"]\n'),
    Case("ids yaml", ["secret-ids", "--format=yaml"], stdout=f"- {MINE}\n- {OWNED}\n"),
    Case("ids non-leader", ["secret-ids", "--format=json"], stdout=f'["{MINE}"]\n',
         setup=not_leader),
    Case("ids none smart", ["secret-ids"], setup=in_unit_without_secrets),
    Case("ids none json", ["secret-ids", "--format=json"], stdout="null\n", setup=in_unit_without_secrets),
    Case("ids none yaml", ["secret-ids", "--format=yaml"], stdout="[]\n", setup=in_unit_without_secrets),
    Case("ids extra args", ["secret-ids", "x"], 2, stderr='ERROR unrecognized args: ["x"]\n'),
    # -- secret-grant ------------------------------------------------------------------------
    Case("grant ops3", ["secret-grant", "--relation", "3", f"secret:{OWNED}"],
         check=lambda c: granted(c) == [("mysql", 3)]),
    Case("grant ops3.7 endpoint id", ["secret-grant", "--relation", "db:3", "--unit", "mysql/0",
                                      f"secret:{OWNED}"],
         check=lambda c: granted(c) == [("mysql/0", 3)]),
    Case("grant ops2 id first", ["secret-grant", f"secret:{OWNED}", "--relation", "3", "--unit",
                                 "mysql/1"],
         check=lambda c: granted(c) == [("mysql/1", 3)]),
    Case("grant short flag", ["secret-grant", "-r3", OWNED],
         check=lambda c: granted(c) == [("mysql", 3)]),
    Case("grant relation hook default", ["secret-grant", OWNED], setup=in_db_hook,
         check=lambda c: granted(c) == [("mysql", 3)]),
    Case("grant unit secret non-leader", ["secret-grant", "-r", "3", MINE], setup=not_leader,
         check=lambda c: granted(c, MINE) == [("mysql", 3)]),
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
    # Juju grants only secrets its context knows the unit owns: refused at once otherwise.
    Case("grant not leader", ["secret-grant", "-r", "3", OWNED], 1, setup=not_leader,
         stderr=f'ERROR secret "{OWNED}" not found\n', check=lambda c: granted(c) == []),
    Case("grant someone else's", ["secret-grant", "-r", "3", THEIRS], 1,
         stderr=f'ERROR secret "{THEIRS}" not found\n',
         check=lambda c: granted(c, THEIRS) == [("wordpress", 3)]),
    # -- secret-revoke -----------------------------------------------------------------------
    Case("revoke ops3 relation unit", ["secret-revoke", "--relation", "3", "--unit", "mysql/0",
                                       f"secret:{OWNED}"],
         setup=grants_to_mysql, check=lambda c: granted(c) == [("mysql", 3)]),
    Case("revoke ops2 id first", ["secret-revoke", f"secret:{OWNED}", "--relation", "3",
                                  "--unit", "mysql/1"],
         setup=lambda c: (grants_to_mysql(c), commit_from("wordpress/0", SecretGrant(
             id=OWNED, relation_id=3, app="mysql", unit="mysql/1"))(c)),
         check=lambda c: granted(c) == [("mysql", 3), ("mysql/0", 3)]),
    Case("revoke relation", ["secret-revoke", "--relation", "3", OWNED], setup=grants_to_mysql,
         check=lambda c: granted(c) == [("mysql/0", 3)]),
    Case("revoke relation hook default", ["secret-revoke", OWNED], setup=lambda c: (
        grants_to_mysql(c), in_db_hook(c)),
         check=lambda c: granted(c) == [("mysql/0", 3)]),
    Case("revoke app", ["secret-revoke", "--app", "mysql", OWNED], setup=grants_to_mysql,
         check=lambda c: granted(c) == [("mysql/0", 3)]),
    Case("revoke application", ["secret-revoke", "--application=mysql", OWNED],
         setup=grants_to_mysql, check=lambda c: granted(c) == [("mysql/0", 3)]),
    Case("revoke unit", ["secret-revoke", OWNED, "--unit", "mysql/0"], setup=grants_to_mysql,
         check=lambda c: granted(c) == [("mysql", 3)]),
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
    Case("revoke not leader", ["secret-revoke", OWNED, "--app", "mysql"],
         setup=lambda c: (grants_to_mysql(c), not_leader(c)), refused="this unit is not the leader",
         check=lambda c: len(granted(c)) == 2),
    # -- secret-remove -----------------------------------------------------------------------
    Case("remove all", ["secret-remove", f"secret:{OWNED}"], setup=two_revisions,
         check=lambda c: c.secret(OWNED) is None),
    Case("remove ops revision last", ["secret-remove", f"secret:{OWNED}", "--revision", "1"],
         setup=two_revisions, check=lambda c: list(c.revisions(OWNED)) == [2]),
    Case("remove revision first", ["secret-remove", "--revision=2", OWNED], setup=two_revisions,
         check=lambda c: list(c.revisions(OWNED)) == [1]),
    Case("remove revision hex", ["secret-remove", "--revision=0x2", OWNED], setup=two_revisions,
         check=lambda c: list(c.revisions(OWNED)) == [1]),
    Case("remove revision 0 is all", ["secret-remove", "--revision", "0", OWNED],
         check=lambda c: c.secret(OWNED) is None),
    Case("remove negative revision is all", ["secret-remove", "--revision", "-3", OWNED],
         check=lambda c: c.secret(OWNED) is None),
    Case("remove unit secret non-leader", ["secret-remove", MINE], setup=not_leader,
         check=lambda c: c.secret(MINE) is None),
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
    Case("remove unknown revision", ["secret-remove", OWNED, "--revision", "7"],
         refused=f'secret "{OWNED}" revision 7 not found', check=lambda c: list(c.revisions(OWNED)) == [1]),
    Case("remove not leader", ["secret-remove", OWNED], setup=not_leader,
         refused="this unit is not the leader", check=lambda c: c.secret(OWNED) is not None),
    Case("remove someone else's", ["secret-remove", THEIRS],
         refused=f'permission denied: unit "wordpress/0" does not own secret "{THEIRS}"',
         check=lambda c: c.secret(THEIRS) is not None),
]  # fmt: skip


def _text(value: str | Callable[[ControllerScene], str], c: ControllerScene, tmp: str) -> str:
    return (value if isinstance(value, str) else value(c)).replace("{tmp}", tmp)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_secret_tool(sc: ControllerScene, tmp_path: Path, case: Case) -> None:
    if case.setup:
        case.setup(sc)
    tmp = str(tmp_path)
    hook = sc.hook()
    result = sc.run(hook, *[a.replace("{tmp}", tmp) for a in case.args], cwd=tmp)
    assert (result.code, result.stdout.decode(), result.stderr.decode()) == (
        case.code,
        _text(case.stdout, sc, tmp),
        case.stderr.replace("{tmp}", tmp),
    )
    refused = ""
    if result.code == 0:
        try:
            sc.commit(hook)
        except PyjujuError as e:
            refused = e.message
    assert refused == case.refused
    if case.check:
        assert case.check(sc)


def test_failed_tools_buffer_nothing(sc: ControllerScene, tmp_path: Path) -> None:
    for case in CASES:
        if case.code and case.setup is None:
            hook = sc.hook()
            sc.run(hook, *[a.replace("{tmp}", str(tmp_path)) for a in case.args], cwd=str(tmp_path))
            assert hook.commit_params().secrets == [], case.id


def test_failed_hooks_change_nothing(sc: ControllerScene) -> None:
    """A hook that does not exit 0 is not committed: its secret changes are never applied."""
    hook = sc.hook()
    assert sc.run(hook, "secret-set", OWNED, "user=root").code == 0
    assert sc.run(hook, "secret-add", "key=v").code == 0
    assert sc.run(sc.hook(), "secret-get", OWNED, "user").stdout == b"admin\n"
    assert sc.secret(NEW) is None


# -- several calls ------------------------------------------------------------------------


def test_consumer_tracks_revision_until_refresh(sc: ControllerScene) -> None:
    hook = sc.hook()
    get = ["secret-get", THEIRS, "token"]
    assert sc.run(hook, *get).stdout == b"new\n"
    sc.send("mysql/0", HookCommitParams(commit_id="newer", secrets=[SecretSet(id=THEIRS, content={"token": "newer"})]))
    assert sc.run(hook, *get).stdout == b"new\n"  # pinned by the first read
    assert sc.run(hook, *get, "--peek").stdout == b"newer\n"
    assert sc.consumer(THEIRS, "wordpress/0").revision == 2
    assert sc.run(hook, *get).stdout == b"new\n"
    assert sc.run(hook, *get, "--refresh").stdout == b"newer\n"
    assert sc.consumer(THEIRS, "wordpress/0").revision == 3
    assert sc.run(hook, *get).stdout == b"newer\n"


def test_consumer_label_then_lookup_by_label(sc: ControllerScene) -> None:
    hook = sc.hook()
    assert sc.run(hook, "secret-get", THEIRS, "--label", "theirs").code == 0
    result = sc.run(hook, "secret-get", "--label", "theirs", "--format=json")
    assert (result.code, result.stdout) == (0, b'{"token":"new"}\n')


def test_owner_label_set_by_secret_get_is_at_once(sc: ControllerScene) -> None:
    """Juju renames the owner's label during secret-get, not at the hook's commit."""
    hook = sc.hook()
    assert sc.run(hook, "secret-get", OWNED, "--label", "renamed").code == 0
    assert hook.commit_params().secrets == []
    assert sc.run(sc.hook(), "secret-info-get", "--label", "renamed", "--format=json").stdout == (
        f'{{"{OWNED}":{{"revision":1,"label":"renamed","owner":"application"}}}}\n'.encode())


def test_owner_sees_latest_revision(sc: ControllerScene) -> None:
    hook = sc.hook()
    assert sc.run(hook, "secret-set", OWNED, "user=root").code == 0
    assert sc.run(hook, "secret-get", OWNED, "user").stdout == b"admin\n"  # until the commit
    sc.commit(hook)
    assert sc.run(sc.hook(), "secret-get", OWNED, "user").stdout == b"root\n"
    assert sc.revisions(OWNED)[1]["user"] == "admin"


def test_add_then_get_round_trips_binary_content(sc: ControllerScene) -> None:
    hook = sc.hook()
    data = bytes(range(256))
    uri = sc.run(hook, "secret-add", f"blob#base64={ENC(data).decode()}").stdout.decode().strip()
    assert sc.run(hook, "secret-get", uri, "blob#base64").stdout == ENC(data) + b"\n"
    out = json.loads(sc.run(hook, "secret-get", uri, "--format=json").stdout)
    assert out["blob"].startswith("\x00\x01")  # invalid UTF-8 comes out as U+FFFD, as in Go
    sc.commit(hook)
    assert sc.run(sc.hook(), "secret-get", uri, "blob#base64").stdout == ENC(data) + b"\n"


def test_add_then_info_and_ids(sc: ControllerScene) -> None:
    hook = sc.hook()
    uri = sc.run(hook, "secret-add", "--owner", "unit", "--label", "tls", "cert=x").stdout.decode().strip()
    sid = uri.removeprefix("secret:")
    info = json.loads(sc.run(hook, "secret-info-get", "--format=json", "--label", "tls").stdout)
    assert info == {sid: {"revision": 1, "label": "tls", "owner": "unit"}}
    assert sid in sc.run(hook, "secret-ids").stdout.decode().split()
    sc.commit(hook)
    info = json.loads(sc.run(sc.hook(), "secret-info-get", "--format=json", "--label", "tls").stdout)
    assert info == {sid: {"revision": 1, "label": "tls", "owner": "unit"}}


def test_add_same_label_twice_in_one_hook(sc: ControllerScene) -> None:
    hook = sc.hook()
    assert sc.run(hook, "secret-add", "--label", "tls", "cert=x").code == 0
    result = sc.run(hook, "secret-add", "--owner", "unit", "--label", "tls", "cert=y")
    assert (result.code, result.stderr) == (1, b'ERROR secret with label "tls" already exists\n')
    assert [c.id for c in hook.commit_params().secrets] == [NEW]


def test_consumer_label_on_a_secret_added_in_the_hook(sc: ControllerScene) -> None:
    hook = sc.hook()
    uri = sc.run(hook, "secret-add", "cert=x").stdout.decode().strip()
    assert sc.run(hook, "secret-get", uri, "--label", "tls").stdout == b"cert: x\n"
    assert sc.run(hook, "secret-get", "--label", "tls", "--format=json").stdout == b"{\"cert\":\"x\"}\n"
    sc.commit(hook)
    assert sc.secret(NEW).label == "tls"


def test_add_expire_duration_is_from_now(sc: ControllerScene) -> None:
    hook = sc.hook()
    before = dt.datetime.now(dt.UTC)
    assert sc.run(hook, "secret-add", "--expire", "1h30m", "key=v").code == 0
    after = dt.datetime.now(dt.UTC)
    sc.commit(hook)
    expiry = dt.datetime.fromisoformat(sc.expiry(NEW).replace("Z", "+00:00"))
    assert before + dt.timedelta(minutes=90) <= expiry <= after + dt.timedelta(minutes=90)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", sc.expiry(NEW))


def test_add_rotation_sets_next_rotation(sc: ControllerScene) -> None:
    hook = sc.hook()
    assert sc.run(hook, "secret-add", "--rotate", "daily", "key=v").code == 0
    sc.commit(hook)
    hook = sc.hook()
    info = json.loads(sc.run(hook, "secret-info-get", "--format=json", NEW).stdout)[NEW]
    assert info["rotation"] == "daily"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", info["rotates"])
    yaml_out = sc.run(hook, "secret-info-get", NEW).stdout.decode()
    assert f"  rotates: {info['rotates']}\n" in yaml_out  # a timestamp, not a quoted string


def test_get_output_file(sc: ControllerScene, tmp_path: Path) -> None:
    hook = sc.hook()
    result = sc.run(hook, "secret-get", OWNED, "-o", "out.json", "--format=json", cwd=str(tmp_path))
    assert (result.code, result.stdout, result.stderr) == (0, b"", b"")
    assert json.loads((tmp_path / "out.json").read_text())["user"] == "admin"
    result = sc.run(hook, "secret-info-get", OWNED, "--output", str(tmp_path / "info.yaml"))
    assert (result.code, result.stdout) == (0, b"")
    assert (tmp_path / "info.yaml").read_text() == INFO_YAML


def test_grant_then_consumer_access(sc: ControllerScene) -> None:
    def mysql_reads() -> bytes:
        result = sc.run(sc.hook(unit="mysql/0"), "secret-get", OWNED, "user")
        return result.stdout or result.stderr

    assert mysql_reads() == b"ERROR permission denied\n"
    owner = sc.hook()
    assert sc.run(owner, "secret-grant", "-r", "3", OWNED).code == 0
    assert mysql_reads() == b"ERROR permission denied\n"  # not before the owner's hook commits
    sc.commit(owner)
    assert mysql_reads() == b"admin\n"
    owner = sc.hook()
    assert sc.run(owner, "secret-revoke", "-r", "3", OWNED).code == 0
    sc.commit(owner)
    assert mysql_reads() == b"ERROR permission denied\n"


def test_not_granted_is_not_not_found(sc: ControllerScene) -> None:
    """ops turns "not found" into SecretNotFoundError: a secret that exists but is not granted
    must not read as missing."""
    result = sc.run(sc.hook(), "secret-get", HIDDEN)
    assert (result.code, result.stderr) == (1, b"ERROR permission denied\n")


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
def test_secret_tool_help(sc: ControllerScene, name: str) -> None:
    hook = sc.hook()
    result = sc.run(hook, name, OWNED, "key=v", "--help")
    assert (result.code, result.stderr) == (0, b"")
    text = result.stdout.decode()
    assert text.startswith(f"Usage: {name} [options]")
    assert "\nSummary:\n" in text
    assert not hook.commit_params().has_changes()


def test_secret_add_help_shows_owner_default(sc: ControllerScene) -> None:
    text = sc.run(sc.hook(), "secret-add", "--help").stdout.decode()
    assert re.search(r'^--owner +\(= "application"\)$', text, re.M)
    for flag in ("--description", "--expire", "--file", "--label", "--rotate"):
        assert re.search(rf'^{flag} +\(= ""\)$', text, re.M)
