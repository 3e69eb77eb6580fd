"""Timestamps: stored as UTC ISO 8601, rendered in Juju's layouts."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest

from pyjuju.core import timefmt


@pytest.fixture
def tz(monkeypatch):
    def set_tz(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_tz
    monkeypatch.undo()
    time.tzset()


def test_now_iso_is_utc_with_microseconds() -> None:
    s = timefmt.now_iso()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00", s)
    d = timefmt.parse_iso(s)
    assert d.tzinfo is not None and d.utcoffset() == dt.timedelta(0)
    assert abs((timefmt.utcnow() - d).total_seconds()) < 5


def test_parse_iso_naive_is_utc() -> None:
    d = timefmt.parse_iso("2024-03-04T05:06:07")
    assert d == dt.datetime(2024, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
    d = timefmt.parse_iso("2024-03-04T05:06:07+02:00")
    assert d.astimezone(dt.UTC).hour == 3


def test_juju_since_utc() -> None:
    assert timefmt.juju_since("2024-03-04T05:06:07.123456+00:00", utc=True) == "2024-03-04 05:06:07Z"
    assert timefmt.juju_since("2024-03-04T05:06:07+02:00", utc=True) == "2024-03-04 03:06:07Z"


def test_juju_since_local_with_offset(tz) -> None:
    tz("CET-1CEST,M3.5.0,M10.5.0/3")
    assert timefmt.juju_since("2024-01-02T03:04:05+00:00") == "02 Jan 2024 04:04:05+01:00"
    assert timefmt.juju_since("2024-07-02T03:04:05+00:00") == "02 Jul 2024 05:04:05+02:00"
    tz("UTC0")
    assert timefmt.juju_since("2024-01-02T03:04:05+00:00") == "02 Jan 2024 03:04:05Z"
    tz("<-0330>3:30")
    assert timefmt.juju_since("2024-01-02T03:04:05+00:00") == "01 Jan 2024 23:34:05-03:30"


def test_juju_timestamp(tz) -> None:
    d = dt.datetime(2024, 1, 2, 9, 24, 10, tzinfo=dt.UTC)
    assert timefmt.juju_timestamp(d, utc=True) == "09:24:10"
    tz("CET-1CEST,M3.5.0,M10.5.0/3")
    assert timefmt.juju_timestamp(d) == "10:24:10+01:00"
    tz("UTC0")
    assert timefmt.juju_timestamp(d) == "09:24:10Z"
    assert re.fullmatch(r"\d\d:\d\d:\d\d", timefmt.juju_timestamp(utc=True))


def test_goal_state_since() -> None:
    assert timefmt.goal_state_since("2024-03-04T05:06:07.5+01:00") == "2024-03-04 04:06:07Z"


@pytest.mark.parametrize(
    ("ago", "text"),
    [
        (0, "just now"),
        (9, "just now"),
        (10, "10 seconds ago"),
        (61, "1 minute ago"),
        (150, "2 minutes ago"),
        (3600, "1 hour ago"),
        (18 * 3600 + 5, "18 hours ago"),
    ],
)
def test_friendly_since_is_relative_within_a_day(ago: int, text: str) -> None:
    now = dt.datetime(2025, 2, 24, 12, 0, 0, tzinfo=dt.UTC)
    when = (now - dt.timedelta(seconds=ago)).isoformat()
    assert timefmt.friendly_since(when, now) == text


def test_friendly_since_is_a_date_after_a_day() -> None:
    now = dt.datetime(2025, 2, 24, 12, 0, 0, tzinfo=dt.UTC)
    when = dt.datetime(2025, 2, 20, 12, 0, 0, tzinfo=dt.UTC)
    assert timefmt.friendly_since(when.isoformat(), now) == when.astimezone().strftime("%Y-%m-%d")
