"""Models: add, find, list, configure, destroy."""

from __future__ import annotations

import uuid as _uuid
from typing import Any

from ...core import timefmt
from ...core.constraints import Constraints
from ...core.errors import AlreadyExistsError, ModelNotFoundError
from ...core.names import validate_model_name
from ...store import ModelRow, ReadTx, WriteTx
from . import modelconfig
from .base import Services

DEFAULT_OWNER = "admin"


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


def resolve_model(tx: ReadTx, ref: str) -> ModelRow:
    """Find a model by uuid, ``name``, ``owner/name`` or ``owner:name``."""
    row = tx.model(ref)
    if row is None:
        owner, _, name = ref.replace(":", "/").rpartition("/")
        row = tx.model_by_name(owner or DEFAULT_OWNER, name)
    if row is None or row.life == "dead":
        raise ModelNotFoundError(f'model "{ref}" not found', model=ref)
    return row


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
        "agent-version": _juju_version(),
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


def mark_model_dying(tx: WriteTx, m: ModelRow) -> None:
    tx.update_model(m.uuid, life="dying", status={"current": "destroying", "since": timefmt.now_iso()})


def _juju_version() -> str:
    from ...core.version import JUJU_VERSION

    return JUJU_VERSION
