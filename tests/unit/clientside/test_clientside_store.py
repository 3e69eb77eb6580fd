"""The client's own records: controllers, accounts, current models."""

from __future__ import annotations

import stat

import pytest
import yaml

from pyjuju.cli.clientstore import ClientStore, data_dir
from pyjuju.core.errors import ControllerNotFoundError


@pytest.fixture
def home(tmp_path, monkeypatch):
    root = tmp_path / "pyjuju-data"
    monkeypatch.setenv("PYJUJU_DATA", str(root))
    return root


def info(port: int) -> dict:
    return {"uuid": f"uuid-{port}", "api-endpoints": [f"127.0.0.1:{port}"], "ca-cert": "PEM"}


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_data_dir_from_env_and_xdg(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PYJUJU_DATA", str(tmp_path / "x"))
    assert data_dir() == tmp_path / "x"
    monkeypatch.delenv("PYJUJU_DATA")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert data_dir() == tmp_path / "xdg" / "pyjuju"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert data_dir() == tmp_path / "home" / ".local" / "share" / "pyjuju"


def test_empty_store(home) -> None:
    s = ClientStore()
    assert s.root == home
    assert s.controllers() == {} and s.current_controller() is None
    with pytest.raises(ControllerNotFoundError) as ei:
        s.controller()
    assert "No controllers registered" in str(ei.value)
    assert s.current_model("ctl") is None
    assert not home.exists()  # reading creates nothing


def test_add_controller_files_and_modes(home) -> None:
    s = ClientStore()
    s.add_controller("one", info(1), "tok-1", switch=False)
    assert s.current_controller() == "one"  # first one becomes current
    assert s.controller() == ("one", info(1))
    assert s.token("one") == "tok-1"
    assert mode(home / "accounts.yaml") == 0o600
    accounts = yaml.safe_load((home / "accounts.yaml").read_text())
    assert accounts == {"controllers": {"one": {"user": "admin", "token": "tok-1"}}}
    controllers = yaml.safe_load((home / "controllers.yaml").read_text())
    assert controllers["controllers"]["one"]["api-endpoints"] == ["127.0.0.1:1"]
    assert "tok-1" not in (home / "controllers.yaml").read_text()
    assert not list(home.glob("*.tmp"))


def test_accounts_mode_fixed_even_if_file_was_loose(home) -> None:
    s = ClientStore()
    s.add_controller("one", info(1), "tok-1", switch=True)
    (home / "accounts.yaml").chmod(0o644)
    s.add_controller("two", info(2), "tok-2", switch=False)
    assert mode(home / "accounts.yaml") == 0o600


def test_switching_and_second_controller(home) -> None:
    s = ClientStore()
    s.add_controller("one", info(1), "tok-1", switch=False)
    s.add_controller("two", info(2), "tok-2", switch=False)
    assert s.current_controller() == "one"
    s.add_controller("three", info(3), "tok-3", switch=True)
    assert s.current_controller() == "three"
    s.set_current_controller("two")
    assert s.controller()[0] == "two"
    assert s.controller("one")[1] == info(1)
    with pytest.raises(ControllerNotFoundError) as ei:
        s.controller("nope")
    assert ei.value.details == {"controller": "nope"}
    s.update_controller("one", **{"api-endpoints": ["127.0.0.1:9"]})
    assert s.controller("one")[1]["api-endpoints"] == ["127.0.0.1:9"]
    assert s.controller("one")[1]["uuid"] == "uuid-1"


def test_remove_controller(home) -> None:
    s = ClientStore()
    s.add_controller("one", info(1), "tok-1", switch=True)
    s.add_controller("two", info(2), "tok-2", switch=False)
    s.set_current_model("one", "admin/default")
    s.set_current_model("two", "admin/other")
    s.remove_controller("one")
    assert set(s.controllers()) == {"two"}
    assert s.current_controller() == "two"  # current moves to a remaining one
    assert s.current_model("one") is None and s.current_model("two") == "admin/other"
    with pytest.raises(ControllerNotFoundError):
        s.token("one")
    assert mode(home / "accounts.yaml") == 0o600
    s.remove_controller("two")
    assert s.controllers() == {} and s.current_controller() is None
    with pytest.raises(ControllerNotFoundError):
        s.controller()
    s.remove_controller("never-there")  # harmless


def test_removing_a_non_current_controller_keeps_current(home) -> None:
    s = ClientStore()
    s.add_controller("one", info(1), "tok-1", switch=True)
    s.add_controller("two", info(2), "tok-2", switch=False)
    s.remove_controller("two")
    assert s.current_controller() == "one"


def test_current_model_bookkeeping(home) -> None:
    s = ClientStore()
    s.add_controller("one", info(1), "tok-1", switch=True)
    assert s.current_model("one") is None
    s.set_current_model("one", "admin/default")
    s.set_current_model("two", "admin/x")
    assert s.current_model("one") == "admin/default"
    assert s.current_model("two") == "admin/x"
    s.set_current_model("one", None)
    assert s.current_model("one") is None
    assert s.current_model("two") == "admin/x"
    s.set_current_model("one", None)  # clearing twice is fine
    data = yaml.safe_load((home / "models.yaml").read_text())
    assert data == {"controllers": {"one": {}, "two": {"current-model": "admin/x"}}}


def test_explicit_root_overrides_env(home, tmp_path) -> None:
    s = ClientStore(tmp_path / "elsewhere")
    s.add_controller("one", info(1), "t", switch=True)
    assert (tmp_path / "elsewhere" / "controllers.yaml").exists()
    assert not home.exists()
