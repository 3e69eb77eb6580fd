"""User-facing routes: models, charms, applications, units, machines, status."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends, Request

from ...core import timefmt
from ...core.errors import UnitNotFoundError
from ...core.names import UnitName
from ...wire import (
    AddModelParams,
    AddStorageParams,
    AddUnitsParams,
    AttachResourceParams,
    ConfigParams,
    ConstraintsParams,
    DeployParams,
    DestroyModelParams,
    ExecParams,
    ExposeParams,
    IntegrateParams,
    ModelConfigParams,
    RefreshParams,
    RemoveMachinesParams,
    RemoveRelationParams,
    ResolvedParams,
    RunActionParams,
    SecretGrantParams,
    UnexposeParams,
    UserSecretParams,
)
from ..services import (
    appconfig,
    charms,
    constraints,
    lookup,
    models,
    operations,
    relations,
    units,
    usersecrets,
)
from ..services import applications as apps
from ..services import expose as expose_svc
from ..services import machines as machines_svc
from ..services import refresh as refresh_svc
from ..services import resources as resources_svc
from ..services import storage as storage_svc
from ..services.base import Services
from ..services.status import build_status, machine_doc, show_unit
from .deps import services, user

router = APIRouter(prefix="/api", dependencies=[Depends(user)])


@router.get("/controller")
async def controller_info(svc: Services = Depends(services)) -> dict[str, Any]:
    return {"name": svc.controller_name, "uuid": svc.controller_uuid, "cloud": svc.cloud, "region": svc.region}


@router.post("/controller/destroy")
async def destroy_controller(request: Request) -> dict[str, str]:
    await request.app.state.destroy()
    return {"status": "destroyed"}


@router.get("/models")
async def list_models(svc: Services = Depends(services)) -> list[dict[str, Any]]:
    with svc.store.read() as tx:
        return [models.model_summary(svc, tx, m) for m in tx.models() if m.life != "dead"]


@router.post("/models")
async def add_model(p: AddModelParams, svc: Services = Depends(services)) -> dict[str, Any]:
    row = models.add_model(svc, p.name, p.config)
    with svc.store.read() as tx:
        return models.model_summary(svc, tx, row)


@router.get("/models/{model}")
async def show_model(model: str, svc: Services = Depends(services)) -> dict[str, Any]:
    with svc.store.read() as tx:
        return models.show_model(svc, tx, lookup.resolve_model(tx, model))


@router.post("/models/{model}/destroy")
async def destroy_model(model: str, p: DestroyModelParams, svc: Services = Depends(services)) -> dict[str, Any]:
    with svc.store.write() as tx:
        m = lookup.resolve_model(tx, model)
        tx.update_model(
            m.uuid,
            life="dying",
            status={"current": "destroying", "since": timefmt.now_iso(), "force": p.force},
        )
    with svc.store.read() as tx:
        app_names = [a.name for a in tx.applications(m.uuid)]
    for name in app_names:
        apps.remove_application(svc, m.uuid, name, force=p.force)
    return {"model-uuid": m.uuid}


@router.get("/models/{model}/config")
async def get_model_config(model: str, svc: Services = Depends(services)) -> dict[str, Any]:
    with svc.store.read() as tx:
        return models.model_config(tx, lookup.resolve_model(tx, model))


@router.patch("/models/{model}/config")
async def set_model_config(model: str, p: ModelConfigParams, svc: Services = Depends(services)) -> dict[str, Any]:
    models.set_model_config(svc, model, p.values, p.reset)
    return {}


@router.get("/models/{model}/status")
async def status(model: str, svc: Services = Depends(services)) -> dict[str, Any]:
    with svc.store.read() as tx:
        return build_status(svc, tx, lookup.resolve_model(tx, model))


@router.get("/models/{model}/changes")
async def changes(model: str, since: int = 0, wait: float = 0, svc: Services = Depends(services)) -> dict[str, Any]:
    """The change stream: ``(revision, kind, key)`` after ``since``; ``wait`` long-polls."""
    with svc.store.read() as tx:
        m = lookup.resolve_model(tx, model)
        rows = tx.changes_since(m.uuid, since)
        rev = m.revision
    if not rows and wait > 0:
        with svc.hub.subscribe(m.uuid) as q:
            try:
                await asyncio.wait_for(q.get(), min(wait, 60))
            except TimeoutError:
                pass
        with svc.store.read() as tx:
            rows = tx.changes_since(m.uuid, since)
            rev = lookup.resolve_model(tx, model).revision
    return {"revision": rev, "changes": [{"revision": r, "kind": k, "key": key} for r, k, key in rows]}


@router.post("/models/{model}/charms")
async def upload_charm(model: str, request: Request, svc: Services = Depends(services)) -> dict[str, Any]:
    data = await request.body()
    row = charms.add_charm(svc, model, data)
    return {"url": row.url, "name": row.name, "revision": row.revision, "sha256": row.sha256}


@router.post("/models/{model}/applications")
async def deploy(model: str, p: DeployParams, svc: Services = Depends(services)) -> dict[str, Any]:
    row = apps.deploy(
        svc,
        model,
        application=p.application,
        charm_url=p.charm_url,
        num_units=p.num_units,
        config=p.config,
        config_strings=p.config_strings,
        directives=p.placement,
        constraints=p.constraints,
        storage=p.storage,
        resources=p.resources,
        trust=p.trust,
        base=p.base,
        force=p.force,
    )
    return {"application": row.name, "charm-url": row.charm_url}


@router.get("/models/{model}/applications/{application}")
async def show_application(model: str, application: str, svc: Services = Depends(services)) -> dict[str, Any]:
    with svc.store.read() as tx:
        return apps.show_application(tx, lookup.resolve_model(tx, model), application)


@router.post("/models/{model}/applications/{application}/refresh")
async def refresh(model: str, application: str, p: RefreshParams, svc: Services = Depends(services)) -> dict[str, Any]:
    if (p.charm_url is None) == (p.revision is None):
        from ...core.errors import InvalidArgumentError

        raise InvalidArgumentError("give exactly one of charm_url and revision")
    return refresh_svc.refresh(svc, model, application, charm_url=p.charm_url, revision=p.revision)


@router.delete("/models/{model}/applications/{application}")
async def remove_application(model: str, application: str, force: bool = False,
                             svc: Services = Depends(services)) -> dict[str, Any]:
    return {"notes": apps.remove_application(svc, model, application, force=force)}


@router.post("/models/{model}/applications/{application}/units")
async def add_units(
    model: str, application: str, p: AddUnitsParams, svc: Services = Depends(services)
) -> dict[str, Any]:
    return {"units": units.add_units(svc, model, application, p.num_units, p.placement)}


@router.get("/models/{model}/applications/{application}/config")
async def get_config(model: str, application: str, svc: Services = Depends(services)) -> dict[str, Any]:
    return appconfig.get_config(svc, model, application)


@router.patch("/models/{model}/applications/{application}/config")
async def set_config(
    model: str, application: str, p: ConfigParams, svc: Services = Depends(services)
) -> dict[str, Any]:
    changed = appconfig.set_config(svc, model, application, strings=p.strings, values=p.values, reset=p.reset)
    return {"changed": changed}


@router.post("/models/{model}/relations")
async def integrate(model: str, p: IntegrateParams, svc: Services = Depends(services)) -> dict[str, Any]:
    rel = relations.integrate(svc, model, p.endpoints[0], p.endpoints[1])
    return {"id": rel.id, "key": rel.key, "endpoints": rel.endpoints}


@router.post("/models/{model}/relations/remove")
async def remove_relation(model: str, p: RemoveRelationParams, svc: Services = Depends(services)) -> dict[str, Any]:
    rel = relations.remove_relation(svc, model, p.endpoints)
    return {"id": rel.id, "key": rel.key}


@router.delete("/models/{model}/units/{application}/{number}")
async def remove_unit(model: str, application: str, number: int, force: bool = False,
                      svc: Services = Depends(services)) -> dict[str, Any]:
    return {"notes": units.remove_units(svc, model, [f"{application}/{number}"], force=force)}


@router.get("/models/{model}/units/{application}/{number}")
async def get_unit(model: str, application: str, number: int, svc: Services = Depends(services)) -> dict[str, Any]:
    name = str(UnitName(application, number))
    with svc.store.read() as tx:
        m = lookup.resolve_model(tx, model)
        u = tx.unit(m.uuid, name)
        if u is None:
            raise UnitNotFoundError(f'unit "{name}" not found', unit=name)
        return show_unit(tx, m, u)


@router.post("/models/{model}/units/{application}/{number}/resolved")
async def resolved(
    model: str, application: str, number: int, p: ResolvedParams, svc: Services = Depends(services)
) -> dict[str, Any]:
    units.resolved(svc, model, [f"{application}/{number}"], p.retry)
    return {}


@router.get("/models/{model}/machines")
async def machines(model: str, svc: Services = Depends(services)) -> dict[str, Any]:
    with svc.store.read() as tx:
        m = lookup.resolve_model(tx, model)
        return {"model": m.name, "machines": {mm.id: machine_doc(mm) for mm in tx.machines(m.uuid)}}


@router.post("/models/{model}/machines/remove")
async def remove_machines(model: str, p: RemoveMachinesParams, svc: Services = Depends(services)) -> dict[str, Any]:
    return {"notes": machines_svc.remove_machines(svc, model, p.machines, force=p.force, dry_run=p.dry_run)}


@router.post("/models/{model}/applications/{application}/expose")
async def expose(model: str, application: str, p: ExposeParams, svc: Services = Depends(services)) -> dict[str, Any]:
    done = expose_svc.expose(svc, model, application, endpoints=p.endpoints, cidrs=p.cidrs, spaces=p.spaces)
    return {"exposed-endpoints": expose_svc.exposed_endpoints_doc(done)}


@router.post("/models/{model}/applications/{application}/unexpose")
async def unexpose(model: str, application: str, p: UnexposeParams,
                   svc: Services = Depends(services)) -> dict[str, Any]:
    done = expose_svc.unexpose(svc, model, application, endpoints=p.endpoints)
    return {"exposed-endpoints": expose_svc.exposed_endpoints_doc(done)}


@router.get("/models/{model}/applications/{application}/constraints")
async def get_application_constraints(model: str, application: str,
                                      svc: Services = Depends(services)) -> dict[str, Any]:
    return constraints.application_constraints(svc, model, application)


@router.put("/models/{model}/applications/{application}/constraints")
async def put_application_constraints(model: str, application: str, p: ConstraintsParams,
                                      svc: Services = Depends(services)) -> dict[str, Any]:
    constraints.set_application_constraints(svc, model, application, p.constraints)
    return {}


@router.post("/models/{model}/constraints/check")
async def check_constraints(model: str, p: ConstraintsParams, svc: Services = Depends(services)) -> dict[str, Any]:
    """Read-only: would a new machine with these constraints (over the model's) be possible?"""
    return {"constraints": constraints.check_constraints(svc, model, p.constraints)}



@router.post("/models/{model}/actions")
async def run_action(model: str, p: RunActionParams, svc: Services = Depends(services)) -> dict[str, Any]:
    return operations.enqueue_actions(svc, model, p.receivers, p.action, p.params)


@router.post("/models/{model}/exec")
async def run_exec(model: str, p: ExecParams, svc: Services = Depends(services)) -> dict[str, Any]:
    return operations.enqueue_exec(svc, model, p.command, units=p.units, machines=p.machines,
                                   applications=p.applications, all_machines=p.all, stdin=p.stdin)


@router.get("/models/{model}/tasks/{task_id}")
async def get_task(model: str, task_id: int, wait: float = 0, svc: Services = Depends(services)) -> dict[str, Any]:
    """A task; with ``wait`` (seconds), long-polls until it is done or the time is up."""
    t = operations.get_task(svc, model, task_id)
    if wait > 0 and t.status not in operations.TERMINAL:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + min(wait, 600)
        with svc.hub.subscribe(t.model_uuid) as q:
            while t.status not in operations.TERMINAL:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                try:
                    await asyncio.wait_for(q.get(), remaining)
                except TimeoutError:
                    break
                t = operations.get_task(svc, model, task_id)
    return operations.task_doc(t)


@router.get("/models/{model}/operations")
async def list_operations(model: str, svc: Services = Depends(services)) -> list[dict[str, Any]]:
    return operations.list_operations(svc, model)


@router.get("/models/{model}/secrets")
async def list_secrets(model: str, ref: str | None = None, owner: str | None = None, reveal: bool = False,
                       revision: int | None = None, revisions: bool = False,
                       svc: Services = Depends(services)) -> dict[str, Any]:
    return usersecrets.listing(svc, model, ref=ref, owner=owner, reveal=reveal, revision=revision,
                               revisions=revisions)


@router.post("/models/{model}/secrets")
async def add_secret(model: str, p: UserSecretParams, svc: Services = Depends(services)) -> dict[str, Any]:
    if not p.name:
        from ...core.errors import InvalidArgumentError

        raise InvalidArgumentError("a secret needs a name")
    return {"uri": usersecrets.add(svc, model, p.name, p.content, p.description or "")}


@router.patch("/models/{model}/secrets/{ref}")
async def update_secret(model: str, ref: str, p: UserSecretParams, svc: Services = Depends(services)) -> dict[str, Any]:
    usersecrets.update(svc, model, ref, p.content, description=p.description, new_name=p.name,
                       auto_prune=p.auto_prune)
    return {}


@router.post("/models/{model}/secrets/{ref}/grants")
async def grant_secret(model: str, ref: str, p: SecretGrantParams, svc: Services = Depends(services)) -> dict[str, Any]:
    usersecrets.grant(svc, model, ref, p.applications, revoke=p.revoke)
    return {}


@router.delete("/models/{model}/secrets/{ref}")
async def remove_secret(model: str, ref: str, revision: int | None = None,
                        svc: Services = Depends(services)) -> dict[str, Any]:
    usersecrets.remove(svc, model, ref, revision)
    return {}


@router.post("/models/{model}/resources/blobs")
async def upload_resource_blob(model: str, request: Request, svc: Services = Depends(services)) -> dict[str, Any]:
    with svc.store.read() as tx:
        lookup.resolve_model(tx, model)
    return {"sha256": resources_svc.store_blob(svc, await request.body())}


@router.post("/models/{model}/applications/{application}/resources")
async def attach_resource(model: str, application: str, p: AttachResourceParams,
                          svc: Services = Depends(services)) -> dict[str, Any]:
    return resources_svc.attach_resource(svc, model, application, p.name, p.sha256, p.filename)


@router.get("/models/{model}/applications/{application}/resources")
async def list_resources(model: str, application: str, svc: Services = Depends(services)) -> list[dict[str, Any]]:
    return resources_svc.listing(svc, model, application)


@router.post("/models/{model}/units/{application}/{number}/storage")
async def add_storage(model: str, application: str, number: int, p: AddStorageParams,
                      svc: Services = Depends(services)) -> dict[str, Any]:
    name = str(UnitName(application, number))
    with svc.store.write() as tx:
        m = lookup.resolve_model(tx, model)
        u = tx.unit(m.uuid, name)
        if u is None:
            raise UnitNotFoundError(f'unit "{name}" not found', unit=name)
        return {"storage": storage_svc.add_instances(tx, m, u, p.counts)}


@router.post("/models/{model}/machines")
async def add_machines(model: str, body: dict[str, Any], svc: Services = Depends(services)) -> dict[str, Any]:
    return {"machines": machines_svc.add_machines(svc, model, int(body.get("count", 1)),
                                                  str(body.get("constraints", "")), body.get("target"),
                                                  base=str(body.get("base") or ""),
                                                  annotations={str(k): str(v) for k, v in
                                                               (body.get("annotations") or {}).items()})}


@router.get("/models/{model}/constraints")
async def get_model_constraints(model: str, svc: Services = Depends(services)) -> dict[str, Any]:
    return constraints.model_constraints(svc, model)


@router.put("/models/{model}/constraints")
async def put_model_constraints(model: str, body: dict[str, Any], svc: Services = Depends(services)) -> dict[str, Any]:
    constraints.set_model_constraints(svc, model, str(body.get("constraints", "")))
    return {}


@router.post("/models/{model}/applications/{application}/trust")
async def trust(model: str, application: str, body: dict[str, Any], svc: Services = Depends(services)) -> dict[str, Any]:
    appconfig.set_trust(svc, model, application, bool(body.get("trust", True)))
    return {}


@router.post("/models/{model}/ssh-keys")
async def ssh_keys(model: str, body: dict[str, Any], svc: Services = Depends(services)) -> dict[str, Any]:
    return {"keys": models.ssh_keys(svc, model, list(body.get("add", [])), list(body.get("remove", [])))}
