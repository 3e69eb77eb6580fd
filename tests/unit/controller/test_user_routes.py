"""The user API in-process: authentication, models, machines, model settings, error bodies,
typed request bodies, and the CLI's client speaking to it."""

from __future__ import annotations

import pytest

from pyjuju.controller.services import applications, charms
from pyjuju.core.errors import (
    ApplicationNotFoundError,
    ConfigError,
    InvalidArgumentError,
    ModelNotFoundError,
)


def deploy(svc, charm_bytes, name: str = "web", n: int = 1) -> str:
    url = charms.add_charm(svc, "default", charm_bytes()).url
    applications.deploy(svc, "default", application=name, charm_url=url, num_units=n, config={},
                        config_strings={}, directives=[])
    return url


def model_row(svc, name: str = "default"):
    with svc.store.read() as tx:
        return next(m for m in tx.models() if m.name == name)


# -- authentication ------------------------------------------------------------------
USER_CALLS = [
    ("GET", "/api/controller", None),
    ("GET", "/api/models", None),
    ("POST", "/api/models", {"name": "sneaky"}),
    ("GET", "/api/models/default/status", None),
    ("POST", "/api/models/default/machines", {"count": 1}),
    ("GET", "/api/models/default/logs", None),
    ("GET", "/api/models/default/snapshot", None),
]


@pytest.mark.parametrize(("method", "path", "body"), USER_CALLS)
@pytest.mark.parametrize(("authorization", "message"), [
    (None, "missing bearer token"),
    ("Basic YWRtaW46eA==", "expected a bearer token"),
    ("Bearer not-a-token", "unknown token"),
])
def test_user_calls_are_refused_without_a_valid_token(svc, model, api_as, api_error, method, path, body,
                                                      authorization, message) -> None:
    err = api_error(api_as(authorization).request(method, path, json=body), 401, "unauthorized")
    assert message in err["message"]
    with svc.store.read() as tx:
        assert [m.name for m in tx.models()] == ["default"]
        assert tx.machines(model.uuid) == []


@pytest.mark.parametrize(("method", "path", "body"), USER_CALLS)
def test_user_calls_are_forbidden_to_a_machine_agent(svc, model, api_as, api_error, method, path, body) -> None:
    err = api_error(api_as("machine").request(method, path, json=body), 403, "forbidden")
    assert "needs a user credential" in err["message"]


def test_health_needs_no_token_and_the_admin_token_works(svc, api_as) -> None:
    assert api_as(None).get("/api/health").json()["controller-uuid"] == svc.controller_uuid
    assert api_as("admin").get("/api/controller").json() == {"name": "ctl", "uuid": svc.controller_uuid,
                                                             "cloud": "local", "region": "localhost"}


# -- models --------------------------------------------------------------------------
def test_add_list_and_show_models(svc, model, api, api_error) -> None:
    added = api.post("/api/models", json={"name": "other", "config": {"automatically-retry-hooks": "false"}})
    assert added.status_code == 200
    assert added.json()["name"] == "admin/other" and added.json()["machine-count"] == 0
    assert [m["name"] for m in api.get("/api/models").json()] == ["admin/default", "admin/other"]
    shown = api.get("/api/models/admin:other").json()
    assert shown["model-uuid"] == added.json()["model-uuid"]
    assert shown["users"]["admin"]["access"] == "admin" and shown["machines"] == {}
    assert model_row(svc, "other").config == {"automatically-retry-hooks": False}

    err = api_error(api.post("/api/models", json={"name": "other"}), 409, "already-exists")
    assert err["message"] == 'model "admin/other" already exists'
    err = api_error(api.get("/api/models/nope"), 404, "model-not-found")
    assert err["details"] == {"model": "nope"}
    api_error(api.post("/api/models", json={"name": "x", "config": {"no-such-key": 1}}), 400, "config-invalid")


def test_destroy_model_marks_it_dying_and_removes_its_applications(svc, model, api, api_error,
                                                                   charm_bytes) -> None:
    deploy(svc, charm_bytes, "web", 2)
    resp = api.post("/api/models/default/destroy", json={"force": True})
    assert resp.json() == {"model-uuid": model.uuid}
    m = model_row(svc)
    assert m.life == "dying" and m.status["current"] == "destroying" and m.status["force"] is True
    with svc.store.read() as tx:
        # units that never had a machine instance go at once, and their application with them
        assert tx.applications(model.uuid) == [] and tx.units(model.uuid) == []
    api_error(api.post("/api/models/nope/destroy", json={}), 404, "model-not-found")


def test_model_config_round_trip_and_refusals(svc, model, api, api_error) -> None:
    resp = api.patch("/api/models/default/config", json={"values": {"update-status-hook-interval": "10s"}})
    assert resp.status_code == 200 and resp.json() == {}
    cfg = api.get("/api/models/default/config").json()
    assert cfg["update-status-hook-interval"] == {"Value": "10s", "Source": "model"}
    assert cfg["automatically-retry-hooks"] == {"Value": True, "Source": "default"}
    err = api_error(api.patch("/api/models/default/config", json={"values": {"uuid": "x"}}), 400, "config-invalid")
    assert err["details"] == {"key": "uuid"}
    err = api_error(api.patch("/api/models/default/config", json={"reset": "update-status-hook-interval"}),
                    400, "invalid-argument")
    assert "reset" in err["message"]


