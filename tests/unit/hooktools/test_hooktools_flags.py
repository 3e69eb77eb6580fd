"""gnuflag-compatible parsing: what Go's parser accepts, ours accepts, with its error texts."""

from __future__ import annotations

import types

import pytest

from pyjuju.agent.hooks.toolctx import ToolError
from pyjuju.agent.hooks.tools.flags import FlagSet, HelpRequested, parse_bool


def _flagset() -> tuple[FlagSet, types.SimpleNamespace]:
    target = types.SimpleNamespace()
    f = FlagSet(target)
    f.bool("app", dest="app", usage="an app flag")
    f.bool("a", "all", dest="all")
    f.string("format", dest="format", default="smart")
    f.string("o", "output", dest="output")

    def parse_int(value: str) -> int:
        if not value.isdigit():
            raise ValueError("not a number")
        return int(value)

    f.value(
        "r", "relation", dest="rel", parse=parse_int, default=None, default_repr="db:1", usage="rel"
    )
    return f, target


@pytest.mark.parametrize(
    ("argv", "positionals", "values"),
    [
        ([], [], {"app": False, "all": False, "format": "smart", "rel": None}),
        (["--app"], [], {"app": True}),
        (["--app=true"], [], {"app": True}),
        (["--app=True"], [], {"app": True}),
        (["--app=1"], [], {"app": True}),
        (["--app=T"], [], {"app": True}),
        (["--app=TRUE"], [], {"app": True}),
        (["--app=t"], [], {"app": True}),
        (["--app=False"], [], {"app": False}),
        (["--app=false"], [], {"app": False}),
        (["--app=0"], [], {"app": False}),
        (["--app=f"], [], {"app": False}),
        (["--app=F"], [], {"app": False}),
        (["--app=FALSE"], [], {"app": False}),
        (["--app", "x"], ["x"], {"app": True}),  # a long bool never eats the next arg
        (["-a"], [], {"all": True}),
        (["--all"], [], {"all": True}),
        (["-r", "3"], [], {"rel": 3}),
        (["-r3"], [], {"rel": 3}),
        (["--relation", "3"], [], {"rel": 3}),
        (["--relation=3"], [], {"rel": 3}),
        (["-ar3"], [], {"all": True, "rel": 3}),  # a cluster: bool, then r takes the rest
        (["-ar", "3"], [], {"all": True, "rel": 3}),
        (["--format", "json"], [], {"format": "json"}),
        (["--format=json"], [], {"format": "json"}),
        (["--format="], [], {"format": ""}),
        (["--format", "-x"], [], {"format": "-x"}),  # a value may start with a dash
        (["key", "--format=json"], ["key"], {"format": "json"}),  # interspersed
        (["a", "-r", "3", "b", "--app"], ["a", "b"], {"rel": 3, "app": True}),
        (["-"], ["-"], {}),
        (["", "x"], ["", "x"], {}),
        (["--", "--app", "-r"], ["--app", "-r"], {"app": False}),
        (["x", "--", "-y"], ["x", "-y"], {}),
        (["-o", "out.txt", "v=1"], ["v=1"], {"output": "out.txt"}),
        (["-r", "3", "-r", "4"], [], {"rel": 4}),  # last one wins
    ],
)
def test_parse(argv, positionals, values):
    f, target = _flagset()
    assert f.parse(argv) == positionals
    for key, value in values.items():
        assert getattr(target, key) == value


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--foo"], "option provided but not defined: --foo"),
        (["-x"], "option provided but not defined: -x"),
        (["-format"], "option provided but not defined: -f"),  # one-letter cluster, not --format
        (["-application=False"], "option provided but not defined: -p"),
        (["-r"], "option needs an argument: -r"),
        (["--relation"], "option needs an argument: --relation"),
        (["--format"], "option needs an argument: --format"),
        (["-r", "x"], 'invalid value "x" for option -r: not a number'),
        (["--relation=x"], 'invalid value "x" for option --relation: not a number'),
        (
            ["--app=maybe"],
            'invalid value "maybe" for option --app: strconv.ParseBool: parsing "maybe": invalid syntax',
        ),
        (
            ["--app=yes"],
            'invalid value "yes" for option --app: strconv.ParseBool: parsing "yes": invalid syntax',
        ),
        (["---x"], "bad flag syntax: ---x"),
        (["--=x"], "bad flag syntax: --=x"),
    ],
)
def test_parse_errors_exit_2(argv, message):
    f, _ = _flagset()
    with pytest.raises(ToolError) as exc:
        f.parse(argv)
    assert exc.value.message == message
    assert exc.value.code == 2


@pytest.mark.parametrize("argv", [["-h"], ["--help"], ["x", "--help"], ["-help"], ["--help=1"]])
def test_help(argv):
    f, _ = _flagset()
    with pytest.raises(HelpRequested):
        f.parse(argv)


def test_defaults_text_layout():
    f, _ = _flagset()
    assert f.defaults_text() == (
        "-a, --all (= false)\n"
        "--app  (= false)\n"
        "    an app flag\n"
        '--format  (= "smart")\n'
        '-o, --output (= "")\n'
        "-r, --relation (= db:1)\n"
        "    rel"
    )


def test_parse_bool_rejects_python_spellings():
    with pytest.raises(ValueError):
        parse_bool("yes")
    assert parse_bool("True") is True
