"""The formatters must print what Juju prints (Go encoding/json, yaml.v2, juju/cmd smart)."""

from __future__ import annotations

import pytest
import yaml

from pyjuju.agent.hooks.toolctx import ToolError
from pyjuju.agent.hooks.tools.formats import (
    NIL_MAP,
    Struct,
    format_json,
    format_smart,
    format_yaml,
    go_quote,
    go_quote_list,
)
from pyjuju.agent.hooks.tools.goyaml import (
    dump,
    go_float_g,
    go_float_json,
    read_string_map,
    resolves_as_non_string,
    sort_key,
)

# -- JSON ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "null"),
        (NIL_MAP, "null"),
        ({}, "{}"),
        ([], "[]"),
        (True, "true"),
        (False, "false"),
        (42, "42"),
        (1.0, "1"),
        (1.5, "1.5"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (1e-7, "1e-7"),
        (0.000001, "0.000001"),
        (-2.5e-10, "-2.5e-10"),
        ("abc", '"abc"'),
        ("<a&b>", '"\\u003ca\\u0026b\\u003e"'),
        ("line\nnext\ttab", '"line\\nnext\\ttab"'),
        ("\x01", '"\\u0001"'),
        ("é ☃", '"é ☃"'),
        ("\u2028", '"\\u2028"'),
        ({"b": 1, "a": [1, "x"]}, '{"a":[1,"x"],"b":1}'),
        (Struct(z=1, a=2), '{"z":1,"a":2}'),
    ],
)
def test_json_matches_go(value, expected):
    assert format_json(value) == (expected + "\n").encode()


def test_json_invalid_utf8_becomes_replacement_char():
    assert format_json("a\udcffb") == b'"a\\ufffdb"\n'


# -- smart --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, b""),
        ("", b""),
        ("raw: value", b"raw: value\n"),
        ("two\nlines", b"two\nlines\n"),
        ("80", b"80\n"),
        (True, b"True\n"),
        (False, b"False\n"),
        (["a", "b"], b"a\nb\n"),
        ([], b""),
        (42, b"42\n"),
        (3.5, b"3.5\n"),
        ({}, b"{}\n"),
        (NIL_MAP, b"{}\n"),
        ({"port": "80", "b": "x"}, b'b: x\nport: "80"\n'),
        ([1, 2], b"- 1\n- 2\n"),
    ],
)
def test_smart(value, expected):
    assert format_smart(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, b""),
        ("", b'""\n'),
        ("abc", b"abc\n"),
        ([], b"[]\n"),
        ({}, b"{}\n"),
        (NIL_MAP, b"{}\n"),
        (True, b"true\n"),
        ("a\nb", b"|-\n  a\nb\n".replace(b"\nb", b"\n  b")),
        ("a\n\n", b"|+\n  a\n"),  # Juju collapses trailing newlines to one
    ],
)
def test_yaml_top_level(value, expected):
    assert format_yaml(value) == expected


# -- yaml.v2 scalar quoting ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rendered"),
    [
        ("plain", "plain"),
        ("80", '"80"'),
        ("-1", '"-1"'),
        ("+1", '"+1"'),
        ("1.5", '"1.5"'),
        ("1e3", '"1e3"'),
        (".5", '".5"'),
        ("0x1F", '"0x1F"'),
        ("0o17", '"0o17"'),
        ("0b101", '"0b101"'),
        ("1_000", '"1_000"'),
        ("089", '"089"'),
        ("1:30", '"1:30"'),
        ("2024-05-01", '"2024-05-01"'),
        ("2024-05-01T10:00:00Z", '"2024-05-01T10:00:00Z"'),
        ("2024-13-01", "2024-13-01"),
        ("true", '"true"'),
        ("False", '"False"'),
        ("yes", '"yes"'),
        ("on", '"on"'),
        ("n", '"n"'),
        ("Y", '"Y"'),
        ("~", '"~"'),
        ("null", '"null"'),
        (".inf", '".inf"'),
        ("-.INF", '"-.INF"'),
        ("<<", '"<<"'),
        ("", '""'),
        ("1.2.3", "1.2.3"),
        ("10.0.0.5", "10.0.0.5"),
        ("10.0.0.0/24", "10.0.0.0/24"),
        ("abc123", "abc123"),
        ("a: b", "'a: b'"),
        ("a:b", "a:b"),
        ("a #b", "'a #b'"),
        ("a#b", "a#b"),
        ("- x", "'- x'"),
        ("-", "'-'"),
        ("-x", "-x"),
        ("? x", "'? x'"),
        (":x", ":x"),
        ("*ref", "'*ref'"),
        ("&a", "'&a'"),
        ("!tag", "'!tag'"),
        ("|", "'|'"),
        (">", "'>'"),
        ("'q'", "'''q'''"),
        ('"q"', "'\"q\"'"),
        ("%x", "'%x'"),
        ("@x", "'@x'"),
        ("`x", "'`x'"),
        ("{a}", "'{a}'"),
        ("[a]", "'[a]'"),
        ("a,b", "a,b"),
        ("a]", "a]"),
        (" lead", "' lead'"),
        ("trail ", "'trail '"),
        ("---", "'---'"),
        ("--- x", "'--- x'"),
        ("...", "'...'"),
        ("tab\there", '"tab\\there"'),
        ("bell\x07", '"bell\\a"'),
        ("cr\r", '"cr\\r"'),
        ("nul\x00", '"nul\\0"'),
        ("del\x7f", '"del\\x7F"'),
        ("bom\ufeff", '"bom\\uFEFF"'),
        ("emoji 😀", '"emoji \\U0001F600"'),
        ("café", "café"),
        ("snow ☃", "snow ☃"),
    ],
)
def test_yaml_string_quoting(text, rendered):
    assert dump({"k": text}) == f"k: {rendered}\n"
    # Whatever the style, a YAML reader gets the same string back (PyYAML
    # chokes on impossible dates, which yaml.v2 reads as strings).
    if text != "2024-13-01":
        assert yaml.safe_load(dump({"k": text}))["k"] == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\nb", "k: |-\n  a\n  b\n"),
        ("a\nb\n", "k: |\n  a\n  b\n"),
        ("a\nb\n\n", "k: |+\n  a\n  b\n\n"),
        ("a\n\nb", "k: |-\n  a\n\n  b\n"),
        (" a\nb", "k: |2-\n   a\n  b\n"),
        ("\na", "k: |2-\n\n  a\n"),
        (
            "a \nb",
            'k: "a \\nb"\n',
        ),  # a space before a break rules out every style but double quotes
        ("a\nb ", 'k: "a\\nb "\n'),
    ],
)
def test_yaml_multiline(text, expected):
    assert dump({"k": text}) == expected
    assert yaml.safe_load(expected)["k"] == text


