"""``juju status`` as people read it: the tabular and the one-line formats.

Input is the status document (docs/juju-compat.md) (the same dict that ``--format json``
prints), so every format is a view of one document and they cannot disagree.
The layout follows Juju's ``output_tabular.go`` (docs/juju-compat.md, Tabular status): a model header,
then SAAS, App, Unit, Machine, Offer, Integration and Storage sections, each
separated by one blank line, rows in natural order.

``since`` values are never read, so the document may be localized or not.

The server may add tabular-only keys (``relations-tabular``, see
:mod:`.relations`); :func:`strip_tabular_keys` removes them and must be
applied before printing JSON or YAML.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pyjuju.core.errors import InvalidArgumentError
from pyjuju.core.names import application_of, natural_key
from pyjuju.core.ports import format_ports_compact

from .machines import machine_table, machines_tabular
from .relations import TABULAR_KEY, RelationRow, relation_rows
from .storage import storage_table
from .tables import Table, truncate

__all__ = [
    "TABULAR_ONLY_KEYS",
    "agent_doing",
    "format_ports",
    "machines_tabular",
    "status_short",
    "status_tabular",
    "strip_tabular_keys",
    "unit_message",
]

CAAS = "caas"
MAX_MESSAGE = 120
MAX_VERSION = {"iaas": 15, "caas": 30}
TABULAR_ONLY_KEYS = (TABULAR_KEY,)
# Agent states in which a unit counts towards an application's current scale.
_AVAILABLE_AGENT = frozenset({"idle", "executing", "running"})
_HOOK_RE = re.compile(r"running ([a-z0-9][a-z0-9-]*) hook")
_ACTION_RE = re.compile(r"running action (.*)")
_CHARM_REV_RE = re.compile(r"^(.*)-(\d+)$")

Doc = Mapping[str, Any]


def strip_tabular_keys(doc: Doc) -> dict[str, Any]:
    """``doc`` without the keys that only the tabular view reads.

    JSON and YAML must keep Juju's exact shape (clients compare documents), so
    the command calls this before :func:`pyjuju.cli.render.formats.to_json`.
    """
    return {k: v for k, v in doc.items() if k not in TABULAR_ONLY_KEYS}


def status_tabular(doc: Doc, *, relations: bool = False, storage: bool = False) -> str:
    """The default ``juju status`` output for machine (iaas) and k8s (caas) models.

    ``relations`` adds the Integration section (``--relations``) and
    ``storage`` the Storage section (``--storage``). An empty model ends with
    Juju's ``Model "<name>" is empty.`` note after a blank line.
    """
    model = doc.get("model") or {}
    caas = model.get("type") == CAAS
    saas = doc.get("application-endpoints") or {}
    apps = doc.get("applications") or {}
    machines = doc.get("machines") or {}
    offers = doc.get("offers") or {}

    sections: list[Table] = [_model_table(doc)]
    if saas:
        sections.append(_saas_table(saas))
    if apps:
        sections.append(_app_table(doc))
        units = _unit_table(doc)
        if len(units):
            sections.append(units)
    if machines and not caas:
        sections.append(machine_table(machines))
    if offers:
        sections.append(_offer_table(offers))
    if relations:
        rows = relation_rows(doc)
        if rows:
            sections.append(_relation_table(rows))
    if storage:
        table = storage_table(doc.get("storage") or {})
        if table is not None:
            sections.append(table)

    text = "\n".join(section.render() for section in sections)
    if not (saas or apps or machines or offers):
        text += f'\nModel "{model.get("name", "")}" is empty.\n'
    return text


def status_short(doc: Doc) -> str:
    """``--format short|line|oneline``: one line per unit, subordinates indented.

    ``- <unit>: <public-address> (agent:<status>, workload:<status>) <ports>``
    """
    lines: list[str] = []
    apps = doc.get("applications") or {}
    for app in sorted(apps, key=natural_key):
        units = _mapping(apps[app]).get("units") or {}
        for name in sorted(units, key=natural_key):
            _short_lines(lines, name, _mapping(units[name]), 0)
    return "".join(line + "\n" for line in lines)


def _short_lines(lines: list[str], name: str, unit: Doc, level: int) -> None:
    agent = _status(unit, "juju-status").get("current", "")
    workload = _status(unit, "workload-status").get("current", "")
    line = f"{'  ' * level}- {name}: {unit.get('public-address', '')} (agent:{agent}, workload:{workload})"
    ports = unit.get("open-ports") or []
    if ports:
        line += " " + format_ports(ports)
    lines.append(line)
    subordinates = unit.get("subordinates") or {}
    for sub in sorted(subordinates, key=natural_key):
        _short_lines(lines, sub, _mapping(subordinates[sub]), level + 1)


def format_ports(ports: list[str]) -> str:
    """The compact Ports notation (``80,443/tcp icmp``); odd entries shown verbatim."""
    try:
        return format_ports_compact(list(ports))
    except InvalidArgumentError:
        return " ".join(str(p) for p in ports)


def agent_doing(agent: Doc) -> str:
    """The hook or action an ``executing`` agent is running, read from its message."""
    if agent.get("current") != "executing":
        return ""
    message = str(agent.get("message", ""))
    match = _HOOK_RE.search(message) or _ACTION_RE.search(message)
    return match.group(1) if match else ""


def unit_message(unit: Doc) -> str:
    """The Unit section's Message cell.

    The workload message, or while the agent is still allocating and the
    charm has said nothing, the agent's own message (``waiting for machine``);
    prefixed with ``(<hook>)`` while a hook or action runs, so a busy unit
    says what it is busy with.
    """
    agent = _status(unit, "juju-status")
    message = str(_status(unit, "workload-status").get("message", ""))
    if agent.get("current") == "allocating" and not message:
        message = str(agent.get("message", ""))
    doing = agent_doing(agent)
    if doing:
        message = f"({doing}) {message}"
    return truncate(message, MAX_MESSAGE)


# -- sections ---------------------------------------------------------------


def _model_table(doc: Doc) -> Table:
    model = _mapping(doc.get("model"))
    cloud_region = str(model.get("cloud", ""))
    if model.get("region"):
        cloud_region += "/" + str(model["region"])
    columns = ["Model", "Controller", "Cloud/Region", "Version"]
    values = [
        model.get("name", ""),
        model.get("controller", ""),
        cloud_region,
        model.get("version", ""),
    ]
    if model.get("sla"):
        columns.append("SLA")
        values.append(model["sla"])
    timestamp = _mapping(doc.get("controller")).get("timestamp")
    if timestamp:
        columns.append("Timestamp")
        values.append(timestamp)
    notes = _status(model, "model-status").get("message") or ""
    if not notes and model.get("upgrade-available"):
        notes = f"upgrade available: {model['upgrade-available']}"
    if notes:
        columns.append("Notes")
        values.append(truncate(str(notes), MAX_MESSAGE))
    table = Table(columns)
    table.add_row(*values)
    return table


def _saas_table(saas: Doc) -> Table:
    table = Table(["SAAS", "Status", "Store", "URL"])
    for name in sorted(saas, key=natural_key):
        remote = _mapping(saas[name])
        url = str(remote.get("url", ""))
        store, sep, path = url.partition(":")
        if not sep:
            store, path = "local", url
        table.add_row(
            name, _status(remote, "application-status").get("current", ""), store or "local", path
        )
    return table


def _app_table(doc: Doc) -> Table:
    model = _mapping(doc.get("model"))
    caas = model.get("type") == CAAS
    columns = ["App", "Version", "Status", "Scale", "Charm", "Channel", "Rev"]
    columns += ["Address", "Exposed", "Message"] if caas else ["Exposed", "Message"]
    table = Table(columns, right_align={3, 6})
    apps: Doc = doc.get("applications") or {}
    max_version = MAX_VERSION["caas" if caas else "iaas"]
    for name in sorted(apps, key=natural_key):
        app = _mapping(apps[name])
        if "status-error" in app:
            table.add_row(
                name, *[""] * (len(columns) - 2), truncate(str(app["status-error"]), MAX_MESSAGE)
            )
            continue
        status = _status(app, "application-status")
        version = str(app.get("version", "")).split("\n")[0]
        cells: list[object] = [
            name,
            truncate(version, max_version),
            status.get("current", ""),
            _scale(doc, name),
            app.get("charm-name") or app.get("charm", ""),
            app.get("charm-channel", ""),
            app.get("charm-rev", ""),
        ]
        if caas:
            cells.append(app.get("address", ""))
        cells += [
            "yes" if app.get("exposed") else "no",
            truncate(str(status.get("message", "")), MAX_MESSAGE),
        ]
        table.add_row(*cells)
    return table


def _scale(doc: Doc, app_name: str) -> str:
    """``N``, or ``current/desired`` when some unit agent is not up.

    A subordinate's units live under the principals' ``subordinates``; on k8s
    the desired count is the application's ``scale``.
    """
    apps: Doc = doc.get("applications") or {}
    app = _mapping(apps.get(app_name))
    units: list[Doc] = []
    if app.get("subordinate-to"):
        for other in apps.values():
            for unit in (_mapping(other).get("units") or {}).values():
                for sub_name, sub in (_mapping(unit).get("subordinates") or {}).items():
                    if application_of(sub_name) == app_name:
                        units.append(_mapping(sub))
    else:
        units = [_mapping(u) for u in (app.get("units") or {}).values()]
    desired = len(units)
    current = sum(1 for u in units if _status(u, "juju-status").get("current") in _AVAILABLE_AGENT)
    if _mapping(doc.get("model")).get("type") == CAAS:
        desired = int(app.get("scale") or 0)
    return str(current) if current == desired else f"{current}/{desired}"


def _unit_table(doc: Doc) -> Table:
    caas = _mapping(doc.get("model")).get("type") == CAAS
    columns = ["Unit", "Workload", "Agent"]
    columns += (
        ["Address", "Ports", "Message"]
        if caas
        else ["Machine", "Public address", "Ports", "Message"]
    )
    table = Table(columns)
    units: dict[str, Doc] = {}
    for app in (doc.get("applications") or {}).values():
        for name, unit in (_mapping(app).get("units") or {}).items():
            units[name] = _mapping(unit)
    for name in sorted(units, key=natural_key):
        _add_unit(table, name, units[name], 0, caas)
    return table


def _add_unit(table: Table, name: str, unit: Doc, level: int, caas: bool) -> None:
    label = "  " * level + name + ("*" if unit.get("leader") else "")
    if "status-error" in unit:
        table.add_row(
            label,
            *[""] * (len(table.columns) - 2),
            truncate(str(unit["status-error"]), MAX_MESSAGE),
        )
        return
    cells: list[object] = [
        label,
        _status(unit, "workload-status").get("current", ""),
        _status(unit, "juju-status").get("current", ""),
    ]
    if caas:
        cells.append(unit.get("address", ""))
    else:
        cells += [unit.get("machine", ""), unit.get("public-address", "")]
    cells += [format_ports(unit.get("open-ports") or []), unit_message(unit)]
    table.add_row(*cells)
    subordinates = unit.get("subordinates") or {}
    for sub in sorted(subordinates, key=natural_key):
        _add_unit(table, sub, _mapping(subordinates[sub]), level + 1, caas)


def _offer_table(offers: Doc) -> Table:
    table = Table(
        ["Offer", "Application", "Charm", "Rev", "Connected", "Endpoint", "Interface", "Role"]
    )
    for name in sorted(offers, key=natural_key):
        offer = _mapping(offers[name])
        if "status-error" in offer:
            table.add_row(name, f"<failed> ({offer['status-error']})")
            continue
        charm, rev = _charm_name_rev(str(offer.get("charm", "")))
        connected = (
            f"{offer.get('active-connected-count', 0)}/{offer.get('total-connected-count', 0)}"
        )
        endpoints: Doc = offer.get("endpoints") or {}
        first = True
        for ep in sorted(endpoints):
            info = _mapping(endpoints[ep])
            lead = (
                [name, offer.get("application", ""), charm, rev, connected] if first else [""] * 5
            )
            table.add_row(*lead, ep, info.get("interface", ""), info.get("role", ""))
            first = False
        if first:
            table.add_row(name, offer.get("application", ""), charm, rev, connected)
    return table


def _charm_name_rev(url: str) -> tuple[str, str]:
    """``ch:amd64/postgresql-468`` → (``postgresql``, ``468``); Juju shows -1 without a revision."""
    last = url.partition(":")[2] if ":" in url else url
    last = last.rsplit("/", 1)[-1]
    match = _CHARM_REV_RE.match(last)
    return (match.group(1), match.group(2)) if match else (last, "-1")


def _relation_table(rows: list[RelationRow]) -> Table:
    table = Table(["Integration provider", "Requirer", "Interface", "Type", "Message"])
    for row in rows:
        status = row.get("status", "")
        message = row.get("message", "")
        if status and status != "joined":
            message = f"{status}  {message}" if message else status
        table.add_row(
            row.get("provider", ""),
            row.get("requirer", ""),
            row.get("interface", ""),
            row.get("type", ""),
            truncate(message, MAX_MESSAGE),
        )
    return table


def _status(obj: Doc, key: str) -> Doc:
    return _mapping(obj.get(key))


def _mapping(value: Any) -> Doc:
    return value if isinstance(value, Mapping) else {}
