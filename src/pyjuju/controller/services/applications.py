"""Applications and units: deploy, scale, configure, remove, resolve, leadership."""

from __future__ import annotations

from typing import Any

from ...core import timefmt
from ...core.constraints import Constraints
from ...core.errors import (
    AlreadyExistsError,
    ApplicationNotFoundError,
    ConfigError,
    InvalidArgumentError,
    UnitNotFoundError,
)
from ...core.names import UnitName, validate_application_name
from ...store import ApplicationRow, ModelRow, ReadTx, UnitRow, WriteTx
from .. import placement
from . import resources as resources_svc
from . import storage as storage_svc
from .base import Services, check_base
from .charms import config_schema, endpoint_names, get_charm
from .expose import exposed_endpoints_doc
from .hosts import check_new_machine, effective_constraints, new_machine
from .models import resolve_model
from .relations import add_peer_relations, kill_relations_of, leave_scope


def deploy(
    svc: Services,
    model_ref: str,
    *,
    application: str,
    charm_url: str,
    num_units: int,
    config: dict[str, Any],
    config_strings: dict[str, str],
    directives: list[str],
    constraints: str = "",
    storage: dict[str, str] | None = None,
    resources: dict[str, dict[str, str]] | None = None,
    trust: bool = False,
    base: str = "",
    force: bool = False,
) -> ApplicationRow:
    validate_application_name(application)
    check_base(svc, base, force=force)
    constraints = str(Constraints.parse(constraints))
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        if tx.application(m.uuid, application) is not None:
            raise AlreadyExistsError(
                f'cannot add application "{application}": application already exists',
                application=application,
            )
        charm = get_charm(tx, m.uuid, charm_url)
        schema = config_schema(charm)
        user = schema.validate(config)
        for key, text in config_strings.items():
            user[key] = schema.parse_string(key, text)
        user = {k: v for k, v in user.items() if v is not None}
        storage_directives = storage_svc.validate_directives(charm, storage or {})
        subordinate = bool(charm.metadata.get("subordinate"))
        if subordinate and num_units:
            num_units = 0  # subordinate units are created by relations, not by deploy
        row = ApplicationRow(
            model_uuid=m.uuid,
            name=application,
            charm_url=charm.url,
            life="alive",
            subordinate=subordinate,
            config=user,
            config_version=1,
            charm_version=1,
            leader=None,
            leader_settings={},
            leader_settings_version=0,
            status=None,
            exposed=False,
            next_unit=0,
            constraints=constraints,
            created=timefmt.now_iso(),
            storage=storage_directives,
            trust=trust,
        )
        tx.add_application(row)
        for name, blob in (resources or {}).items():
            resources_svc.attach(svc, tx, m, row, charm, name, blob["sha256"], blob.get("filename", ""),
                                 upgrade=False)
        add_peer_relations(tx, m, row)
        _add_units(svc, tx, m, row, num_units, directives)
    return row


def add_units(svc: Services, model_ref: str, application: str, count: int, directives: list[str]) -> list[str]:
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        app = _alive_app(tx, m, application)
        if app.subordinate:
            raise InvalidArgumentError(
                f'cannot add unit to application "{application}": application is subordinate',
                application=application,
            )
        return _add_units(svc, tx, m, app, count, directives)


def _add_units(
    svc: Services, tx: WriteTx, m: ModelRow, app: ApplicationRow, count: int, directives: list[str]
) -> list[str]:
    if count == 0:
        if directives:
            raise InvalidArgumentError("placement given for zero units")
        return []
    snapshot = [placement.MachineSnapshot(id=mm.id, alive=mm.life == "alive") for mm in tx.machines(m.uuid)]
    unit_snapshot = [placement.UnitSnapshot(name=u.name, machine_id=u.machine_id, alive=u.life == "alive")
                     for u in tx.units(m.uuid)]
    plan = placement.plan_units(snapshot, count, directives, unit_snapshot)
    cons = effective_constraints(m, app.constraints)
    if plan.new_machines:
        check_new_machine(svc, cons)
    names: list[str] = []
    next_machine = m.next_machine_id
    next_unit = app.next_unit
    for target in plan.targets:
        unit = f"{app.name}/{next_unit}"
        next_unit += 1
        if target is None:
            target = str(next_machine)
            next_machine += 1
            tx.add_machine(new_machine(svc, m, target, created_for=unit, constraints=cons))
        new = _new_unit(m, app, unit, next_unit - 1, target, principal="")
        tx.add_unit(new)
        storage_svc.create_for_unit(tx, m, new, get_charm(tx, m.uuid, app.charm_url), app.storage or {})
        names.append(unit)
    if next_machine != m.next_machine_id:
        tx.update_model(m.uuid, next_machine_id=next_machine)
    tx.update_application(m.uuid, app.name, next_unit=next_unit)
    ensure_leader(tx, m.uuid, app.name)
    return names


