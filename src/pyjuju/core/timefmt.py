"""Timestamps: stored as UTC ISO 8601, rendered in Juju's layouts at the edge."""

from __future__ import annotations

import datetime as _dt


def utcnow() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC)


def now_iso() -> str:
    """The storage form: ISO 8601 UTC with microseconds."""
    return utcnow().isoformat(timespec="microseconds")


def parse_iso(value: str) -> _dt.datetime:
    d = _dt.datetime.fromisoformat(value)
    return d if d.tzinfo else d.replace(tzinfo=_dt.UTC)


def juju_since(value: str, utc: bool = False) -> str:
    """Status ``since``: ``02 Jan 2006 15:04:05+01:00`` local, or ``2006-01-02 15:04:05Z`` UTC."""
    d = parse_iso(value)
    if utc:
        return d.astimezone(_dt.UTC).strftime("%Y-%m-%d %H:%M:%SZ")
    local = d.astimezone()
    return local.strftime("%d %b %Y %H:%M:%S") + _zone(local)


def juju_timestamp(d: _dt.datetime | None = None, utc: bool = False) -> str:
    """Controller timestamp: ``15:04:05+01:00`` local, ``15:04:05`` UTC."""
    d = d or utcnow()
    if utc:
        return d.astimezone(_dt.UTC).strftime("%H:%M:%S")
    local = d.astimezone()
    return local.strftime("%H:%M:%S") + _zone(local)


def goal_state_since(value: str) -> str:
    """goal-state ``since``: ``YYYY-MM-DD HH:MM:SSZ``."""
    return parse_iso(value).astimezone(_dt.UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def friendly_since(value: str, now: _dt.datetime | None = None) -> str:
    """Juju's ``UserFriendlyDuration`` (show-model, models): ``just now``, ``5 minutes ago``,
    ``18 hours ago``, and the date once a day has passed."""
    when = parse_iso(value)
    seconds = int(((now or utcnow()) - when).total_seconds())
    if seconds >= 86400:
        return when.astimezone().strftime("%Y-%m-%d")
    if seconds < 10:
        return "just now"
    for size, unit in ((3600, "hour"), (60, "minute"), (1, "second")):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return "just now"


def _zone(d: _dt.datetime) -> str:
    off = d.utcoffset() or _dt.timedelta(0)
    if not off:
        return "Z"
    total = int(off.total_seconds())
    sign = "+" if total >= 0 else "-"
    total = abs(total)
    return f"{sign}{total // 3600:02d}:{total % 3600 // 60:02d}"
