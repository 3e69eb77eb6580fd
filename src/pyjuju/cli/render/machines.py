"""The Machine table, shared by ``juju status`` and ``juju machines``.

Both commands print the same columns from the same machine objects (docs/juju-compat.md, Status document); keeping one implementation keeps them identical.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pyjuju.core.names import natural_key

from .tables import Table, truncate

MACHINE_COLUMNS = ["Machine", "State", "Address", "Inst id", "Base", "AZ", "Message"]
MAX_MESSAGE = 120


def machines_tabular(doc: Mapping[str, Any]) -> str:
    """``juju machines``: the Machine table alone, for ``{"model", "machines"}``."""
    return machine_table(doc.get("machines") or {}).render()


def machine_table(machines: Mapping[str, Any]) -> Table:
    """One row per machine in natural id order, each host followed by its containers."""
    table = Table(MACHINE_COLUMNS)
    for mid in sorted(machines, key=natural_key):
        _add_machine(table, mid, machines[mid])
    return table


def _add_machine(table: Table, mid: str, machine: Any) -> None:
    if not isinstance(machine, Mapping):
        machine = {}
    if "status-error" in machine:
        table.add_row(mid, "", "", "", "", "", truncate(str(machine["status-error"]), MAX_MESSAGE))
        return
    state, message = machine_state(machine)
    table.add_row(
        mid,
        state,
        machine.get("dns-name", ""),
        machine.get("display-name") or machine.get("instance-id", ""),
        format_base(machine.get("base")),
        availability_zone(machine.get("hardware", "")),
        truncate(message, MAX_MESSAGE),
    )
    containers = machine.get("containers") or {}
    for cid in sorted(containers, key=natural_key):
        _add_machine(table, cid, containers[cid])


def machine_state(machine: Mapping[str, Any]) -> tuple[str, str]:
    """State and message: the agent status, unless a modification failed.

    A failed modification (for example an LXD profile that could not be
    applied) is what the operator must act on, so Juju shows it instead.
    """
    agent = machine.get("juju-status") or {}
    modification = machine.get("modification-status") or {}
    if modification.get("current") == "error":
        return "error", modification.get("message", "")
    instance = machine.get("machine-status") or {}
    return agent.get("current", ""), instance.get("message", "")


def format_base(base: Any) -> str:
    """``{"name": "ubuntu", "channel": "22.04"}`` → ``ubuntu@22.04`` (``/stable`` dropped)."""
    if not isinstance(base, Mapping) or not base.get("name"):
        return ""
    channel = str(base.get("channel", ""))
    if channel.endswith("/stable"):
        channel = channel[: -len("/stable")]
    return f"{base['name']}@{channel}" if channel else str(base["name"])


def availability_zone(hardware: str) -> str:
    """The ``availability-zone=`` value of a hardware characteristics string."""
    for item in str(hardware).split():
        key, _, value = item.partition("=")
        if key == "availability-zone":
            return value
    return ""
