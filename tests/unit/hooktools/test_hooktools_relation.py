"""The relation tools, and the exact argument vectors ops and charmhelpers send, in a real hook context."""

from __future__ import annotations

import json

import pytest
from toolscene import Scene


def in_db_changed(c: Scene) -> None:
    c.enter_relation_hook(3, "changed", remote_unit="mysql/0")


def in_db_broken(c: Scene) -> None:
    c.enter_relation_hook(3, "broken")


CASES = [
    # -- relation-ids -------------------------------------------------------------------
    ("ids", None, "relation-ids", ["db"], 0, "db:3\n", ""),
    ("ids json", None, "relation-ids", ["db", "--format=json"], 0, '["db:3"]\n', ""),
    ("ids unknown endpoint", None, "relation-ids", ["nope", "--format=json"], 0, "[]\n", ""),
    ("ids unknown smart", None, "relation-ids", ["nope"], 0, "", ""),
    ("ids default", in_db_changed, "relation-ids", [], 0, "db:3\n", ""),
    ("ids none", None, "relation-ids", [], 2, "", "ERROR no endpoint name specified\n"),
    ("ids extra", None, "relation-ids", ["db", "x"], 2, "", 'ERROR unrecognized args: ["x"]\n'),
    # -- relation-list ------------------------------------------------------------------
    ("list", None, "relation-list", ["-r", "3"], 0, "mysql/0\nmysql/1\n", ""),
    ("list json", None, "relation-list", ["--format=json", "-r", "db:3"], 0, '["mysql/0","mysql/1"]\n', ""),
    ("list default", in_db_changed, "relation-list", [], 0, "mysql/0\nmysql/1\n", ""),
    ("list app", None, "relation-list", ["-r", "3", "--app"], 0, "mysql\n", ""),
    ("list app json", None, "relation-list", ["--format=json", "--app", "-r", "3"], 0, '"mysql"\n', ""),
    ("list empty json", lambda c: c.relations[3].members.clear(), "relation-list", ["-r3", "--format=json"], 0, "[]\n", ""),
    ("list no relation", None, "relation-list", [], 2, "", "ERROR no relation id specified\n"),
    ("list bad id", None, "relation-list", ["-r", "db:x"], 2, "", 'ERROR invalid value "db:x" for option -r: invalid relation id\n'),
    ("list unknown id", None, "relation-list", ["--relation", "db:9"], 2, "",
     'ERROR invalid value "db:9" for option --relation: relation not found\n'),
    ("list extra", None, "relation-list", ["-r", "3", "x"], 2, "", 'ERROR unrecognized args: ["x"]\n'),
    # -- relation-get -------------------------------------------------------------------
    ("get all", None, "relation-get", ["-r", "3", "-", "mysql/0"], 0, 'flag: "true"\nhost: 10.0.0.9\nport: "3306"\n', ""),
    ("get all json", None, "relation-get", ["--format=json", "-r", "3", "-", "mysql/0"], 0,
     '{"flag":"true","host":"10.0.0.9","port":"3306"}\n', ""),
    ("get key", None, "relation-get", ["-r", "3", "port", "mysql/0"], 0, "3306\n", ""),
    ("get key json", None, "relation-get", ["-r", "3", "port", "mysql/0", "--format=json"], 0, '"3306"\n', ""),
    ("get missing smart", None, "relation-get", ["-r", "3", "nope", "mysql/0"], 0, "", ""),
    ("get missing json", None, "relation-get", ["-r", "3", "nope", "mysql/0", "--format=json"], 0, "null\n", ""),
    ("get empty bag smart", None, "relation-get", ["-r", "3", "-", "mysql/1"], 0, "{}\n", ""),
    ("get empty bag json", None, "relation-get", ["-r", "3", "-", "mysql/1", "--format=json"], 0, "{}\n", ""),
    ("get default unit", in_db_changed, "relation-get", [], 0, 'flag: "true"\nhost: 10.0.0.9\nport: "3306"\n', ""),
    ("get default key", in_db_changed, "relation-get", ["host"], 0, "10.0.0.9\n", ""),
    ("get broken reads app", in_db_broken, "relation-get", [], 0, "database: wp\n", ""),
    ("get --app default", in_db_changed, "relation-get", ["--app"], 0, "database: wp\n", ""),
    ("get --app named", None, "relation-get", ["-r", "3", "--app", "-", "mysql"], 0, "database: wp\n", ""),
    ("get --app unit→app", None, "relation-get", ["-r", "3", "--app", "database", "mysql/0"], 0, "wp\n", ""),
    ("get own unit", None, "relation-get", ["-r", "3", "-", "wordpress/0"], 0, "private-address: 10.0.0.5\n", ""),
    ("get own app non-leader", None, "relation-get", ["-r", "3", "--app", "-", "wordpress"], 1, "",
     "ERROR permission denied\n"),
    ("get own app leader", lambda c: setattr(c, "leader", True), "relation-get",
     ["-r", "3", "--app", "-", "wordpress"], 0, "secret: s3\n", ""),
    ("get app name without --app", None, "relation-get", ["-r", "3", "-", "mysql"], 2, "",
     'ERROR expected unit name, got application name "mysql"\n'),
    ("get invalid unit", None, "relation-get", ["-r", "3", "-", "Not/A/Unit"], 2, "", 'ERROR invalid unit name "Not/A/Unit"\n'),
    ("get invalid app", None, "relation-get", ["-r", "3", "--app", "-", "Bad_App"], 2, "",
     'ERROR invalid application name "Bad_App"\n'),
    ("get nothing", None, "relation-get", ["-r", "3"], 2, "", "ERROR no unit or application specified\n"),
    ("get no relation", None, "relation-get", ["-", "mysql/0"], 2, "", "ERROR no relation id specified\n"),
    ("get unknown relation", None, "relation-get", ["-r", "42", "-", "mysql/0"], 2, "",
     'ERROR invalid value "42" for option -r: relation not found\n'),
    ("get extra", None, "relation-get", ["-r", "3", "k", "mysql/0", "x"], 2, "", 'ERROR unrecognized args: ["x"]\n'),
    # -- relation-set -------------------------------------------------------------------
    ("set no relation", None, "relation-set", ["a=b"], 2, "", "ERROR no relation id specified\n"),
    ("set malformed", None, "relation-set", ["-r", "3", "ab"], 2, "", 'ERROR expected "key=value", got "ab"\n'),
    ("set empty key", None, "relation-set", ["-r", "3", "=b"], 2, "", 'ERROR expected "key=value", got "=b"\n'),
    ("set dup", None, "relation-set", ["-r", "3", "a=1", "a=2"], 2, "", 'ERROR key "a" specified more than once\n'),
    ("set app non-leader", None, "relation-set", ["-r", "3", "--app", "a=1"], 1, "", "ERROR cannot write relation settings\n"),
    ("set format warns", None, "relation-set", ["-r", "3", "--format=json", "a=1"], 0, "",
     '--format flag deprecated for command "relation-set"'),
    ("set format and error", None, "relation-set", ["-r", "3", "--format", "yaml", "--app", "a=1"], 1, "",
     '--format flag deprecated for command "relation-set"ERROR cannot write relation settings\n'),
    # -- relation-model-get -------------------------------------------------------------
    ("model json", None, "relation-model-get", ["-r", "3", "--format=json"], 0,
     '{"uuid":"00000000-0000-4000-8000-000000000000"}\n', ""),
    ("model smart", in_db_changed, "relation-model-get", [], 0, "uuid: 00000000-0000-4000-8000-000000000000\n", ""),
    ("model no relation", None, "relation-model-get", [], 2, "", "ERROR no relation id specified\n"),
]  # fmt: skip


