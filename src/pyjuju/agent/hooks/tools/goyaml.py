"""YAML the way Juju's hook tools write and read it.

Hook tools render maps with Go's ``gopkg.in/yaml.v2`` and bash charms parse
that output with ``sed``/``cut``, so the exact bytes matter: which strings get
double-quoted (``port: "80"``), which get single-quoted (``'- x'``), key order
(yaml.v2's "natural" order, not byte order), block literals for multi-line
values, ``{}``/``[]`` for empty collections. PyYAML's emitter makes different
choices (``'80'``, ``...`` document ends, other key order), so this module
carries a small emitter that reproduces yaml.v2's decisions for the value
types tools print (str, int, float, bool, None, lists and maps).

Not reproduced: yaml.v2 folds plain/quoted scalars longer than 80 columns at
spaces (semantically invisible to YAML readers) and emits ``? key`` for keys
longer than 128 characters.

Reading (``relation-set --file``, ``state-set --file``) goes through PyYAML's
composer so scalars keep their literal text, as yaml.v2 does when it
unmarshals into ``map[string]string``.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from decimal import Decimal
from typing import Any

from ..toolctx import ToolError


class Struct(dict[str, Any]):
    """A mapping written in insertion order, as Go writes a struct's fields.

    Plain ``dict`` values are Go maps and are written with sorted keys.
    """

    __slots__ = ()


class _NilMap:
    """A typed nil map: JSON ``null`` but YAML/smart ``{}`` (``state-get`` on an empty store)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NIL_MAP"


NIL_MAP: Any = _NilMap()

# -- what yaml.v2 would read back as something other than a string ------------

_SPECIAL_WORDS = frozenset(
    "y Y yes Yes YES on On ON true True TRUE "
    "n N no No NO off Off OFF false False FALSE "
    "~ null Null NULL "
    ".nan .NaN .NAN .inf .Inf .INF +.inf +.Inf +.INF -.inf -.Inf -.INF <<".split()
)
_FLOAT_RE = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_DOT_FLOAT_RE = re.compile(r"\.[0-9]+([eE][-+]?[0-9]+)?\Z")
_INT_RE = re.compile(r"[+-]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)\Z")
_BASE60_RE = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?\Z")
_DATE = r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"
_TIME = r"([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:\.[0-9]+)?"
_TIMESTAMP_RES = (
    re.compile(_DATE + r"\Z"),
    re.compile(_DATE + r"[Tt]" + _TIME + r"(?:Z|[+-][0-9]{2}:[0-9]{2})\Z"),
    re.compile(_DATE + r" " + _TIME + r"\Z"),
)


def _is_timestamp(s: str) -> bool:
    for pattern in _TIMESTAMP_RES:
        m = pattern.match(s)
        if not m:
            continue
        parts = [int(g) for g in m.groups()]
        try:
            _dt.date(parts[0], parts[1], parts[2])
        except ValueError:
            return False
        if len(parts) > 3:
            return parts[3] < 24 and parts[4] < 60 and parts[5] < 60
        return True
    return False


def _is_go_int(plain: str) -> bool:
    """``strconv.ParseInt(plain, 0, 64)`` or ``ParseUint`` would succeed."""
    m = _INT_RE.match(plain)
    if not m:
        return False
    body = m.group(1)
    if len(body) > 1 and body[0] == "0" and body[1] not in "xXoObB":
        value = int(body, 8)
    else:
        value = int(body, 0)
    if plain.startswith("-"):
        return value <= 2**63
    return value < 2**64


def resolves_as_non_string(s: str) -> bool:
    """True if yaml.v2 would read plain ``s`` as a bool, null, number or timestamp."""
    if not s or s in _SPECIAL_WORDS:
        return True
    if _BASE60_RE.match(s):
        return True
    c = s[0]
    if c == ".":
        return bool(_DOT_FLOAT_RE.match(s))
    if c in "+-0123456789":
        if c.isdigit() and _is_timestamp(s):
            return True
        plain = s.replace("_", "")
        return _is_go_int(plain) or bool(_FLOAT_RE.match(plain))
    return False


