"""The synchronous user client (used by the CLI)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx

from ..core.errors import PyjujuError
from ._errors import connection_failed, raise_for, tls_verify

if TYPE_CHECKING:
    from .. import wire
    from ..wire import DeployParams, ExecParams
else:

    class _Wire:
        """The request schemas, imported on first use: pydantic costs a CLI call that
        only reads (status, show-*, config) tens of milliseconds for nothing. The
        type checker sees the module itself."""

        def __getattr__(self, name: str) -> Any:
            from .. import wire

            return getattr(wire, name)

    wire = _Wire()


def _object(value: Any, what: str) -> dict[str, Any]:
    """``value`` if it is a JSON object: the controller's documents (Juju's status,
    show-* and the like) are, and are read by key, untyped, as JSON."""
    if not isinstance(value, dict):
        raise PyjujuError(f"unexpected answer from the controller ({what}): not a JSON object")
    return value


def _array(value: Any, what: str) -> list[Any]:
    """``value`` if it is a JSON array."""
    if not isinstance(value, list):
        raise PyjujuError(f"unexpected answer from the controller ({what}): not a JSON array")
    return value


class Client:
    """One controller's user API over HTTP.

    ``transport`` replaces the network: given the controller's ASGI app behind an
    httpx transport, the same calls (and so the CLI's commands) run in-process,
    which is how the unit tests drive real commands without a controller daemon.
    :meth:`stream_logs` is the one call that always dials ``base_url``."""

    def __init__(self, base_url: str, token: str, timeout: float = 60.0, *,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self._http = httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
            verify=tls_verify(self.base_url),
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transport -----------------------------------------------------------
    def _call(self, method: str, path: str, *, body: Any = None, content: bytes | None = None,
              params: Any = None) -> Any:
        try:
            if content is not None:
                resp = self._http.request(method, path, content=content, params=params,
                                          headers={"Content-Type": "application/zip"})
            else:
                resp = self._http.request(method, path, json=body, params=params)
        except httpx.TransportError as e:
            raise connection_failed(self.base_url, e) from None
        raise_for(resp)
        return resp.json()

    def _call_object(self, method: str, path: str, *, body: Any = None, content: bytes | None = None,
                     params: Any = None) -> dict[str, Any]:
        return _object(self._call(method, path, body=body, content=content, params=params), f"{method} {path}")

    def _call_array(self, method: str, path: str, *, params: Any = None) -> list[Any]:
        return _array(self._call(method, path, params=params), f"{method} {path}")

    @staticmethod
    def _m(model: str) -> str:
        """``owner/name`` travels as ``owner:name``: a path segment cannot hold a slash."""
        return quote(model.replace("/", ":"), safe=":")

    # -- controller and models -------------------------------------------
    def controller(self) -> dict[str, Any]:
        return self._call_object("GET", "/api/controller")

    def destroy_controller(self) -> None:
        self._call("POST", "/api/controller/destroy")

    def models(self) -> list[dict[str, Any]]:
        return self._call_array("GET", "/api/models")

    def add_model(self, name: str, config: dict[str, Any] | None = None) -> dict[str, Any]:
        return self._call_object("POST", "/api/models", body=wire.AddModelParams(name=name, config=config or {}).model_dump())

    def show_model(self, model: str) -> dict[str, Any]:
        return self._call_object("GET", f"/api/models/{self._m(model)}")

    def destroy_model(self, model: str, force: bool = False) -> dict[str, Any]:
        return self._call_object("POST", f"/api/models/{self._m(model)}/destroy",
                                 body=wire.DestroyModelParams(force=force).model_dump())

    def model_config(self, model: str) -> dict[str, Any]:
        return self._call_object("GET", f"/api/models/{self._m(model)}/config")

    def set_model_config(self, model: str, values: dict[str, Any], reset: list[str]) -> None:
        self._call("PATCH", f"/api/models/{self._m(model)}/config",
                   body=wire.ModelConfigParams(values=values, reset=reset).model_dump())

    def status(self, model: str) -> dict[str, Any]:
        return self._call_object("GET", f"/api/models/{self._m(model)}/status")

    def changes(self, model: str, since: int, wait: float = 0) -> dict[str, Any]:
        return self._call_object("GET", f"/api/models/{self._m(model)}/changes",
                                 params={"since": since, "wait": wait})

    def machines(self, model: str) -> dict[str, Any]:
        return self._call_object("GET", f"/api/models/{self._m(model)}/machines")

    # -- charms and applications ---------------------------------------------
    def upload_charm(self, model: str, archive: bytes) -> dict[str, Any]:
        return self._call_object("POST", f"/api/models/{self._m(model)}/charms", content=archive)

    def deploy(self, model: str, params: DeployParams) -> dict[str, Any]:
        return self._call_object("POST", f"/api/models/{self._m(model)}/applications", body=params.model_dump())

    def show_application(self, model: str, application: str) -> dict[str, Any]:
        return self._call_object("GET", f"/api/models/{self._m(model)}/applications/{application}")

    def refresh(self, model: str, application: str, *, charm_url: str | None = None,
                revision: int | None = None) -> dict[str, Any]:
        body = wire.RefreshParams(charm_url=charm_url, revision=revision).model_dump()
        return self._call_object("POST", f"/api/models/{self._m(model)}/applications/{application}/refresh", body=body)

    def remove_application(self, model: str, application: str, *, force: bool = False) -> list[str]:
        doc = self._call_object("DELETE", f"/api/models/{self._m(model)}/applications/{application}",
                                params={"force": "true"} if force else None)
        return _array(doc["notes"], "notes")

    def add_units(self, model: str, application: str, num_units: int, placement: list[str]) -> list[str]:
        body = wire.AddUnitsParams(num_units=num_units, placement=placement).model_dump()
        doc = self._call_object("POST", f"/api/models/{self._m(model)}/applications/{application}/units", body=body)
        return _array(doc["units"], "units")

    def get_config(self, model: str, application: str) -> dict[str, Any]:
        return self._call_object("GET", f"/api/models/{self._m(model)}/applications/{application}/config")

    def set_config(self, model: str, application: str, *, strings: dict[str, str] | None = None,
                   values: dict[str, Any] | None = None, reset: list[str] | None = None) -> bool:
        body = wire.ConfigParams(strings=strings or {}, values=values or {}, reset=reset or []).model_dump()
        return bool(self._call("PATCH", f"/api/models/{self._m(model)}/applications/{application}/config",
                               body=body)["changed"])

    # -- relations ------------------------------------------------------------
    def integrate(self, model: str, a: str, b: str) -> dict[str, Any]:
        return self._call_object("POST", f"/api/models/{self._m(model)}/relations",
                                 body=wire.IntegrateParams(endpoints=[a, b]).model_dump())

    def remove_relation(self, model: str, endpoints: list[str]) -> dict[str, Any]:
        return self._call_object("POST", f"/api/models/{self._m(model)}/relations/remove",
                                 body=wire.RemoveRelationParams(endpoints=endpoints).model_dump())

    # -- units ----------------------------------------------------------------
    @staticmethod
    def _u(unit: str) -> str:
        app, _, num = unit.rpartition("/")
        return f"{app}/{num}"

    def remove_unit(self, model: str, unit: str, *, force: bool = False) -> list[str]:
        doc = self._call_object("DELETE", f"/api/models/{self._m(model)}/units/{self._u(unit)}",
                                params={"force": "true"} if force else None)
        return _array(doc["notes"], "notes")

    def show_unit(self, model: str, unit: str) -> dict[str, Any]:
        return self._call_object("GET", f"/api/models/{self._m(model)}/units/{self._u(unit)}")

    def resolved(self, model: str, unit: str, retry: bool = True) -> None:
        self._call("POST", f"/api/models/{self._m(model)}/units/{self._u(unit)}/resolved",
                   body=wire.ResolvedParams(retry=retry).model_dump())

    # -- operations -----------------------------------------------------------
    def run_action(self, model: str, receivers: list[str], action: str, params: dict[str, Any]) -> dict[str, Any]:
        body = wire.RunActionParams(receivers=receivers, action=action, params=params).model_dump()
        return self._call_object("POST", f"/api/models/{self._m(model)}/actions", body=body)

    def run_exec(self, model: str, params: ExecParams) -> dict[str, Any]:
        return self._call_object("POST", f"/api/models/{self._m(model)}/exec", body=params.model_dump())

    def task(self, model: str, task_id: str, wait: float = 0) -> dict[str, Any]:
        return self._call_object("GET", f"/api/models/{self._m(model)}/tasks/{task_id}", params={"wait": wait})

    def operations(self, model: str) -> list[dict[str, Any]]:
        return self._call_array("GET", f"/api/models/{self._m(model)}/operations")

    # -- storage and resources ------------------------------------------------
    def upload_resource(self, model: str, data: bytes) -> str:
        return str(self._call("POST", f"/api/models/{self._m(model)}/resources/blobs", content=data)["sha256"])

    def attach_resource(self, model: str, application: str, name: str, sha256: str, filename: str) -> dict[str, Any]:
        body = wire.AttachResourceParams(name=name, sha256=sha256, filename=filename).model_dump()
        return self._call_object("POST", f"/api/models/{self._m(model)}/applications/{application}/resources", body=body)

    def resources(self, model: str, application: str) -> list[dict[str, Any]]:
        return self._call_array("GET", f"/api/models/{self._m(model)}/applications/{application}/resources")

    def add_storage(self, model: str, unit: str, counts: dict[str, int]) -> list[str]:
        doc = self._call_object("POST", f"/api/models/{self._m(model)}/units/{self._u(unit)}/storage",
                                body=wire.AddStorageParams(counts=counts).model_dump())
        return _array(doc["storage"], "storage")

    # -- machines and model settings ------------------------------------------
    def add_machines(self, model: str, count: int, constraints: str, target: str | None,
                     base: str = "", annotations: dict[str, str] | None = None) -> list[str]:
        body = wire.AddMachinesParams(count=count, constraints=constraints, target=target, base=base,
                                      annotations=annotations or {}).model_dump()
        doc = self._call_object("POST", f"/api/models/{self._m(model)}/machines", body=body)
        return _array(doc["machines"], "machines")

    def remove_machines(self, model: str, machines: list[str], *, force: bool = False,
                        dry_run: bool = False) -> list[str]:
        """Remove machines (all or none); returns notes ("will remove machine 1", ...)."""
        body = wire.RemoveMachinesParams(machines=machines, force=force, dry_run=dry_run).model_dump()
        doc = self._call_object("POST", f"/api/models/{self._m(model)}/machines/remove", body=body)
        return _array(doc["notes"], "notes")

    def check_constraints(self, model: str, constraints: str) -> dict[str, Any]:
        """Read-only: the effective constraints (model's overridden by ``constraints``) of a new
        machine, or ``ConstraintsNotMetError`` naming what the provider cannot meet."""
        body = wire.ConstraintsParams(constraints=constraints).model_dump()
        doc = self._call_object("POST", f"/api/models/{self._m(model)}/constraints/check", body=body)
        return _object(doc["constraints"], "constraints")

    def application_constraints(self, model: str, application: str) -> dict[str, Any]:
        return self._call_object("GET", f"/api/models/{self._m(model)}/applications/{application}/constraints")

    def set_application_constraints(self, model: str, application: str, constraints: str) -> None:
        """Replace the application's constraints (``key=`` leaves a key unset)."""
        self._call("PUT", f"/api/models/{self._m(model)}/applications/{application}/constraints",
                   body=wire.ConstraintsParams(constraints=constraints).model_dump())

    def expose(self, model: str, application: str, *, endpoints: list[str] | None = None,
               cidrs: list[str] | None = None, spaces: list[str] | None = None) -> dict[str, Any]:
        """Returns the application's ``exposed-endpoints`` afterwards."""
        body = wire.ExposeParams(endpoints=endpoints or [], cidrs=cidrs or [], spaces=spaces or []).model_dump()
        doc = self._call_object("POST", f"/api/models/{self._m(model)}/applications/{application}/expose",
                                body=body)
        return _object(doc["exposed-endpoints"], "exposed-endpoints")

    def unexpose(self, model: str, application: str, *, endpoints: list[str] | None = None) -> dict[str, Any]:
        body = wire.UnexposeParams(endpoints=endpoints or []).model_dump()
        doc = self._call_object("POST", f"/api/models/{self._m(model)}/applications/{application}/unexpose",
                                body=body)
        return _object(doc["exposed-endpoints"], "exposed-endpoints")

    def model_constraints(self, model: str) -> dict[str, Any]:
        return self._call_object("GET", f"/api/models/{self._m(model)}/constraints")

    def set_model_constraints(self, model: str, constraints: str) -> None:
        self._call("PUT", f"/api/models/{self._m(model)}/constraints",
                   body=wire.ConstraintsParams(constraints=constraints).model_dump())

    def trust(self, model: str, application: str, trust: bool) -> None:
        self._call("POST", f"/api/models/{self._m(model)}/applications/{application}/trust",
                   body=wire.TrustParams(trust=trust).model_dump())

    def ssh_keys(self, model: str, add: Sequence[str] = (), remove: Sequence[str] = ()) -> list[str]:
        body = wire.SshKeysParams(add=list(add), remove=list(remove)).model_dump()
        doc = self._call_object("POST", f"/api/models/{self._m(model)}/ssh-keys", body=body)
        return _array(doc["keys"], "keys")

    # -- user secrets ---------------------------------------------------------
    def secrets(self, model: str, *, ref: str | None = None, owner: str | None = None, reveal: bool = False,
                revision: int | None = None, revisions: bool = False) -> dict[str, Any]:
        params: dict[str, Any] = {"reveal": reveal, "revisions": revisions}
        for k, v in (("ref", ref), ("owner", owner), ("revision", revision)):
            if v is not None:
                params[k] = v
        return self._call_object("GET", f"/api/models/{self._m(model)}/secrets", params=params)

    def add_secret(self, model: str, name: str, content: dict[str, str], description: str | None) -> str:
        body = wire.UserSecretParams(name=name, content=content, description=description).model_dump()
        return str(self._call("POST", f"/api/models/{self._m(model)}/secrets", body=body)["uri"])

    def update_secret(self, model: str, ref: str, content: dict[str, str], *, description: str | None,
                      name: str | None, auto_prune: bool | None) -> None:
        body = wire.UserSecretParams(name=name, content=content, description=description,
                                     auto_prune=auto_prune).model_dump()
        self._call("PATCH", f"/api/models/{self._m(model)}/secrets/{quote(ref, safe='')}", body=body)

    def grant_secret(self, model: str, ref: str, applications: list[str], revoke: bool = False) -> None:
        body = wire.SecretGrantParams(applications=applications, revoke=revoke).model_dump()
        self._call("POST", f"/api/models/{self._m(model)}/secrets/{quote(ref, safe='')}/grants", body=body)

    def remove_secret(self, model: str, ref: str, revision: int | None = None) -> None:
        params = {"revision": revision} if revision is not None else None
        self._call("DELETE", f"/api/models/{self._m(model)}/secrets/{quote(ref, safe='')}", params=params)

    # -- logs -----------------------------------------------------------------
    def logs(self, model: str, *, after: int = 0, lines: int | None = None, include: Sequence[str] = (),
             exclude: Sequence[str] = (), level: str | None = None) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"after": after, "include": list(include), "exclude": list(exclude)}
        if lines is not None:
            params["lines"] = lines
        if level:
            params["level"] = level
        return self._call_array("GET", f"/api/models/{self._m(model)}/logs", params=params)

    def stream_logs(self, model: str, *, after: int = 0, include: Sequence[str] = (),
                    exclude: Sequence[str] = (), level: str | None = None) -> Iterator[dict[str, Any]]:
        """Yield new log records as the controller stores them (blocks)."""
        from urllib.parse import urlencode

        from websockets.sync.client import connect

        q: list[tuple[str, Any]] = [("after", after)]
        q += [("include", i) for i in include] + [("exclude", e) for e in exclude]
        if level:
            q.append(("level", level))
        url = self.base_url.replace("http://", "ws://").replace("https://", "wss://")
        url += f"/api/models/{self._m(model)}/logs/stream?{urlencode(q)}"
        try:
            ws = connect(url, additional_headers={"Authorization": f"Bearer {self.token}"})
        except OSError as e:
            raise connection_failed(self.base_url, e) from None
        with ws:
            for raw in ws:
                yield from json.loads(raw)
