"""``action-get``/``-set``/``-fail``/``-log`` in a real hook context."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from toolscene import Scene

from pyjuju.agent.hooks.tools import COMMANDS
from pyjuju.agent.toolclient import TOOL_NAMES

ACTION_TOOLS = ("action-get", "action-set", "action-fail", "action-log")

PARAMS: dict[str, Any] = {
    "name": "x",
    "count": 3,
    "ratio": 0.5,
    "force": False,
    "tags": ["a", "b"],
    "none-left": [],
    "empty": "",
    "port": "80",
    "nothing": None,
    "nested": {"inner": {"deep": "v", "n": 1}, "list": [1, "two"]},
}

PARAMS_YAML = """count: 3
empty: ""
force: false
name: x
nested:
  inner:
    deep: v
    "n": 1
  list:
  - 1
  - two
none-left: []
nothing: null
port: "80"
ratio: 0.5
tags:
- a
- b
"""

PARAMS_JSON = (
    '{"count":3,"empty":"","force":false,"name":"x",'
    '"nested":{"inner":{"deep":"v","n":1},"list":[1,"two"]},'
    '"none-left":[],"nothing":null,"port":"80","ratio":0.5,"tags":["a","b"]}\n'
)

NOT_AN_ACTION = "ERROR not running an action\n"
DEFAULT_FAIL = "action failed without reason given, check action for errors"
BAD_KEY = (
    'ERROR key "{}" must start and end with lowercase alphanumeric, '
    "and contain only lowercase alphanumeric, hyphens and periods\n"
)


@dataclasses.dataclass(frozen=True)
class Case:
    """Run ``tool args`` in an action with ``params`` (``None``: in a plain hook)."""

    id: str
    tool: str
    args: list[str]
    code: int = 0
    stdout: str = ""
    stderr: str = ""
    params: dict[str, Any] | None = dataclasses.field(default_factory=lambda: PARAMS)
    results: dict[str, Any] = dataclasses.field(default_factory=dict)
    failed: str | None = None
    log: list[str] = dataclasses.field(default_factory=list)


CASES = [
    # -- action-get: what ops and charmhelpers send -------------------------------------
    Case("get ops json", "action-get", ["--format=json"], stdout=PARAMS_JSON),
    Case("get ops json no params", "action-get", ["--format=json"], stdout="{}\n", params={}),
    Case("get charmhelpers key json", "action-get", ["name", "--format=json"], stdout='"x"\n'),
    Case("get charmhelpers int json", "action-get", ["count", "--format=json"], stdout="3\n"),
    Case("get charmhelpers missing json", "action-get", ["nope", "--format=json"],
         stdout="null\n"),
    Case("get charmhelpers null json", "action-get", ["nothing", "--format=json"],
         stdout="null\n"),
    Case("get charmhelpers map json", "action-get", ["nested", "--format=json"],
         stdout='{"inner":{"deep":"v","n":1},"list":[1,"two"]}\n'),
    # -- action-get: formats ---------------------------------------------------------------
    Case("get smart all", "action-get", [], stdout=PARAMS_YAML),
    Case("get yaml all", "action-get", ["--format", "yaml"], stdout=PARAMS_YAML),
    Case("get smart no params", "action-get", [], stdout="{}\n", params={}),
    Case("get yaml no params", "action-get", ["--format=yaml"], stdout="{}\n", params={}),
    Case("get smart str", "action-get", ["name"], stdout="x\n"),
    Case("get smart numeric str", "action-get", ["port"], stdout="80\n"),
    Case("get yaml numeric str", "action-get", ["port", "--format=yaml"], stdout='"80"\n'),
    Case("get json numeric str", "action-get", ["port", "--format=json"], stdout='"80"\n'),
    Case("get smart int", "action-get", ["count"], stdout="3\n"),
    Case("get smart float", "action-get", ["ratio"], stdout="0.5\n"),
    Case("get smart bool", "action-get", ["force"], stdout="False\n"),
    Case("get yaml bool", "action-get", ["force", "--format=yaml"], stdout="false\n"),
    Case("get smart empty str", "action-get", ["empty"]),
    Case("get json empty str", "action-get", ["empty", "--format=json"], stdout='""\n'),
    Case("get smart list is yaml", "action-get", ["tags"], stdout="- a\n- b\n"),
    Case("get smart empty list", "action-get", ["none-left"], stdout="[]\n"),
    Case("get json list", "action-get", ["tags", "--format=json"], stdout='["a","b"]\n'),
    Case("get smart null", "action-get", ["nothing"]),
    Case("get smart map", "action-get", ["nested"],
         stdout='inner:\n  deep: v\n  "n": 1\nlist:\n- 1\n- two\n'),
    # -- action-get: dotted keys ------------------------------------------------------------
    Case("get dotted", "action-get", ["nested.inner.deep"], stdout="v\n"),
    Case("get dotted json", "action-get", ["nested.inner.n", "--format=json"], stdout="1\n"),
    Case("get dotted map", "action-get", ["nested.inner", "--format=json"],
         stdout='{"deep":"v","n":1}\n'),
    Case("get dotted missing smart", "action-get", ["nested.missing.x"]),
    Case("get dotted missing yaml", "action-get", ["nested.inner.x", "--format=yaml"]),
    Case("get dotted missing json", "action-get", ["nested.missing.x", "--format=json"],
         stdout="null\n"),
    Case("get dotted through str", "action-get", ["name.sub", "--format=json"],
         stdout="null\n"),
    Case("get dotted through list", "action-get", ["tags.0", "--format=json"],
         stdout="null\n"),
    Case("get dotted empty segment", "action-get", ["nested..deep", "--format=json"],
         stdout="null\n"),
    Case("get missing no params", "action-get", ["a.b", "--format=json"], stdout="null\n",
         params={}),
    Case("get flag after key", "action-get", ["nested.inner.deep", "--format", "json"],
         stdout='"v"\n'),
    # -- action-get: errors ----------------------------------------------------------------
    Case("get extra args", "action-get", ["a", "b", "c"], code=2,
         stderr='ERROR unrecognized args: ["b" "c"]\n'),
    Case("get bad format", "action-get", ["--format=xml"], code=2,
         stderr='ERROR invalid value "xml" for option --format: unknown format "xml"\n'),
    Case("get unknown flag", "action-get", ["--foo"], code=2,
         stderr="ERROR option provided but not defined: --foo\n"),
    Case("get outside action", "action-get", ["--format=json"], code=1, stderr=NOT_AN_ACTION,
         params=None),
    Case("get key outside action", "action-get", ["name"], code=1, stderr=NOT_AN_ACTION,
         params=None),
    Case("get extra args outside action", "action-get", ["a", "b"], code=2,
         stderr='ERROR unrecognized args: ["b"]\n', params=None),
    # -- action-set ------------------------------------------------------------------------
    Case("set one", "action-set", ["outfile=foo.bz2"], results={"outfile": "foo.bz2"}),
    Case("set several", "action-set", ["outfile=foo.bz2", "size=10G"],
         results={"outfile": "foo.bz2", "size": "10G"}),
    Case("set values are strings", "action-set", ["n=5", "b=true", "j={\"a\": 1}"],
         results={"n": "5", "b": "true", "j": '{"a": 1}'}),
    Case("set empty value", "action-set", ["result="], results={"result": ""}),
    Case("set value with =", "action-set", ["outfile=foo=bz2"], results={"outfile": "foo=bz2"}),
    Case("set value with spaces", "action-set", ["msg=hello world", "e=-x"],
         results={"msg": "hello world", "e": "-x"}),
    Case("set ops flattened", "action-set",
         ["result.size=10G", "result.files.count=3", "result.files.first=a", "message=done"],
         results={"result": {"size": "10G", "files": {"count": "3", "first": "a"}},
                  "message": "done"}),
    Case("set keys with digits and hyphens", "action-set", ["a1=x", "500=y", "5-o-0.b-c=z"],
         results={"a1": "x", "500": "y", "5-o-0": {"b-c": "z"}}),
    Case("set map then value overwrites", "action-set", ["foo.bar=2", "foo=1"],
         results={"foo": "1"}),
    Case("set value then map overwrites", "action-set", ["foo=1", "foo.bar=2"],
         results={"foo": {"bar": "2"}}),
    Case("set same key twice", "action-set", ["a=1", "a=2"], results={"a": "2"}),
    Case("set no args", "action-set", []),
    Case("set after --", "action-set", ["--", "a=1"], results={"a": "1"}),
    # -- action-set: errors (all exit 2, nothing applied) ---------------------------------
    Case("set bare value", "action-set", ["result"], code=2,
         stderr='ERROR argument "result" must be of the form key...=value\n'),
    Case("set bare value after good", "action-set", ["ok=1", "result"], code=2,
         stderr='ERROR argument "result" must be of the form key...=value\n'),
    Case("set upper case", "action-set", ["ok=1", "result-Value=5"], code=2,
         stderr=BAD_KEY.format("result-Value")),
    Case("set trailing hyphen", "action-set", ["foo-=1"], code=2, stderr=BAD_KEY.format("foo-")),
    Case("set leading hyphen segment", "action-set", ["a.-b=1"], code=2,
         stderr=BAD_KEY.format("-b")),
    Case("set underscore", "action-set", ["foo_bar=1"], code=2,
         stderr=BAD_KEY.format("foo_bar")),
    Case("set bad segment", "action-set", ["a.B.c=1"], code=2, stderr=BAD_KEY.format("B")),
    Case("set empty segment", "action-set", ["foo..bar=1"], code=2, stderr=BAD_KEY.format("")),
    Case("set leading dot", "action-set", [".foo=1"], code=2, stderr=BAD_KEY.format("")),
    Case("set trailing dot", "action-set", ["foo.=1"], code=2, stderr=BAD_KEY.format("")),
    Case("set empty key", "action-set", ["=1"], code=2, stderr=BAD_KEY.format("")),
    Case("set reserved stdout", "action-set", ["stdout=foo"], code=2,
         stderr='ERROR cannot set reserved action key "stdout"\n'),
    Case("set reserved stderr nested", "action-set", ["ok=1", "a.stderr=1"], code=2,
         stderr='ERROR cannot set reserved action key "stderr"\n'),
    Case("set reserved stdout-encoding", "action-set", ["stdout-encoding=1"], code=2,
         stderr='ERROR cannot set reserved action key "stdout-encoding"\n'),
    Case("set reserved stderr-encoding prefix", "action-set", ["stderr-encoding.x=1"], code=2,
         stderr='ERROR cannot set reserved action key "stderr-encoding"\n'),
    Case("set return-code is not reserved", "action-set", ["return-code=1"],
         results={"return-code": "1"}),
    Case("set dash arg is a flag", "action-set", ["-foo=1"], code=2,
         stderr="ERROR option provided but not defined: -f\n"),
    Case("set go quoting", "action-set", ['a"b\n'], code=2,
         stderr='ERROR argument "a\\"b\\n" must be of the form key...=value\n'),
    Case("set outside action", "action-set", ["a=1"], code=1, stderr=NOT_AN_ACTION,
         params=None),
    Case("set bad arg outside action", "action-set", ["Bad=1"], code=2,
         stderr=BAD_KEY.format("Bad"), params=None),
    # -- action-fail -----------------------------------------------------------------------
    Case("fail default", "action-fail", [], failed=DEFAULT_FAIL),
    Case("fail ops2/charmhelpers", "action-fail", ["backup failed: disk full"],
         failed="backup failed: disk full"),
    Case("fail ops3.4", "action-fail", ["--", "backup failed"], failed="backup failed"),
    Case("fail ops3.4 dash message", "action-fail", ["--", "-1 is not allowed"],
         failed="-1 is not allowed"),
    Case("fail empty message", "action-fail", ["--", ""], failed=""),
    Case("fail extra args", "action-fail", ["backup", "failed"], code=2,
         stderr='ERROR unrecognized args: ["failed"]\n'),
    Case("fail extra args after --", "action-fail", ["--", "a", "b", "c"], code=2,
         stderr='ERROR unrecognized args: ["b" "c"]\n'),
    Case("fail unknown flag", "action-fail", ["--format=json", "x"], code=2,
         stderr="ERROR option provided but not defined: --format\n"),
    Case("fail outside action", "action-fail", ["x"], code=1, stderr=NOT_AN_ACTION,
         params=None),
    Case("fail default outside action", "action-fail", [], code=1, stderr=NOT_AN_ACTION,
         params=None),
    # -- action-log ------------------------------------------------------------------------
    Case("log ops2", "action-log", ["50% done"], log=["50% done"]),
    Case("log ops3.4", "action-log", ["--", "50% done"], log=["50% done"]),
    Case("log words joined", "action-log", ["copying", "file", "3"], log=["copying file 3"]),
    Case("log dash message", "action-log", ["--", "-x", "--y"], log=["-x --y"]),
    Case("log empty message", "action-log", [""], log=[""]),
    Case("log no message", "action-log", [], code=2, stderr="ERROR no message specified\n"),
    Case("log only --", "action-log", ["--"], code=2, stderr="ERROR no message specified\n"),
    Case("log unknown flag", "action-log", ["-l", "INFO", "x"], code=2,
         stderr="ERROR option provided but not defined: -l\n"),
    Case("log outside action", "action-log", ["--", "hello"], code=1, stderr=NOT_AN_ACTION,
         params=None),
    Case("log no message outside action", "action-log", [], code=2,
         stderr="ERROR no message specified\n", params=None),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_action_tool(ctx: Scene, run, case: Case) -> None:
    if case.params is not None:
        ctx.enter_action("backup", case.params)
    result = run(case.tool, *case.args)
    assert (result.code, result.stdout.decode(), result.stderr.decode()) == (
        case.code,
        case.stdout,
        case.stderr,
    )
    hook = ctx.context()
    assert hook.action_results == case.results
    assert hook.action_failed == case.failed
    assert ctx.action_log == case.log
    if case.params is not None:
        assert ctx.action_params == case.params  # never modified


# -- several calls in one action --------------------------------------------------------


def test_action_set_merges_across_calls_as_juju_documents(ctx, run):
    """The example in ``action-set --help``."""
    ctx.enter_action("backup")
    for arg in ("outfile.size=10G", "foo.bar=2", "foo.baz.val=3", "foo.bar.zab=4", "foo.baz=1"):
        assert run("action-set", arg).code == 0
    assert ctx.context().action_results == {
        "outfile": {"size": "10G"},
        "foo": {"bar": {"zab": "4"}, "baz": "1"},
    }


def test_action_set_value_then_map_replaces_earlier_map(ctx, run):
    ctx.enter_action("backup")
    assert run("action-set", "foo.keep=no", "other=yes").code == 0
    assert run("action-set", "foo=1", "foo.bar=2").code == 0
    assert ctx.context().action_results == {"foo": {"bar": "2"}, "other": "yes"}


def test_action_fail_keeps_results_and_last_message_wins(ctx, run):
    ctx.enter_action("backup")
    assert run("action-set", "partial=yes").code == 0
    assert run("action-fail", "first").code == 0
    assert run("action-fail", "--", "second").code == 0
    assert run("action-set", "after=fail").code == 0
    assert ctx.context().action_failed == "second"
    assert ctx.context().action_results == {"partial": "yes", "after": "fail"}


def test_action_log_appends_in_order(ctx, run):
    ctx.enter_action("backup")
    for msg in ("one", "two", "three"):
        assert run("action-log", "--", msg).code == 0
    assert ctx.action_log == ["one", "two", "three"]  # each sent at once
    assert ctx.client.names() == ["task-log"] * 3


def test_action_get_output_file_is_relative_to_callers_cwd(ctx, run, tmp_path):
    ctx.enter_action("backup", {"a": {"b": 1}})
    result = run("action-get", "-o", "out.json", "--format=json", cwd=str(tmp_path))
    assert (result.code, result.stdout, result.stderr) == (0, b"", b"")
    assert (tmp_path / "out.json").read_text() == '{"a":{"b":1}}\n'
    result = run("action-get", "a", "--output", str(tmp_path / "a.yaml"))
    assert (result.code, result.stdout) == (0, b"")
    assert (tmp_path / "a.yaml").read_text() == "b: 1\n"


def test_action_get_returns_a_copy(ctx, run):
    ctx.enter_action("backup", {"a": {"b": "1"}})
    run("action-set", "a.b=2")
    assert ctx.action_params == {"a": {"b": "1"}}
    assert run("action-get", "a.b").stdout == b"1\n"


# -- registration and help ------------------------------------------------------------


def test_action_tools_are_installed():
    for name in ACTION_TOOLS:
        assert name in COMMANDS
        assert name in TOOL_NAMES


@pytest.mark.parametrize("name", ACTION_TOOLS)
@pytest.mark.parametrize("flag", ["-h", "--help"])
@pytest.mark.parametrize("in_action", [True, False])
def test_action_tool_help(ctx, run, name, flag, in_action):
    if in_action:
        ctx.enter_action("backup")
    result = run(name, "x=1", flag)
    assert (result.code, result.stderr) == (0, b"")
    text = result.stdout.decode()
    assert text.startswith(f"Usage: {name} [options]")
    assert "\nSummary:\n" in text
    assert ctx.context().action_results == {}
    assert ctx.context().action_failed is None
    assert ctx.action_log == []


@pytest.mark.parametrize(
    ("name", "usage", "snippets"),
    [
        ("action-get", "Usage: action-get [options] [<key>[.<key>.<key>...]]\n",
         ["--format  (= smart)", "Specify output format (json|smart|yaml)", "-o, --output"]),
        ("action-set", "Usage: action-set [options] <key>=<value> [<key>=<value> ...]\n",
         ['"stdout", "stdout-encoding", "stderr", "stderr-encoding"', "foo.baz.val=3"]),
        ("action-fail", 'Usage: action-fail [options] ["<failure message>"]\n',
         ["default message"]),
        ("action-log", "Usage: action-log [options] <message>\n",
         ["Record a progress message for the current action."]),
    ],
)  # fmt: skip
def test_action_tool_help_text(run, name, usage, snippets):
    text = run(name, "--help").stdout.decode()
    assert text.startswith(usage)
    for snippet in snippets:
        assert snippet in text
