"""The wait-for query language: tokenizing, parsing, type checks, evaluation and errors."""

from __future__ import annotations

import pytest

from pyjuju.cli.commands.waiting import (
    DEFAULT_QUERIES,
    application_scope,
    machine_scope,
    model_problems,
    model_scope,
    progress_summary,
    unit_scope,
)
from pyjuju.cli.commands.waiting import FIELDS as ENTITY_FIELDS
from pyjuju.cli.waitquery import (
    BOOL,
    NUMBER,
    STRING,
    Binary,
    Literal,
    Name,
    Unary,
    compile_query,
    parse,
    render_value,
    tokenize,
)
from pyjuju.core.errors import InvalidArgumentError, UsageError

FIELDS = {
    "name": STRING, "life": STRING, "status": STRING, "workload-status": STRING,
    "units": NUMBER, "charm-rev": NUMBER, "exposed": BOOL, "leader": BOOL,
}
SCOPE = {
    "name": "hello", "life": "alive", "status": "active", "workload-status": "active",
    "units": 3, "charm-rev": 0, "exposed": False, "leader": True,
}


# -- tokens -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('life=="alive"', [("ident", "life"), ("op", "=="), ("string", "alive")]),
        ("'it''s'", [("string", "it"), ("string", "s")]),
        (r'"a\"b\\c\n"', [("string", 'a"b\\c\n')]),
        (r"'don\'t'", [("string", "don't")]),
        ("workload-status", [("ident", "workload-status")]),
        ("_x1-y", [("ident", "_x1-y")]),
        ("3 2.5 007", [("number", 3), ("number", 2.5), ("number", 7)]),
        ("true false truthy", [("bool", True), ("bool", False), ("ident", "truthy")]),
        ("a<=b>=c<d>e!=f", [("ident", "a"), ("op", "<="), ("ident", "b"), ("op", ">="), ("ident", "c"),
                            ("op", "<"), ("ident", "d"), ("op", ">"), ("ident", "e"), ("op", "!="),
                            ("ident", "f")]),
        ("!(a&&b)||-1", [("op", "!"), ("op", "("), ("ident", "a"), ("op", "&&"), ("ident", "b"),
                         ("op", ")"), ("op", "||"), ("op", "-"), ("number", 1)]),
        ("  \t\n ", []),
    ],
)
def test_tokenize(text, expected):
    toks = tokenize(text)
    assert toks[-1].kind == "eof"
    assert [(t.kind, t.value) for t in toks[:-1]] == expected


def test_token_positions_are_offsets():
    toks = tokenize('  life == "x"')
    assert [t.pos for t in toks] == [2, 7, 10, 13]


# -- parse trees and precedence -----------------------------------------------------------


def shape(n):
    """A compact s-expression of a tree, to compare precedence."""
    if isinstance(n, Literal):
        return n.value
    if isinstance(n, Name):
        return n.name
    if isinstance(n, Unary):
        return (n.op, shape(n.operand))
    assert isinstance(n, Binary)
    return (n.op, shape(n.left), shape(n.right))


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ('life=="alive"', ("==", "life", "alive")),
        ("a || b && c", ("||", "a", ("&&", "b", "c"))),
        ("a && b || c", ("||", ("&&", "a", "b"), "c")),
        ("(a || b) && c", ("&&", ("||", "a", "b"), "c")),
        ("a || b || c", ("||", ("||", "a", "b"), "c")),  # left-associative
        ("a && b && c", ("&&", ("&&", "a", "b"), "c")),
        ('a == "x" && b != 2', ("&&", ("==", "a", "x"), ("!=", "b", 2))),
        ("!a && b", ("&&", ("!", "a"), "b")),
        ("!(a && b)", ("!", ("&&", "a", "b"))),
        ("!!a", ("!", ("!", "a"))),
        ("!a == b", ("==", ("!", "a"), "b")),  # unary binds tighter than comparison
        ("units > -1", (">", "units", ("-", 1))),
        ("((a))", "a"),
        ("true", True),
        ('life=="alive" && status=="active"', ("&&", ("==", "life", "alive"), ("==", "status", "active"))),
    ],
)
def test_parse_precedence(text, tree):
    assert shape(parse(text).root) == tree


def test_identifiers_in_first_appearance_order():
    q = parse('status=="a" || life=="b" && status!="c" || units > 1')
    assert q.identifiers() == ["status", "life", "units"]


