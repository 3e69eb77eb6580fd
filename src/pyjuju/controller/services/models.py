"""Models: add, list, show, configure, destroy.

Destroying a model is a process: :func:`destroy_model` marks it dying and
removes its applications; the cleanup worker calls
:func:`advance_dying_models` until the units and machines are gone and the
model can be removed.
"""

from __future__ import annotations

import uuid as _uuid
from typing import Any

from ...core import timefmt
from ...core.constraints import Constraints
from ...core.errors import AlreadyExistsError
from ...core.names import validate_model_name
from ...core.version import JUJU_VERSION
from ...store import ModelRow, ReadTx, WriteTx
from . import modelconfig
from .applications import kill_application
from .base import Services
from .lookup import DEFAULT_OWNER, resolve_model
from .units import finish_unit_removal


def add_model(svc: Services, name: str, config: dict[str, Any] | None = None, constraints: str = "") -> ModelRow:
    validate_model_name(name)
    user_config = {k: modelconfig.coerce(k, v) for k, v in (config or {}).items()}
    now = timefmt.now_iso()
    row = ModelRow(
        uuid=str(_uuid.uuid4()),
        name=name,
        owner=DEFAULT_OWNER,
        type="iaas",
        cloud=svc.cloud,
        region=svc.region,
        life="alive",
        revision=0,
        config=user_config,
        next_machine_id=0,
        created=now,
        status={"current": "available", "since": now},
        constraints=str(Constraints.parse(constraints)) if constraints else "",
    )
    with svc.store.write() as tx:
        if tx.model_by_name(DEFAULT_OWNER, name) is not None:
            raise AlreadyExistsError(f'model "{DEFAULT_OWNER}/{name}" already exists', model=name)
        tx.add_model(row)
    return row


def list_models(svc: Services) -> list[dict[str, Any]]:
    """``models --format json``: every model that is not yet gone."""
    with svc.store.read() as tx:
        return [model_summary(svc, tx, m) for m in tx.models() if m.life != "dead"]


def get_model(svc: Services, model_ref: str) -> dict[str, Any]:
    """One model's entry of ``models --format json``."""
    with svc.store.read() as tx:
        return model_summary(svc, tx, resolve_model(tx, model_ref))


def get_model_details(svc: Services, model_ref: str) -> dict[str, Any]:
    """``show-model --format json`` for one model."""
    with svc.store.read() as tx:
        return show_model(svc, tx, resolve_model(tx, model_ref))


def model_summary(svc: Services, tx: ReadTx, m: ModelRow) -> dict[str, Any]:
    """One entry of ``models --format json``."""
    machines = tx.machines(m.uuid)
    units = tx.units(m.uuid)
    return {
        "name": f"{m.owner}/{m.name}",
        "short-name": m.name,
        "model-uuid": m.uuid,
        "model-type": m.type,
        "controller-uuid": svc.controller_uuid,
        "controller-name": svc.controller_name,
        "is-controller": m.name == "controller",
        "owner": m.owner,
        "cloud": m.cloud,
        "region": m.region,
        "type": "local",
        "life": m.life,
        "status": {"current": m.status.get("current", "available"),
                   "since": timefmt.friendly_since(m.status.get("since") or m.created)},
        "access": "admin",
        "last-connection": "just now",
        "agent-version": JUJU_VERSION,
        "machine-count": len(machines),
        "unit-count": len(units),
    }


def show_model(svc: Services, tx: ReadTx, m: ModelRow) -> dict[str, Any]:
    """``show-model --format json`` body for one model."""
    info = model_summary(svc, tx, m)
    info.pop("unit-count")
    info.pop("machine-count")
    info["users"] = {"admin": {"display-name": "admin", "access": "admin", "last-connection": "just now"}}
    info["machines"] = {mm.id: {"cores": _cores(mm.hardware)} for mm in tx.machines(m.uuid)}
    info["sla"] = "unsupported"
    info["sla-owner"] = m.owner
    info["credential"] = {"name": "local", "owner": "admin", "cloud": m.cloud}
    return info