@pytest.mark.parametrize(("setup", "name", "args", "code", "stdout", "stderr"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])  # fmt: skip
def test_relation_tool(ctx, run, setup, name, args, code, stdout, stderr):
    if setup:
        setup(ctx)
    result = run(name, *args)
    assert (result.code, result.stdout.decode(), result.stderr.decode()) == (code, stdout, stderr)


def test_relation_ids_sorted_as_strings(ctx, run):
    ctx.add_relation(20, "db", "other")
    assert run("relation-ids", "db", "--format=json").stdout == b'["db:20","db:3"]\n'


def test_relation_broken_is_not_listed_during_its_own_hook(ctx, run):
    """Juju leaves the relation being broken out of relation-ids, but -r still reaches it."""
    ctx.add_relation(20, "db", "other")
    in_db_broken(ctx)
    assert run("relation-ids", "--format=json").stdout == b'["db:20"]\n'
    assert run("relation-ids", "db").stdout == b"db:20\n"
    assert run("relation-get", "-r", "3", "--app", "database", "mysql").stdout == b"wp\n"
    assert run("relation-list", "-r", "db:3", "--format=json").stdout == b'["mysql/0","mysql/1"]\n'


def test_peer_relation_stays_listed_in_its_broken_hook(ctx, run):
    ctx.enter_relation_hook(1, "broken")
    assert run("relation-ids", "peers").stdout == b"peers:1\n"


def test_relation_set_args(ctx, run):
    assert (
        run("relation-set", "-r", "3", "url=http://x/?a=b", "private-address=", "empty=").code == 0
    )
    assert ctx.commit().relation_settings == {
        "3": {"url": "http://x/?a=b", "private-address": "", "empty": ""}}
    assert run("relation-get", "-r", "3", "-", "wordpress/0").stdout == b"url: http://x/?a=b\n"


