"""metadata.yaml parsing and Juju's validation rules."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from pyjuju.charm import CharmMeta, Endpoint, parse_metadata
from pyjuju.core.errors import CharmError

BASE: dict[str, Any] = {"name": "wordpress", "summary": "Blog.", "description": "A blog engine."}


def meta(**extra: Any) -> dict[str, Any]:
    return {**copy.deepcopy(BASE), **extra}


def test_full_metadata() -> None:
    m = parse_metadata(
        meta(
            provides={"website": {"interface": "http", "optional": True}},
            requires={"db": "mysql", "cache": {"interface": "memcache", "limit": 1}},
            peers={"cluster": {"interface": "wp-peers"}},
            **{"extra-bindings": {"admin": None}},
            storage={
                "data": {"type": "filesystem", "location": "/srv", "minimum-size": "1G"},
                "logs": {"type": "block", "multiple": {"range": "0-"}, "read-only": True},
            },
            resources={
                "theme": {"type": "file", "filename": "theme.zip", "description": "Theme."},
                "image": {"type": "oci-image"},
            },
            assumes=["juju >= 3.1", {"any-of": ["k8s-api", {"all-of": ["a", "b"]}]}],
            maintainers=["someone"],
        )
    )
    assert m.name == "wordpress"
    assert m.provides["website"] == Endpoint(
        name="website", interface="http", role="provider", scope="global", optional=True
    )
    assert m.requires["db"].interface == "mysql"
    assert m.requires["db"].role == "requirer"
    assert m.requires["cache"].limit == 1
    assert m.peers["cluster"].role == "peer"
    assert m.extra_bindings == ("admin",)
    assert m.storage["data"].location == "/srv"
    assert m.storage["data"].minimum_size_mb == 1024
    assert m.storage["data"].multiple_range is None
    assert m.storage["logs"].multiple_range == (0, None)
    assert m.storage["logs"].read_only is True
    assert m.resources["theme"].filename == "theme.zip"
    assert m.resources["image"].type == "oci-image"
    assert m.assumes[0] == "juju >= 3.1"
    assert m.raw["maintainers"] == ["someone"]
    assert m.subordinate is False


def test_empty_summary_and_description_are_accepted() -> None:
    m = parse_metadata(meta(summary="", description=""))
    assert (m.summary, m.description) == ("", "")


def test_implicit_juju_info_endpoint() -> None:
    m = parse_metadata(meta(requires={"db": "mysql"}))
    eps = m.endpoints()
    assert set(eps) == {"db", "juju-info"}
    info = m.endpoint("juju-info")
    assert info == Endpoint(
        name="juju-info", interface="juju-info", role="provider", scope="global"
    )
    assert "juju-info" not in m.provides
    assert m.endpoint("nope") is None


def test_subordinate_may_require_juju_info_in_container_scope() -> None:
    m = parse_metadata(
        meta(
            subordinate=True,
            requires={"juju-info": {"interface": "juju-info", "scope": "container"}},
        )
    )
    # The declared endpoint wins over the implicit provider one.
    assert m.endpoint("juju-info").role == "requirer"
    assert m.endpoint("juju-info").scope == "container"


def test_juju_named_charms_may_use_reserved_names() -> None:
    m = parse_metadata(meta(name="juju-controller", provides={"juju-x": "juju-x"}))
    assert "juju-x" in m.provides


def test_charm_meta_can_be_built_directly() -> None:
    # Other packages build CharmMeta in their tests; only name is required.
    m = CharmMeta(name="x")
    assert list(m.endpoints()) == ["juju-info"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(2, (2, 2)), ("3", (3, 3)), ("1-5", (1, 5)), ("0-", (0, None)), ("2+", (2, None))],
)
def test_storage_ranges(value: Any, expected: tuple[int, int | None]) -> None:
    m = parse_metadata(meta(storage={"d": {"type": "block", "multiple": {"range": value}}}))
    assert m.storage["d"].multiple_range == expected


@pytest.mark.parametrize(
    ("value", "mb"),
    [(10, 10), ("100M", 100), ("1G", 1024), ("1.5G", 1536), ("2T", 2 * 1024**2), ("1P", 1024**3)],
)
def test_storage_minimum_size(value: Any, mb: int) -> None:
    m = parse_metadata(meta(storage={"d": {"type": "filesystem", "minimum-size": value}}))
    assert m.storage["d"].minimum_size_mb == mb


ERRORS = [
    ({"name": None}, "name", "metadata.yaml: name: missing"),
    ({"name": 5}, "name", "metadata.yaml: name: expected a string"),
    ({"name": "Word_Press"}, "name", "invalid charm name"),
    ({"name": "9lives"}, "name", "invalid charm name"),
    ({"summary": None}, "summary", "metadata.yaml: summary: missing"),
    ({"description": ["x"]}, "description", "expected a string"),
    ({"subordinate": "yes"}, "subordinate", "expected a boolean"),
    ({"requires": {"db": {"limit": 1}}}, "requires.db.interface", "requires.db.interface: missing"),
    ({"requires": {"db": {"interface": 3}}}, "requires.db.interface", "expected a string"),
    (
        {"requires": {"db": {"interface": "x", "scope": "local"}}},
        "requires.db.scope",
        '"global" or "container"',
    ),
    (
        {"requires": {"db": {"interface": "x", "limit": "one"}}},
        "requires.db.limit",
        "expected an integer",
    ),
    (
        {"requires": {"db": {"interface": "x", "limit": True}}},
        "requires.db.limit",
        "expected an integer",
    ),
    (
        {"requires": {"db": {"interface": "x", "optional": "no"}}},
        "requires.db.optional",
        "expected a boolean",
    ),
    ({"requires": {"db": ["mysql"]}}, "requires.db", "expected a mapping"),
    ({"provides": {"db": "x"}, "peers": {"db": "y"}}, "peers.db", "duplicated endpoint name"),
    ({"provides": {"juju-foo": "x"}}, "provides.juju-foo", "reserved"),
    ({"requires": {"juju": "x"}}, "requires.juju", "reserved"),
    ({"provides": {"info": "juju-info"}}, "provides.info.interface", "reserved"),
    ({"subordinate": True, "requires": {"db": "mysql"}}, "subordinate", "scope container"),
    ({"provides": "http"}, "provides", "expected a mapping"),
    ({"extra-bindings": {"db": None}, "requires": {"db": "x"}}, "extra-bindings.db", "conflicts"),
    ({"storage": {"d": {"location": "/x"}}}, "storage.d.type", "storage.d.type: missing"),
    ({"storage": {"d": {"type": "tmpfs"}}}, "storage.d.type", '"filesystem" or "block"'),
    (
        {"storage": {"d": {"type": "block", "location": "/x"}}},
        "storage.d.location",
        "not allowed for block",
    ),
    (
        {"storage": {"d": {"type": "block", "multiple": {"range": "lots"}}}},
        "storage.d.multiple.range",
        "does not match",
    ),
    (
        {"storage": {"d": {"type": "block", "multiple": {"range": "3-1"}}}},
        "storage.d.multiple.range",
        "invalid count range",
    ),
    (
        {"storage": {"d": {"type": "block", "multiple": {"range": 0}}}},
        "storage.d.multiple.range",
        "invalid count",
    ),
    (
        {"storage": {"d": {"type": "block", "minimum-size": "10X"}}},
        "storage.d.minimum-size",
        "invalid size",
    ),
    (
        {"storage": {"d": {"type": "block", "shared": "yes please"}}},
        "storage.d.shared",
        "expected a boolean",
    ),
    ({"resources": {"r": {"type": "tarball"}}}, "resources.r.type", '"file" or "oci-image"'),
    ({"resources": {"r": {"filename": "x"}}}, "resources.r.type", "missing"),
    ({"resources": {"r": {"type": "file"}}}, "resources.r.filename", "missing"),
    ({"containers": {"app": {"resource": "img"}}}, "containers.app.resource", "not declared"),
    ({"containers": {"app": {}}}, "containers.app", '"resource" or "bases"'),
    ({"assumes": "juju"}, "assumes", "expected a list"),
    ({"assumes": [{"one-of": ["x"]}]}, "assumes[0]", "any-of"),
]


@pytest.mark.parametrize(("changes", "field", "message"), ERRORS)
def test_validation_errors_name_file_and_field(
    changes: dict[str, Any], field: str, message: str
) -> None:
    doc = meta(**changes)
    doc = {k: v for k, v in doc.items() if v is not None}
    with pytest.raises(CharmError) as info:
        parse_metadata(doc)
    err = info.value
    assert err.details["file"] == "metadata.yaml"
    assert err.details["field"] == field
    assert str(err).startswith(f"metadata.yaml: {field}: ")
    assert message in str(err)


def test_error_uses_given_file_name() -> None:
    with pytest.raises(CharmError, match=r"^charmcraft\.yaml: name: missing$"):
        parse_metadata({"summary": "", "description": ""}, file="charmcraft.yaml")


def test_document_must_be_a_mapping() -> None:
    with pytest.raises(CharmError) as info:
        parse_metadata(["name"])
    assert info.value.details == {"file": "metadata.yaml", "field": ""}
    assert str(info.value) == "metadata.yaml: expected a mapping, got list"