def test_model_constraints_and_ssh_keys(svc, model, api, api_error) -> None:
    assert api.put("/api/models/default/constraints", json={"constraints": "cores=2 mem=1G"}).json() == {}
    assert api.get("/api/models/default/constraints").json() == {"cores": 2, "mem": 1024}
    assert api.post("/api/models/default/constraints/check", json={"constraints": "cores=1"}).json() == {
        "constraints": {"cores": 1, "mem": 1024}}
    err = api_error(api.put("/api/models/default/constraints", json={"constraints": 2}), 400, "invalid-argument")
    assert "constraints" in err["message"]
    api_error(api.put("/api/models/default/constraints", json={"constraints": "colour=red"}), 400,
              "invalid-argument")

    key = "ssh-ed25519 AAAAC3Nza me@laptop"
    assert api.post("/api/models/default/ssh-keys", json={"add": [key]}).json() == {"keys": [key]}
    assert model_row(svc).ssh_keys == [key]
    assert api.post("/api/models/default/ssh-keys", json={"remove": ["me@laptop"]}).json() == {"keys": []}
    err = api_error(api.post("/api/models/default/ssh-keys", json={"add": key}), 400, "invalid-argument")
    assert "add" in err["message"]


def test_changes_long_poll(svc, model, api) -> None:
    first = api.get("/api/models/default/changes", params={"since": 0}).json()
    assert first["revision"] == model_row(svc).revision
    assert {"revision": 1, "kind": "model", "key": model.uuid} in first["changes"]
    quiet = api.get("/api/models/default/changes", params={"since": first["revision"], "wait": 0.05}).json()
    assert quiet == {"revision": first["revision"], "changes": []}


# -- machines ------------------------------------------------------------------------
def test_add_list_and_remove_machines(svc, model, api, api_error) -> None:
    resp = api.post("/api/models/default/machines",
                    json={"count": 2, "constraints": "cores=1", "annotations": {"k": "v"}})
    assert resp.json() == {"machines": ["0", "1"]}
    assert api.post("/api/models/default/machines", json={}).json() == {"machines": ["2"]}
    listed = api.get("/api/models/default/machines").json()
    assert listed["model"] == "default" and list(listed["machines"]) == ["0", "1", "2"]
    assert listed["machines"]["0"]["instance-id"] == "pending"
    assert listed["machines"]["0"]["constraints"] == "cores=1"
    with svc.store.read() as tx:
        assert tx.machine(model.uuid, "1").annotations == {"k": "v"}
        assert tx.machine(model.uuid, "2").annotations == {}

    dry = api.post("/api/models/default/machines/remove", json={"machines": ["1"], "dry_run": True}).json()
    assert dry == {"notes": ["will remove machine 1"]}
    with svc.store.read() as tx:
        assert tx.machine(model.uuid, "1").life == "alive"
    assert api.post("/api/models/default/machines/remove", json={"machines": ["1"]}).json() == {
        "notes": ["will remove machine 1"]}
    with svc.store.read() as tx:
        assert tx.machine(model.uuid, "1").life == "dying"
    err = api_error(api.post("/api/models/default/machines/remove", json={"machines": ["9"]}), 404,
                    "machine-not-found")
    assert err["details"] == {"machine": "9"}


def test_add_and_remove_machines_refusals(svc, model, api, api_error, charm_bytes) -> None:
    err = api_error(api.post("/api/models/default/machines", json={"count": 0}), 400, "invalid-argument")
    assert err["message"] == "the number of machines must be at least 1"
    err = api_error(api.post("/api/models/default/machines", json={"target": "lxd:0"}), 501, "not-supported")
    assert "containers are not supported" in err["message"]
    err = api_error(api.post("/api/models/default/machines", json={"count": "two"}), 400, "invalid-argument")
    assert "count" in err["message"]
    err = api_error(api.post("/api/models/default/machines", json={"colour": "red"}), 400, "invalid-argument")
    assert "colour" in err["message"]
    api_error(api.post("/api/models/default/machines", json={"base": "centos@7"}), 400, "invalid-argument")
    with svc.store.read() as tx:
        assert tx.machines(model.uuid) == []

    deploy(svc, charm_bytes, "web", 1)
    err = api_error(api.post("/api/models/default/machines/remove", json={"machines": ["0"]}), 409, "conflict")
    assert err["details"] == {"machine": "0", "units": ["web/0"]}
    api_error(api.post("/api/models/default/machines/remove", json={"machines": []}), 400, "invalid-argument")
    api_error(api.post("/api/models/default/machines/remove", json={"machines": ["0/lxd/x"]}), 400,
              "invalid-argument")


# -- the CLI's client against the routes ----------------------------------------------
def test_client_bodies_match_the_routes(svc, model, user_client, charm_bytes) -> None:
    assert user_client.add_machines("default", 1, "cores=1", None, annotations={"pyjuju.bundle-machine": "0"}) == ["0"]
    with svc.store.read() as tx:
        assert tx.machine(model.uuid, "0").annotations == {"pyjuju.bundle-machine": "0"}
    user_client.set_model_constraints("default", "mem=2G")
    assert user_client.model_constraints("default") == {"mem": 2048}
    assert user_client.ssh_keys("default", add=["ssh-rsa AAAA you@there"]) == ["ssh-rsa AAAA you@there"]
    assert user_client.ssh_keys("default", remove=["you@there"]) == []

    deploy(svc, charm_bytes, "web", 0)
    user_client.trust("default", "web", True)
    assert user_client.get_config("default", "web")["application-config"]["trust"]["value"] is True
    user_client.trust("default", "web", False)
    assert user_client.get_config("default", "web")["application-config"]["trust"]["value"] is False


def test_client_raises_the_servers_error_classes(svc, model, user_client) -> None:
    with pytest.raises(InvalidArgumentError, match="at least 1"):
        user_client.add_machines("default", 0, "", None)
    with pytest.raises(ModelNotFoundError):
        user_client.status("nope")
    with pytest.raises(ApplicationNotFoundError):
        user_client.show_application("default", "ghost")
    with pytest.raises(ConfigError):
        user_client.set_model_config("default", {"no-such-key": "1"}, [])