def test_relation_set_app_as_leader(ctx, run):
    ctx.leader = True
    assert run("relation-set", "-r", "db:3", "--app", "secret=", "user=wp").code == 0
    assert ctx.commit().app_relation_settings == {"3": {"secret": "", "user": "wp"}}
    assert ctx.commit().relation_settings == {}
    assert run("relation-get", "-r", "3", "--app", "-", "wordpress").stdout == b"user: wp\n"


def test_relation_set_yaml_file_is_relative_to_cwd(ctx, run, tmp_path):
    # charmhelpers writes a temp YAML file; None values become null.
    (tmp_path / "settings.yaml").write_text(
        "host: example.com\nport: 80\nenabled: true\nprivate-address: null\n"
    )
    result = run(
        "relation-set", "-r", "db:3", "--file", "settings.yaml", "port=81", cwd=str(tmp_path)
    )
    assert (result.code, result.stderr) == (0, b"")
    got = json.loads(run("relation-get", "--format=json", "-r", "3", "-", "wordpress/0").stdout)
    assert got == {"host": "example.com", "port": "81", "enabled": "true"}


def test_relation_writes_are_buffered_not_sent(ctx, run):
    assert run("relation-set", "-r", "3", "a=1").code == 0
    assert ctx.client.calls == []  # nothing reaches the controller before the hook's commit
    assert ctx.relations[3].bags["wordpress/0"] == {"private-address": "10.0.0.5"}


def test_relation_set_bad_file(run, tmp_path):
    (tmp_path / "bad.yaml").write_text("- a\n")
    result = run("relation-set", "-r", "3", "--file", "bad.yaml", cwd=str(tmp_path))
    assert result.code == 1
    assert b"cannot unmarshal !!seq into map[string]string" in result.stderr


def test_relation_set_help_mentions_file(run):
    result = run("relation-set", "--help")
    assert result.code == 0
    assert b"--file" in result.stdout


def test_relation_flag_default_shown_in_help(ctx, run):
    in_db_changed(ctx)
    assert b"-r, --relation (= db:3)" in run("relation-get", "--help").stdout


# -- ops >= 3.4 (ops.hookcmds) ------------------------------------------------------------------


def test_ops_3_4_relation_round_trip(ctx, run):
    assert json.loads(run("relation-ids", "db", "--format=json").stdout) == ["db:3"]
    assert json.loads(run("relation-list", "--format=json", "-r", "3").stdout) == [
        "mysql/0",
        "mysql/1",
    ]
    assert (
        json.loads(run("relation-list", "--format=json", "--app", "-r", "db:3").stdout) == "mysql"
    )
    got = json.loads(run("relation-get", "--format=json", "-r", "db:3", "-", "mysql/0").stdout)
    assert got["host"] == "10.0.0.9"
    got = json.loads(run("relation-get", "--format=json", "-r", "3", "--app", "-", "mysql").stdout)
    assert got == {"database": "wp"}
    payload = json.dumps({"a": "1", "b": "x: y", "private-address": ""}).encode()
    assert run("relation-set", "-r", "3", "--file", "-", stdin=payload).code == 0
    got = json.loads(run("relation-get", "--format=json", "-r", "3", "-", "wordpress/0").stdout)
    assert got == {"a": "1", "b": "x: y"}
    model = json.loads(run("relation-model-get", "--format=json", "-r", "3").stdout)
    assert set(model) == {"uuid"}


def test_ops_3_4_other_calls(ctx, run):
    ctx.leader = True
    assert json.loads(run("config-get", "--format=json").stdout)["port"] == 80
    assert json.loads(run("is-leader", "--format=json").stdout) is True
    assert run("status-set", "--application=False", "maintenance", "--", "-doing things").code == 0
    assert ctx.statuses["wordpress/0"].message == "-doing things"
    assert run("status-set", "--application=True", "active", "--", "").code == 0
    assert ctx.app_status.status == "active"
    got = json.loads(
        run("status-get", "--include-data", "--format=json", "--application=false").stdout
    )
    assert got == {"message": "-doing things", "status": "maintenance", "status-data": {}}
    got = json.loads(
        run("status-get", "--include-data", "--format=json", "--application=true").stdout
    )
    assert got["application-status"]["status"] == "active"
    assert run("application-version-set", "--", "1.0").code == 0
    assert run("juju-log", "--log-level", "WARNING", "--", "--not a flag").code == 0
    assert ctx.logs[-1] == ("WARNING", "--not a flag")
    net = json.loads(run("network-get", "--format=json", "-r", "db:3", "db").stdout)
    assert net["ingress-addresses"] == ["10.0.0.5"]
    assert json.loads(run("goal-state", "--format=json").stdout) == {"units": {}, "relations": {}}
    assert run("open-port", "80/tcp").code == 0
    assert run("open-port", "icmp").code == 0
    assert json.loads(run("opened-ports", "--format=json").stdout) == ["icmp", "80/tcp"]
    assert run("state-set", "--file", "-", stdin=b"k: |\n  v\n").code == 0
    assert run("state-get", "k").stdout == b"v\n\n"
    assert run("state-delete", "k").code == 0
    assert run("state-get", "k").stdout == b""


