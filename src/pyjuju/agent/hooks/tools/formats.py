"""The ``--format`` output formatters (juju/cmd ``FormatJson``/``FormatYaml``/``FormatSmart``).

Charms parse these bytes: ops and charmhelpers with ``json.loads``, bash
charms with ``cut`` and ``grep``. So the formatters reproduce Go's output
rather than Python's: compact JSON with ``<>&`` escaped and Go's float
spelling, yaml.v2 quoting and key order, and the "smart" rules (a string
verbatim, a list of strings one per line, a bool as ``True``/``False``,
anything else as YAML, a missing value as nothing at all).

Values are plain Python data: ``None`` is Go's untyped nil (nothing printed
in smart/yaml, ``null`` in JSON), ``NIL_MAP`` a typed nil map, ``dict`` a Go
map (sorted keys) and ``Struct`` a Go struct (fields in order).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .goyaml import NIL_MAP, Struct, dump, go_float_json

__all__ = [
    "FORMATTERS",
    "NIL_MAP",
    "Struct",
    "format_json",
    "format_smart",
    "format_yaml",
    "go_quote",
    "go_quote_list",
]


def _encode(text: str) -> bytes:
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace")


# -- JSON -------------------------------------------------------------------------

_HTML_SAFE = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def _json_string(s: str) -> str:
    text = json.dumps(s, ensure_ascii=False)
    if any(c in text for c in _HTML_SAFE):
        text = "".join(_HTML_SAFE.get(c, c) for c in text)
    if any(0xD800 <= ord(c) <= 0xDFFF for c in text):  # Go writes invalid UTF-8 as U+FFFD
        text = "".join("\\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
    return text


def _json(v: Any, out: list[str]) -> None:
    if v is None or v is NIL_MAP:
        out.append("null")
    elif isinstance(v, bool):
        out.append("true" if v else "false")
    elif isinstance(v, int):
        out.append(str(v))
    elif isinstance(v, float):
        out.append(go_float_json(v))
    elif isinstance(v, str):
        out.append(_json_string(v))
    elif isinstance(v, dict):
        items = [(str(k), x) for k, x in v.items()]
        if not isinstance(v, Struct):
            items.sort(key=lambda kv: kv[0])
        out.append("{")
        for i, (k, x) in enumerate(items):
            if i:
                out.append(",")
            out.append(_json_string(k))
            out.append(":")
            _json(x, out)
        out.append("}")
    elif isinstance(v, (list, tuple)):
        out.append("[")
        for i, x in enumerate(v):
            if i:
                out.append(",")
            _json(x, out)
        out.append("]")
    else:
        raise TypeError(f"cannot render {type(v).__name__} as JSON")


def format_json(value: Any) -> bytes:
    """``json.Marshal(value)`` plus a newline."""
    out: list[str] = []
    _json(value, out)
    out.append("\n")
    return _encode("".join(out))


# -- YAML and smart ---------------------------------------------------------------


def format_yaml(value: Any) -> bytes:
    """yaml.v2 output with trailing newlines collapsed to one; nothing at all for ``None``."""
    if value is None:
        return b""
    text = dump(value).rstrip("\n")
    return _encode(text + "\n") if text else b""


def _is_string_list(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and all(isinstance(x, str) for x in value)


def format_smart(value: Any) -> bytes:
    """juju/cmd's FormatSmart: strings raw, string lists one per line, bools Pythonic, else YAML."""
    if value is None:
        return b""
    if isinstance(value, str):
        return _encode(value + "\n") if value else b""
    if isinstance(value, bool):
        return b"True\n" if value else b"False\n"
    if _is_string_list(value):
        return _encode("\n".join(value) + "\n") if value else b""
    return format_yaml(value)


FORMATTERS: dict[str, Callable[[Any], bytes]] = {
    "json": format_json,
    "smart": format_smart,
    "yaml": format_yaml,
}


# -- Go's %q ------------------------------------------------------------------------

_GO_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
}


def go_quote(s: str) -> str:
    """``strconv.Quote(s)``: how Juju's messages show user input (``"x"``)."""
    out = ['"']
    for c in s:
        o = ord(c)
        if c in '"\\':
            out.append("\\" + c)
        elif 0xDC80 <= o <= 0xDCFF:  # an undecodable byte carried by surrogateescape
            out.append(f"\\x{o - 0xDC00:02x}")
        elif c.isprintable():
            out.append(c)
        elif c in _GO_ESCAPES:
            out.append(_GO_ESCAPES[c])
        elif o < 0x20 or o == 0x7F:
            out.append(f"\\x{o:02x}")
        elif o <= 0xFFFF:
            out.append(f"\\u{o:04x}")
        else:
            out.append(f"\\U{o:08x}")
    out.append('"')
    return "".join(out)


def go_quote_list(items: list[str]) -> str:
    """``fmt.Sprintf("%q", []string{...})``: ``["a" "b"]``."""
    return "[" + " ".join(go_quote(x) for x in items) + "]"
