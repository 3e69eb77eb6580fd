"""What each machine agent sees: per-unit remote state, computed from the store.

A view holds everything the unit agent's resolver compares with its local
state (charm, config version, leadership, life, resolved requests) and what
hook tools read without a round trip (config values, leader settings,
addresses, committed ports). It is recomputed only for units that a commit
touched, and sent only when it differs from what the agent already has.
"""

from __future__ import annotations

from typing import Any

from ...store import ApplicationRow, CharmRow, MachineRow, ModelRow, ReadTx, UnitRow
from . import modelconfig
from .charms import config_schema


def model_view(m: ModelRow) -> dict[str, Any]:
    cfg = modelconfig.effective(m.config)
    return {
        "uuid": m.uuid,
        "name": m.name,
        "life": m.life,
        "update_status_interval": modelconfig.update_status_seconds(m.config),
        "automatically_retry_hooks": bool(cfg["automatically-retry-hooks"]),
        "logging_config": cfg["logging-config"],
        "proxy": {k: cfg[k] for k in ("juju-http-proxy", "juju-https-proxy", "juju-ftp-proxy",
                                      "juju-no-proxy", "http-proxy", "https-proxy", "ftp-proxy",
                                      "no-proxy")},
    }


def unit_view(
    u: UnitRow, app: ApplicationRow, charm: CharmRow, machine: MachineRow | None
) -> dict[str, Any]:
    schema = config_schema(charm)
    address = machine.addresses[0] if machine is not None and machine.addresses else "127.0.0.1"
    return {
        "name": u.name,
        "application": u.application,
        "life": u.life,
        "principal": u.principal,
        "machine_id": u.machine_id,
        "charm": {"url": charm.url, "sha256": charm.sha256, "version": app.charm_version},
        "config": schema.effective(app.config),
        "config_options": sorted(schema.options),
        "config_version": app.config_version,
        "leader": app.leader == u.name,
        "leader_settings": dict(app.leader_settings),
        "leader_settings_version": app.leader_settings_version,
        "resolved": u.resolved,
        "resolved_seq": u.resolved_seq,
        "opened_ports": list(u.opened_ports),
        "address": address,
        "relations": {},
    }


def machine_unit_views(tx: ReadTx, m: ModelRow, machine_id: str) -> dict[str, dict[str, Any]]:
    units = tx.units(m.uuid, machine_id=machine_id)
    machine = tx.machine(m.uuid, machine_id)
    apps: dict[str, ApplicationRow | None] = {}
    charms: dict[str, CharmRow | None] = {}
    out: dict[str, dict[str, Any]] = {}
    for u in units:
        if u.application not in apps:
            apps[u.application] = tx.application(m.uuid, u.application)
        app = apps[u.application]
        if app is None:
            continue
        if app.charm_url not in charms:
            charms[app.charm_url] = tx.charm(m.uuid, app.charm_url)
        charm = charms[app.charm_url]
        if charm is None:
            continue
        out[u.name] = unit_view(u, app, charm, machine)
    return out
