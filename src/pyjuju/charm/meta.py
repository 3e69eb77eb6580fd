"""``metadata.yaml``: a charm's identity, endpoints, storage and resources.

The rules are Juju's (``juju/charm`` ``meta.go``), so that a charm pyjuju
accepts is one Juju accepts and the other way round. Unknown top-level keys are
tolerated, as charmcraft and ops do, and kept in :attr:`CharmMeta.raw`.
"""

from __future__ import annotations

import dataclasses
import re
from types import MappingProxyType
from typing import Any

from ._common import (
    charm_error,
    expect_bool,
    expect_list,
    expect_mapping,
    expect_str,
    expect_str_list,
    type_name,
)
from ._specs import ResourceSpec, StorageSpec, parse_resource, parse_storage

__all__ = [
    "CharmMeta",
    "Endpoint",
    "ResourceSpec",
    "StorageSpec",
    "is_valid_charm_name",
    "parse_metadata",
]

PROVIDER = "provider"
REQUIRER = "requirer"
PEER = "peer"

_NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Endpoint:
    """One relation endpoint (``provides``/``requires``/``peers`` entry).

    Relating two applications matches endpoints by ``interface`` and opposite
    ``role``, so these two fields are what the controller compares.
    """

    name: str
    interface: str
    role: str
    """``provider``, ``requirer`` or ``peer``."""
    scope: str = "global"
    """``global``, or ``container`` for subordinate (co-located) relations."""
    limit: int | None = None
    """Maximum number of relations on the endpoint; enforced at relate time."""
    optional: bool = False


_JUJU_INFO = Endpoint(name="juju-info", interface="juju-info", role=PROVIDER, scope="global")
IMPLICIT_ENDPOINTS = MappingProxyType({_JUJU_INFO.name: _JUJU_INFO})
"""Endpoints every application has without declaring them."""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class CharmMeta:
    """Parsed, validated ``metadata.yaml``.

    Typed fields cover what the orchestrator acts on; everything else (links,
    containers, devices, ``charm-user``...) stays available in :attr:`raw`,
    which is the document exactly as read.
    """

    name: str
    summary: str = ""
    description: str = ""
    subordinate: bool = False
    provides: dict[str, Endpoint] = dataclasses.field(default_factory=dict)
    requires: dict[str, Endpoint] = dataclasses.field(default_factory=dict)
    peers: dict[str, Endpoint] = dataclasses.field(default_factory=dict)
    extra_bindings: tuple[str, ...] = ()
    storage: dict[str, StorageSpec] = dataclasses.field(default_factory=dict)
    resources: dict[str, ResourceSpec] = dataclasses.field(default_factory=dict)
    assumes: tuple[Any, ...] = ()
    """Feature expressions: strings, or ``{"any-of": [...]}``/``{"all-of": [...]}``."""
    raw: dict[str, Any] = dataclasses.field(default_factory=dict)

    def endpoints(self) -> dict[str, Endpoint]:
        """Every endpoint, including the implicit ``juju-info`` provider.

        Juju gives every application a ``juju-info`` endpoint so that
        subordinates can attach to any charm; it is added here unless the
        charm declares an endpoint of that name itself.
        """
        result: dict[str, Endpoint] = {}
        result.update(self.provides)
        result.update(self.requires)
        result.update(self.peers)
        result.setdefault(_JUJU_INFO.name, _JUJU_INFO)
        return result

    def endpoint(self, name: str) -> Endpoint | None:
        """The endpoint called ``name`` (implicit ``juju-info`` included), or None."""
        return self.endpoints().get(name)


def is_valid_charm_name(name: str) -> bool:
    """Lower-case letters, digits and single inner hyphens, starting with a letter."""
    return bool(_NAME_RE.match(name))


def _reserved(charm_name: str, name: str) -> bool:
    # Charms named juju-* (Juju's own) may use the reserved namespace.
    if charm_name.startswith("juju-"):
        return False
    return name == "juju" or name.startswith("juju-")


def parse_metadata(data: Any, file: str = "metadata.yaml") -> CharmMeta:
    """Validate a loaded ``metadata.yaml`` document and build a :class:`CharmMeta`.

    Args:
        data: The YAML document (normally a dict).
        file: File name used in error messages.

    Raises:
        CharmError: naming ``file`` and the offending ``field``.
    """
    if not isinstance(data, dict):
        raise charm_error(file, "", f"expected a mapping, got {type_name(data)}")
    doc = expect_mapping(data, file, "")

    for key in ("name", "summary", "description"):
        if key not in doc or doc[key] is None:
            raise charm_error(file, key, "missing")
        expect_str(doc[key], file, key)
    name: str = doc["name"]
    if not is_valid_charm_name(name):
        raise charm_error(
            file,
            "name",
            f'invalid charm name "{name}": use lower-case letters, digits and hyphens, '
            "starting with a letter",
        )
    subordinate = False
    if doc.get("subordinate") is not None:
        subordinate = expect_bool(doc["subordinate"], file, "subordinate")
    if doc.get("display-name") is not None:
        expect_str(doc["display-name"], file, "display-name")

    relations: dict[str, dict[str, Endpoint]] = {}
    seen: dict[str, str] = {}
    for key, role in (("provides", PROVIDER), ("requires", REQUIRER), ("peers", PEER)):
        eps = _parse_endpoints(doc.get(key), role, key, file)
        for ep in eps.values():
            field = f"{key}.{ep.name}"
            if ep.name in seen:
                raise charm_error(
                    file, field, f"duplicated endpoint name (also in {seen[ep.name]})"
                )
            seen[ep.name] = key
            exempt = subordinate and role == REQUIRER and ep.scope == "container"
            if not exempt and _reserved(name, ep.name):
                raise charm_error(file, field, f'endpoint name "{ep.name}" is reserved')
            if role != REQUIRER and _reserved(name, ep.interface):
                raise charm_error(
                    file, f"{field}.interface", f'interface "{ep.interface}" is reserved'
                )
        relations[key] = eps

    if subordinate and not any(ep.scope == "container" for ep in relations["requires"].values()):
        raise charm_error(
            file,
            "subordinate",
            'a subordinate charm needs a "requires" endpoint with scope container',
        )

    extra_bindings = _parse_extra_bindings(doc.get("extra-bindings"), seen, file)
    storage = {
        key: parse_storage(key, spec, file)
        for key, spec in expect_mapping(doc.get("storage"), file, "storage").items()
    }
    resources = {
        key: parse_resource(key, spec, file)
        for key, spec in expect_mapping(doc.get("resources"), file, "resources").items()
    }
    _check_containers(doc.get("containers"), resources, storage, file)
    assumes: tuple[Any, ...] = ()
    if doc.get("assumes") is not None:
        assumes = tuple(_check_assumes(doc["assumes"], file, "assumes"))

    return CharmMeta(
        name=name,
        summary=doc["summary"],
        description=doc["description"],
        subordinate=subordinate,
        provides=relations["provides"],
        requires=relations["requires"],
        peers=relations["peers"],
        extra_bindings=extra_bindings,
        storage=storage,
        resources=resources,
        assumes=assumes,
        raw=data,
    )


