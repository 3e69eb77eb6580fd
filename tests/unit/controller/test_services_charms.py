"""Charms: content-addressed uploads, local revisions."""

from __future__ import annotations

import hashlib

import pytest

from pyjuju.controller.services import charms
from pyjuju.core.errors import CharmError, CharmNotFoundError, ModelNotFoundError, PyjujuError


def test_add_charm_records_row_and_blob(svc, model, charm_bytes) -> None:
    data = charm_bytes(files={"version": "1.2.3\n"})
    row = charms.add_charm(svc, "default", data)
    sha = hashlib.sha256(data).hexdigest()
    assert row.url == "local:mini-0"
    assert (row.name, row.revision, row.sha256, row.size) == ("mini", 0, sha, len(data))
    assert row.version == "1.2.3"
    assert row.metadata["name"] == "mini"
    assert row.config["port"] == {"type": "int", "default": 80, "description": "listen port"}
    assert row.config["name"]["default"] is None
    blob = charms.charm_blob(svc, sha)
    assert blob.read_bytes() == data
    assert not list(svc.charm_dir.glob("*.part"))
    with svc.store.read() as tx:
        assert tx.charm(model.uuid, "local:mini-0") == row
        assert (2, "charm", "local:mini-0") in tx.changes_since(model.uuid, 1)


def test_same_bytes_twice_give_same_url_and_one_row(svc, model, charm_bytes) -> None:
    data = charm_bytes()
    first = charms.add_charm(svc, "default", data)
    with svc.store.read() as tx:
        rev = tx.model(model.uuid).revision  # type: ignore[union-attr]
    second = charms.add_charm(svc, "default", data)
    assert second.url == first.url == "local:mini-0"
    with svc.store.read() as tx:
        assert len(tx.charms(model.uuid)) == 1
        assert tx.model(model.uuid).revision == rev  # type: ignore[union-attr]


def test_changed_charm_gets_next_revision(svc, model, charm_bytes) -> None:
    a = charms.add_charm(svc, "default", charm_bytes())
    b = charms.add_charm(svc, "default", charm_bytes(files={"README.md": "changed"}))
    c = charms.add_charm(svc, "default", charm_bytes(files={"README.md": "changed again"}))
    other = charms.add_charm(svc, "default", charm_bytes(name="other"))
    assert [a.url, b.url, c.url] == ["local:mini-0", "local:mini-1", "local:mini-2"]
    assert other.url == "local:other-0"
    # re-uploading an older revision's bytes finds that revision
    with svc.store.read() as tx:
        assert [r.url for r in tx.charms(model.uuid, "mini")] == [a.url, b.url, c.url]


def test_revisions_are_per_model(svc, model, charm_bytes) -> None:
    from pyjuju.controller.services import models

    models.add_model(svc, "second")
    charms.add_charm(svc, "default", charm_bytes())
    charms.add_charm(svc, "default", charm_bytes(files={"x": "y"}))
    row = charms.add_charm(svc, "second", charm_bytes(files={"x": "z"}))
    assert row.url == "local:mini-0"


def test_invalid_archive_is_refused_and_leaves_nothing(svc, model, snapshot) -> None:
    before = snapshot()
    with pytest.raises(PyjujuError):
        charms.add_charm(svc, "default", b"not a zip file")
    assert snapshot() == before
    assert list(svc.charm_dir.iterdir()) == []


def test_archive_with_bad_metadata_is_charm_error(svc, model, charm_bytes) -> None:
    data = charm_bytes(config={"options": {"x": {"type": "nope"}}})
    with pytest.raises(CharmError):
        charms.add_charm(svc, "default", data)
    assert list(svc.charm_dir.iterdir()) == []


def test_add_charm_unknown_model(svc, charm_bytes) -> None:
    with pytest.raises(ModelNotFoundError):
        charms.add_charm(svc, "nope", charm_bytes())


def test_get_charm_and_blob_not_found(svc, model) -> None:
    with svc.store.read() as tx:
        with pytest.raises(CharmNotFoundError):
            charms.get_charm(tx, model.uuid, "local:mini-0")
    with pytest.raises(CharmNotFoundError):
        charms.charm_blob(svc, "0" * 64)
    with pytest.raises(CharmNotFoundError):
        charms.charm_blob(svc, "../../etc/passwd")


def test_endpoint_names_include_extra_bindings(svc, model, charm_bytes) -> None:
    md = {
        "provides": {"website": {"interface": "http"}},
        "requires": {"db": {"interface": "mysql"}},
        "peers": {"cluster": {"interface": "c"}},
        "extra-bindings": {"admin": None},
    }
    row = charms.add_charm(svc, "default", charm_bytes(metadata=md))
    assert charms.endpoint_names(row) == ["admin", "cluster", "db", "website"]
    assert set(charms.config_schema(row).options) == {"port", "name", "debug", "ratio", "greeting"}