def _new_unit(m: ModelRow, app: ApplicationRow, name: str, number: int, machine_id: str | None,
              principal: str) -> UnitRow:
    now = timefmt.now_iso()
    return UnitRow(
        model_uuid=m.uuid,
        name=name,
        application=app.name,
        number=number,
        machine_id=machine_id,
        principal=principal,
        life="alive",
        workload_status={"current": "waiting", "message": "waiting for machine", "since": now},
        agent_status={"current": "allocating", "message": "", "since": now},
        status_ever_set=False,
        workload_version="",
        opened_ports=[],
        state={},
        resolved="",
        resolved_seq=0,
        commit_id="",
        created=now,
    )


def add_subordinate_unit(tx: WriteTx, m: ModelRow, app: ApplicationRow, principal: UnitRow) -> str:
    """A subordinate unit lives on its principal's machine and goes with it."""
    name = f"{app.name}/{app.next_unit}"
    new = _new_unit(m, app, name, app.next_unit, principal.machine_id, principal=principal.name)
    tx.add_unit(new)
    storage_svc.create_for_unit(tx, m, new, get_charm(tx, m.uuid, app.charm_url), app.storage or {})
    tx.update_application(m.uuid, app.name, next_unit=app.next_unit + 1)
    ensure_leader(tx, m.uuid, app.name)
    return name


def ensure_leader(tx: WriteTx, model_uuid: str, application: str) -> None:
    """Keep exactly one leader: the current one while it exists, else the lowest live unit."""
    app = tx.application(model_uuid, application)
    if app is None:
        return
    units = tx.units(model_uuid, application=application)
    names = {u.name for u in units}
    if app.leader in names:
        return
    candidates = [u for u in units if u.life == "alive"] or [u for u in units if u.life == "dying"]
    leader = min(candidates, key=lambda u: u.number).name if candidates else None
    if leader != app.leader:
        tx.update_application(model_uuid, application, leader=leader)


def remove_units(svc: Services, model_ref: str, units: list[str], *, force: bool = False) -> list[str]:
    """Mark units dying; their agents tear them down. Returns what will be removed.

    With ``force``, units stuck in a failed hook go at once (see ``force_away``)."""
    removed: list[str] = []
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        rows = []
        for name in units:
            UnitName.parse(name)
            u = tx.unit(m.uuid, name)
            if u is None:
                raise UnitNotFoundError(f'unit "{name}" not found', unit=name)
            if u.principal:
                raise InvalidArgumentError(
                    f'unit "{name}" is a subordinate, remove the relation instead', unit=name
                )
            rows.append(u)
        for u in rows:
            removed.extend(kill_unit(tx, m, u))
        if force:
            force_away(tx, m, [u.name for u in rows])
    return removed


def force_away(tx: WriteTx, m: ModelRow, units: list[str]) -> None:
    """Drop dying units whose hook failed, with their subordinates, without their hooks.

    Such a unit cannot run stop and remove until someone resolves it; ``--force`` is the
    user saying not to wait. Units that are healthy still leave through their hooks. The
    machine agent stops the unit's agent when the unit disappears from its view."""
    for name in units:
        u = tx.unit(m.uuid, name)
        if u is None:
            continue
        stuck = u.agent_status.get("current") == "error"
        for sub in tx.units(m.uuid):
            if sub.principal == name and (stuck or sub.agent_status.get("current") == "error"):
                finish_unit_removal(tx, m.uuid, sub.name)
        if stuck:
            finish_unit_removal(tx, m.uuid, name)


def kill_unit(tx: WriteTx, m: ModelRow, u: UnitRow) -> list[str]:
    """Start removing a unit (and its subordinates); returns what will go, for the user."""
    notes = [f"will remove unit {u.name}"]
    if u.life != "alive":
        return notes
    for sub in tx.units(m.uuid):
        if sub.principal == u.name and sub.life == "alive":
            kill_unit(tx, m, sub)
    storage_svc.kill_for_unit(tx, m, u.name)
    machine = tx.machine(m.uuid, u.machine_id) if u.machine_id else None
    if u.agent_status.get("current") == "allocating" and (machine is None or machine.instance_id == ""):
        finish_unit_removal(tx, m.uuid, u.name)
    else:
        tx.update_unit(m.uuid, u.name, life="dying")
    if machine is not None and machine.created_for:
        others = [x for x in tx.units(m.uuid, machine_id=machine.id)
                  if x.name != u.name and x.principal != u.name]
        if not others:
            notes.append(f"- will remove machine {machine.id}")
    return notes


