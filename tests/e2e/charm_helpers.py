"""Reading what the test charms under tests/charms/ record.

Every test charm appends, one per line, the name of each hook it runs to
``$JUJU_CHARM_DIR/hooks.log`` as its first action and ``END <hook>`` as its
last, so a hook that started but did not finish (failed, or killed) shows as a
name without its ``END`` line.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import IO, Any

from .harness import Juju

IGNORED_HOOKS = frozenset({"update-status"})
"""Hooks that may run at any time and are left out of the order checks."""


def parse_runs(text: str) -> list[tuple[str, bool]]:
    """``hooks.log`` text → ``[(hook, finished), ...]`` in order, update-status left out.

    Hooks run one at a time, so an ``END`` line always closes the hook started
    just before it; anything else is a broken log and fails the test.
    """
    runs: list[tuple[str, bool]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("END "):
            name = line[len("END ") :]
            assert runs and runs[-1] == (name, False), (
                f"{line!r} does not close the last started hook:\n{text}"
            )
            runs[-1] = (name, True)
        else:
            runs.append((line, False))
    return [r for r in runs if r[0] not in IGNORED_HOOKS]


def runs(juju: Juju, unit: str) -> list[tuple[str, bool]]:
    path = juju.charm_file(unit, "hooks.log")
    return parse_runs(path.read_text()) if path.exists() else []


def started(rs: list[tuple[str, bool]]) -> list[str]:
    """Names of the hooks that started, in order."""
    return [name for name, _ in rs]


def finished_count(rs: list[tuple[str, bool]], hook: str) -> int:
    return sum(1 for name, done in rs if name == hook and done)


def assert_all_finished(rs: list[tuple[str, bool]], unit: str) -> None:
    unfinished = [name for name, done in rs if not done]
    assert not unfinished, f"{unit}: hooks started without their END line: {unfinished} in {rs}"


class KeptLog:
    """A unit's ``hooks.log``, held open so it can still be read after the unit is gone.

    When a unit is removed its agent deletes the unit's directory, charm dir and
    hooks.log included. The charms append to the file by path, so everything
    they write up to the deletion (``stop`` and ``remove`` included) lands in the
    inode this open handle keeps alive.
    """

    def __init__(self, juju: Juju, unit: str) -> None:
        self.unit = unit
        self._file: IO[str] = open(juju.charm_file(unit, "hooks.log"))  # noqa: SIM115

    def runs(self) -> list[tuple[str, bool]]:
        self._file.seek(0)
        return parse_runs(self._file.read())

    def close(self) -> None:
        self._file.close()


def read_json(juju: Juju, unit: str, name: str) -> Any:
    return json.loads(juju.charm_file(unit, name).read_text())


def eventually(predicate: Callable[[], Any], what: str, timeout: float = 60) -> Any:
    """Poll ``predicate`` until it returns something truthy (a liveness bound, not a timing assertion)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
        except (FileNotFoundError, json.JSONDecodeError, KeyError):
            value = None
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def leader_of(st: dict[str, Any], app: str) -> list[str]:
    return sorted(
        u for u, doc in (st["applications"][app].get("units") or {}).items() if doc.get("leader")
    )


def unit_names(st: dict[str, Any], app: str) -> list[str]:
    return sorted(st["applications"].get(app, {}).get("units") or {})


def wait_hooks(
    juju: Juju,
    app: str,
    predicate: Callable[[str, list[tuple[str, bool]]], bool],
    what: str,
    timeout: float = 120,
    units: int | None = None,
) -> dict[str, Any]:
    """Wait until every unit of ``app`` (``units`` of them, if given) is idle and
    ``predicate(unit, runs)`` holds for each."""

    def ok(st: dict[str, Any]) -> bool:
        units_ = st["applications"].get(app, {}).get("units") or {}
        if not units_ or (units is not None and len(units_) != units):
            return False
        for name, doc in units_.items():
            if doc["juju-status"].get("current") != "idle":
                return False
            if not predicate(name, runs(juju, name)):
                return False
        return True

    return juju.wait(ok, timeout, what)
