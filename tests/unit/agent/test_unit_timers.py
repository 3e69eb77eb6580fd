"""The unit agent's timers: update-status and automatic retries, on a fake clock."""

from __future__ import annotations

import pytest

from pyjuju.agent.unit.timers import RETRY_FIRST, RETRY_MAX, Timers


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_update_status_starts_once_started_and_restarts_after_each_run() -> None:
    clock = Clock()
    t = Timers(clock)
    assert not t.clock(started=False, interval=300).update_status_due
    assert t.next_deadline() is None  # nothing scheduled before start
    t.clock(started=True, interval=300)
    clock.now += 299
    assert not t.clock(started=True, interval=300).update_status_due
    clock.now += 1
    assert t.clock(started=True, interval=300).update_status_due
    t.hook_succeeded("update-status", 300)
    assert not t.clock(started=True, interval=300).update_status_due
    assert t.next_deadline() == 300


def test_a_new_interval_restarts_the_timer() -> None:
    """5 min -> 10 s: the next update-status comes within 10 s, not after the old 5 min."""
    clock = Clock()
    t = Timers(clock)
    t.clock(started=True, interval=300)
    clock.now += 5
    assert not t.clock(started=True, interval=10).update_status_due
    assert t.next_deadline() == 10
    clock.now += 10
    assert t.clock(started=True, interval=10).update_status_due


def test_other_hooks_do_not_move_the_update_status_timer() -> None:
    clock = Clock()
    t = Timers(clock)
    t.clock(started=True, interval=60)
    clock.now += 50
    t.hook_succeeded("config-changed", 60)
    clock.now += 10
    assert t.clock(started=True, interval=60).update_status_due


def test_retries_back_off_and_reset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("random.uniform", lambda a, b: 1.0)
    clock = Clock()
    t = Timers(clock)
    delays = []
    for _ in range(10):
        t.hook_failed()
        assert t.retry_at is not None
        delays.append(t.retry_at - clock.now)
    assert delays[:3] == [RETRY_FIRST, RETRY_FIRST * 2, RETRY_FIRST * 4]
    assert max(delays) == RETRY_MAX
    clock.now = t.retry_at
    assert t.clock(started=False, interval=300).retry_due
    t.hook_succeeded("install", 300)
    assert t.retry_at is None and not t.clock(started=False, interval=300).retry_due
    t.hook_failed()
    assert t.retry_at == clock.now + RETRY_FIRST
