"""Process identity on Linux: a pid plus its start time names one process.

Pids are recycled; comparing the start time from ``/proc/<pid>/stat`` makes
sure a saved pid still refers to the process we started before we signal it.
"""

from __future__ import annotations

import os


def start_time(pid: int) -> str | None:
    """Start time (clock ticks since boot) of a live, non-zombie ``pid``; None otherwise."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    if len(fields) < 20 or fields[0] == "Z":
        return None
    return fields[19]


def signal_group(pid: int, sig: int) -> None:
    """Signal ``pid``'s process group, or the pid alone if it leads none; ignore the gone."""
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        try:
            os.kill(pid, sig)
        except (ProcessLookupError, PermissionError):
            pass
