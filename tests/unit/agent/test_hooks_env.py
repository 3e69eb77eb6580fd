"""The hook environment."""

from __future__ import annotations

from typing import Any

import pytest

from pyjuju.agent.hooks.env import hook_env
from pyjuju.core.version import JUJU_VERSION
from pyjuju.wire import ProxySettings

LEGACY = ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "ftp_proxy", "FTP_PROXY",
          "no_proxy", "NO_PROXY")


def env(**over: Any) -> dict[str, str]:
    args: dict[str, Any] = dict(
        unit="app/0", model_name="default", model_uuid="uuid-1", machine_id="3",
        charm_dir="/agents/unit-app-0/charm", tools_dir="/tools/unit-app-0",
        socket_path="/tmp/s.sock", context_id="app/0-install-42", hook_name="install",
        dispatch_path="hooks/install", api_addresses=["https://10.0.0.1:17070", "127.0.0.1:17070"],
    )
    args.update(over)
    if isinstance(args.get("proxy"), dict):  # written with the model-config keys
        args["proxy"] = ProxySettings(**{k.replace("-", "_"): v for k, v in args["proxy"].items()})
    return hook_env(**args)


def test_path_is_the_tools_then_a_fixed_system_path(monkeypatch) -> None:
    """Not the agent's own PATH, which is the environment that bootstrapped the controller."""
    monkeypatch.setenv("PATH", "/home/me/.venv/bin:/home/me/.pyenv/shims:/usr/bin:/bin")
    assert env()["PATH"] == (
        "/tools/unit-app-0:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/snap/bin")
    monkeypatch.delenv("PATH")
    assert env()["PATH"].startswith("/tools/unit-app-0:/usr/local/sbin:")


def test_always_set_variables(monkeypatch) -> None:
    monkeypatch.setenv("PYJUJU_SHOULD_NOT_LEAK", "1")
    e = env()
    expected = {
        "CHARM_DIR": "/agents/unit-app-0/charm",
        "JUJU_CHARM_DIR": "/agents/unit-app-0/charm",
        "JUJU_CONTEXT_ID": "app/0-install-42",
        "JUJU_HOOK_NAME": "install",
        "JUJU_DISPATCH_PATH": "hooks/install",
        "JUJU_AGENT_SOCKET_ADDRESS": "/tmp/s.sock",
        "JUJU_AGENT_SOCKET_NETWORK": "unix",
        "JUJU_UNIT_NAME": "app/0",
        "JUJU_MODEL_UUID": "uuid-1",
        "JUJU_MODEL_NAME": "default",
        "JUJU_VERSION": JUJU_VERSION,
        "JUJU_API_ADDRESSES": "10.0.0.1:17070 127.0.0.1:17070",
        "JUJU_MACHINE_ID": "3",
        "JUJU_PRINCIPAL_UNIT": "",
        "JUJU_AVAILABILITY_ZONE": "",
        "CLOUD_API_VERSION": "",
        "JUJU_SLA": "unsupported",
        "LANG": "C.UTF-8",
        "DEBIAN_FRONTEND": "noninteractive",
        "APT_LISTCHANGES_FRONTEND": "none",
        "JUJU_CHARM_HTTP_PROXY": "",
        "JUJU_CHARM_HTTPS_PROXY": "",
        "JUJU_CHARM_FTP_PROXY": "",
        "JUJU_CHARM_NO_PROXY": "",
    }
    for k, v in expected.items():
        assert e[k] == v, k
    assert "HOME" in e and "TERM" in e
    assert "PYJUJU_SHOULD_NOT_LEAK" not in e  # built from scratch, never inherited
    assert all(isinstance(v, str) for v in e.values())
    for k in ("JUJU_RELATION", "JUJU_RELATION_ID", "JUJU_REMOTE_UNIT", "JUJU_REMOTE_APP",
              "JUJU_DEPARTING_UNIT", *LEGACY):
        assert k not in e


def test_path_default_when_agent_has_none(monkeypatch) -> None:
    monkeypatch.delenv("PATH", raising=False)
    path = env()["PATH"]
    assert path.startswith("/tools/unit-app-0:")
    assert "/usr/bin" in path.split(":")


def test_principal_and_empty_api_addresses() -> None:
    e = env(principal="wordpress/0", api_addresses=[])
    assert e["JUJU_PRINCIPAL_UNIT"] == "wordpress/0"
    assert e["JUJU_API_ADDRESSES"] == ""


def test_no_legacy_proxy_vars_unless_a_proxy_is_set() -> None:
    proxy = {"http-proxy": "", "https-proxy": "", "ftp-proxy": "",
             "no-proxy": "127.0.0.1,localhost,::1", "juju-http-proxy": "http://jp:3128",
             "juju-no-proxy": "10.0.0.0/8"}
    e = env(proxy=proxy)
    for k in LEGACY:
        assert k not in e, k
    # the juju-* ones are always exported
    assert e["JUJU_CHARM_HTTP_PROXY"] == "http://jp:3128"
    assert e["JUJU_CHARM_NO_PROXY"] == "10.0.0.0/8"
    assert e["JUJU_CHARM_HTTPS_PROXY"] == ""


def test_legacy_proxy_vars_both_cases_when_set() -> None:
    proxy = {"http-proxy": "http://p:3128", "https-proxy": "", "ftp-proxy": "",
             "no-proxy": "localhost,127.0.0.1,localhost,::1"}
    e = env(proxy=proxy)
    assert e["http_proxy"] == e["HTTP_PROXY"] == "http://p:3128"
    for k in ("https_proxy", "HTTPS_PROXY", "ftp_proxy", "FTP_PROXY"):
        assert k not in e, k
    # no_proxy: sorted and de-duplicated, both cases
    assert e["no_proxy"] == e["NO_PROXY"]
    assert e["no_proxy"].split(",") == sorted({"localhost", "127.0.0.1", "::1"})


@pytest.mark.parametrize("key, var", [("https-proxy", "https_proxy"), ("ftp-proxy", "ftp_proxy")])
def test_any_one_legacy_proxy_enables_export(key, var) -> None:
    e = env(proxy={key: "http://x:1", "no-proxy": ""})
    assert e[var] == e[var.upper()] == "http://x:1"
    assert "no_proxy" not in e and "NO_PROXY" not in e  # empty no-proxy is not exported


def test_relation_variables() -> None:
    e = env(hook_name="db-relation-departed", dispatch_path="hooks/db-relation-departed",
            relation=("db", "db:7", "pg/1", "pg"), departing_unit="pg/1")
    assert (e["JUJU_RELATION"], e["JUJU_RELATION_ID"]) == ("db", "db:7")
    assert (e["JUJU_REMOTE_UNIT"], e["JUJU_REMOTE_APP"]) == ("pg/1", "pg")
    assert e["JUJU_DEPARTING_UNIT"] == "pg/1"
    e = env(relation=("db", "db:7", "", "pg"))
    assert e["JUJU_REMOTE_UNIT"] == "" and "JUJU_DEPARTING_UNIT" not in e


def test_extra_variables_override() -> None:
    e = env(hook_name="", extra={"JUJU_ACTION_NAME": "backup", "JUJU_ACTION_UUID": "2"})
    assert e["JUJU_ACTION_NAME"] == "backup" and e["JUJU_HOOK_NAME"] == ""