def finish_unit_removal(tx: WriteTx, model_uuid: str, unit: str) -> None:
    """The unit is dead: drop it, re-elect, and release what only it was using."""
    u = tx.unit(model_uuid, unit)
    if u is None:
        return
    m = tx.model(model_uuid)
    for scope in tx.scopes(model_uuid):
        if scope.unit == unit and m is not None:
            leave_scope(tx, m, u, scope.relation_id)
    for st in tx.storage_instances(model_uuid, unit):
        tx.remove_storage(model_uuid, st.id, unit)
    tx.remove_unit(model_uuid, unit)
    ensure_leader(tx, model_uuid, u.application)
    app = tx.application(model_uuid, u.application)
    if app is not None and app.life != "alive" and not tx.units(model_uuid, application=app.name):
        _remove_dead_application(tx, model_uuid, app.name)
    if u.machine_id:
        machine = tx.machine(model_uuid, u.machine_id)
        # A machine that deploy or add-unit made goes with its last unit; one made
        # by add-machine (created_for == "") stays until removed explicitly.
        if (
            machine is not None
            and machine.created_for
            and machine.life == "alive"
            and not tx.units(model_uuid, machine_id=machine.id)
        ):
            tx.update_machine(model_uuid, machine.id, life="dying")


def remove_application(svc: Services, model_ref: str, application: str, *, force: bool = False) -> list[str]:
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        app = tx.application(m.uuid, application)
        if app is None:
            raise ApplicationNotFoundError(f'application "{application}" not found', application=application)
        notes = [f"will remove application {application}"]
        if app.life == "alive":
            tx.update_application(m.uuid, application, life="dying")
        for u in tx.units(m.uuid, application=application):
            if not u.principal or app.subordinate:
                notes.extend(kill_unit(tx, m, u))
        kill_relations_of(tx, m, application)
        if force:
            force_away(tx, m, [u.name for u in tx.units(m.uuid, application=application) if not u.principal])
        if not tx.units(m.uuid, application=application):
            _remove_dead_application(tx, m.uuid, application)
    return notes


def _remove_dead_application(tx: WriteTx, model_uuid: str, application: str) -> None:
    """The last unit is gone: remove the app and the relations only it still held."""
    for rel in tx.relations(model_uuid):
        if rel.endpoint_of(application) is not None and not tx.scopes(model_uuid, rel.id):
            tx.remove_relation(model_uuid, rel.id)
    tx.remove_application(model_uuid, application)


def _alive_app(tx: WriteTx, m: ModelRow, name: str) -> ApplicationRow:
    app = tx.application(m.uuid, name)
    if app is None or app.life != "alive":
        raise ApplicationNotFoundError(f'application "{name}" not found', application=name)
    return app


def show_application(tx: ReadTx, m: ModelRow, application: str) -> dict[str, Any]:
    """``show-application`` body."""
    app = tx.application(m.uuid, application)
    if app is None:
        raise ApplicationNotFoundError(f'application "{application}" not found', application=application)
    charm = get_charm(tx, m.uuid, app.charm_url)
    bindings = {"": "alpha", **{e: "alpha" for e in endpoint_names(charm)}}
    machines = {mm.id: mm for mm in tx.machines(m.uuid)}
    base = next((machines[u.machine_id].base for u in tx.units(m.uuid, application=application)
                 if u.machine_id in machines), "")
    out: dict[str, Any] = {"charm": charm.name, "base": base}
    if app.constraints:
        out["constraints"] = Constraints.parse(app.constraints).as_dict()
    out["principal"] = not app.subordinate
    out["exposed"] = app.exposed
    if app.exposed_endpoints:
        out["exposed-endpoints"] = exposed_endpoints_doc(app.exposed_endpoints)
    out["remote"] = False
    if app.life != "alive":
        out["life"] = app.life
    out["endpoint-bindings"] = bindings
    return out


def get_config(svc: Services, model_ref: str, application: str) -> dict[str, Any]:
    """``config APP --format json``."""
    with svc.store.read() as tx:
        m = resolve_model(tx, model_ref)
        app = tx.application(m.uuid, application)
        if app is None:
            raise ApplicationNotFoundError(f'application "{application}" not found', application=application)
        charm = get_charm(tx, m.uuid, app.charm_url)
    settings: dict[str, Any] = {}
    for name, opt in sorted(charm.config.items()):
        entry: dict[str, Any] = {"description": opt.get("description") or "", "type": opt["type"]}
        default = opt.get("default")
        if default is not None:
            entry["default"] = default
        if name in app.config:
            entry["value"] = app.config[name]
            entry["source"] = "default" if default is not None and app.config[name] == default else "user"
        elif default is not None:
            entry["value"] = default
            entry["source"] = "default"
        else:
            entry["source"] = "unset"
        settings[name] = entry
    return {
        "application": application,
        "charm": charm.name,
        "application-config": {
            "trust": {
                "default": False,
                "description": "Does this application have access to trusted credentials",
                "source": "user" if app.trust else "default",
                "type": "bool",
                "value": bool(app.trust),
            }
        },
        "settings": settings,
    }