# -- ops 2.x - 3.3: --format=json last, YAML on stdin ---------------------------------------------


def test_ops_2_argv_shapes(ctx, run):
    ctx.leader = True
    got = json.loads(run("relation-get", "-r", "3", "-", "mysql", "--app", "--format=json").stdout)
    assert got == {"database": "wp"}
    got = json.loads(run("relation-get", "-r", "3", "-", "mysql/0", "--format=json").stdout)
    assert got["port"] == "3306"
    assert run("relation-set", "-r", "3", "--file", "-", stdin=b"key: value\n").code == 0
    assert (
        run("relation-set", "-r", "3", "--app", "--file", "-", stdin=b"a: '1'\nb: null\n").code == 0
    )
    got = json.loads(run("relation-get", "--format=json", "-r", "3", "--app", "-", "wordpress").stdout)
    assert got == {"secret": "s3", "a": "1"}
    assert ctx.commit().app_relation_settings == {"3": {"a": "1", "b": ""}}
    assert json.loads(run("relation-list", "-r", "3", "--app", "--format=json").stdout) == "mysql"
    assert json.loads(run("relation-model-get", "-r", "3", "--format=json").stdout)["uuid"]
    assert json.loads(
        run("status-get", "--include-data", "--application=True", "--format=json").stdout
    )
    assert run("status-set", "--application=False", "waiting", "").code == 0
    assert ctx.statuses["wordpress/0"].status == "waiting"
    assert json.loads(run("network-get", "db", "-r", "3", "--format=json").stdout)["bind-addresses"]
    run("open-port", "8000-8999/udp")
    assert run("opened-ports").stdout == b"8000-8999/udp\n"


# -- charmhelpers ---------------------------------------------------------------------------------


def test_charmhelpers_argv_shapes(ctx, run, tmp_path):
    ctx.leader = True
    assert run("juju-log", "-l", "DEBUG", "some message").code == 0
    assert ctx.logs[-1] == ("DEBUG", "some message")
    assert json.loads(run("config-get", "--all", "--format=json").stdout)["unset"] is None
    assert (
        json.loads(run("relation-get", "--format=json", "-r", "db:3", "port", "mysql/0").stdout)
        == "3306"
    )
    assert json.loads(
        run("relation-get", "--format=json", "--app", "-r", "db:3", "-", "mysql").stdout
    )
    missing = run("relation-get", "--format=json", "-r", "db:3", "-", "mysql")
    assert missing.code == 2  # charmhelpers turns exit 2 into None
    (tmp_path / "rs.yaml").write_text("a: b\nc: null\n")
    assert run("relation-set", "-r", "db:3", "--file", str(tmp_path / "rs.yaml")).code == 0
    assert json.loads(run("relation-ids", "--format=json", "db").stdout) == ["db:3"]
    assert json.loads(run("relation-list", "--format=json", "-r", "db:3").stdout) == [
        "mysql/0",
        "mysql/1",
    ]
    assert json.loads(run("unit-get", "--format=json", "private-address").stdout) == "10.0.0.5"
    for spec in ("80/TCP", "ICMP", "1000-1010/udp"):
        assert run("open-port", spec).code == 0
    assert json.loads(run("opened-ports", "--format=json").stdout) == [
        "icmp",
        "80/tcp",
        "1000-1010/udp",
    ]
    assert run("close-port", "80/TCP").code == 0
    assert run("status-set", "maintenance", "installing").code == 0
    got = json.loads(run("status-get", "--format=json", "--include-data").stdout)
    assert (got["status"], got["message"]) == ("maintenance", "installing")
    assert run("application-version-set", "2.0").code == 0
    assert json.loads(run("is-leader", "--format=json").stdout) is True
    assert run("leader-set", "a=1", "b=").code == 0
    assert json.loads(run("leader-get", "--format=json", "-").stdout) == {"a": "1"}
    assert json.loads(run("leader-get", "--format=json", "a").stdout) == "1"
    assert run("network-get", "--primary-address", "db").stdout == b"10.0.0.5\n"
    missing = run("network-get", "--primary-address", "nope")
    assert b"no network config found for binding" in missing.stderr
    yaml_out = run("network-get", "db", "--format", "yaml", "-r", "db:3").stdout
    assert b"macaddress:" in yaml_out and b"address: 10.0.0.5" in yaml_out
    assert json.loads(run("goal-state", "--format=json").stdout) == {"units": {}, "relations": {}}
