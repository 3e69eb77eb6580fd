"""Arguments of the secret tools: secret URIs, content values, expiry times, Go integers.

Pure parsing, kept apart from the commands in :mod:`.secret` so each module
stays small; every function raises the tools' usage errors with Juju's text.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import re

from ....core.duration import parse_duration
from ....core.errors import PyjujuError
from .base import usage_error
from .formats import go_quote

# -- secret URIs ---------------------------------------------------------------------

_UUID = r"[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}"
_UUID_RE = re.compile(_UUID)
_ID_RE = re.compile(rf"(?:(?P<source>{_UUID})/)?(?P<id>[0-9a-z]{{20}})\Z")
_XID_ALPHABET = frozenset("0123456789abcdefghijklmnopqrstuv")
_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.")


def _split_scheme(text: str) -> tuple[str, str]:
    """Go's ``url.getScheme``: ``("", text)`` when ``text`` has no scheme."""
    for i, c in enumerate(text):
        if c.isascii() and c.isalpha():
            continue
        if c in _SCHEME_CHARS:
            if i == 0:
                return "", text
            continue
        if c == ":":
            if i == 0:
                raise ValueError(f"parse {go_quote(text)}: missing protocol scheme")
            return text[:i].lower(), text[i + 1 :]
        return "", text
    return "", text


def parse_secret_uri(text: str) -> str:
    """Juju's ``secrets.ParseURI``; returns the canonical URI (``secret:<id>`` or
    ``secret://<source-uuid>/<id>``). ValueError carries Juju's message."""
    scheme, rest = _split_scheme(text.split("#", 1)[0])
    if scheme and scheme != "secret":
        raise ValueError(f"secret URI scheme {go_quote(scheme)} not valid")
    rest = rest.split("?", 1)[0]
    host = ""
    if rest.startswith("//"):
        host, slash, path = rest[2:].partition("/")
        rest = slash + path
    if not scheme and ":" in rest.split("/", 1)[0]:
        raise ValueError(f"parse {go_quote(text)}: first path segment in URL cannot contain colon")
    if host and not _UUID_RE.search(host):
        raise ValueError(f"host controller UUID {go_quote(host)} not valid")
    m = _ID_RE.match(rest.lstrip("/"))
    if not m or not set(m.group("id")) <= _XID_ALPHABET:
        raise ValueError(f"secret URI {go_quote(text)} not valid")
    source = m.group("source") or host
    sid = m.group("id")
    return f"secret://{source}/{sid}" if source else f"secret:{sid}"


def uri_arg(text: str) -> str:
    try:
        return parse_secret_uri(text)
    except ValueError as e:
        raise usage_error(str(e)) from None


# -- content -----------------------------------------------------------------------

_KEY_RE = re.compile(r"^([a-z](?:-?[a-z0-9]){2,})$")
MAX_VALUE_BYTES = 8 * 1024
MAX_CONTENT_BYTES = 64 * 1024
B64_SUFFIX = "#base64"
FILE_SUFFIX = "#file"
_B64_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")


def raw_bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _text(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def _b64decode(key: str, encoded: bytes) -> bytes:
    """``base64.StdEncoding.DecodeString`` (padding required, CR/LF ignored)."""
    s = encoded.replace(b"\r", b"").replace(b"\n", b"")
    try:
        return base64.b64decode(s, validate=True)
    except (binascii.Error, ValueError):
        text = s.decode("latin-1")
        pos = next((i for i, c in enumerate(text) if c not in _B64_CHARS and c != "="), None)
        if pos is None:
            eq = text.find("=")
            pos = eq if eq >= 0 and text[eq:].strip("=") else len(text)
        raise usage_error(f"key {go_quote(key)}: illegal base64 data at input byte {pos}") from None


def encode_values(data: dict[str, bytes]) -> dict[str, str]:
    """Juju's ``encodeBase64``: size limits, the key rule, ``#base64`` values decoded."""
    out: dict[str, str] = {}
    size = 0
    for key, value in data.items():
        if len(value) > MAX_VALUE_BYTES:
            raise usage_error(
                f"secret content for key {go_quote(key)} too large: {len(value)} bytes"
            )
        size += len(value)
        if key.endswith(B64_SUFFIX):
            key = key[: -len(B64_SUFFIX)]
            if not _KEY_RE.match(key):
                raise usage_error(f"key {go_quote(key)} not valid")
            out[key] = _text(_b64decode(key, value))
            continue
        if not _KEY_RE.match(key):
            raise usage_error(f"key {go_quote(key)} not valid")
        out[key] = _text(value)
    if size > MAX_CONTENT_BYTES:
        raise usage_error(f"secret content too large: {size} bytes")
    return out


ROTATE_POLICIES = ("never", "hourly", "daily", "weekly", "monthly", "quarterly", "yearly")
_TIME_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?\Z"
)