def set_config(
    svc: Services,
    model_ref: str,
    application: str,
    *,
    strings: dict[str, str],
    values: dict[str, Any],
    reset: list[str],
) -> bool:
    """Apply a config change; returns whether the effective config changed."""
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        app = _alive_app(tx, m, application)
        charm = get_charm(tx, m.uuid, app.charm_url)
        schema = config_schema(charm)
        for key in reset:
            if key not in schema.options:
                raise ConfigError(f'unknown option "{key}"', key=key, application=application)
        new = dict(app.config)
        for key in reset:
            new.pop(key, None)
        new.update({k: v for k, v in schema.validate(values).items()})
        for key, text in strings.items():
            new[key] = schema.parse_string(key, text)
        new = {k: v for k, v in new.items() if v is not None}
        if schema.effective(new) == schema.effective(app.config):
            if new != app.config:
                tx.update_application(m.uuid, application, config=new)
            return False
        tx.update_application(m.uuid, application, config=new, config_version=app.config_version + 1)
        return True


def resolved(svc: Services, model_ref: str, units: list[str], retry: bool) -> None:
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        for name in units:
            u = tx.unit(m.uuid, name)
            if u is None:
                raise UnitNotFoundError(f'unit "{name}" not found', unit=name)
            if u.agent_status.get("current") != "error":
                raise InvalidArgumentError(f'unit "{name}" is not in an error state', unit=name)
            tx.update_unit(
                m.uuid, name, resolved="retry" if retry else "no-retry", resolved_seq=u.resolved_seq + 1
            )


def units_in_error(svc: Services, model_ref: str) -> list[str]:
    with svc.store.read() as tx:
        m = resolve_model(tx, model_ref)
        return [u.name for u in tx.units(m.uuid) if u.agent_status.get("current") == "error"]


def refresh(svc: Services, model_ref: str, application: str, *, charm_url: str | None = None,
            revision: int | None = None) -> dict[str, Any]:
    """Switch an application to another revision of its charm (a new upload, or any stored
    earlier one: a rollback). Options the new charm lacks are dropped; new ones get defaults.
    Returns ``{"charm-url", "changed"}``."""
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        app = _alive_app(tx, m, application)
        current = get_charm(tx, m.uuid, app.charm_url)
        if revision is not None:
            charm_url = f"local:{current.name}-{revision}"
            if tx.charm(m.uuid, charm_url) is None:
                known = ", ".join(str(c.revision) for c in tx.charms(m.uuid, current.name))
                raise ApplicationNotFoundError(
                    f'charm "{current.name}" has no revision {revision} (stored: {known})',
                    application=application, revision=revision,
                )
        assert charm_url is not None
        new = get_charm(tx, m.uuid, charm_url)
        if new.name != current.name:
            raise InvalidArgumentError(
                f'cannot refresh "{application}" from charm "{current.name}" to "{new.name}": '
                "use a charm with the same name", application=application,
            )
        if new.url == app.charm_url:
            return {"charm-url": new.url, "changed": False, "revision": new.revision}
        if bool(new.metadata.get("subordinate")) != app.subordinate:
            raise InvalidArgumentError(f'cannot refresh "{application}": subordinate flag would change')
        _check_relations_survive(tx, m, application, new)
        schema = config_schema(new)
        config = {k: v for k, v in app.config.items() if k in schema.options}
        try:
            config = schema.validate(config)
        except ConfigError:
            config = {k: v for k, v in config.items() if _fits(schema, k, v)}
        tx.update_application(
            m.uuid, application, charm_url=new.url, charm_version=app.charm_version + 1,
            config={k: v for k, v in config.items() if v is not None},
            config_version=app.config_version + 1,
        )
        return {"charm-url": new.url, "changed": True, "revision": new.revision}


def _fits(schema: Any, key: str, value: Any) -> bool:
    try:
        schema.validate({key: value})
        return True
    except ConfigError:
        return False


def _check_relations_survive(tx: WriteTx, m: ModelRow, application: str, new: Any) -> None:
    from ... import charm as charmlib

    meta = charmlib.parse_metadata(new.metadata, file=f"{new.url} metadata")
    endpoints = meta.endpoints()
    for rel in tx.relations(m.uuid):
        mine = rel.endpoint_of(application)
        if mine is None or rel.life != "alive":
            continue
        ep = endpoints.get(mine["name"])
        if ep is None or ep.interface != mine["interface"] or ep.role != mine["role"]:
            raise InvalidArgumentError(
                f'cannot refresh "{application}": the new charm would break relation "{rel.key}" '
                f'(endpoint "{mine["name"]}")', relation=rel.key,
            )
