"""Which constraints a local machine can meet.

A local machine is a set of processes on this host, so it has exactly the host's
cores, memory, architecture and disk, and nothing a cloud would add (tags, zones,
instance types, containers). Asking for more is refused at once, with the reason,
instead of creating a machine that silently ignores what was asked.

:func:`check` is pure: the host's facts come in as a :class:`HostFacts` value, so
tests can describe any host.
"""

from __future__ import annotations

import dataclasses
import os
import platform
import shutil
from pathlib import Path
from typing import Any

from ...core.constraints import Constraints
from ...core.errors import ConstraintsNotMetError

ARCHES = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64", "ppc64le": "ppc64el",
          "s390x": "s390x", "riscv64": "riscv64"}
VIRT_TYPE = "container"
"""What ``hardware`` reports for local machines; the only ``virt-type`` they meet."""
SPACES = ("alpha",)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class HostFacts:
    cores: int
    mem_mib: int
    disk_free_mib: int
    """Free space where machine directories live: all a machine's root disk can use."""
    arch: str


def juju_arch(machine: str) -> str:
    """``x86_64`` → ``amd64``, as Juju names architectures."""
    return ARCHES.get(machine, machine)


def read_host_facts(root: Path) -> HostFacts:
    """The facts of this host; ``root`` is where machine directories are created."""
    probe = root
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return HostFacts(
        cores=cores,
        mem_mib=os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (1024 * 1024),
        disk_free_mib=shutil.disk_usage(probe).free // (1024 * 1024),
        arch=juju_arch(platform.machine()),
    )


def check(cons: Constraints, facts: HostFacts) -> None:
    """Raise :class:`ConstraintsNotMetError` listing every constraint ``facts`` cannot meet."""
    problems: list[tuple[str, str]] = []
    for key, value in cons.values:
        why = _why_not(key, value, facts)
        if why:
            problems.append((key, f'cannot satisfy constraint "{cons.item_text(key)}": {why}'))
    if problems:
        raise ConstraintsNotMetError("; ".join(msg for _, msg in problems),
                                     constraints=[key for key, _ in problems])


def _why_not(key: str, value: Any, facts: HostFacts) -> str:
    """Why a local machine cannot meet ``key=value`` ("" when it can)."""
    if key == "cores":
        return f"this host has {facts.cores} cores" if int(value) > facts.cores else ""
    if key == "mem":
        return f"this host has {facts.mem_mib}M of memory" if int(value) > facts.mem_mib else ""
    if key == "root-disk":
        if int(value) > facts.disk_free_mib:
            return f"this host has {facts.disk_free_mib}M of free disk for machines"
        return ""
    if key == "arch":
        return f"this host is {facts.arch}" if value != facts.arch else ""
    if key == "tags":
        return "local machines have no tags" if value else ""
    if key == "container":
        return "containers are not supported by the local provider"
    if key == "zones":
        return "the local provider has no availability zones" if value else ""
    if key == "instance-type":
        return "the local provider has no instance types"
    if key == "virt-type":
        return f'local machines are of virt-type "{VIRT_TYPE}"' if value != VIRT_TYPE else ""
    if key == "spaces":
        for space in value:
            if space.startswith("^") and space[1:] in SPACES:
                return f'local machines are always in space "{space[1:]}"'
            if not space.startswith("^") and space not in SPACES:
                return f'space "{space}" not found (spaces: {", ".join(SPACES)})'
        return ""
    if key == "allocate-public-ip":
        return "local machines have no public addresses" if value else ""
    if key == "cpu-power":
        return "the local provider cannot guarantee CPU power" if value else ""
    # instance-role, image-id, root-disk-source: cloud features local machines do not have.
    return f'"{key}" is not supported by the local provider'
