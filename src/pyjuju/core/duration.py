"""Go-style durations (``5m``, ``0.001s``, ``1h30m``) as used by Juju's CLI and model config."""

from __future__ import annotations

import re

from .errors import InvalidArgumentError

_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")


def parse_duration(text: str) -> float:
    """Seconds in ``text``; a bare ``0`` is allowed, as in Go."""
    s = text.strip()
    if s in ("0", "+0", "-0"):
        return 0.0
    sign = 1.0
    if s and s[0] in "+-":
        sign = -1.0 if s[0] == "-" else 1.0
        s = s[1:]
    pos, total = 0, 0.0
    while pos < len(s):
        m = _PART.match(s, pos)
        if not m:
            raise InvalidArgumentError(f'invalid duration "{text}"', value=text)
        total += float(m.group(1)) * _UNITS[m.group(2)]
        pos = m.end()
    if not s:
        raise InvalidArgumentError(f'invalid duration "{text}"', value=text)
    return sign * total


def format_duration(seconds: float) -> str:
    """Go's ``Duration.String()`` for whole seconds and above (``5m0s`` style is avoided:
    Juju prints config values as the user gave them, so this is only for defaults)."""
    s = int(seconds)
    if s % 3600 == 0 and s:
        return f"{s // 3600}h"
    if s % 60 == 0 and s:
        return f"{s // 60}m"
    return f"{s}s"