def rfc3339(moment: _dt.datetime) -> str:
    """Go's ``time.RFC3339Nano`` of ``moment`` in UTC (``2025-01-01T06:06:06.5Z``)."""
    utc = moment.astimezone(_dt.UTC)
    text = utc.strftime("%Y-%m-%dT%H:%M:%S")
    if utc.microsecond:
        text += f".{utc.microsecond:06d}".rstrip("0")
    return text + "Z"


def _parse_time(spec: str) -> _dt.datetime | None:
    """RFC 3339, or ``YYYY-MM-DDTHH:MM:SS`` taken as UTC; ``None`` if neither."""
    m = _TIME_RE.match(spec)
    if not m:
        return None
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    frac, zone = m.group(7), m.group(8)
    micro = int((frac[1:] + "000000")[:6]) if frac else 0
    tz = _dt.UTC
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        hh, mm = int(zone[1:3]), int(zone[4:6])
        if hh > 23 or mm > 59:
            return None
        tz = _dt.timezone(sign * _dt.timedelta(hours=hh, minutes=mm))
    try:
        return _dt.datetime(year, month, day, hour, minute, second, micro, tzinfo=tz)
    except ValueError:
        return None


def parse_expire(spec: str, now: _dt.datetime | None = None) -> str:
    """``--expire``: a time or a positive Go duration from now → RFC 3339 UTC."""
    moment = _parse_time(spec)
    if moment is None:
        try:
            if spec != spec.strip():
                raise ValueError(spec)
            seconds = parse_duration(spec)
        except (PyjujuError, ValueError):
            raise usage_error(f"expire time or duration {go_quote(spec)} not valid") from None
        if seconds <= 0:
            raise usage_error(f"negative expire duration {go_quote(spec)} not valid")
        moment = (now or _dt.datetime.now(_dt.UTC)) + _dt.timedelta(seconds=seconds)
    return rfc3339(moment)


_GO_INT_DIGITS = {2: "01", 8: "01234567", 10: "0123456789", 16: "0123456789abcdefABCDEF"}
_GO_INT_BASES = {"0x": 16, "0o": 8, "0b": 2}


def parse_go_int(text: str) -> int:
    """``strconv.ParseInt(text, 0, 64)`` (gnuflag's int flags); ValueError with Go's text."""
    syntax = ValueError(f"strconv.ParseInt: parsing {go_quote(text)}: invalid syntax")
    negative = text[:1] == "-"
    body = text[1:] if text[:1] in ("+", "-") else text
    prefix = body[:2].lower() if body[:2].lower() in _GO_INT_BASES else ""
    if "_" in body:
        # Go allows underscores between digits, or right after a base prefix.
        rest = body[len(prefix) :]
        if "__" in rest or rest.endswith("_") or (rest.startswith("_") and not prefix):
            raise syntax
        body = body.replace("_", "")
    if prefix:
        base, digits = _GO_INT_BASES[prefix], body[2:]
    elif len(body) > 1 and body[0] == "0":
        base, digits = 8, body[1:]
    else:
        base, digits = 10, body
    if not digits or any(c not in _GO_INT_DIGITS[base] for c in digits):
        raise syntax
    value = -int(digits, base) if negative else int(digits, base)
    if not -(2**63) <= value < 2**63:
        raise ValueError(f"strconv.ParseInt: parsing {go_quote(text)}: value out of range")
    return value
