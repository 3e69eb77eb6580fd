"""The ``wait-for --query`` language: a small, safe expression evaluator.

A query is a condition over one entity's fields, for example
``life=="alive" && workload-status=="active"``. Nothing is ever handed to
Python's ``eval``: text is tokenized, parsed by recursive descent into a tree,
type-checked against the fields the entity offers, then evaluated.

Grammar, lowest precedence first::

    query      := or EOF
    or         := and ( "||" and )*
    and        := comparison ( "&&" comparison )*
    comparison := unary [ ( "==" | "!=" | "<" | "<=" | ">" | ">=" ) unary ]
    unary      := ( "!" | "-" ) unary | primary
    primary    := STRING | NUMBER | "true" | "false" | IDENTIFIER | "(" or ")"

Strings take double or single quotes (with ``\\"``, ``\\'``, ``\\\\``, ``\\n``,
``\\t`` escapes); numbers are decimal (``3``, ``2.5``); identifiers may contain
hyphens (``workload-status``). Comparisons do not chain (``a == b == c`` is an
error). Values have three types — string, number, bool — and every operator
insists on its operand types, so ``charm-rev == "3"`` is refused up front
instead of silently never matching.

Errors are :class:`~pyjuju.core.errors.UsageError` (the CLI exits 2) whose
message names the 1-based position and shows the query with a caret under it;
the details carry ``position`` (1-based).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from ..core.errors import UsageError

__all__ = ["Query", "compile_query", "parse", "type_name"]

STRING, NUMBER, BOOL = "string", "number", "bool"

_COMPARISONS = ("==", "!=", "<=", ">=", "<", ">")
_OPERATORS = ("&&", "||", *_COMPARISONS, "!", "-", "(", ")")
_ESCAPES = {'"': '"', "'": "'", "\\": "\\", "n": "\n", "t": "\t"}


# -- tokens ------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True, slots=True)
class Token:
    kind: str
    """``string``, ``number``, ``bool``, ``ident``, ``op`` or ``eof``."""
    value: Any
    pos: int
    """0-based offset of the token's first character."""
    text: str
    """The token as written."""


def _error(query: str, pos: int, message: str, hint: str = "") -> UsageError:
    pos = max(0, min(pos, len(query)))
    shown = query.replace("\n", " ").replace("\t", " ")
    return UsageError(
        f"invalid query: {message} at position {pos + 1}{hint}\n  {shown}\n  {' ' * pos}^",
        query=query, position=pos + 1,
    )


def _is_ident_start(c: str) -> bool:
    return c.isalpha() or c == "_"


def _is_ident_char(c: str) -> bool:
    return c.isalnum() or c in "_-"