# -- evaluation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('life=="alive"', True),
        ("life=='alive'", True),
        ('life!="alive"', False),
        ('life=="alive" && status=="active"', True),
        ('life=="alive" && status=="blocked"', False),
        ('status=="blocked" || status=="active"', True),
        ('status=="blocked" || status=="waiting"', False),
        # && binds tighter than ||: true || (false && false) is true
        ('name=="hello" || status=="x" && life=="y"', True),
        ('(name=="hello" || status=="x") && life=="y"', False),
        ('!(status=="active")', False),
        ("!exposed", True),
        ("leader", True),
        ("leader == true", True),
        ("exposed != false", False),
        ("units == 3", True),
        ("units >= 3 && units <= 3", True),
        ("units > 2.5", True),
        ("units < 3", False),
        ("charm-rev > -1", True),
        ("-units < 0", True),
        ('workload-status == "active"', True),
        ('name < "world"', True),  # strings order lexicographically
        ('name >= "hello"', True),
        ("1 == 1.0", True),
        ("true", True),
        ("false || !false", True),
    ],
)
def test_evaluate(text, expected):
    assert compile_query(text, FIELDS).evaluate(SCOPE) is expected


def test_short_circuit_skips_the_other_side():
    # The right side names a field this scope lacks; short-circuiting never looks it up.
    assert parse("false && missing").evaluate({}) is False
    assert parse("true || missing").evaluate({}) is True
    with pytest.raises(InvalidArgumentError, match='unknown identifier "missing"'):
        parse("true && missing").evaluate({})


def test_evaluation_refuses_mismatched_values():
    q = parse('units == "3"')
    with pytest.raises(InvalidArgumentError, match="cannot compare a number with a string"):
        q.evaluate({"units": 3})


def test_default_queries_match_juju():
    assert DEFAULT_QUERIES == {
        "application": 'life=="alive" && status=="active"',
        "unit": 'life=="alive" && workload-status=="active"',
        "machine": 'life=="alive" && status=="started"',
        "model": 'life=="alive" && status=="available"',
    }
    for kind, text in DEFAULT_QUERIES.items():
        compile_query(text, ENTITY_FIELDS[kind], kind)


@pytest.mark.parametrize(
    ("value", "text"),
    [("active", '"active"'), ('say "hi"', r'"say \"hi\""'), (3, "3"), (2.5, "2.5"), (True, "true"),
     (False, "false")],
)
def test_render_value(value, text):
    assert render_value(value) == text


# -- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("", "empty query", 1),
        ("   ", "empty query", 1),
        ('life = "alive"', 'unexpected character "=" (did you mean "=="?)', 6),
        ("a & b", 'unexpected character "&" (did you mean "&&"?)', 3),
        ("a | b", 'unexpected character "|" (did you mean "||"?)', 3),
        ("a # b", 'unexpected character "#"', 3),
        ('life == "alive', "unterminated string", 9),
        ("'abc\\", "unterminated string", 1),
        (r'"\q"', r'unknown escape "\q" in string', 2),
        ("3abc", 'malformed number "3a"', 1),
        ("1.", "expected a digit after the decimal point", 3),
        ('life ==', "expected a value", 8),
        ('life == && x', 'expected a value (string, number, true/false, identifier or "("), found "&&"', 9),
        ('&& life', 'expected a value', 1),
        ("(life", 'unbalanced "("', 1),
        ('(life == "a" status', 'expected ")", found "status"', 14),
        ("life)", 'unbalanced ")"', 5),
        ("life status", 'expected an operator ("&&", "||", "==", ...), found "status"', 6),
        ('a == "x" == "y"', 'comparisons cannot be chained; join them with "&&"', 10),
        ("a < b < c", "comparisons cannot be chained", 7),
        ("()", "expected a value", 2),
    ],
)
def test_syntax_errors(text, message, position):
    with pytest.raises(InvalidArgumentError) as exc:
        parse(text)
    err = exc.value
    assert err.message.startswith(f"invalid query: {message}")
    assert f"at position {position}" in err.message
    assert err.details["position"] == position
    # A bad query is a bad argument: the CLI exits 2.
    assert isinstance(err, UsageError) and err.exit_code == 2
    # The query is echoed with a caret under the offending character.
    lines = err.message.splitlines()
    assert lines[1] == "  " + text.replace("\n", " ").replace("\t", " ")
    assert lines[2] == "  " + " " * (position - 1) + "^"


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ('foo == "x"', 'unknown identifier "foo"', 1),
        ('life == "x" && workload == "y"', 'unknown identifier "workload"', 16),
        ("units > \"3\"", 'cannot compare a number with a string using ">"', 7),
        ('life == 1', 'cannot compare a string with a number using "=="', 6),
        ("leader == 1", 'cannot compare a boolean with a number', 8),
        ("leader < true", '"<" cannot order booleans', 8),
        ("name", "the query must be a true/false condition, not a string", 1),
        ("units", "the query must be a true/false condition, not a number", 1),
        ("!name", '"!" needs a true/false condition, got a string', 2),
        ('-life == "x"', '"-" needs a number, got a string', 2),
        ('life && leader', '"&&" needs true/false conditions, got a string', 1),
        ('leader || units', '"||" needs true/false conditions, got a number', 11),
        ("3", "the query must be a true/false condition, not a number", 1),
    ],
)
def test_check_errors(text, message, position):
    with pytest.raises(InvalidArgumentError) as exc:
        compile_query(text, FIELDS, "application")
    assert exc.value.message.startswith(f"invalid query: {message}")
    assert exc.value.details["position"] == position


