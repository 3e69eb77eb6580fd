"""``expose`` / ``unexpose``: which of an application's endpoints are reachable from where.

Stored as Juju stores it, per endpoint (``""`` meaning every endpoint):
``{endpoint: {"expose-to-cidrs": [...], "expose-to-spaces": [...]}}``. The
``exposed`` flag is kept in step (true iff the map is non-empty) because status,
``wait-for`` and jubilant read the flag. The firewaller turns this, with the ports
units opened, into each machine's ingress rules.
"""

from __future__ import annotations

import dataclasses
import ipaddress

from ...core.errors import InvalidArgumentError, NotFoundError
from ...store import ApplicationRow, ModelRow, WriteTx
from ..firewall import UnitPorts
from .base import Services
from .charms import endpoint_names, get_charm
from .lookup import find_alive_application, resolve_model

ALL_ENDPOINTS = ""
EVERYWHERE = ("0.0.0.0/0", "::/0")
SPACES = ("alpha",)
IMPLICIT_ENDPOINTS = ("juju-info",)

Exposure = dict[str, dict[str, list[str]]]


def expose(svc: Services, model_ref: str, application: str, *, endpoints: list[str] | None = None,
           cidrs: list[str] | None = None, spaces: list[str] | None = None) -> Exposure:
    """Expose ``endpoints`` (all when none are named) to ``cidrs`` and ``spaces``.

    With neither, to everywhere (0.0.0.0/0 and ::/0), as Juju does. Settings for the
    endpoints named replace what those endpoints had; other endpoints keep theirs.
    Returns the application's exposure afterwards."""
    cidrs = [c.strip() for c in cidrs or [] if c.strip()]
    spaces = [s.strip() for s in spaces or [] if s.strip()]
    for cidr in cidrs:
        try:
            ipaddress.ip_network(cidr, strict=False)
        except ValueError:
            raise InvalidArgumentError(f'invalid CIDR "{cidr}"', cidr=cidr) from None
    for space in spaces:
        if space not in SPACES:
            raise NotFoundError(f'space "{space}" not found (spaces: {", ".join(SPACES)})', space=space)
    if not cidrs and not spaces:
        cidrs = list(EVERYWHERE)
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        app = find_alive_application(tx, m, application)
        names = list(dict.fromkeys(endpoints or [ALL_ENDPOINTS]))
        if endpoints:
            _check_endpoints(tx, m, app, names)
        new = {ep: dict(v) for ep, v in app.exposed_endpoints.items()}
        for ep in names:
            new[ep] = {"expose-to-cidrs": list(cidrs), "expose-to-spaces": list(spaces)}
        _store(tx, m, app, new)
        return new


def unexpose(svc: Services, model_ref: str, application: str, *, endpoints: list[str] | None = None) -> Exposure:
    """Take away exposure: of every endpoint, or of those named (which must be exposed)."""
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        app = find_alive_application(tx, m, application)
        new = {ep: dict(v) for ep, v in app.exposed_endpoints.items()}
        if not endpoints:
            new = {}
        for ep in endpoints or []:
            if ep not in new:
                shown = ", ".join(f'"{e}"' for e in sorted(new)) or "none"
                raise InvalidArgumentError(
                    f'endpoint "{ep}" of application "{application}" is not exposed (exposed: {shown})',
                    endpoint=ep, application=application,
                )
            del new[ep]
        _store(tx, m, app, new)
        return new


def _check_endpoints(tx: WriteTx, m: ModelRow, app: ApplicationRow, names: list[str]) -> None:
    known = [*endpoint_names(get_charm(tx, m.uuid, app.charm_url)), *IMPLICIT_ENDPOINTS]
    for ep in names:
        if ep not in known:
            raise InvalidArgumentError(
                f'application "{app.name}" has no endpoint "{ep}" (endpoints: {", ".join(known)})',
                endpoint=ep, application=app.name,
            )


def _store(tx: WriteTx, m: ModelRow, app: ApplicationRow, new: Exposure) -> None:
    if new != app.exposed_endpoints or bool(new) != app.exposed:
        tx.update_application(m.uuid, app.name, exposed=bool(new), exposed_endpoints=new)


def exposed_endpoints_doc(exposed: Exposure) -> Exposure:
    """Juju's ``exposed-endpoints`` shape (status, show-application): empty lists omitted."""
    out: Exposure = {}
    for ep in sorted(exposed):
        entry = {k: list(exposed[ep].get(k) or []) for k in ("expose-to-spaces", "expose-to-cidrs")}
        out[ep] = {k: v for k, v in entry.items() if v}
    return out


@dataclasses.dataclass(frozen=True, slots=True)
class ModelIngress:
    """What a model's ingress rules are computed from (by the firewaller, with
    :func:`~pyjuju.controller.firewall.machine_ingress`)."""

    instances: dict[str, str]
    """machine id → instance id, for the alive machines that have an instance."""
    exposure: dict[str, Exposure]
    """application → its exposed endpoints, for exposed applications."""
    units: list[UnitPorts]
    """Opened ports of the units on those machines (none when nothing is exposed)."""


def ingress_facts(svc: Services, models: set[str] | None = None) -> dict[str, ModelIngress]:
    """Per live model (all of them, or only those in ``models``), from one read transaction."""
    out: dict[str, ModelIngress] = {}
    with svc.store.read() as tx:
        for m in tx.models():
            if m.life == "dead" or (models is not None and m.uuid not in models):
                continue
            instances = {mm.id: mm.instance_id for mm in tx.machines(m.uuid)
                         if mm.instance_id and mm.life == "alive"}
            exposure = {a.name: a.exposed_endpoints for a in tx.applications(m.uuid) if a.exposed_endpoints}
            units = [
                UnitPorts(
                    machine_id=u.machine_id,
                    application=u.application,
                    opened=tuple((p["range"], None if p.get("endpoints") is None else tuple(p["endpoints"]))
                                 for p in u.opened_ports),
                )
                for u in tx.units(m.uuid)
                if u.machine_id in instances and u.opened_ports
            ] if instances and exposure else []
            out[m.uuid] = ModelIngress(instances=instances, exposure=exposure, units=units)
    return out
