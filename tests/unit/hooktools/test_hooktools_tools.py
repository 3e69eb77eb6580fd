"""Each tool's output, exit status and error text, in a real hook context."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from toolscene import Scene

from pyjuju.agent.hooks.tools import COMMANDS, StdinRequired, run_tool
from pyjuju.agent.toolclient import TOOL_NAMES
from pyjuju.core.errors import ConnectionFailedError
from pyjuju.core.ports import PortRange
from pyjuju.wire import GoalState, GoalStatus, LeaderSettingsParams, PortChange, StatusValue

Setup = Callable[[Scene], None] | None


def leader(c: Scene) -> None:
    c.leader = True


def in_db_hook(c: Scene) -> None:
    c.enter_relation_hook(3, "changed", remote_unit="mysql/0")


def in_db_broken(c: Scene) -> None:
    c.enter_relation_hook(3, "broken")


def with_ports(c: Scene) -> None:
    """Committed ranges, as the controller keeps them (one entry per range)."""
    c.opened_ports = [
        {"range": "8000-8999/udp", "endpoints": ["a", "b"]},
        {"range": "80/tcp", "endpoints": None},
        {"range": "icmp"},
        {"range": "443/tcp", "endpoints": ["website"]},
    ]


def with_statuses(c: Scene) -> None:
    c.leader = True
    c.statuses = {"wordpress/0": StatusValue(status="active", message="ready", data={"k": 1}),
                  "wordpress/1": StatusValue(status="blocked", message="no db")}
    c.app_status = StatusValue(status="waiting", message="for db")


def with_goal(c: Scene) -> None:
    c.goal = GoalState(
        units={"wordpress/0": GoalStatus(status="active", since="2024-05-01 10:00:00Z")},
        relations={"db": {"mysql": GoalStatus(status="joined", since="2024-05-01 10:00:01Z"),
                          "mysql/0": GoalStatus(status="active", since="")}},
    )


CASES: list[tuple[str, Setup, str, list[str], int, str, str]] = [
    # -- config-get ------------------------------------------------------------------
    ("config smart map", None, "config-get", [], 0,
     'debug: false\nport: 80\nratio: 1.5\ntitle: My blog\n', ""),
    ("config json", None, "config-get", ["--format=json"], 0,
     '{"debug":false,"port":80,"ratio":1.5,"title":"My blog"}\n', ""),
    ("config --all", None, "config-get", ["--all", "--format=json"], 0,
     '{"debug":false,"port":80,"ratio":1.5,"title":"My blog","unset":null}\n', ""),
    ("config -a", None, "config-get", ["-a", "--format", "json"], 0,
     '{"debug":false,"port":80,"ratio":1.5,"title":"My blog","unset":null}\n', ""),
    ("config --all yaml", None, "config-get", ["--all", "--format=yaml"], 0,
     "debug: false\nport: 80\nratio: 1.5\ntitle: My blog\nunset: null\n", ""),
    ("config key str", None, "config-get", ["title"], 0, "My blog\n", ""),
    ("config key bool", None, "config-get", ["debug"], 0, "False\n", ""),
    ("config key int", None, "config-get", ["port"], 0, "80\n", ""),
    ("config key json", None, "config-get", ["port", "--format=json"], 0, "80\n", ""),
    ("config missing smart", None, "config-get", ["nope"], 0, "", ""),
    ("config missing yaml", None, "config-get", ["nope", "--format=yaml"], 0, "", ""),
    ("config missing json", None, "config-get", ["nope", "--format=json"], 0, "null\n", ""),
    ("config unset json", None, "config-get", ["unset", "--format=json"], 0, "null\n", ""),
    ("config key and all", None, "config-get", ["--all", "port"], 2, "",
     'ERROR cannot use argument --all together with key "port"\n'),
    ("config extra", None, "config-get", ["a", "b", "c"], 2, "", 'ERROR unrecognized args: ["b" "c"]\n'),
    ("config bad format", None, "config-get", ["--format=xml"], 2, "",
     'ERROR invalid value "xml" for option --format: unknown format "xml"\n'),
    ("config empty map", lambda c: c.config.clear(), "config-get", [], 0, "{}\n", ""),
    ("config empty json", lambda c: c.config.clear(), "config-get", ["--format=json"], 0, "{}\n", ""),
    # -- unit-get -----------------------------------------------------------------------
    ("unit-get private", None, "unit-get", ["private-address"], 0, "10.0.0.5\n", ""),
    ("unit-get json", None, "unit-get", ["--format=json", "public-address"], 0, '"10.0.0.5"\n', ""),
    ("unit-get unknown", None, "unit-get", ["foo"], 2, "", 'ERROR unknown setting "foo"\n'),
    ("unit-get none", None, "unit-get", [], 2, "", "ERROR no setting specified\n"),
    ("unit-get extra", None, "unit-get", ["private-address", "x"], 2, "", 'ERROR unrecognized args: ["x"]\n'),
    # -- network-get --------------------------------------------------------------------
    ("network json", None, "network-get", ["db", "--format=json"], 0,
     '{"bind-addresses":[{"mac-address":"00:16:3e:00:00:01","interface-name":"eth0",'
     '"addresses":[{"hostname":"","value":"10.0.0.5","cidr":"10.0.0.0/24"}]}],'
     '"egress-subnets":["10.0.0.5/32"],"ingress-addresses":["10.0.0.5"]}\n', ""),
    ("network yaml legacy keys", None, "network-get", ["website", "--format", "yaml"], 0,
     "bind-addresses:\n- mac-address: 00:16:3e:00:00:01\n  interface-name: eth0\n  addresses:\n"
     '  - hostname: ""\n    value: 10.0.0.5\n    cidr: 10.0.0.0/24\n    address: 10.0.0.5\n'
     "  macaddress: 00:16:3e:00:00:01\n  interfacename: eth0\negress-subnets:\n- 10.0.0.5/32\n"
     "ingress-addresses:\n- 10.0.0.5\n", ""),
    ("network extra binding", None, "network-get", ["admin", "--bind-address"], 0, "10.0.0.5\n", ""),
    ("network bind", None, "network-get", ["db", "--bind-address"], 0, "10.0.0.5\n", ""),
    ("network ingress", None, "network-get", ["--ingress-address", "db"], 0, "10.0.0.5\n", ""),
    ("network egress smart", None, "network-get", ["db", "--egress-subnets"], 0, "10.0.0.5/32\n", ""),
    ("network egress json", None, "network-get", ["db", "--egress-subnets", "--format=json"], 0, '["10.0.0.5/32"]\n', ""),
    ("network several", None, "network-get", ["db", "--bind-address", "--egress-subnets", "--ingress-address"], 0,
     "bind-address: 10.0.0.5\negress-subnets:\n- 10.0.0.5/32\ningress-address: 10.0.0.5\n", ""),
    ("network primary", None, "network-get", ["--primary-address", "db"], 0, "10.0.0.5\n", ""),
    ("network primary not alone", None, "network-get", ["--primary-address", "--bind-address", "db"], 1, "",
     "ERROR --primary-address must be the only flag specified\n"),
    ("network unknown", None, "network-get", ["nope", "--primary-address"], 1, "",
     'ERROR no network config found for binding "nope"\n'),
    ("network no args", None, "network-get", [], 2, "", "ERROR no arguments specified\n"),
    ("network empty name", None, "network-get", [""], 2, "", "ERROR no binding name specified\n"),
    ("network -r", None, "network-get", ["db", "-r", "db:3", "--bind-address"], 0, "10.0.0.5\n", ""),
    ("network bad -r", None, "network-get", ["db", "-r", "7"], 2, "",
     'ERROR invalid value "7" for option -r: relation not found\n'),
    # -- ports --------------------------------------------------------------------------
    ("open-port no arg", None, "open-port", [], 2, "", "ERROR no port or range specified\n"),
    ("open-port bad", None, "open-port", ["80/sctp"], 2, "",
     'ERROR invalid protocol "sctp", expected "tcp", "udp", or "icmp"\n'),
    ("open-port bad range", None, "open-port", ["90-80"], 2, "", 'ERROR invalid port range "90-80"\n'),
    ("open-port extra", None, "open-port", ["80", "81"], 2, "", 'ERROR unrecognized args: ["81"]\n'),
    ("open-port format warns", None, "open-port", ["--format=json", "80"], 0, "",
     '--format flag deprecated for command "open-port"'),
    ("opened-ports", with_ports, "opened-ports", [], 0, "icmp\n80/tcp\n443/tcp\n8000-8999/udp\n", ""),
    ("opened-ports json", with_ports, "opened-ports", ["--format=json"], 0,
     '["icmp","80/tcp","443/tcp","8000-8999/udp"]\n', ""),
    ("opened-ports endpoints", with_ports, "opened-ports", ["--endpoints"], 0,
     "icmp (*)\n80/tcp (*)\n443/tcp (website)\n8000-8999/udp (a, b)\n", ""),
    ("opened-ports none smart", None, "opened-ports", [], 0, "", ""),
    ("opened-ports none json", None, "opened-ports", ["--format=json"], 0, "[]\n", ""),
    # -- juju-log -----------------------------------------------------------------------
    ("juju-log none", None, "juju-log", [], 2, "", "ERROR no message specified\n"),
    ("juju-log format", None, "juju-log", ["--format", "json", "hi"], 0, "",
     '--format flag deprecated for command "juju-log"'),
    # -- status -------------------------------------------------------------------------
    ("status-set none", None, "status-set", [], 2, "", "ERROR invalid args, require <status> [message]\n"),
    ("status-set bad", None, "status-set", ["error", "x"], 2, "",
     'ERROR invalid status "error", expected one of [maintenance blocked waiting active]\n'),
    ("status-set extra", None, "status-set", ["active", "a", "b", "c"], 2, "", 'ERROR unrecognized args: ["b" "c"]\n'),
    ("status-set app non-leader", None, "status-set", ["--application", "active"], 1, "",
     "ERROR this unit is not the leader\n"),
    ("status-get word", with_statuses, "status-get", [], 0, "active\n", ""),
    ("status-get json", with_statuses, "status-get", ["--format=json"], 0, '{"status":"active"}\n', ""),
    ("status-get include json", with_statuses, "status-get", ["--include-data", "--format=json"], 0,
     '{"message":"ready","status":"active","status-data":{"k":1}}\n', ""),
    ("status-get include smart", with_statuses, "status-get", ["--include-data"], 0,
     "message: ready\nstatus: active\nstatus-data:\n  k: 1\n", ""),
    ("status-get app word", with_statuses, "status-get", ["--application"], 0, "waiting\n", ""),
    ("status-get app json", with_statuses, "status-get", ["--application", "--format=json"], 0,
     '{"application-status":{"status":"waiting","units":{"wordpress/0":{"status":"active"},'
     '"wordpress/1":{"status":"blocked"}}}}\n', ""),
    ("status-get app include", with_statuses, "status-get", ["--include-data", "--application=true", "--format=json"], 0,
     '{"application-status":{"message":"for db","status":"waiting","status-data":{},"units":{'
     '"wordpress/0":{"message":"ready","status":"active","status-data":{"k":1}},'
     '"wordpress/1":{"message":"no db","status":"blocked","status-data":{}}}}}\n', ""),
    ("status-get app non-leader", None, "status-get", ["--application"], 1, "",
     "ERROR finding application status: this unit is not the leader\n"),
    ("status-get extra", None, "status-get", ["x"], 2, "", 'ERROR unrecognized args: ["x"]\n'),
    # -- application-version-set --------------------------------------------------------
    ("version none", None, "application-version-set", [], 2, "", "ERROR no version specified\n"),
    ("version extra", None, "application-version-set", ["1", "2"], 2, "", 'ERROR unrecognized args: ["2"]\n'),
    # -- leadership ---------------------------------------------------------------------
    ("is-leader smart", None, "is-leader", [], 0, "False\n", ""),
    ("is-leader json", leader, "is-leader", ["--format=json"], 0, "true\n", ""),
    ("is-leader json false", None, "is-leader", ["--format=json"], 0, "false\n", ""),
    ("is-leader yaml", leader, "is-leader", ["--format=yaml"], 0, "true\n", ""),
    ("leader-get empty smart", None, "leader-get", [], 0, "{}\n", ""),
    ("leader-get empty json", None, "leader-get", ["--format=json"], 0, "{}\n", ""),
    ("leader-get all", lambda c: c.leader_settings.update(a="1", b="x"), "leader-get", ["-"], 0, 'a: "1"\nb: x\n', ""),
    ("leader-get key", lambda c: c.leader_settings.update(a="1"), "leader-get", ["a"], 0, "1\n", ""),
    ("leader-get missing json", None, "leader-get", ["--format=json", "a"], 0, "null\n", ""),
    ("leader-get missing smart", None, "leader-get", ["a"], 0, "", ""),
    ("leader-get bad key", None, "leader-get", ["a=b"], 2, "", 'ERROR invalid key "a=b"\n'),
    ("leader-set non-leader", None, "leader-set", ["a=b"], 1, "",
     "ERROR cannot write leadership settings: cannot write settings: not the leader\n"),
    ("leader-set malformed", leader, "leader-set", ["ab"], 2, "", 'ERROR expected "key=value", got "ab"\n'),
    # -- state --------------------------------------------------------------------------
    ("state-get empty json", None, "state-get", ["--format=json"], 0, "null\n", ""),
    ("state-get empty smart", None, "state-get", [], 0, "{}\n", ""),
    ("state-get empty yaml", None, "state-get", ["--format=yaml"], 0, "{}\n", ""),
    ("state-get all", lambda c: c.state.update(k="v", num="1"), "state-get", ["-"], 0, 'k: v\nnum: "1"\n', ""),
    ("state-get key", lambda c: c.state.update(k="v"), "state-get", ["k"], 0, "v\n", ""),
    ("state-get missing", None, "state-get", ["k"], 0, "", ""),
    ("state-get missing json", None, "state-get", ["k", "--format=json"], 0, '""\n', ""),
    ("state-get strict", None, "state-get", ["--strict", "k"], 1, "", 'ERROR "k" not found\n'),
    ("state-get extra", None, "state-get", ["a", "b"], 2, "", 'ERROR unrecognized args: ["b"]\n'),
    ("state-delete extra", None, "state-delete", ["a", "b"], 2, "", 'ERROR unrecognized args: ["b"]\n'),
    # -- goal-state ---------------------------------------------------------------------
    ("goal yaml", with_goal, "goal-state", [], 0,
     'units:\n  wordpress/0:\n    status: active\n    since: 2024-05-01 10:00:00Z\n'
     'relations:\n  db:\n    mysql:\n      status: joined\n      since: 2024-05-01 10:00:01Z\n'
     '    mysql/0:\n      status: active\n', ""),
    ("goal json", with_goal, "goal-state", ["--format=json"], 0,
     '{"units":{"wordpress/0":{"status":"active","since":"2024-05-01 10:00:00Z"}},'
     '"relations":{"db":{"mysql":{"status":"joined","since":"2024-05-01 10:00:01Z"},'
     '"mysql/0":{"status":"active"}}}}\n', ""),
    ("goal empty", None, "goal-state", ["--format=json"], 0, '{"units":{},"relations":{}}\n', ""),
    ("goal smart refused", None, "goal-state", ["--format=smart"], 2, "",
     'ERROR invalid value "smart" for option --format: unknown format "smart"\n'),
    # -- unknown tool -------------------------------------------------------------------
    ("unknown tool", None, "secret-frobnicate", [], 1, "", 'ERROR unknown command "secret-frobnicate"\n'),
]  # fmt: skip


@pytest.mark.parametrize(("setup", "name", "args", "code", "stdout", "stderr"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])  # fmt: skip
def test_tool(ctx, run, setup, name, args, code, stdout, stderr):
    if setup:
        setup(ctx)
    result = run(name, *args)
    assert (result.code, result.stdout.decode(), result.stderr.decode()) == (code, stdout, stderr)


def test_every_tool_is_installed_and_has_help(run):
    assert set(TOOL_NAMES) == set(COMMANDS)
    for name in TOOL_NAMES:
        for flag in ("-h", "--help"):
            result = run(name, flag)
            assert result.code == 0, name
            assert result.stdout.startswith(f"Usage: {name}".encode()), name
            assert result.stderr == b""


# -- side effects ------------------------------------------------------------------------


def test_config_all_lists_declared_unset_options(ctx, run):
    ctx.config = {}
    ctx.config_options = ["a", "b"]
    assert run("config-get", "--all").stdout == b"a: null\nb: null\n"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["80"], (PortRange("tcp", 80, 80), None)),
        (["80/TCP"], (PortRange("tcp", 80, 80), None)),
        (["ICMP"], (PortRange("icmp"), None)),
        (["1000-2000/udp"], (PortRange("udp", 1000, 2000), None)),
        (["8080", "--endpoints", "a, b"], (PortRange("tcp", 8080, 8080), ("a", "b"))),
        (["--endpoints=web", "443/tcp"], (PortRange("tcp", 443, 443), ("web",))),
    ],
)
def test_open_and_close_port(ctx, run, args, expected):
    hook = ctx.context()
    assert run("open-port", *args).code == 0
    assert [(p.range, p.endpoints) for p in hook.opened_ports()] == [expected]
    assert run("close-port", *args).code == 0
    assert hook.opened_ports() == []
    rng, endpoints = expected
    change = {"protocol": rng.protocol, "from_port": rng.from_port, "to_port": rng.to_port,
              "endpoints": None if endpoints is None else list(endpoints)}
    assert ctx.commit().ports == [PortChange(action="open", **change), PortChange(action="close", **change)]


def test_ports_open_on_top_of_committed_ones(ctx, run):
    ctx.opened_ports = [{"range": "80/tcp", "endpoints": ["website"]}]
    assert run("open-port", "80", "--endpoints", "admin").code == 0
    assert run("opened-ports", "--endpoints").stdout == b"80/tcp (admin, website)\n"
    assert run("close-port", "80/tcp").code == 0
    assert run("opened-ports").stdout == b""
    assert ctx.client.calls == []  # buffered until the hook's commit


def test_opened_ports_reflects_this_hooks_changes(ctx, run):
    run("open-port", "80/tcp")
    run("open-port", "icmp")
    run("close-port", "icmp")
    assert run("opened-ports").stdout == b"80/tcp\n"


@pytest.mark.parametrize(
    ("args", "level", "message"),
    [
        (["hello", "world"], "INFO", "hello world"),
        (["-l", "WARNING", "careful"], "WARNING", "careful"),
        (["--log-level", "warn", "w"], "WARNING", "w"),
        (["--log-level=error", "e"], "ERROR", "e"),
        (["-lTRACE", "t"], "TRACE", "t"),
        (["--debug", "d"], "DEBUG", "d"),
        (["--debug", "-l", "ERROR", "d"], "DEBUG", "d"),
        (["-l", "critical", "--", "-starts with dash"], "CRITICAL", "-starts with dash"),
        (["-l", "", "m"], "INFO", "m"),
        (["--", ""], "INFO", ""),
    ],
)
def test_juju_log_levels(ctx, run, args, level, message):
    result = run("juju-log", *args)
    assert (result.code, result.stderr) == (0, b"")
    assert ctx.logs == [(level, message)]


def test_juju_log_unknown_level_warns_and_logs_info(ctx, run):
    assert run("juju-log", "-l", "LOUD", "msg").code == 0
    assert ctx.logs == [("WARNING", 'Specified log level of "LOUD" is not valid'), ("INFO", "msg")]


def test_juju_log_prefixes_relation_in_relation_hooks(ctx, run):
    ctx.enter_relation_hook(3, "joined", "mysql/0")
    run("juju-log", "joined")
    assert ctx.logs == [("INFO", "db:3: joined")]


def test_status_set(ctx, run):
    assert run("status-set", "maintenance").code == 0
    assert ctx.statuses["wordpress/0"] == StatusValue(status="maintenance", message="")
    assert run("status-set", "blocked", "need config").code == 0
    assert ctx.statuses["wordpress/0"] == StatusValue(status="blocked", message="need config")
    assert [p.mark_status_set for p in ctx.sent("set-status")] == [True, True]  # sent at once


def test_application_status_set_by_the_leader(ctx, run):
    ctx.leader = True
    assert run("status-set", "--application", "active", "all good").code == 0
    assert ctx.app_status == StatusValue(status="active", message="all good")
    assert "wordpress/0" not in ctx.statuses


def test_application_version_set(ctx, run):
    assert run("application-version-set", "--", "-1.2-beta").code == 0
    assert ctx.workload_version == "-1.2-beta"


def test_leader_set_merges_and_deletes(ctx, run):
    ctx.leader = True
    ctx.leader_settings = {"keep": "1", "drop": "2"}
    assert run("leader-set", "new=a=b", "drop=").code == 0
    assert ctx.sent("leader-settings") == [LeaderSettingsParams(values={"new": "a=b", "drop": ""})]
    assert ctx.leader_settings == {"keep": "1", "new": "a=b"}
    assert run("leader-get", "--format=json").stdout == b'{"keep":"1","new":"a=b"}\n'
    result = run("leader-set", "x=1", "x=2")
    assert (result.code, result.stderr) == (2, b'ERROR key "x" specified more than once\n')


def test_state_set_file_args_override_and_empty_values_kept(ctx, run, tmp_path):
    ctx.state = {"kept": "yes"}
    (tmp_path / "state.yaml").write_text("a: '1'\nb: |\n  multi\n  line\nc: 3\n")
    result = run("state-set", "--file", "state.yaml", "c=over", "d=", cwd=str(tmp_path))
    assert (result.code, result.stderr) == (0, b"")
    assert ctx.commit().state_set == {"a": "1", "b": "multi\nline\n", "c": "over", "d": ""}
    assert run("state-delete", "a").code == 0
    assert run("state-delete", "missing").code == 0
    assert run("state-delete").code == 0
    assert run("state-get", "--format=json").stdout == (
        b'{"b":"multi\\nline\\n","c":"over","d":"","kept":"yes"}\n')
    assert ctx.commit().state_delete == ["a", "missing"]
    assert ctx.state == {"kept": "yes"}  # nothing reaches the controller before the commit


def test_state_set_stdin(ctx):
    hook = ctx.context()
    with pytest.raises(StdinRequired):
        asyncio.run(run_tool(hook, "state-set", ["--file", "-"], None, "/"))
    assert ctx.commit().state_set == {}
    result = asyncio.run(run_tool(hook, "state-set", ["--file", "-"], b"k: v\n", "/"))
    assert result.code == 0
    assert ctx.commit().state_set == {"k": "v"}


def test_state_set_missing_file(run, tmp_path):
    result = run("state-set", "--file", "nope.yaml", cwd=str(tmp_path))
    assert result.code == 1
    assert result.stderr == f"ERROR open {tmp_path}/nope.yaml: no such file or directory\n".encode()


def test_output_file_is_relative_to_callers_cwd(run, tmp_path):
    result = run("config-get", "--format=json", "-o", "out.json", "port", cwd=str(tmp_path))
    assert (result.code, result.stdout, result.stderr) == (0, b"", b"")
    assert (tmp_path / "out.json").read_bytes() == b"80\n"
    (tmp_path / "old.txt").write_text("something much longer than the new content")
    run("config-get", "--output=old.txt", "title", cwd=str(tmp_path))
    assert (tmp_path / "old.txt").read_text() == "My blog\n"
    absolute = tmp_path / "abs.txt"
    run("unit-get", "-o", str(absolute), "private-address", cwd="/")
    assert absolute.read_text() == "10.0.0.5\n"
    run("config-get", "-o", "empty.txt", "nope", cwd=str(tmp_path))
    assert (tmp_path / "empty.txt").read_bytes() == b""


def test_output_file_error(run, tmp_path):
    result = run("config-get", "-o", "no/such/dir/x", cwd=str(tmp_path))
    assert result.code == 1
    assert (
        result.stderr
        == f"ERROR open {tmp_path}/no/such/dir/x: no such file or directory\n".encode()
    )


def test_controller_failures_become_exit_1(ctx, run):
    def unreachable(req, unit):
        raise ConnectionFailedError("cannot reach the controller")

    def broken(req, unit):
        raise RuntimeError("a bug")

    ctx.client.handlers["unit-status"] = unreachable
    assert run("status-get").stderr == b"ERROR cannot reach the controller\n"
    ctx.client.handlers["goal-state"] = broken
    result = run("goal-state")
    assert (result.code, result.stderr) == (1, b"ERROR a bug\n")