def test_unknown_identifier_lists_the_valid_ones():
    with pytest.raises(InvalidArgumentError) as exc:
        compile_query('workload == "active"', {"life": STRING, "status": STRING}, "application")
    first = exc.value.message.splitlines()[0]
    assert first == ('invalid query: unknown identifier "workload" at position 1; '
                     "valid identifiers for application: life, status")


def test_no_python_evaluation():
    # Things eval() would accept are plain syntax errors here.
    for text in ("__import__('os')", "len(name) > 1", "[1] == [1]", "name.upper() == 'X'"):
        with pytest.raises(InvalidArgumentError):
            compile_query(text, FIELDS)


# -- the entities wait-for queries, and what keeps `wait` from returning ------------------

def _unit(work="unknown", agent="idle", wmsg="", amsg="", **extra):
    return {"workload-status": {"current": work, "message": wmsg},
            "juju-status": {"current": agent, "message": amsg}, **extra}


def _doc():
    return {
        "model": {"name": "m", "type": "iaas", "model-status": {"current": "available"}},
        "machines": {
            "0": {"juju-status": {"current": "started"}, "machine-status": {"current": "running"},
                  "containers": {"0/lxd/0": {"juju-status": {"current": "pending"}}}},
            "2": {"juju-status": {"current": "pending", "message": "allocating"}},
        },
        "applications": {
            "app": {
                "charm": "local:app-3", "charm-name": "app", "charm-rev": 3, "exposed": False,
                "application-status": {"current": "error", "message": 'hook failed: "config-changed"'},
                "units": {
                    "app/0": _unit("error", "idle", 'hook failed: "config-changed"', machine="0", leader=True,
                                   subordinates={"sub/0": _unit("active", "idle")}),
                    "app/1": _unit("maintenance", "executing", "installing", "running install hook",
                                   machine="2"),
                },
            },
            "sub": {"charm": "local:sub-0", "charm-name": "sub", "charm-rev": 0, "exposed": False,
                    "application-status": {"current": "active"}, "subordinate-to": ["app"]},
        },
    }


def test_entity_scopes():
    doc = _doc()
    assert application_scope(doc, "app") == {
        "name": "app", "life": "alive", "status": "error", "message": 'hook failed: "config-changed"',
        "exposed": False, "charm": "local:app-3", "charm-name": "app", "charm-rev": 3, "scale": 2,
        "units": 2,
    }
    assert application_scope(doc, "sub")["units"] == 1  # subordinate units count for their app
    assert application_scope(doc, "nope") is None
    assert unit_scope(doc, "sub/0") == {
        "name": "sub/0", "application": "sub", "life": "alive", "workload-status": "active",
        "workload-message": "", "agent-status": "idle", "agent-message": "", "machine": "0",
        "leader": False,
    }
    assert unit_scope(doc, "app/0")["leader"] is True
    assert unit_scope(doc, "app/9") is None
    assert machine_scope(doc, "0/lxd/0")["status"] == "pending"
    assert machine_scope(doc, "2")["message"] == "allocating"
    assert machine_scope(doc, "0")["machine-status"] == "running"
    assert model_scope(doc, "m") == {"name": "m", "life": "alive", "status": "available", "message": "",
                                     "type": "iaas"}
    doc["model"]["model-status"] = {"current": "destroying"}
    assert model_scope(doc, "m")["life"] == "dying"


def test_model_problems_report_and_progress():
    ops = [{"id": "5", "tasks": [{"id": "6", "status": "completed", "unit": "app/0"},
                                 {"id": "7", "status": "running", "unit": "app/0"},
                                 {"id": "8", "status": "pending", "machine": "2"}]}]
    problems = model_problems(_doc(), ops, "active")
    assert [p.line() for p in problems] == [
        '  app/0: workload error (hook failed: "config-changed")',
        "  app/1: agent executing (running install hook); workload maintenance (installing), want active",
        "  machine 0/lxd/0: pending",
        "  machine 2: pending (allocating)",
        "  task 7 on app/0: running",
        "  task 8 on machine 2: pending",
    ]
    assert progress_summary(problems) == (
        "1 unit in error, 1 unit executing, 1 unit not active, 2 machines pending, 1 task running, "
        "1 task pending"
    )


def test_a_settled_model_has_no_problems():
    doc = {"model": {}, "machines": {"0": {"juju-status": {"current": "started"}}},
           "applications": {"a": {"units": {"a/0": _unit("unknown", "idle", machine="0")}}}}
    assert model_problems(doc, []) == []
    # --workload: unknown is not active
    assert [p.line() for p in model_problems(doc, [], "active")] == ["  a/0: workload unknown, want active"]
    doc["applications"]["a"]["units"]["a/0"]["life"] = "dying"
    assert [p.line() for p in model_problems(doc, [])] == ["  a/0: dying"]