def tokenize(query: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
            continue
        start = i
        if c in "\"'":
            i += 1
            chars: list[str] = []
            while True:
                if i >= n:
                    raise _error(query, start, "unterminated string")
                ch = query[i]
                if ch == c:
                    i += 1
                    break
                if ch == "\\":
                    if i + 1 >= n:
                        raise _error(query, start, "unterminated string")
                    esc = query[i + 1]
                    if esc not in _ESCAPES:
                        raise _error(query, i, f'unknown escape "\\{esc}" in string')
                    chars.append(_ESCAPES[esc])
                    i += 2
                    continue
                chars.append(ch)
                i += 1
            tokens.append(Token(STRING, "".join(chars), start, query[start:i]))
            continue
        if c.isdigit():
            while i < n and query[i].isdigit():
                i += 1
            is_float = False
            if i < n and query[i] == ".":
                i += 1
                if i >= n or not query[i].isdigit():
                    raise _error(query, i, "expected a digit after the decimal point")
                while i < n and query[i].isdigit():
                    i += 1
                is_float = True
            if i < n and _is_ident_start(query[i]):
                raise _error(query, start, f'malformed number "{query[start:i + 1]}"')
            text = query[start:i]
            tokens.append(Token(NUMBER, float(text) if is_float else int(text), start, text))
            continue
        if _is_ident_start(c):
            while i < n and _is_ident_char(query[i]):
                i += 1
            text = query[start:i]
            if text in ("true", "false"):
                tokens.append(Token(BOOL, text == "true", start, text))
            else:
                tokens.append(Token("ident", text, start, text))
            continue
        op = next((o for o in _OPERATORS if query.startswith(o, i)), None)
        if op is None:
            hint = {"=": ' (did you mean "=="?)', "&": ' (did you mean "&&"?)',
                    "|": ' (did you mean "||"?)'}.get(c, "")
            raise _error(query, i, f'unexpected character "{c}"{hint}')
        tokens.append(Token("op", op, start, op))
        i += len(op)
    tokens.append(Token("eof", None, n, ""))
    return tokens


# -- syntax tree -------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True, slots=True)
class Literal:
    value: Any
    pos: int


@dataclasses.dataclass(frozen=True, slots=True)
class Name:
    name: str
    pos: int


@dataclasses.dataclass(frozen=True, slots=True)
class Unary:
    op: str
    operand: Node
    pos: int


@dataclasses.dataclass(frozen=True, slots=True)
class Binary:
    op: str
    left: Node
    right: Node
    pos: int
    """Position of the operator."""


Node = Literal | Name | Unary | Binary


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = tokenize(query)
        self.i = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def _next(self) -> Token:
        t = self.tokens[self.i]
        self.i += 1
        return t

    def _is_op(self, *ops: str) -> bool:
        return self.tok.kind == "op" and self.tok.value in ops

    def _unexpected(self, wanted: str) -> UsageError:
        t = self.tok
        found = "end of query" if t.kind == "eof" else f'"{t.text}"'
        return _error(self.query, t.pos, f"expected {wanted}, found {found}")

    def parse(self) -> Node:
        if self.tok.kind == "eof":
            raise _error(self.query, 0, "empty query")
        node = self._or()
        if self.tok.kind != "eof":
            if self._is_op(")"):
                raise _error(self.query, self.tok.pos, 'unbalanced ")"')
            raise self._unexpected('an operator ("&&", "||", "==", ...)')
        return node

    def _or(self) -> Node:
        node = self._and()
        while self._is_op("||"):
            op = self._next()
            node = Binary("||", node, self._and(), op.pos)
        return node

    def _and(self) -> Node:
        node = self._comparison()
        while self._is_op("&&"):
            op = self._next()
            node = Binary("&&", node, self._comparison(), op.pos)
        return node

    def _comparison(self) -> Node:
        node = self._unary()
        if self._is_op(*_COMPARISONS):
            op = self._next()
            node = Binary(op.value, node, self._unary(), op.pos)
            if self._is_op(*_COMPARISONS):
                raise _error(self.query, self.tok.pos,
                             'comparisons cannot be chained; join them with "&&"')
        return node

    def _unary(self) -> Node:
        if self._is_op("!", "-"):
            op = self._next()
            return Unary(op.value, self._unary(), op.pos)
        return self._primary()

    def _primary(self) -> Node:
        t = self.tok
        if t.kind in (STRING, NUMBER, BOOL):
            self._next()
            return Literal(t.value, t.pos)
        if t.kind == "ident":
            self._next()
            return Name(t.value, t.pos)
        if self._is_op("("):
            self._next()
            node = self._or()
            if not self._is_op(")"):
                if self.tok.kind == "eof":
                    raise _error(self.query, t.pos, 'unbalanced "("')
                raise self._unexpected('")"')
            self._next()
            return node
        raise self._unexpected("a value (string, number, true/false, identifier or \"(\")")


# -- types and evaluation ----------------------------------------------------------------
def type_name(value: Any) -> str:
    """The query type of a Python value (``bool`` before ``int``: True is not 1 here)."""
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int | float):
        return NUMBER
    if isinstance(value, str):
        return STRING
    raise TypeError(f"a query cannot hold a {type(value).__name__}")


def _describe(t: str) -> str:
    return {STRING: "a string", NUMBER: "a number", BOOL: "a boolean"}[t]


def _operand_error(query: str, node: Node, op: str, want: str, got: str) -> UsageError:
    return _error(query, node.pos, f'"{op}" needs {want}, got {_describe(got)}')


def _check_binary(query: str, node: Binary, lt: str, rt: str) -> str:
    if node.op in ("&&", "||"):
        for side, t in ((node.left, lt), (node.right, rt)):
            if t != BOOL:
                raise _operand_error(query, side, node.op, "true/false conditions", t)
        return BOOL
    if lt != rt:
        raise _error(query, node.pos,
                     f'cannot compare {_describe(lt)} with {_describe(rt)} using "{node.op}"')
    if node.op not in ("==", "!=") and lt == BOOL:
        raise _error(query, node.pos, f'"{node.op}" cannot order booleans')
    return BOOL