def test_yaml_nested_layout():
    value = {
        "list": ["a", "b"],
        "maps": [{"x": 1, "y": ["p", "q"]}, {}],
        "nested": {"inner": {"deep": "v"}, "empty": []},
        "lists": [["a", "b"], []],
        "text": ["one\ntwo"],
    }
    expected = (
        "list:\n- a\n- b\n"
        "lists:\n- - a\n  - b\n- []\n"
        'maps:\n- x: 1\n  "y":\n  - p\n  - q\n- {}\n'
        "nested:\n  empty: []\n  inner:\n    deep: v\n"
        "text:\n- |-\n  one\n  two\n"
    )
    assert dump(value) == expected
    assert yaml.safe_load(expected) == value


def test_yaml_keys_are_quoted_like_values():
    assert dump({"80": "x", "": "y", "a\nb": "z"}) == '"": "y"\n"80": x\n"a\\nb": z\n'


def test_yaml_key_order_is_yaml_v2_natural_order():
    keys = ["b", "a10", "a2", "a_b", "aB", "a-b", "Z", "a", "x1y", "x01y"]
    assert sorted(keys, key=sort_key) == [
        "Z",
        "a",
        "a-b",
        "a_b",
        "a2",
        "a10",
        "aB",
        "b",
        "x1y",
        "x01y",
    ]


def test_struct_keeps_field_order_in_yaml():
    assert dump(Struct(z=1, a=2)) == "z: 1\na: 2\n"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.0, "1"),
        (0.5, "0.5"),
        (123456.0, "123456"),
        (1234567.0, "1.234567e+06"),
        (1e6, "1e+06"),
        (0.0001, "0.0001"),
        (0.00001, "1e-05"),
        (-3.25, "-3.25"),
        (0.0, "0"),
        (float("inf"), ".inf"),
        (float("-inf"), "-.inf"),
        (float("nan"), ".nan"),
    ],
)
def test_yaml_floats_like_go(value, expected):
    assert go_float_g(value) == expected


def test_json_float_edges():
    assert go_float_json(123456789.0) == "123456789"
    assert go_float_json(1.5e300) == "1.5e+300"
    with pytest.raises(ToolError):
        go_float_json(float("nan"))


def test_resolution_helpers():
    assert resolves_as_non_string("0xFF")
    assert not resolves_as_non_string("0xZZ")
    assert not resolves_as_non_string("+")
    assert resolves_as_non_string("1.")


# -- reading settings files ----------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", {}),
        (b"~", {}),
        (b"a: b\n", {"a": "b"}),
        (
            b"port: 80\nflag: yes\nf: 1.50\nn: null\ne:\n",
            {"port": "80", "flag": "yes", "f": "1.50", "n": "", "e": ""},
        ),
        (b'{"x": 1, "y": "two", "z": null}', {"x": "1", "y": "two", "z": ""}),
        (b"q: '80'\nb: |\n  line1\n  line2\n", {"q": "80", "b": "line1\nline2\n"}),
        (b"80: x\ntrue: y\n", {"80": "x", "true": "y"}),
    ],
)
def test_read_string_map_keeps_literal_text(data, expected):
    assert read_string_map(data) == expected


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"- a\n- b\n", "cannot unmarshal !!seq into map[string]string"),
        (b"a: [1, 2]\n", "cannot unmarshal !!seq into string"),
        (b"a: {b: c}\n", "cannot unmarshal !!map into string"),
        (b"a: b: c\n", "yaml: line 1:"),
        (b"\xff\xfe", "yaml:"),
    ],
)
def test_read_string_map_errors(data, fragment):
    with pytest.raises(ToolError) as exc:
        read_string_map(data)
    assert fragment in exc.value.message
    assert exc.value.code == 1


# -- Go %q -------------------------------------------------------------------------


def test_go_quote():
    assert go_quote('a"b\\c') == '"a\\"b\\\\c"'
    assert go_quote("tab\t\x01\x7f") == '"tab\\t\\x01\\x7f"'
    assert go_quote("é\u00a0") == '"é\\u00a0"'
    assert go_quote_list(["x"]) == '["x"]'
    assert go_quote_list(["a", "b c"]) == '["a" "b c"]'
