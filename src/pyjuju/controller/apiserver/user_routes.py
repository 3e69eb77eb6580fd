"""User-facing routes: models, charms, applications, units, machines, status.

Each route parses its request (a ``wire`` body, path and query), calls one
service function and returns its answer; what the call means lives in the
services.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from ...core.names import UnitName
from ...wire import (
    AddMachinesParams,
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
    SshKeysParams,
    TrustParams,
    UnexposeParams,
    UserSecretParams,
)
from ..services import (
    appconfig,
    applications,
    charms,
    constraints,
    longpoll,
    machines,
    models,
    operations,
    refresh,
    relations,
    resources,
    status,
    storage,
    units,
    usersecrets,
)
from ..services import expose as exposure
from ..services.base import Services
from .deps import services, user

router = APIRouter(prefix="/api", dependencies=[Depends(user)])


def _unit(application: str, number: int) -> str:
    return str(UnitName(application, number))


# -- controller and models ----------------------------------------------------------
@router.get("/controller")
async def controller_info(svc: Services = Depends(services)) -> dict[str, Any]:
    return {"name": svc.controller_name, "uuid": svc.controller_uuid, "cloud": svc.cloud, "region": svc.region}


@router.post("/controller/destroy")
async def destroy_controller(request: Request) -> dict[str, str]:
    await request.app.state.destroy()
    return {"status": "destroyed"}


@router.get("/models")
async def list_models(svc: Services = Depends(services)) -> list[dict[str, Any]]:
    return models.list_models(svc)


@router.post("/models")
async def add_model(p: AddModelParams, svc: Services = Depends(services)) -> dict[str, Any]:
    row = models.add_model(svc, p.name, p.config)
    return models.get_model(svc, row.uuid)


@router.get("/models/{model}")
async def show_model(model: str, svc: Services = Depends(services)) -> dict[str, Any]:
    return models.get_model_details(svc, model)


@router.post("/models/{model}/destroy")
async def destroy_model(model: str, p: DestroyModelParams, svc: Services = Depends(services)) -> dict[str, Any]:
    return {"model-uuid": models.destroy_model(svc, model, force=p.force)}


@router.get("/models/{model}/config")
async def get_model_config(model: str, svc: Services = Depends(services)) -> dict[str, Any]:
    return models.get_model_config(svc, model)


@router.patch("/models/{model}/config")
async def set_model_config(model: str, p: ModelConfigParams, svc: Services = Depends(services)) -> dict[str, Any]:
    models.set_model_config(svc, model, p.values, p.reset)
    return {}


@router.get("/models/{model}/status")
async def get_status(model: str, svc: Services = Depends(services)) -> dict[str, Any]:
    return status.get_status(svc, model)


@router.get("/models/{model}/changes")
async def changes(model: str, since: int = 0, wait: float = 0, svc: Services = Depends(services)) -> dict[str, Any]:
    """The change stream: ``(revision, kind, key)`` after ``since``; ``wait`` long-polls."""
    return await longpoll.changes(svc, model, since, wait)


@router.get("/models/{model}/constraints")
async def get_model_constraints(model: str, svc: Services = Depends(services)) -> dict[str, Any]:
    return constraints.model_constraints(svc, model)


@router.put("/models/{model}/constraints")
async def put_model_constraints(model: str, p: ConstraintsParams,
                                svc: Services = Depends(services)) -> dict[str, Any]:
    constraints.set_model_constraints(svc, model, p.constraints)
    return {}


@router.post("/models/{model}/constraints/check")
async def check_constraints(model: str, p: ConstraintsParams, svc: Services = Depends(services)) -> dict[str, Any]:
    """Read-only: would a new machine with these constraints (over the model's) be possible?"""
    return {"constraints": constraints.check_constraints(svc, model, p.constraints)}


@router.post("/models/{model}/ssh-keys")
async def ssh_keys(model: str, p: SshKeysParams, svc: Services = Depends(services)) -> dict[str, Any]:
    return {"keys": models.ssh_keys(svc, model, p.add, p.remove)}


# -- charms and applications --------------------------------------------------------
@router.post("/models/{model}/charms")
async def upload_charm(model: str, request: Request, svc: Services = Depends(services)) -> dict[str, Any]:
    row = charms.add_charm(svc, model, await request.body())
    return {"url": row.url, "name": row.name, "revision": row.revision, "sha256": row.sha256}


@router.post("/models/{model}/applications")
async def deploy(model: str, p: DeployParams, svc: Services = Depends(services)) -> dict[str, Any]:
    row = applications.deploy(
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
    return applications.get_application(svc, model, application)


@router.delete("/models/{model}/applications/{application}")
async def remove_application(model: str, application: str, force: bool = False,
                             svc: Services = Depends(services)) -> dict[str, Any]:
    return {"notes": applications.remove_application(svc, model, application, force=force)}


@router.post("/models/{model}/applications/{application}/refresh")
async def refresh_application(model: str, application: str, p: RefreshParams,
                              svc: Services = Depends(services)) -> dict[str, Any]:
    return refresh.refresh(svc, model, application, charm_url=p.charm_url, revision=p.revision)


@router.get("/models/{model}/applications/{application}/config")
async def get_config(model: str, application: str, svc: Services = Depends(services)) -> dict[str, Any]:
    return appconfig.get_config(svc, model, application)


@router.patch("/models/{model}/applications/{application}/config")
async def set_config(
    model: str, application: str, p: ConfigParams, svc: Services = Depends(services)
) -> dict[str, Any]:
    changed = appconfig.set_config(svc, model, application, strings=p.strings, values=p.values, reset=p.reset)
    return {"changed": changed}


@router.post("/models/{model}/applications/{application}/trust")
async def trust(model: str, application: str, p: TrustParams, svc: Services = Depends(services)) -> dict[str, Any]:
    appconfig.set_trust(svc, model, application, p.trust)
    return {}


@router.get("/models/{model}/applications/{application}/constraints")
async def get_application_constraints(model: str, application: str,
                                      svc: Services = Depends(services)) -> dict[str, Any]:
    return constraints.application_constraints(svc, model, application)


@router.put("/models/{model}/applications/{application}/constraints")
async def put_application_constraints(model: str, application: str, p: ConstraintsParams,
                                      svc: Services = Depends(services)) -> dict[str, Any]:
    constraints.set_application_constraints(svc, model, application, p.constraints)
    return {}


@router.post("/models/{model}/applications/{application}/expose")
async def expose(model: str, application: str, p: ExposeParams, svc: Services = Depends(services)) -> dict[str, Any]:
    done = exposure.expose(svc, model, application, endpoints=p.endpoints, cidrs=p.cidrs, spaces=p.spaces)
    return {"exposed-endpoints": exposure.exposed_endpoints_doc(done)}


@router.post("/models/{model}/applications/{application}/unexpose")
async def unexpose(model: str, application: str, p: UnexposeParams,
                   svc: Services = Depends(services)) -> dict[str, Any]:
    done = exposure.unexpose(svc, model, application, endpoints=p.endpoints)
    return {"exposed-endpoints": exposure.exposed_endpoints_doc(done)}


@router.post("/models/{model}/resources/blobs")
async def upload_resource_blob(model: str, request: Request, svc: Services = Depends(services)) -> dict[str, Any]:
    return {"sha256": resources.upload_blob(svc, model, await request.body())}


@router.post("/models/{model}/applications/{application}/resources")
async def attach_resource(model: str, application: str, p: AttachResourceParams,
                          svc: Services = Depends(services)) -> dict[str, Any]:
    return resources.attach_resource(svc, model, application, p.name, p.sha256, p.filename)


@router.get("/models/{model}/applications/{application}/resources")
async def list_resources(model: str, application: str, svc: Services = Depends(services)) -> list[dict[str, Any]]:
    return resources.listing(svc, model, application)


# -- units ---------------------------------------------------------------------------
@router.post("/models/{model}/applications/{application}/units")
async def add_units(
    model: str, application: str, p: AddUnitsParams, svc: Services = Depends(services)
) -> dict[str, Any]:
    return {"units": units.add_units(svc, model, application, p.num_units, p.placement)}


@router.get("/models/{model}/units/{application}/{number}")
async def show_unit(model: str, application: str, number: int, svc: Services = Depends(services)) -> dict[str, Any]:
    return status.get_unit(svc, model, _unit(application, number))


@router.delete("/models/{model}/units/{application}/{number}")
async def remove_unit(model: str, application: str, number: int, force: bool = False,
                      svc: Services = Depends(services)) -> dict[str, Any]:
    return {"notes": units.remove_units(svc, model, [f"{application}/{number}"], force=force)}


@router.post("/models/{model}/units/{application}/{number}/resolved")
async def resolved(
    model: str, application: str, number: int, p: ResolvedParams, svc: Services = Depends(services)
) -> dict[str, Any]:
    units.resolved(svc, model, [f"{application}/{number}"], p.retry)
    return {}


@router.post("/models/{model}/units/{application}/{number}/storage")
async def add_storage(model: str, application: str, number: int, p: AddStorageParams,
                      svc: Services = Depends(services)) -> dict[str, Any]:
    return {"storage": storage.add_storage(svc, model, _unit(application, number), p.counts)}


# -- relations -------------------------------------------------------------------------
@router.post("/models/{model}/relations")
async def integrate(model: str, p: IntegrateParams, svc: Services = Depends(services)) -> dict[str, Any]:
    rel = relations.integrate(svc, model, p.endpoints[0], p.endpoints[1])
    return {"id": rel.id, "key": rel.key, "endpoints": rel.endpoints}


@router.post("/models/{model}/relations/remove")
async def remove_relation(model: str, p: RemoveRelationParams, svc: Services = Depends(services)) -> dict[str, Any]:
    rel = relations.remove_relation(svc, model, p.endpoints)
    return {"id": rel.id, "key": rel.key}


# -- machines --------------------------------------------------------------------------
@router.get("/models/{model}/machines")
async def list_machines(model: str, svc: Services = Depends(services)) -> dict[str, Any]:
    return status.get_machines(svc, model)


@router.post("/models/{model}/machines")
async def add_machines(model: str, p: AddMachinesParams, svc: Services = Depends(services)) -> dict[str, Any]:
    return {"machines": machines.add_machines(svc, model, p.count, p.constraints, p.target, base=p.base,
                                              annotations=p.annotations)}


@router.post("/models/{model}/machines/remove")
async def remove_machines(model: str, p: RemoveMachinesParams, svc: Services = Depends(services)) -> dict[str, Any]:
    return {"notes": machines.remove_machines(svc, model, p.machines, force=p.force, dry_run=p.dry_run)}


# -- actions and exec --------------------------------------------------------------------
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
    return await longpoll.task(svc, model, task_id, wait)


@router.get("/models/{model}/operations")
async def list_operations(model: str, svc: Services = Depends(services)) -> list[dict[str, Any]]:
    return operations.list_operations(svc, model)


# -- user secrets ------------------------------------------------------------------------
@router.get("/models/{model}/secrets")
async def list_secrets(model: str, ref: str | None = None, owner: str | None = None, reveal: bool = False,
                       revision: int | None = None, revisions: bool = False,
                       svc: Services = Depends(services)) -> dict[str, Any]:
    return usersecrets.listing(svc, model, ref=ref, owner=owner, reveal=reveal, revision=revision,
                               revisions=revisions)


@router.post("/models/{model}/secrets")
async def add_secret(model: str, p: UserSecretParams, svc: Services = Depends(services)) -> dict[str, Any]:
    return {"uri": usersecrets.add(svc, model, p.name, p.content, p.description)}


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