# -- scalar analysis (libyaml's yaml_emitter_analyze_scalar, Go flavour) ------

_BREAKS = "\r\n\x85\u2028\u2029"
_FLOW_FIRST = set("#,[]{}&*!|>'\"%@`")


def _printable(c: str) -> bool:
    o = ord(c)
    return (
        o == 0x0A
        or 0x20 <= o <= 0x7E
        or 0xA0 <= o <= 0xD7FF
        or (0xE000 <= o <= 0xFFFD and o != 0xFEFF)
    )


def _blankz(s: str, i: int) -> bool:
    return i >= len(s) or s[i] in " \t" or s[i] in _BREAKS


def _analyze(s: str) -> tuple[bool, bool, bool]:
    """Return (block_plain_allowed, single_quoted_allowed, block_allowed) for non-empty ``s``."""
    block_ind = False
    if s.startswith(("---", "...")) and _blankz(s, 3):
        block_ind = True
    special = line_breaks = False
    leading_space = leading_break = trailing_space = trailing_break = False
    break_space = space_break = prev_space = prev_break = False
    preceded_ws = True
    last = len(s) - 1
    for i, c in enumerate(s):
        followed_ws = _blankz(s, i + 1)
        if i == 0:
            if c in _FLOW_FIRST:
                block_ind = True
            if c in "?:" and followed_ws:
                block_ind = True
            if c == "-" and followed_ws:
                block_ind = True
        else:
            if c == ":" and followed_ws:
                block_ind = True
            if c == "#" and preceded_ws:
                block_ind = True
        if not _printable(c):
            special = True
        if c in _BREAKS:
            line_breaks = True
        if c == " ":
            leading_space = leading_space or i == 0
            trailing_space = trailing_space or i == last
            break_space = break_space or prev_break
            prev_space, prev_break = True, False
        elif c in _BREAKS:
            leading_break = leading_break or i == 0
            trailing_break = trailing_break or i == last
            space_break = space_break or prev_space
            prev_space, prev_break = False, True
        else:
            prev_space = prev_break = False
        preceded_ws = c in " \t" or c in _BREAKS
    plain = single = block = True
    if leading_space or leading_break or trailing_space or trailing_break:
        plain = False
    if trailing_space:
        block = False
    if break_space:
        plain = single = False
    if space_break or special:
        plain = single = block = False
    if line_breaks or block_ind:
        plain = False
    return plain, single, block


_ESCAPES = {
    "\0": "0", "\a": "a", "\b": "b", "\t": "t", "\n": "n", "\v": "v", "\f": "f",
    "\r": "r", "\x1b": "e", '"': '"', "\\": "\\", "\x85": "N", "\xa0": "_",
    "\u2028": "L", "\u2029": "P",
}  # fmt: skip


def _double_quoted(s: str) -> str:
    out = ['"']
    for c in s:
        if _printable(c) and c not in _BREAKS and c not in '"\\' and c != "\ufeff":
            out.append(c)
        elif c in _ESCAPES:
            out.append("\\" + _ESCAPES[c])
        else:
            o = ord(c)
            if 0xDC80 <= o <= 0xDCFF:  # an undecodable byte carried by surrogateescape
                o -= 0xDC00
            if o <= 0xFF:
                out.append(f"\\x{o:02X}")
            elif o <= 0xFFFF:
                out.append(f"\\u{o:04X}")
            else:
                out.append(f"\\U{o:08X}")
    out.append('"')
    return "".join(out)


def _literal(s: str, indent: int) -> list[str]:
    hint = "2" if s[0] in " \n" or s[0] in _BREAKS else ""
    if not s.endswith("\n"):
        chomp = "-"
    elif len(s) == 1 or s[-2] == "\n":
        chomp = "+"
    else:
        chomp = ""
    body = s[:-1] if s.endswith("\n") else s
    pad = " " * indent
    return ["|" + hint + chomp] + [pad + line if line else "" for line in body.split("\n")]


