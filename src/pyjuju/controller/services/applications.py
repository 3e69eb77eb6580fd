"""The application lifecycle: deploy, show, remove.

Deploy creates the application with its peer relations, resources and first
units in one transaction; removal marks it dying, kills its units and
relations, and leaves the last step to :func:`.units.finish_unit_removal`
(an application goes with its last unit). Units and leadership are
:mod:`.units`, settings :mod:`.appconfig`, charm switching :mod:`.refresh`.
"""

from __future__ import annotations

from typing import Any

from ...core import timefmt
from ...core.constraints import Constraints
from ...core.errors import AlreadyExistsError
from ...core.names import validate_application_name
from ...store import ApplicationRow, ModelRow, ReadTx, WriteTx
from . import resources as resources_svc
from . import storage as storage_svc
from .base import Services, check_base
from .charms import config_schema, endpoint_names, get_charm
from .expose import exposed_endpoints_doc
from .lookup import find_application, resolve_model
from .relations import add_peer_relations, kill_relations_of
from .units import create_units, force_away, kill_unit, remove_dead_application


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
        create_units(svc, tx, m, row, num_units, directives)
    return row


def remove_application(svc: Services, model_ref: str, application: str, *, force: bool = False) -> list[str]:
    """Start removing the application; returns what will go, for the user."""
    with svc.store.write() as tx:
        return kill_application(tx, resolve_model(tx, model_ref), application, force=force)


def kill_application(tx: WriteTx, m: ModelRow, application: str, *, force: bool = False) -> list[str]:
    """Mark the application dying with its units and relations (``force``: units stuck in
    a failed hook go at once); it is removed now if it has no units left."""
    app = find_application(tx, m, application)
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
        remove_dead_application(tx, m.uuid, application)
    return notes


def show_application(tx: ReadTx, m: ModelRow, application: str) -> dict[str, Any]:
    """``show-application`` body."""
    app = find_application(tx, m, application)
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



def get_application(svc: Services, model_ref: str, application: str) -> dict[str, Any]:
    """``show-application``, in one read transaction."""
    with svc.store.read() as tx:
        return show_application(tx, resolve_model(tx, model_ref), application)
