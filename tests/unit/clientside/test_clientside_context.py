"""Resolving ``[controller:][user/]model`` against the client store."""

from __future__ import annotations

import pytest

from pyjuju.cli.clientstore import ClientStore
from pyjuju.cli.context import Target, connect, qualify, resolve, split_model_ref
from pyjuju.core.errors import ControllerNotFoundError, ModelNotFoundError


@pytest.fixture
def store(tmp_path, monkeypatch) -> ClientStore:
    monkeypatch.setenv("PYJUJU_DATA", str(tmp_path / "data"))
    s = ClientStore()
    s.add_controller("ctl", {"api-endpoints": ["127.0.0.1:17070"]}, "tok", switch=True)
    s.add_controller("other", {"api-endpoints": ["https://10.1.1.1:17070"]}, "tok2", switch=False)
    s.set_current_model("ctl", "admin/default")
    return s


@pytest.mark.parametrize(
    "ref, expected",
    [
        ("model", (None, "model")),
        ("admin/model", (None, "admin/model")),
        ("ctl:model", ("ctl", "model")),
        ("ctl:admin/model", ("ctl", "admin/model")),
        ("ctl:", ("ctl", "")),
        (":model", (None, "model")),
    ],
)
def test_split_model_ref(ref, expected) -> None:
    assert split_model_ref(ref) == expected


def test_qualify() -> None:
    assert qualify("m") == "admin/m"
    assert qualify("bob/m") == "bob/m"


@pytest.mark.parametrize(
    "ref, target",
    [
        (None, Target("ctl", "admin/default")),
        ("", Target("ctl", "admin/default")),
        ("prod", Target("ctl", "admin/prod")),
        ("admin/prod", Target("ctl", "admin/prod")),
        ("bob/prod", Target("ctl", "bob/prod")),
        ("other:prod", Target("other", "admin/prod")),
        ("ctl:admin/prod", Target("ctl", "admin/prod")),
        ("ctl:", Target("ctl", "admin/default")),
    ],
)
def test_resolve(store, ref, target) -> None:
    got = resolve(store, ref)
    assert got == target
    assert got.short_model == target.model.rpartition("/")[2]


def test_resolve_stored_short_model_is_qualified(store) -> None:
    store.set_current_model("ctl", "dev")
    assert resolve(store, None) == Target("ctl", "admin/dev")


def test_resolve_missing_controller(store) -> None:
    with pytest.raises(ControllerNotFoundError):
        resolve(store, "nope:default")


def test_resolve_no_current_model(store) -> None:
    with pytest.raises(ModelNotFoundError) as ei:
        resolve(store, "other:")
    assert "No current model for controller other" in str(ei.value)
    store.set_current_model("ctl", None)
    with pytest.raises(ModelNotFoundError):
        resolve(store, None)


def test_resolve_without_any_controller(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PYJUJU_DATA", str(tmp_path / "empty"))
    with pytest.raises(ControllerNotFoundError):
        resolve(ClientStore(), "default")


def test_connect_uses_first_endpoint_and_token(store) -> None:
    with connect(store, "ctl") as c:
        assert c.base_url == "http://127.0.0.1:17070"
        assert c.token == "tok"
    with connect(store, "other") as c:
        assert c.base_url == "https://10.1.1.1:17070"
        assert c.token == "tok2"
    with pytest.raises(ControllerNotFoundError):
        connect(store, "nope")