def _string(s: str, indent: int, key: bool) -> list[str]:
    """A string as yaml.v2 emits it: the inline part, then any block-literal lines."""
    if resolves_as_non_string(s):
        return [_double_quoted(s)]
    plain, single, block = _analyze(s)
    if "\n" in s:
        return _literal(s, indent) if block and not key else [_double_quoted(s)]
    if plain:
        return [s]
    if single:
        return ["'" + s.replace("'", "''") + "'"]
    return [_double_quoted(s)]


# -- numbers --------------------------------------------------------------------


def _digits(f: float) -> tuple[str, int]:
    """Shortest round-trip decimal digits of ``abs(f)`` and the decimal point position."""
    t = Decimal(repr(abs(f))).normalize().as_tuple()
    digits = "".join(map(str, t.digits))
    return digits, len(digits) + int(t.exponent)


def _fmt_e(neg: bool, digits: str, dp: int) -> str:
    exp = dp - 1
    mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{'-' if neg else ''}{mant}e{'-' if exp < 0 else '+'}{abs(exp):02d}"


def _fmt_f(neg: bool, digits: str, dp: int) -> str:
    if dp <= 0:
        text = "0." + "0" * -dp + digits
    elif dp >= len(digits):
        text = digits + "0" * (dp - len(digits))
    else:
        text = digits[:dp] + "." + digits[dp:]
    return ("-" if neg else "") + text


def go_float_g(f: float) -> str:
    """``strconv.FormatFloat(f, 'g', -1, 64)`` with yaml.v2's names for inf/nan."""
    if f != f:
        return ".nan"
    if f in (float("inf"), float("-inf")):
        return ".inf" if f > 0 else "-.inf"
    neg = f < 0 or (f == 0 and str(f).startswith("-"))
    if f == 0:
        return "-0" if neg else "0"
    digits, dp = _digits(f)
    if dp - 1 < -4 or dp - 1 >= 6:  # shortest 'g' switches to %e at exponent 6
        return _fmt_e(neg, digits, dp)
    return _fmt_f(neg, digits, dp)


def go_float_json(f: float) -> str:
    """Go ``encoding/json`` float64: ``%f`` style in [1e-6, 1e21), else short ``e-7`` exponents."""
    if f != f or f in (float("inf"), float("-inf")):
        raise ToolError(f"json: unsupported value: {go_float_g(f)}")
    if f == 0:
        return "-0" if str(f).startswith("-") else "0"
    neg = f < 0
    digits, dp = _digits(f)
    if 1e-6 <= abs(f) < 1e21:
        return _fmt_f(neg, digits, dp)
    text = _fmt_e(neg, digits, dp)
    return re.sub(r"e([-+])0(\d)$", r"e\1\2", text)


# -- key order ------------------------------------------------------------------


