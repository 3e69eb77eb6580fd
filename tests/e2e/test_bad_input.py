"""Bad input: a clear error naming the problem, and nothing changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from .harness import Juju

GOOD_META = "name: good\nsummary: s\ndescription: d\n"


def make_charm(root: Path, meta: str = GOOD_META) -> Path:
    (root / "hooks").mkdir(parents=True)
    (root / "metadata.yaml").write_text(meta)
    (root / "config.yaml").write_text("options:\n  port: {type: int, default: 80}\n  name: {type: string}\n")
    hook = root / "hooks" / "install"
    hook.write_text("#!/bin/sh\nexit 0\n")
    hook.chmod(0o755)
    return root


def snapshot(juju: Juju) -> dict[str, Any]:
    st = juju.status()
    st.pop("controller", None)
    return st


def refused(juju: Juju, *args: str) -> str:
    res = juju.cli(*args, check=False)
    assert res.returncode != 0, f"{args} unexpectedly succeeded"
    assert res.stderr.startswith("ERROR "), res.stderr
    assert res.stdout == ""
    return res.stderr


@pytest.fixture
def deployed(juju: Juju, tmp_path: Path) -> Juju:
    juju.cli("deploy", str(make_charm(tmp_path / "good")), "--config", "port=8080")
    juju.wait_idle(["good"])
    return juju


def test_invalid_metadata_names_file_and_field(deployed: Juju, tmp_path: Path) -> None:
    before = snapshot(deployed)
    bad = make_charm(tmp_path / "bad", "name: bad\nsummary: s\ndescription: d\nrequires:\n  db: {}\n")
    err = refused(deployed, "deploy", str(bad))
    assert "metadata.yaml" in err and "requires.db.interface" in err
    broken = make_charm(tmp_path / "broken", "name: [unclosed\n")
    err = refused(deployed, "deploy", str(broken))
    assert "metadata.yaml" in err
    assert snapshot(deployed) == before


def test_unknown_config_key(deployed: Juju, tmp_path: Path) -> None:
    before = snapshot(deployed)
    config_before = deployed.cli("config", "good", "--format", "json").stdout
    err = refused(deployed, "config", "good", "nope=1")
    assert 'unknown option "nope"' in err
    err = refused(deployed, "deploy", str(tmp_path / "good"), "other", "--config", "nope=1")
    assert 'unknown option "nope"' in err
    assert snapshot(deployed) == before
    assert deployed.cli("config", "good", "--format", "json").stdout == config_before


def test_wrong_config_type(deployed: Juju, tmp_path: Path) -> None:
    before = snapshot(deployed)
    err = refused(deployed, "config", "good", "port=eighty")
    assert 'option "port" expected int, got "eighty"' in err
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text(yaml.safe_dump({"other": {"port": "not-a-number"}}))
    err = refused(deployed, "deploy", str(tmp_path / "good"), "other", "--config", str(cfg))
    assert 'option "port"' in err and "int" in err
    assert snapshot(deployed) == before
    assert json.loads(deployed.cli("config", "good", "--format", "json").stdout)["settings"]["port"]["value"] == 8080


def test_deploy_missing_path(deployed: Juju, tmp_path: Path) -> None:
    before = snapshot(deployed)
    err = refused(deployed, "deploy", str(tmp_path / "does-not-exist"))
    assert "does-not-exist" in err and "not found" in err
    assert snapshot(deployed) == before


def test_deploy_name_in_use(deployed: Juju, tmp_path: Path) -> None:
    before = snapshot(deployed)
    other = make_charm(tmp_path / "other", "name: other\nsummary: s\ndescription: d\n")
    err = refused(deployed, "deploy", str(other), "good")
    assert 'application "good"' in err and "already exists" in err
    assert snapshot(deployed) == before
    assert before["applications"]["good"]["charm-name"] == "good"


def _api(controller: Juju) -> tuple[str, str]:
    store = controller.data_dir
    ctl = yaml.safe_load((store / "controllers.yaml").read_text())["controllers"][controller.controller]
    token = yaml.safe_load((store / "accounts.yaml").read_text())["controllers"][controller.controller]["token"]
    return ctl["api-endpoints"][0], token


def test_wrong_or_missing_token_is_refused(deployed: Juju) -> None:
    url, token = _api(deployed)
    model = f"admin:{deployed.model}"
    before = snapshot(deployed)
    body = {"strings": {"port": "9999"}}
    for headers in ({}, {"Authorization": "Bearer not-the-token"}, {"Authorization": f"Basic {token}"}):
        r = httpx.patch(f"{url}/api/models/{model}/applications/good/config", json=body, headers=headers)
        assert r.status_code == 401, r.text
        assert r.json()["error"]["code"] == "unauthorized"
        r = httpx.get(f"{url}/api/models/{model}/status", headers=headers)
        assert r.status_code == 401
    # The admin token is a user credential: agent calls refuse it.
    r = httpx.post(f"{url}/api/agent/ops/dead", params={"unit": "good/0"}, json={},
                   headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert snapshot(deployed) == before


def test_credentials_file_is_private(controller: Juju) -> None:
    mode = (controller.data_dir / "accounts.yaml").stat().st_mode & 0o777
    assert mode == 0o600


