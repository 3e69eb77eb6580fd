"""Models: add, resolve, configure."""

from __future__ import annotations

import pytest

from pyjuju.controller.services import lookup, models
from pyjuju.core.errors import (
    AlreadyExistsError,
    ConfigError,
    InvalidArgumentError,
    ModelNotFoundError,
)


def test_add_model_stores_row_at_revision_one(svc) -> None:
    row = models.add_model(svc, "dev", {"automatically-retry-hooks": "false"})
    with svc.store.read() as tx:
        stored = tx.model(row.uuid)
        assert tx.changes_since(row.uuid, 0) == [(1, "model", row.uuid)]
    assert stored is not None
    assert (stored.name, stored.owner, stored.life, stored.type) == ("dev", "admin", "alive", "iaas")
    assert (stored.cloud, stored.region) == ("local", "localhost")
    assert stored.revision == 1
    assert stored.config == {"automatically-retry-hooks": False}
    assert stored.status["current"] == "available"


def test_add_model_duplicate_name_is_already_exists(svc, snapshot) -> None:
    models.add_model(svc, "dev")
    before = snapshot()
    with pytest.raises(AlreadyExistsError) as ei:
        models.add_model(svc, "dev")
    assert "admin/dev" in str(ei.value)
    assert snapshot() == before


@pytest.mark.parametrize("name", ["Dev", "dev_1", "-dev", "", "a" * 64, "dev model", "dév"])
def test_add_model_invalid_name(svc, snapshot, name) -> None:
    before = snapshot()
    with pytest.raises(InvalidArgumentError):
        models.add_model(svc, name)
    assert snapshot() == before


@pytest.mark.parametrize("name", ["dev", "0dev", "a-b-c", "a" * 63])
def test_add_model_valid_names(svc, name) -> None:
    assert models.add_model(svc, name).name == name


def test_add_model_bad_config_writes_nothing(svc, snapshot) -> None:
    before = snapshot()
    with pytest.raises(ConfigError):
        models.add_model(svc, "dev", {"no-such-key": "x"})
    with pytest.raises(ConfigError):
        models.add_model(svc, "dev", {"update-status-hook-interval": "2h"})
    assert snapshot() == before


@pytest.mark.parametrize("ref", ["default", "admin/default", "admin:default"])
def test_resolve_model_by_name_forms(svc, model, ref) -> None:
    with svc.store.read() as tx:
        assert lookup.resolve_model(tx, ref).uuid == model.uuid


def test_resolve_model_by_uuid(svc, model) -> None:
    models.add_model(svc, "other")
    with svc.store.read() as tx:
        assert lookup.resolve_model(tx, model.uuid).name == "default"


@pytest.mark.parametrize("ref", ["nope", "bob/default", "bob:default", "admin/nope",
                                 "00000000-0000-0000-0000-000000000000"])
def test_resolve_model_unknown(svc, model, ref) -> None:
    with svc.store.read() as tx:
        with pytest.raises(ModelNotFoundError):
            lookup.resolve_model(tx, ref)


def test_resolve_model_hides_dead_models(svc, model) -> None:
    with svc.store.write() as tx:
        tx.update_model(model.uuid, life="dead")
    with svc.store.read() as tx:
        with pytest.raises(ModelNotFoundError):
            lookup.resolve_model(tx, "default")
        with pytest.raises(ModelNotFoundError):
            lookup.resolve_model(tx, model.uuid)


def test_dying_model_still_resolves(svc, model) -> None:
    with svc.store.write() as tx:
        models.mark_model_dying(tx, model)
    with svc.store.read() as tx:
        m = lookup.resolve_model(tx, "default")
    assert m.life == "dying" and m.status["current"] == "destroying"


def test_set_model_config_set_reset_and_no_op(svc, model) -> None:
    models.set_model_config(svc, "default", {"update-status-hook-interval": "10s"}, [])
    with svc.store.read() as tx:
        m = tx.model(model.uuid)
        assert m is not None and m.config == {"update-status-hook-interval": "10s"}
        rev = m.revision
        cfg = models.model_config(tx, m)
    assert cfg["update-status-hook-interval"] == {"Value": "10s", "Source": "model"}
    assert cfg["automatically-retry-hooks"] == {"Value": True, "Source": "default"}
    assert cfg["name"] == {"Value": "default", "Source": "model"}
    assert list(cfg) == sorted(cfg)
    # setting the same value again changes nothing, not even the revision
    models.set_model_config(svc, "default", {"update-status-hook-interval": "10s"}, [])
    with svc.store.read() as tx:
        m = tx.model(model.uuid)
        assert m is not None and m.revision == rev
    models.set_model_config(svc, "admin/default", {}, ["update-status-hook-interval"])
    with svc.store.read() as tx:
        m = tx.model(model.uuid)
        assert m is not None and m.config == {} and m.revision == rev + 1


def test_set_model_config_reset_of_unknown_key_is_refused(svc, model) -> None:
    with pytest.raises(ConfigError):
        models.set_model_config(svc, "default", {}, ["no-such-key"])
    with pytest.raises(ConfigError):
        models.set_model_config(svc, "default", {"uuid": "x"}, [])


def test_model_summary_counts(svc, model) -> None:
    with svc.store.read() as tx:
        m = tx.model(model.uuid)
        assert m is not None
        s = models.model_summary(svc, tx, m)
    assert s["name"] == "admin/default" and s["short-name"] == "default"
    assert s["controller-uuid"] == svc.controller_uuid
    assert s["machine-count"] == 0 and s["unit-count"] == 0
    assert s["is-controller"] is False