def _key_less(a: str, b: str) -> bool:
    """yaml.v2's keyList.Less for two string keys: letters after other runes, digit runs numerically."""
    for i in range(min(len(a), len(b))):
        ca, cb = a[i], b[i]
        if ca == cb:
            continue
        al, bl = ca.isalpha(), cb.isalpha()
        if al and bl:
            return ca < cb
        if al or bl:
            return bl
        an = bn = 0
        if ca == "0" or cb == "0":
            j = i - 1
            while j >= 0 and a[j].isdigit():
                if a[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(a) and a[ai].isdigit():
            an = an * 10 + int(a[ai])
            ai += 1
        bi = i
        while bi < len(b) and b[bi].isdigit():
            bn = bn * 10 + int(b[bi])
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return ca < cb
    return len(a) < len(b)


def _key_cmp(a: str, b: str) -> int:
    return -1 if _key_less(a, b) else (1 if _key_less(b, a) else 0)


sort_key = functools.cmp_to_key(_key_cmp)


# -- the emitter ----------------------------------------------------------------


def _scalar(v: Any, indent: int, key: bool = False) -> list[str]:
    if v is None:
        return ["null"]
    if v is NIL_MAP or (isinstance(v, dict) and not v):
        return ["{}"]
    if isinstance(v, (list, tuple)) and not v:
        return ["[]"]
    if isinstance(v, bool):
        return ["true" if v else "false"]
    if isinstance(v, int):
        return [str(v)]
    if isinstance(v, float):
        return [go_float_g(v)]
    if isinstance(v, str):
        return _string(v, indent, key)
    raise TypeError(f"cannot render {type(v).__name__} as YAML")


def _items(d: dict[Any, Any]) -> list[tuple[str, Any]]:
    if isinstance(d, Struct):
        return [(str(k), v) for k, v in d.items()]
    return sorted(((str(k), v) for k, v in d.items()), key=lambda kv: sort_key(kv[0]))


def _block(v: Any, indent: int) -> list[str]:
    """A non-empty map or list as block lines at ``indent``."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(v, dict):
        for k, item in _items(v):
            key = _scalar(k, indent + 2, key=True)[0]
            if isinstance(item, dict) and item:
                lines.append(f"{pad}{key}:")
                lines.extend(_block(item, indent + 2))
            elif isinstance(item, (list, tuple)) and item:
                lines.append(f"{pad}{key}:")
                lines.extend(_block(item, indent))
            else:
                first, *rest = _scalar(item, indent + 2)
                lines.append(f"{pad}{key}: {first}")
                lines.extend(rest)
        return lines
    for item in v:
        if (isinstance(item, (dict, list, tuple))) and item:
            inner = _block(item, indent + 2)
            lines.append(f"{pad}- {inner[0][indent + 2 :]}")
            lines.extend(inner[1:])
        else:
            first, *rest = _scalar(item, indent + 2)
            lines.append(f"{pad}- {first}")
            lines.extend(rest)
    return lines


def dump(value: Any) -> str:
    """``yaml.Marshal(value)`` as yaml.v2 writes it (always newline-terminated)."""
    if isinstance(value, (dict, list, tuple)) and value and value is not NIL_MAP:
        return "\n".join(_block(value, 0)) + "\n"
    return "\n".join(_scalar(value, 2)) + "\n"


# -- reading settings files -----------------------------------------------------


def read_string_map(data: bytes) -> dict[str, str]:
    """Decode a YAML (or JSON) mapping into strings, keeping each scalar's literal text.

    Mirrors yaml.v2 unmarshalling into ``map[string]string``: ``port: 80`` gives
    ``"80"``, ``flag: yes`` gives ``"yes"`` and a null value gives ``""``.
    """
    import yaml  # the agent has PyYAML; imported here so formatting alone stays light

    try:
        text = data.decode("utf-8")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except UnicodeDecodeError:
        raise ToolError("yaml: invalid leading UTF-8 octet") from None
    except yaml.YAMLError as e:
        raise ToolError(f"yaml: {_yaml_problem(e)}") from None
    if node is None or _is_null(node):
        return {}
    if not isinstance(node, yaml.MappingNode):
        raise ToolError(_unmarshal_error(node, "map[string]string"))
    result: dict[str, str] = {}
    for key_node, value_node in node.value:
        key = _text(key_node)
        result[key] = _text(value_node)
    return result


def _is_null(node: Any) -> bool:
    import yaml

    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def _text(node: Any) -> str:
    import yaml

    if not isinstance(node, yaml.ScalarNode):
        raise ToolError(_unmarshal_error(node, "string"))
    if _is_null(node):
        return ""
    return str(node.value)


def _unmarshal_error(node: Any, target: str) -> str:
    tag = str(node.tag).rsplit(":", 1)[-1]
    line = node.start_mark.line + 1
    return f"yaml: unmarshal errors:\n  line {line}: cannot unmarshal !!{tag} into {target}"


def _yaml_problem(e: Exception) -> str:
    mark = getattr(e, "problem_mark", None)
    problem = getattr(e, "problem", None) or str(e)
    if mark is not None:
        return f"line {mark.line + 1}: {problem}"
    return str(problem)