def _parse_endpoints(value: Any, role: str, key: str, file: str) -> dict[str, Endpoint]:
    result: dict[str, Endpoint] = {}
    for ep_name, spec in expect_mapping(value, file, key).items():
        field = f"{key}.{ep_name}"
        if not ep_name:
            raise charm_error(file, field, "empty endpoint name")
        if isinstance(spec, str):
            # The short form: the value is just the interface name.
            spec = {"interface": spec}
        spec = expect_mapping(spec, file, field, allow_none=False)
        interface = spec.get("interface")
        if interface is None:
            raise charm_error(file, f"{field}.interface", "missing")
        expect_str(interface, file, f"{field}.interface")
        if not interface:
            raise charm_error(file, f"{field}.interface", "must not be empty")
        scope = spec.get("scope")
        if scope is None:
            scope = "global"
        if scope not in ("global", "container"):
            raise charm_error(
                file, f"{field}.scope", f'expected "global" or "container", got {scope!r}'
            )
        limit = spec.get("limit")
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
            raise charm_error(
                file, f"{field}.limit", f"expected an integer, got {type_name(limit)}"
            )
        optional = spec.get("optional")
        optional = False if optional is None else expect_bool(optional, file, f"{field}.optional")
        result[ep_name] = Endpoint(
            name=ep_name,
            interface=interface,
            role=role,
            scope=scope,
            limit=limit,
            optional=optional,
        )
    return result


def _parse_extra_bindings(value: Any, relation_names: dict[str, str], file: str) -> tuple[str, ...]:
    if value is None:
        return ()
    # Juju's schema is a map of name -> null; a plain list is accepted for convenience.
    names = (
        expect_str_list(value, file, "extra-bindings")
        if isinstance(value, list)
        else list(expect_mapping(value, file, "extra-bindings"))
    )
    for binding in names:
        field = f"extra-bindings.{binding}"
        if not binding:
            raise charm_error(file, field, "empty binding name")
        if binding in relation_names:
            raise charm_error(file, field, f"conflicts with endpoint in {relation_names[binding]}")
    return tuple(names)


def _check_containers(
    value: Any, resources: dict[str, ResourceSpec], storage: dict[str, StorageSpec], file: str
) -> None:
    for cname, spec in expect_mapping(value, file, "containers").items():
        field = f"containers.{cname}"
        spec = expect_mapping(spec, file, field)
        resource = spec.get("resource")
        if resource is not None:
            expect_str(resource, file, f"{field}.resource")
            if resource not in resources:
                raise charm_error(file, f"{field}.resource", f'resource "{resource}" not declared')
            if resources[resource].type != "oci-image":
                raise charm_error(
                    file, f"{field}.resource", f'resource "{resource}" is not an oci-image'
                )
        elif spec.get("bases") is None:
            raise charm_error(file, field, 'needs either "resource" or "bases"')
        if spec.get("mounts") is not None:
            for i, mount in enumerate(expect_list(spec["mounts"], file, f"{field}.mounts")):
                mfield = f"{field}.mounts[{i}]"
                mount = expect_mapping(mount, file, mfield)
                store = mount.get("storage")
                if store is None:
                    raise charm_error(file, f"{mfield}.storage", "missing")
                if store not in storage:
                    raise charm_error(file, f"{mfield}.storage", f'storage "{store}" not declared')


def _check_assumes(value: Any, file: str, field: str) -> list[Any]:
    """Check the shape of an ``assumes`` expression list (not its feature names)."""
    items = expect_list(value, file, field)
    for i, item in enumerate(items):
        sub = f"{field}[{i}]"
        if isinstance(item, str):
            continue
        item = expect_mapping(item, file, sub, allow_none=False)
        if len(item) != 1 or next(iter(item)) not in ("any-of", "all-of"):
            raise charm_error(file, sub, 'expected a string or a single "any-of"/"all-of" key')
        key, nested = next(iter(item.items()))
        _check_assumes(nested, file, f"{sub}.{key}")
    return items