def _check_unary(query: str, node: Unary, t: str) -> str:
    want = BOOL if node.op == "!" else NUMBER
    if t != want:
        raise _operand_error(query, node.operand, node.op,
                             "a true/false condition" if want == BOOL else "a number", t)
    return want


@dataclasses.dataclass(frozen=True, slots=True)
class Query:
    text: str
    root: Node

    def identifiers(self) -> list[str]:
        """The identifiers the query names, in order of first appearance."""
        seen: list[str] = []

        def walk(n: Node) -> None:
            if isinstance(n, Name):
                if n.name not in seen:
                    seen.append(n.name)
            elif isinstance(n, Unary):
                walk(n.operand)
            elif isinstance(n, Binary):
                walk(n.left)
                walk(n.right)

        walk(self.root)
        return seen

    def check(self, fields: Mapping[str, str], what: str = "") -> None:
        """Refuse unknown identifiers and ill-typed operators; the query must be a condition.

        ``fields`` maps each valid identifier to its type (``string``, ``number``, ``bool``).
        """

        def infer(n: Node) -> str:
            if isinstance(n, Literal):
                return type_name(n.value)
            if isinstance(n, Name):
                if n.name not in fields:
                    raise _unknown(self.text, n, fields, what)
                return fields[n.name]
            if isinstance(n, Unary):
                return _check_unary(self.text, n, infer(n.operand))
            return _check_binary(self.text, n, infer(n.left), infer(n.right))

        t = infer(self.root)
        if t != BOOL:
            raise _error(self.text, self.root.pos,
                         f"the query must be a true/false condition, not {_describe(t)}")

    def evaluate(self, scope: Mapping[str, Any]) -> bool:
        """The query's value for one entity; ``scope`` maps identifiers to str/int/float/bool."""
        value = self._eval(self.root, scope)
        if not isinstance(value, bool):
            raise _error(self.text, self.root.pos,
                         f"the query must be a true/false condition, not {_describe(type_name(value))}")
        return value

    def _eval(self, n: Node, scope: Mapping[str, Any]) -> Any:
        if isinstance(n, Literal):
            return n.value
        if isinstance(n, Name):
            if n.name not in scope:
                raise _unknown(self.text, n, scope, "")
            return scope[n.name]
        if isinstance(n, Unary):
            v = self._eval(n.operand, scope)
            _check_unary(self.text, n, type_name(v))
            return (not v) if n.op == "!" else -v
        if n.op in ("&&", "||"):
            left = self._eval(n.left, scope)
            if type_name(left) != BOOL:
                raise _operand_error(self.text, n.left, n.op, "true/false conditions", type_name(left))
            if (n.op == "&&" and not left) or (n.op == "||" and left):
                return left
            right = self._eval(n.right, scope)
            if type_name(right) != BOOL:
                raise _operand_error(self.text, n.right, n.op, "true/false conditions", type_name(right))
            return right
        left, right = self._eval(n.left, scope), self._eval(n.right, scope)
        _check_binary(self.text, n, type_name(left), type_name(right))
        if n.op == "==":
            return left == right
        if n.op == "!=":
            return left != right
        if n.op == "<":
            return left < right
        if n.op == "<=":
            return left <= right
        if n.op == ">":
            return left > right
        return left >= right


def _unknown(query: str, n: Name, valid: Mapping[str, Any], what: str) -> UsageError:
    names = ", ".join(sorted(valid))
    scope = f" for {what}" if what else ""
    return _error(query, n.pos, f'unknown identifier "{n.name}"', f"; valid identifiers{scope}: {names}")


def parse(text: str) -> Query:
    """Parse ``text`` (syntax only; see :meth:`Query.check` for names and types)."""
    return Query(text, _Parser(text).parse())


def compile_query(text: str, fields: Mapping[str, str], what: str = "") -> Query:
    """Parse ``text`` and check it against ``fields`` (identifier → type)."""
    q = parse(text)
    q.check(fields, what)
    return q


def render_value(value: Any) -> str:
    """A value written the way a query would write it (``"active"``, ``3``, ``true``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)
