"""Go-style durations."""

from __future__ import annotations

import pytest

from pyjuju.core.duration import format_duration, parse_duration
from pyjuju.core.errors import InvalidArgumentError


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("5m", 300.0),
        ("0.001s", 0.001),
        ("1h30m", 5400.0),
        ("120.0s", 120.0),
        ("1h", 3600.0),
        ("90s", 90.0),
        ("1.5h", 5400.0),
        ("500ms", 0.5),
        ("10us", 10e-6),
        ("10µs", 10e-6),
        ("100ns", 100e-9),
        ("1m30s", 90.0),
        ("2h45m30.5s", 9930.5),
        (".5s", 0.5),
        ("1.s", 1.0),
        ("0", 0.0),
        ("+0", 0.0),
        ("-0", 0.0),
        ("0s", 0.0),
        ("-5m", -300.0),
        ("+5m", 300.0),
    ],
)
def test_parse_duration(text, seconds) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize(
    "text",
    ["", " ", "5", "m", "5x", "5 m", "abc", "1h-30m", "s5", "-", "+", "1d", "5M", ".s", "5m5"],
)
def test_parse_duration_invalid(text) -> None:
    with pytest.raises(InvalidArgumentError) as ei:
        parse_duration(text)
    assert "invalid duration" in str(ei.value)


@pytest.mark.parametrize("seconds, text", [(300, "5m"), (3600, "1h"), (7200, "2h"), (90, "90s"),
                                           (1, "1s"), (0, "0s")])
def test_format_duration(seconds, text) -> None:
    assert format_duration(seconds) == text
    assert parse_duration(text) == seconds
