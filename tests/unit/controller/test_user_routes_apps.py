"""The user API in-process: applications, units, relations, secrets, actions, logs, bundles."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from pyjuju.core import timefmt

WP = {"requires": {"db": {"interface": "mysql"}}}
MYSQL = {"provides": {"server": {"interface": "mysql"}}}
ACTIONS = {"backup": {"description": "back up", "params": {"to": {"type": "string"}}, "required": ["to"]}}


@pytest.fixture
def upload(api, charm_bytes):
    """Upload a charm through the route; returns its URL."""

    def do(**kw: Any) -> str:
        resp = api.post("/api/models/default/charms", content=charm_bytes(**kw),
                        headers={"Content-Type": "application/zip"})
        assert resp.status_code == 200, resp.text
        return str(resp.json()["url"])

    return do


@pytest.fixture
def web(model, api, upload) -> str:
    """``web`` deployed with two units (web/0 leads, on machine 0); returns the charm URL."""
    url = upload(files={"actions.yaml": yaml.safe_dump(ACTIONS)})
    resp = api.post("/api/models/default/applications", json={"application": "web", "charm_url": url,
                                                               "num_units": 2})
    assert resp.json() == {"application": "web", "charm-url": url}
    return url


def unit_row(svc, model, name: str):
    with svc.store.read() as tx:
        return tx.unit(model.uuid, name)


# -- applications ----------------------------------------------------------------------
def test_deploy_show_and_status(svc, model, api, web) -> None:
    shown = api.get("/api/models/default/applications/web").json()
    assert shown["charm"] == "mini" and shown["principal"] is True and shown["exposed"] is False
    status = api.get("/api/models/default/status").json()
    assert list(status["applications"]["web"]["units"]) == ["web/0", "web/1"]
    assert status["applications"]["web"]["units"]["web/0"]["leader"] is True
    assert list(status["machines"]) == ["0", "1"]


def test_deploy_refusals(svc, model, api, api_error, web) -> None:
    body = {"application": "web", "charm_url": web, "num_units": 1}
    err = api_error(api.post("/api/models/default/applications", json=body), 409, "already-exists")
    assert err["details"] == {"application": "web"}
    api_error(api.post("/api/models/default/applications", json={**body, "application": "db",
                                                                 "charm_url": "local:nope-0"}),
              404, "charm-not-found")
    err = api_error(api.post("/api/models/default/applications",
                             json={**body, "application": "db", "config_strings": {"port": "eighty"}}),
                    400, "config-invalid")
    assert "port" in err["message"]
    err = api_error(api.post("/api/models/default/applications", json={"charm_url": web, "num_units": -1}),
                    400, "invalid-argument")
    assert "application" in err["message"] and "num_units" in err["message"]
    with svc.store.read() as tx:
        assert [a.name for a in tx.applications(model.uuid)] == ["web"]


def test_application_config_and_trust(svc, model, api, api_error, web) -> None:
    path = "/api/models/default/applications/web/config"
    assert api.patch(path, json={"strings": {"port": "8080"}}).json() == {"changed": True}
    assert api.patch(path, json={"strings": {"port": "8080"}}).json() == {"changed": False}
    cfg = api.get(path).json()
    assert cfg["settings"]["port"] == {"description": "listen port", "type": "int", "default": 80,
                                       "value": 8080, "source": "user"}
    err = api_error(api.patch(path, json={"reset": ["nope"]}), 400, "config-invalid")
    assert err["details"] == {"key": "nope", "application": "web"}
    api_error(api.get("/api/models/default/applications/ghost/config"), 404, "application-not-found")

    trust = "/api/models/default/applications/web/trust"
    assert api.post(trust, json={}).json() == {}  # trust defaults to true, as `juju trust APP`
    assert api.get(path).json()["application-config"]["trust"]["value"] is True
    api.post(trust, json={"trust": False})
    assert api.get(path).json()["application-config"]["trust"]["value"] is False
    err = api_error(api.post(trust, json={"trust": "perhaps"}), 400, "invalid-argument")
    assert "trust" in err["message"]


def test_expose_constraints_and_refresh(svc, model, api, api_error, web, upload) -> None:
    app = "/api/models/default/applications/web"
    assert api.post(f"{app}/expose", json={}).json() == {
        "exposed-endpoints": {"": {"expose-to-cidrs": ["0.0.0.0/0", "::/0"]}}}
    api_error(api.post(f"{app}/unexpose", json={"endpoints": ["nope"]}), 400, "invalid-argument")
    assert api.post(f"{app}/unexpose", json={}).json() == {"exposed-endpoints": {}}

    assert api.put(f"{app}/constraints", json={"constraints": "cores=1"}).json() == {}
    assert api.get(f"{app}/constraints").json() == {"cores": 1}

    newer = upload(config={"options": {"port": {"type": "int", "default": 81}}})
    assert newer == "local:mini-1"
    assert api.post(f"{app}/refresh", json={"charm_url": newer}).json() == {
        "charm-url": newer, "changed": True, "revision": 1}
    assert api.post(f"{app}/refresh", json={"revision": 0}).json()["charm-url"] == web
    for body in ({}, {"charm_url": newer, "revision": 0}):
        err = api_error(api.post(f"{app}/refresh", json=body), 400, "invalid-argument")
        assert err["message"] == "give exactly one of charm_url and revision"


def test_remove_application(svc, model, api, api_error, web) -> None:
    notes = api.delete("/api/models/default/applications/web").json()["notes"]
    assert notes[0] == "will remove application web" and "will remove unit web/1" in notes
    # the units never had an instance: they, and so the application, are gone at once
    api_error(api.get("/api/models/default/applications/web"), 404, "application-not-found")
    api_error(api.delete("/api/models/default/applications/web"), 404, "application-not-found")


# -- units -----------------------------------------------------------------------------
def test_add_show_and_remove_units(svc, model, api, api_error, web) -> None:
    assert api.post("/api/models/default/applications/web/units", json={"num_units": 1}).json() == {
        "units": ["web/2"]}
    err = api_error(api.post("/api/models/default/applications/web/units", json={"num_units": 0}), 400,
                    "invalid-argument")
    assert "num_units" in err["message"]
    shown = api.get("/api/models/default/units/web/0").json()
    assert shown["leader"] is True and shown["machine"] == "0" and shown["life"] == "alive"
    err = api_error(api.get("/api/models/default/units/web/9"), 404, "unit-not-found")
    assert err["details"] == {"unit": "web/9"}
    assert api.delete("/api/models/default/units/web/2").json() == {
        "notes": ["will remove unit web/2", "- will remove machine 2"]}
    assert unit_row(svc, model, "web/2") is None


def test_resolved(svc, model, api, api_error, web) -> None:
    path = "/api/models/default/units/web/0/resolved"
    err = api_error(api.post(path, json={}), 400, "invalid-argument")
    assert err["message"] == 'unit "web/0" is not in an error state'
    with svc.store.write() as tx:
        tx.update_unit(model.uuid, "web/0", agent_status={"current": "error", "message": "hook failed",
                                                          "since": timefmt.now_iso()})
    assert api.post(path, json={"retry": False}).json() == {}
    assert unit_row(svc, model, "web/0").resolved == "no-retry"
    err = api_error(api.post(path, json={"retry": "later"}), 400, "invalid-argument")
    assert "retry" in err["message"]


def test_add_storage(svc, model, api, api_error, web) -> None:
    err = api_error(api.post("/api/models/default/units/web/0/storage", json={"counts": {"data": 1}}), 404,
                    "not-found")
    assert err["message"] == 'charm storage "data" not found'
    api_error(api.post("/api/models/default/units/web/7/storage", json={"counts": {"data": 1}}), 404,
              "unit-not-found")
    err = api_error(api.post("/api/models/default/units/web/0/storage", json={}), 400, "invalid-argument")
    assert "counts" in err["message"]


# -- relations -------------------------------------------------------------------------
def test_integrate_and_remove_relation(svc, model, api, api_error, upload) -> None:
    for name, md in (("wp", WP), ("mysql", MYSQL)):
        url = upload(name=name, metadata=md)
        api.post("/api/models/default/applications", json={"application": name, "charm_url": url,
                                                           "num_units": 1})
    rel = api.post("/api/models/default/relations", json={"endpoints": ["wp", "mysql"]}).json()
    assert rel["key"] == "wp:db mysql:server"
    status = api.get("/api/models/default/status").json()
    assert status["applications"]["wp"]["relations"] == {
        "db": [{"related-application": "mysql", "interface": "mysql", "scope": "global"}]}
    assert status["relations-tabular"] == [{"provider": "mysql:server", "requirer": "wp:db",
                                            "interface": "mysql", "type": "regular", "message": ""}]
    api_error(api.post("/api/models/default/relations", json={"endpoints": ["mysql", "wp"]}), 409,
              "already-exists")
    err = api_error(api.post("/api/models/default/relations", json={"endpoints": ["wp"]}), 400,
                    "invalid-argument")
    assert "endpoints" in err["message"]
    api_error(api.post("/api/models/default/relations", json={"endpoints": ["wp", "ghost"]}), 404,
              "application-not-found")

    assert api.post("/api/models/default/relations/remove", json={"endpoints": ["wp", "mysql"]}).json() == {
        "id": rel["id"], "key": rel["key"]}
    api_error(api.post("/api/models/default/relations/remove", json={"endpoints": [str(rel["id"])]}), 404,
              "relation-not-found")
    assert "relations-tabular" not in api.get("/api/models/default/status").json()


# -- user secrets ----------------------------------------------------------------------
def test_user_secrets(svc, model, api, api_error, web) -> None:
    uri = api.post("/api/models/default/secrets", json={"name": "pw", "content": {"password": "s3cret"}}).json()["uri"]
    assert uri.startswith("secret:")
    listed = api.get("/api/models/default/secrets").json()
    (sid, doc), = listed.items()
    assert uri == f"secret:{sid}" and doc["name"] == "pw" and doc["revision"] == 1 and "content" not in doc
    revealed = api.get("/api/models/default/secrets", params={"ref": "pw", "reveal": True}).json()
    assert revealed[sid]["content"] == {"Data": {"password": "s3cret"}}

    err = api_error(api.post("/api/models/default/secrets", json={"content": {"a": "b"}}), 400, "invalid-argument")
    assert err["message"] == "a secret needs a name"
    api_error(api.post("/api/models/default/secrets", json={"name": "pw", "content": {"a": "b"}}), 409,
              "already-exists")
    api_error(api.post("/api/models/default/secrets/pw/grants", json={"applications": ["ghost"]}), 404,
              "application-not-found")
    assert api.post("/api/models/default/secrets/pw/grants", json={"applications": ["web"]}).json() == {}
    assert api.patch("/api/models/default/secrets/pw", json={"content": {"password": "n3w"}}).json() == {}
    assert api.get("/api/models/default/secrets").json()[sid]["revision"] == 2
    assert api.delete("/api/models/default/secrets/pw").json() == {}
    api_error(api.get("/api/models/default/secrets", params={"ref": "pw"}), 404, "secret-not-found")


# -- actions and exec ------------------------------------------------------------------
def test_run_action_and_follow_its_task(svc, model, api, api_error, web) -> None:
    run = api.post("/api/models/default/actions",
                   json={"receivers": ["web/leader", "web/7"], "action": "backup", "params": {"to": "/srv"}}).json()
    assert run["tasks"] == [{"id": "2", "receiver": "web/0"}] and run["failures"] == ['unit "web/7" not found']
    task = api.get("/api/models/default/tasks/2", params={"wait": 0.05}).json()  # nobody runs it: times out
    assert task["status"] == "pending" and task["unit"] == "web/0" and task["parameters"] == {"to": "/srv"}
    ops = api.get("/api/models/default/operations").json()
    assert [(o["id"], o["kind"], o["status"]) for o in ops] == [("1", "action", "pending")]

    err = api_error(api.post("/api/models/default/actions", json={"receivers": ["web/0"], "action": "backup"}),
                    400, "invalid-argument")
    assert err["message"].startswith('validation failed for action "backup"') and "'to'" in err["message"]
    err = api_error(api.post("/api/models/default/actions", json={"receivers": [], "action": "backup"}),
                    400, "invalid-argument")
    assert "receivers" in err["message"]
    err = api_error(api.get("/api/models/default/tasks/99"), 404, "not-found")
    assert err["details"] == {"task": 99}


def test_exec(svc, model, api, api_error, web) -> None:
    done = api.post("/api/models/default/exec", json={"command": "hostname", "machines": ["1"]}).json()
    assert done["tasks"] == [{"id": "2", "receiver": "1", "kind": "machine"}]
    err = api_error(api.post("/api/models/default/exec", json={"command": "hostname"}), 400, "usage")
    assert "no target" in err["message"]


# -- logs and bundles ------------------------------------------------------------------
def test_logs_are_filtered_by_entity_and_level(svc, model, api) -> None:
    now = timefmt.now_iso()
    with svc.store.write() as tx:
        tx.add_logs([{"model_uuid": model.uuid, "time": now, "entity": entity, "level": level,
                      "module": "juju.worker", "location": "", "message": text}
                     for entity, level, text in (("unit-web-0", "INFO", "one"), ("machine-0", "ERROR", "two"),
                                                 ("unit-web-1", "DEBUG", "three"))])
    messages = [r["message"] for r in api.get("/api/models/default/logs").json()]
    assert messages == ["one", "two", "three"]

    def query(**params: Any) -> list[str]:
        return [r["message"] for r in api.get("/api/models/default/logs", params=params).json()]

    assert query(include="web") == ["one", "three"]
    assert query(include="web/1") == ["three"]
    assert query(exclude="0") == ["one", "three"]
    assert query(level="warn") == ["two"]
    assert query(lines=1) == ["three"]


def test_annotations_and_snapshot(svc, model, api, api_error, web) -> None:
    path = "/api/models/default/applications/web/annotations"
    assert api.post(path, json={"annotations": {"a": "1", "b": "2"}}).json() == {"annotations": {"a": "1", "b": "2"}}
    assert api.post(path, json={"annotations": {"a": None, "b": ""}}).json() == {"annotations": {}}
    err = api_error(api.post(path, json={"annotations": ["a"]}), 400, "invalid-argument")
    assert "annotations" in err["message"]
    api_error(api.post("/api/models/default/applications/ghost/annotations", json={}), 404,
              "application-not-found")
    snap = api.get("/api/models/default/snapshot").json()
    assert snap["applications"]["web"]["charm-url"] == web
    assert [u["name"] for u in snap["applications"]["web"]["units"]] == ["web/0", "web/1"]
