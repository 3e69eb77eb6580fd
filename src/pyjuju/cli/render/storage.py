"""The Storage table of ``juju status --storage`` (best effort; docs/juju-compat.md, Status document).

Juju joins three maps of the status document to make one row per storage
instance and unit: the instance (kind, status), its filesystem or volume
(pool, size) and the filesystem attachment (mount point). The ``Pool`` column
only appears when some filesystem or volume names a pool, as in Juju.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from pyjuju.core.names import natural_key

from .tables import Table

_IEC = ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB")


def storage_table(storage: Mapping[str, Any]) -> Table | None:
    """The table, or ``None`` when the model has no storage instances."""
    instances: Mapping[str, Any] = storage.get("storage") or {}
    if not instances:
        return None
    filesystems: Mapping[str, Any] = storage.get("filesystems") or {}
    volumes: Mapping[str, Any] = storage.get("volumes") or {}
    pools, sizes = _pools_and_sizes(filesystems, volumes)

    columns = ["Storage Unit", "Storage ID", "Type"]
    if pools:
        columns.append("Pool")
    columns += ["Mountpoint", "Size", "Status", "Message"]
    table = Table(columns)

    rows: list[tuple[str, str, Mapping[str, Any]]] = []
    for sid, info in instances.items():
        if not isinstance(info, Mapping):
            continue
        units = ((info.get("attachments") or {}).get("units")) or {}
        for unit in units or [""]:
            rows.append((unit, sid, info))
    rows.sort(key=lambda r: (natural_key(r[0]), natural_key(r[1])))

    for unit, sid, info in rows:
        status = info.get("status") or {}
        cells: list[object] = [unit, sid, info.get("kind", "")]
        if pools:
            cells.append(pools.get(sid, ""))
        cells += [
            _mount_point(sid, unit, info, filesystems),
            humanize_mib(sizes.get(sid, 0)),
            status.get("current", ""),
            status.get("message", ""),
        ]
        table.add_row(*cells)
    return table


def humanize_mib(size: Any) -> str:
    """A size in MiB as Juju prints it (go-humanize ``IBytes``): ``10 GiB``, ``1.5 GiB``."""
    try:
        n = int(size) * 1024 * 1024
    except (TypeError, ValueError):
        return ""
    if n <= 0:
        return ""
    exp = 0  # counted in integers: math.log(1024**3, 1024) may come out as 2.999...
    while exp < len(_IEC) - 1 and n >= 1024 ** (exp + 1):
        exp += 1
    value = math.floor(n / 1024**exp * 10 + 0.5) / 10
    return f"{value:.0f} {_IEC[exp]}" if value >= 10 else f"{value:.1f} {_IEC[exp]}"


def _pools_and_sizes(
    filesystems: Mapping[str, Any], volumes: Mapping[str, Any]
) -> tuple[dict[str, str], dict[str, Any]]:
    """Pool and size per storage id; a volume's pool wins, a filesystem's size wins."""
    pools: dict[str, str] = {}
    sizes: dict[str, Any] = {}
    for fs in filesystems.values():
        if isinstance(fs, Mapping) and fs.get("storage"):
            if fs.get("pool"):
                pools[fs["storage"]] = fs["pool"]
            sizes[fs["storage"]] = fs.get("size", 0)
    for vol in volumes.values():
        if isinstance(vol, Mapping) and vol.get("storage"):
            if vol.get("pool"):
                pools[vol["storage"]] = vol["pool"]
            sizes.setdefault(vol["storage"], vol.get("size", 0))
    return pools, sizes


def _mount_point(
    sid: str, unit: str, info: Mapping[str, Any], filesystems: Mapping[str, Any]
) -> str:
    for fs in filesystems.values():
        if not isinstance(fs, Mapping) or fs.get("storage") != sid:
            continue
        attachments = fs.get("attachments") or {}
        unit_att = (attachments.get("units") or {}).get(unit) or {}
        machine = unit_att.get("machine", "")
        for kind in ("machines", "containers"):
            att = (attachments.get(kind) or {}).get(machine) or {}
            if att.get("mount-point"):
                return str(att["mount-point"])
        if unit_att.get("location"):
            return str(unit_att["location"])
    if info.get("kind") != "filesystem":
        return ""  # a block device's location is its device path, not a mount point
    unit_att = (((info.get("attachments") or {}).get("units")) or {}).get(unit) or {}
    return str(unit_att.get("location", ""))
