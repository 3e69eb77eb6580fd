"""Status values (workloads, agents, tasks) and the application-status derivation rule."""

from __future__ import annotations

SETTABLE_WORKLOAD = ("maintenance", "blocked", "waiting", "active")
WORKLOAD = (*SETTABLE_WORKLOAD, "unknown", "error", "terminated")
AGENT = ("allocating", "executing", "idle", "error", "lost", "rebooting", "failed")
TASK_DONE = ("completed", "failed", "cancelled", "aborted", "error")
"""Statuses after which an action or exec task never changes again (its results are final)."""

# Juju >= 3.1.6: maintenance ("we are busy") outranks waiting.
SEVERITY = {
    "error": 100,
    "blocked": 90,
    "maintenance": 80,
    "waiting": 70,
    "active": 60,
    "terminated": 50,
    "unknown": 40,
}


def derive_application_status(
    unit_statuses: list[tuple[str, str, str]],
) -> tuple[str, str, str]:
    """Pick the most severe ``(status, message, since)`` among the units.

    Starts from ``unknown`` so an application without units is unknown; a unit
    replaces the current pick only when strictly more severe.
    """
    best = ("unknown", "", "")
    for status, message, since in unit_statuses:
        if SEVERITY.get(status, 0) > SEVERITY.get(best[0], 0):
            best = (status, message, since)
    return best
