"""The agent calls of ``pyjuju.wire.agent``, each bound to the service function that serves it.

This table is the only place a call name meets its implementation. Both
transports are built from it: RPC messages on the watch WebSocket
(:mod:`.agent_rpc`) and one ``POST /api/agent/ops/<name>`` route per call
(:func:`add_routes`), used while the socket is down. A ``Binding`` ties an
op's request and reply types to its handler's, so a handler that takes or
returns the wrong model is a type error, not a runtime surprise.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ValidationError

from ...core.errors import InvalidArgumentError, ModelNotFoundError
from ...store import ModelRow
from ...wire import agent as ops
from ..services import agents
from ..services.base import Services
from .auth import Identity
from .deps import machine, services

Req = TypeVar("Req", bound=BaseModel)
Rep = TypeVar("Rep", bound=BaseModel)


@dataclasses.dataclass(frozen=True, slots=True)
class Binding(Generic[Req, Rep]):
    op: ops.AgentOp[Req, Rep]
    handler: Callable[[Services, ModelRow, str, str, Req], Rep]
    """``(services, model, calling machine id, unit or "", request) -> reply``."""


BINDINGS: dict[str, Binding[Any, Any]] = {
    b.op.name: b
    for b in (
        Binding(ops.SET_STATUS, agents.set_unit_status),
        Binding(ops.UNIT_STATUS, agents.status_for_tools),
        Binding(ops.COMMIT, agents.commit_hook),
        Binding(ops.LEADER_SETTINGS, agents.set_leader_settings),
        Binding(ops.STATE, agents.unit_state),
        Binding(ops.GOAL_STATE, agents.goal_state),
        Binding(ops.DEAD, agents.unit_dead),
        Binding(ops.ENTER_SCOPE, agents.enter_scope),
        Binding(ops.LEAVE_SCOPE, agents.leave_scope),
        Binding(ops.RELATION_SETTINGS, agents.relation_settings),
        Binding(ops.SECRET_GET, agents.secret_get),
        Binding(ops.SECRET_INFO, agents.secret_info),
        Binding(ops.SECRET_IDS, agents.secret_ids),
        Binding(ops.STORAGE_ATTACHED, agents.storage_attached),
        Binding(ops.STORAGE_DETACHED, agents.storage_detached),
        Binding(ops.TASK_BEGIN, agents.task_begin),
        Binding(ops.TASK_LOG, agents.task_log),
        Binding(ops.TASK_FINISH, agents.task_finish),
        Binding(ops.LOGS, agents.add_logs),
    )
}

if set(BINDINGS) != set(ops.AGENT_OPS):  # pragma: no cover - a programming error caught at import
    raise RuntimeError(f"agent calls without a handler: {sorted(set(ops.AGENT_OPS) - set(BINDINGS))}")


def validation_message(e: ValidationError) -> str:
    """``field.path: what is wrong; ...``: the same text for both transports."""
    return "; ".join(f"{'.'.join(str(p) for p in err['loc']) or 'body'}: {err['msg']}" for err in e.errors())


def dispatch(svc: Services, m: ModelRow, machine_id: str, name: str, unit: str, params: Any) -> BaseModel:
    """Validate one call's request, run its handler, return its reply."""
    b = BINDINGS.get(name)
    if b is None:
        raise InvalidArgumentError(f'unknown agent call "{name}"')
    try:
        request = b.op.request.model_validate(params if params is not None else {})
    except ValidationError as e:
        raise InvalidArgumentError(f"invalid {name} request: {validation_message(e)}") from None
    reply: BaseModel = run(b, svc, m, machine_id, unit, request)  # BINDINGS mixes types: Rep is some BaseModel
    return reply


def run(b: Binding[Req, Rep], svc: Services, m: ModelRow, machine_id: str, unit: str, request: Req) -> Rep:
    if b.op.unit_scoped and not unit:
        raise InvalidArgumentError(f'agent call "{b.op.name}" needs a unit')
    return b.handler(svc, m, machine_id, unit, request)


def model_of(svc: Services, ident: Identity) -> ModelRow:
    with svc.store.read() as tx:
        m = tx.model(ident.model_uuid or "")
    if m is None:
        raise ModelNotFoundError("model not found")
    return m


def add_routes(router: APIRouter) -> None:
    """One typed ``POST /ops/<name>`` route per call, for agents whose WebSocket is down."""
    for b in BINDINGS.values():
        router.add_api_route(f"/ops/{b.op.name}", _endpoint(b), methods=["POST"], response_model=b.op.reply,
                             name=f"agent-{b.op.name}", summary=f"Agent call {b.op.name}")


def _endpoint(b: Binding[Any, Any]) -> Callable[..., Any]:
    async def endpoint(request: BaseModel, unit: str, ident: Identity, svc: Services) -> BaseModel:
        reply: BaseModel = run(b, svc, model_of(svc, ident), ident.entity, unit, request)
        return reply

    # FastAPI reads the signature: give it this call's request model as the body.
    P = inspect.Parameter
    endpoint.__signature__ = inspect.Signature([  # type: ignore[attr-defined]  # inspect reads it; typeshed does not declare it on functions
        P("request", P.POSITIONAL_OR_KEYWORD, annotation=b.op.request),
        P("unit", P.POSITIONAL_OR_KEYWORD, default=Query("", description="The unit acted for."), annotation=str),
        P("ident", P.POSITIONAL_OR_KEYWORD, default=Depends(machine), annotation=Identity),
        P("svc", P.POSITIONAL_OR_KEYWORD, default=Depends(services), annotation=Services),
    ], return_annotation=b.op.reply)
    return endpoint