def _cores(hardware: str) -> int:
    """``cores=N`` out of a machine's hardware characteristics (0 while unknown, as Juju)."""
    for item in hardware.split():
        key, _, value = item.partition("=")
        if key == "cores" and value.isdigit():
            return int(value)
    return 0


def model_config(tx: ReadTx, m: ModelRow) -> dict[str, dict[str, Any]]:
    """``model-config --format json``: key -> {Value, Source} (capitalised, as Juju prints)."""
    out: dict[str, dict[str, Any]] = {
        "name": {"Value": m.name, "Source": "model"},
        "type": {"Value": "local", "Source": "model"},
        "uuid": {"Value": m.uuid, "Source": "model"},
    }
    for key, default in modelconfig.DEFAULTS.items():
        if key in m.config:
            out[key] = {"Value": m.config[key], "Source": "model"}
        else:
            out[key] = {"Value": default, "Source": "default"}
    return dict(sorted(out.items()))


def get_model_config(svc: Services, model_ref: str) -> dict[str, dict[str, Any]]:
    with svc.store.read() as tx:
        return model_config(tx, resolve_model(tx, model_ref))


def set_model_config(svc: Services, ref: str, values: dict[str, Any], reset: list[str]) -> None:
    coerced = {k: modelconfig.coerce(k, v) for k, v in values.items()}
    for k in reset:
        modelconfig.coerce(k, modelconfig.DEFAULTS.get(k, ""))
    with svc.store.write() as tx:
        m = resolve_model(tx, ref)
        cfg = dict(m.config)
        for k in reset:
            cfg.pop(k, None)
        cfg.update(coerced)
        if cfg != m.config:
            tx.update_model(m.uuid, config=cfg)


def mark_model_dying(tx: WriteTx, m: ModelRow, *, force: bool = False) -> None:
    """``force`` tells cleanup not to wait for the units' hooks (it drops them at once)."""
    status: dict[str, Any] = {"current": "destroying", "since": timefmt.now_iso()}
    if force:
        status["force"] = True
    tx.update_model(m.uuid, life="dying", status=status)


def destroy_model(svc: Services, model_ref: str, *, force: bool = False) -> str:
    """Mark the model dying and start removing every application; returns its uuid."""
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        mark_model_dying(tx, m, force=force)
        for name in [a.name for a in tx.applications(m.uuid)]:
            if tx.application(m.uuid, name) is not None:  # not taken along by an earlier one
                kill_application(tx, m, name, force=force)
    return m.uuid


def advance_dying_models(svc: Services) -> None:
    """Cleanup-worker pass over dying models.

    Once a model's units are gone (at once with ``--force``), its machines are
    marked dying; once the provisioner has removed those, so is the model."""
    with svc.store.read() as tx:
        dying = [m for m in tx.models() if m.life == "dying"]
    for m in dying:
        with svc.store.write() as tx:
            units = tx.units(m.uuid)
            if m.status.get("force"):
                for u in units:
                    finish_unit_removal(tx, m.uuid, u.name)
                units = []
            if units:
                continue
            machines = tx.machines(m.uuid)
            for mm in machines:
                if mm.life == "alive":
                    tx.update_machine(m.uuid, mm.id, life="dying")
            if not machines:
                tx.remove_model(m.uuid)


def trim_history(svc: Services, *, keep_logs: int, keep_changes: int) -> None:
    """Keep each model's newest ``keep_logs`` log lines and ``keep_changes`` change rows."""
    with svc.store.write() as tx:
        for m in tx.models():
            tx.trim_logs(m.uuid, keep_logs)
            tx.trim_changes(m.uuid, m.revision - keep_changes)


def ssh_keys(svc: Services, model_ref: str, add: list[str], remove: list[str]) -> list[str]:
    """Add and remove the model's authorised SSH keys (a removal names a key, its comment or
    a part of it); returns the keys afterwards."""
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        keys = list(m.ssh_keys or [])
        for k in add:
            if k not in keys:
                keys.append(k)
        for r in remove:
            keys = [k for k in keys if k != r and r not in k.split()[-1:] and r not in k]
        if keys != list(m.ssh_keys or []):
            tx.update_model(m.uuid, kind="model-keys", ssh_keys=keys)
        return keys
