"""Machine-readable output formats: ``--format json|yaml|tabular``.

Clients such as jubilant parse our stdout with ``json.loads`` / ``yaml.safe_load``,
so these functions must produce exactly one document, newline-terminated, in
the shape Juju's Go CLI prints. Everything here is pure: documents in, text out.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

import yaml

from pyjuju.core import timefmt
from pyjuju.core.errors import UsageError

Renderer = Callable[[Any], str]

# Go's encoding/json escapes these inside strings (HTML safety, and the two
# line separators that break JavaScript). They never occur outside strings in
# JSON text, so a plain substitution after dumping is exact.
_GO_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_GO_JSON_RE = re.compile("[<>&\u2028\u2029]")

# Only the storage form of a timestamp is converted: ``2026-11-25T12:00:00+00:00``.
# Requiring the ``T`` keeps localize_times idempotent, because Juju's own UTC
# layout (``2025-02-23 23:03:17Z``) would otherwise parse as ISO too.
_ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def to_json(doc: Any) -> str:
    """Compact one-line JSON like Go's ``json.Marshal``, plus a newline.

    No spaces after separators, non-ASCII kept as UTF-8, ``<``, ``>`` and
    ``&`` escaped as Go does. Keys stay in the document's order: the server
    already orders them the way Juju's structs do.
    """
    text = json.dumps(doc, separators=(",", ":"), ensure_ascii=False)
    return _GO_JSON_RE.sub(lambda m: _GO_JSON_ESCAPES[m.group(0)], text) + "\n"


def to_yaml(doc: Any) -> str:
    """Block-style YAML that ``yaml.safe_load`` reads back to ``doc``.

    Keys keep the document's order; empty maps come out as ``{}``; long
    strings are not folded, so a message stays on one line for grep.
    """
    return yaml.safe_dump(
        doc,
        default_flow_style=False,
        sort_keys=False,
        allow_unicode=True,
        width=float("inf"),
    )


def unknown_format(fmt: str) -> UsageError:
    """The error Juju's flag parser gives for ``--format <fmt>`` (a flag error: exit 2)."""
    return UsageError(
        f'invalid value "{fmt}" for option --format: unknown format "{fmt}"', format=fmt
    )


def render(
    doc: Any,
    fmt: str,
    tabular: Renderer | None = None,
    *,
    extra: Mapping[str, Renderer] | None = None,
) -> str:
    """Render ``doc`` in ``fmt``: ``json``, ``yaml``, ``tabular`` or an ``extra`` name.

    ``tabular`` is the command's own table renderer; commands without one
    reject ``--format tabular`` like any other unknown format. ``extra`` lets a
    command add its own formats (``status`` adds ``short``, ``line``, ``oneline``).
    """
    if fmt == "json":
        return to_json(doc)
    if fmt == "yaml":
        return to_yaml(doc)
    if fmt == "tabular" and tabular is not None:
        return tabular(doc)
    if extra and fmt in extra:
        return extra[fmt](doc)
    raise unknown_format(fmt)


def localize_times(doc: Any, utc: bool = False) -> Any:
    """A deep copy of ``doc`` with stored timestamps in Juju's display layouts.

    The store keeps ISO 8601 UTC; Juju prints status ``since`` as
    ``02 Jan 2006 15:04:05+01:00`` (local) or ``2006-01-02 15:04:05Z`` (``--utc``).
    Every key named ``since`` holding an ISO timestamp is converted, wherever
    it sits (model, application, unit, machine, storage status objects).
    Values already in a Juju layout are left alone.

    Two Juju quirks are kept: storage status ``since`` (under the top-level
    ``storage`` key) always uses the local layout even with ``--utc``; and a
    full ISO ``controller.timestamp`` becomes the clock-only
    ``15:04:05+01:00`` / ``15:04:05`` form.
    """
    out = copy.deepcopy(doc)
    if isinstance(out, dict):
        for key, value in out.items():
            _localize(value, utc=False if key == "storage" else utc)
        controller = out.get("controller")
        if isinstance(controller, dict):
            stamp = controller.get("timestamp")
            if isinstance(stamp, str) and _ISO_RE.match(stamp):
                parsed = _parse(stamp)
                if parsed is not None:
                    controller["timestamp"] = timefmt.juju_timestamp(parsed, utc)
    else:
        _localize(out, utc)
    return out


def _localize(node: Any, utc: bool) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "since" and isinstance(value, str) and _ISO_RE.match(value):
                if _parse(value) is not None:
                    node[key] = timefmt.juju_since(value, utc)
            else:
                _localize(value, utc)
    elif isinstance(node, list):
        for item in node:
            _localize(item, utc)


def _parse(value: str) -> Any:
    try:
        return timefmt.parse_iso(value)
    except ValueError:
        return None
