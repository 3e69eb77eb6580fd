"""Real CLI commands, end to end, against a real controller app in this process.

Each test runs ``pyjuju ...`` through click with the controller's API served
in-process (see ``tests/unit/inprocess.py``): argument parsing, the client, the
routes, the services and the SQLite store all run, in milliseconds. No agents
run, so machines stay pending and units waiting; the tests assert what the
controller decides and how the CLI shows it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from inprocess import InProcessController, without_times, write_charm


@pytest.fixture
def charms(tmp_path: Path) -> dict[str, Path]:
    return {
        "web": write_charm(tmp_path / "charms", "web", {
            "provides": {"website": {"interface": "http"}},
            "requires": {"db": {"interface": "pgsql"}},
        }, {
            "port": {"type": "int", "default": 80, "description": "listen port"},
            "greeting": {"type": "string", "default": "hello"},
        }),
        "db": write_charm(tmp_path / "charms", "db", {"provides": {"db": {"interface": "pgsql"}}}),
    }


def ok(ctl: InProcessController, *args: str) -> tuple[str, str]:
    """Run a command that must succeed; returns (stdout, stderr)."""
    r = ctl.cli(*args)
    assert r.exit_code == 0, f"pyjuju {' '.join(args)} exited {r.exit_code}: {r.stderr}"
    return r.stdout, r.stderr


def test_add_model_makes_it_current(inprocess: InProcessController) -> None:
    _, err = ok(inprocess, "add-model", "prod", "--config", "logging-config=<root>=DEBUG")
    assert err == 'Added "prod" model on local/localhost with credential "local" for user "admin"\n'
    doc = json.loads(ok(inprocess, "models", "--format", "json")[0])
    assert [m["name"] for m in doc["models"]] == ["admin/controller", "admin/default", "admin/prod"]
    assert doc["current-model"] == "prod"
    table = ok(inprocess, "models")[0]
    assert table.startswith("Controller: inproc\n")
    assert "prod*" in table and "default*" not in table
    # The controller stored the model with its config.
    assert ok(inprocess, "model-config", "logging-config")[0] == "<root>=DEBUG\n"
    # Commands without -m now address the new model.
    assert inprocess.status()["model"]["name"] == "prod"
    assert inprocess.status("-m", "default")["model"]["name"] == "default"


def test_add_model_with_no_switch_keeps_the_current_model(inprocess: InProcessController) -> None:
    ok(inprocess, "add-model", "other", "--no-switch")
    doc = yaml.safe_load(ok(inprocess, "models", "--format", "yaml")[0])
    assert "admin/other" in [m["name"] for m in doc["models"]]
    assert doc["current-model"] == "default"
    r = inprocess.cli("add-model", "other")
    assert (r.exit_code, r.stderr) == (1, 'ERROR model "admin/other" already exists\n')


def test_deploy_a_charm_directory(inprocess: InProcessController, charms: dict[str, Path]) -> None:
    _, err = ok(inprocess, "deploy", str(charms["web"]), "-n", "2", "--config", "port=8080")
    assert err == ('Located local charm "web", revision 0\n'
                   'Deploying "web" from local charm "web", revision 0\n')
    doc = inprocess.status()
    app = doc["applications"]["web"]
    assert (app["charm"], app["charm-name"], app["charm-rev"], app["exposed"]) == ("local:web-0", "web", 0, False)
    assert app["application-status"]["current"] == "waiting"
    # Two units, each on a machine of its own; no agent runs, so they wait for the machines.
    assert {u: (d["machine"], d["juju-status"]["current"]) for u, d in app["units"].items()} == {
        "web/0": ("0", "allocating"), "web/1": ("1", "allocating")}
    assert [u for u, d in app["units"].items() if d.get("leader")] == ["web/0"]
    assert {m: d["machine-status"]["current"] for m, d in doc["machines"].items()} == {"0": "pending", "1": "pending"}
    assert doc["machines"]["0"]["base"] == {"name": "debian", "channel": "12"}
    assert ok(inprocess, "config", "web", "port")[0] == "8080\n"
    # The archive the controller stored is the charm that was deployed.
    stored = inprocess.svc.charm_dir
    assert any(stored.rglob("*")), "the uploaded charm archive is kept by the controller"


def test_deploy_under_another_name_and_twice(inprocess: InProcessController, charms: dict[str, Path]) -> None:
    ok(inprocess, "deploy", str(charms["web"]), "front")
    assert set(inprocess.status()["applications"]) == {"front"}
    r = inprocess.cli("deploy", str(charms["web"]), "front")
    assert (r.exit_code, r.stderr) == (1, 'ERROR cannot add application "front": application already exists\n')
    assert set(inprocess.status()["applications"]["front"]["units"]) == {"front/0"}


def test_status_formats_show_the_same_model(inprocess: InProcessController, charms: dict[str, Path]) -> None:
    ok(inprocess, "deploy", str(charms["web"]))
    as_json = json.loads(ok(inprocess, "status", "--format", "json")[0])
    as_yaml = yaml.safe_load(ok(inprocess, "status", "--format", "yaml")[0])
    # Two calls may straddle a second: apart from the times, they are the same document.
    assert without_times(as_json) == without_times(as_yaml)
    assert without_times(as_json["applications"]["web"]["units"]["web/0"]["workload-status"]) == {
        "current": "waiting", "message": "waiting for machine"}
    tabular = ok(inprocess, "status")[0]
    lines = tabular.splitlines()
    assert lines[0].split() == ["Model", "Controller", "Cloud/Region", "Version", "SLA", "Timestamp"]
    assert lines[1].split()[:3] == ["default", "inproc", "local/localhost"]
    assert any(line.split()[:4] == ["web", "waiting", "0/1", "web"] for line in lines)
    assert any(line.split()[:4] == ["web/0*", "waiting", "allocating", "0"] for line in lines)
    assert any(line.split()[:3] == ["0", "pending", "pending"] for line in lines)


def test_config_get_set_and_reset(inprocess: InProcessController, charms: dict[str, Path]) -> None:
    ok(inprocess, "deploy", str(charms["web"]))
    assert ok(inprocess, "config", "web", "port")[0] == "80\n"
    ok(inprocess, "config", "web", "port=9090", "greeting=hi there")
    assert ok(inprocess, "config", "web", "port")[0] == "9090\n"
    doc = yaml.safe_load(ok(inprocess, "config", "web")[0])
    assert doc["application"] == "web" and doc["charm"] == "web"
    assert doc["settings"]["port"]["value"] == 9090 and doc["settings"]["port"]["source"] == "user"
    assert doc["settings"]["greeting"]["value"] == "hi there"
    doc = json.loads(ok(inprocess, "config", "web", "--format", "json")[0])
    assert doc["settings"]["port"]["default"] == 80
    ok(inprocess, "config", "web", "--reset", "port")
    assert ok(inprocess, "config", "web", "port")[0] == "80\n"
    # The controller refuses a value of the wrong type and keeps the old one.
    r = inprocess.cli("config", "web", "port=eighty")
    assert (r.exit_code, r.stderr) == (1, 'ERROR option "port" expected int, got "eighty"\n')
    assert ok(inprocess, "config", "web", "greeting")[0] == "hi there\n"


def test_add_unit_places_units(inprocess: InProcessController, charms: dict[str, Path]) -> None:
    ok(inprocess, "deploy", str(charms["web"]))
    ok(inprocess, "add-unit", "web", "-n", "2")
    ok(inprocess, "add-unit", "web", "--to", "0")
    units = inprocess.status()["applications"]["web"]["units"]
    assert {u: d["machine"] for u, d in units.items()} == {"web/0": "0", "web/1": "1", "web/2": "2", "web/3": "0"}
    r = inprocess.cli("add-unit", "web", "--to", "7")
    assert r.exit_code == 1 and r.stderr.startswith("ERROR ") and "7" in r.stderr
    assert len(inprocess.status()["applications"]["web"]["units"]) == 4


def test_integrate_and_show_application(inprocess: InProcessController, charms: dict[str, Path]) -> None:
    ok(inprocess, "deploy", str(charms["web"]))
    ok(inprocess, "deploy", str(charms["db"]))
    _, err = ok(inprocess, "integrate", "web", "db")
    assert err == "Added relation 0: web:db db:db\n"
    apps = inprocess.status()["applications"]
    assert apps["web"]["relations"] == {"db": [{"related-application": "db", "interface": "pgsql", "scope": "global"}]}
    assert apps["db"]["relations"] == {"db": [{"related-application": "web", "interface": "pgsql", "scope": "global"}]}
    table = ok(inprocess, "status", "--relations")[0]
    assert any(line.split() == ["db:db", "web:db", "pgsql", "regular"] for line in table.splitlines())
    shown = yaml.safe_load(ok(inprocess, "show-application", "web")[0])
    assert shown["web"]["charm"] == "web"
    assert shown["web"]["principal"] is True and shown["web"]["exposed"] is False
    assert shown["web"]["endpoint-bindings"] == {"": "alpha", "db": "alpha", "website": "alpha"}
    assert json.loads(ok(inprocess, "show-application", "db", "--format", "json")[0])["db"]["charm"] == "db"
    r = inprocess.cli("integrate", "web", "db")
    assert r.exit_code == 1 and r.stderr.startswith("ERROR ") and "already exists" in r.stderr


def test_add_storage_and_attach_resource(inprocess: InProcessController, tmp_path: Path) -> None:
    charm = write_charm(tmp_path, "st", {
        "storage": {"data": {"type": "filesystem", "multiple": {"range": "1-3"}}},
        "resources": {"conf": {"type": "file", "filename": "conf.txt"}},
    })
    ok(inprocess, "deploy", str(charm))
    assert ok(inprocess, "add-storage", "st/0", "data=1")[1] == "added storage data/1 to st/0\n"
    storage = yaml.safe_load(ok(inprocess, "storage", "--format", "yaml")[0])["storage"]
    assert {sid: list(s["attachments"]["units"]) for sid, s in storage.items()} == {
        "data/0": ["st/0"], "data/1": ["st/0"]}
    conf = tmp_path / "conf.txt"
    conf.write_text("hi")
    assert ok(inprocess, "attach-resource", "st", f"conf={conf}")[1] == 'resource "conf" is now revision 1\n'
    (res,) = json.loads(ok(inprocess, "resources", "st", "--format", "json")[0])["resources"]
    assert (res["name"], res["revision"], res["size"], res["origin"]) == ("conf", 1, 2, "upload")


def test_a_background_run_points_at_show_operation(inprocess: InProcessController,
                                                   charms: dict[str, Path]) -> None:
    ok(inprocess, "deploy", str(charms["web"]))
    _, err = ok(inprocess, "exec", "--unit", "web/0", "--background", "--", "hostname")
    assert err.splitlines() == ["Scheduled operation 1 with task 2",
                                "Check operation status with 'pyjuju show-operation 1'"]
    doc = yaml.safe_load(ok(inprocess, "show-operation", "1")[0])
    assert doc["summary"] == "exec hostname" and doc["status"] == "pending"
    assert doc["tasks"]["2"]["unit"] == "web/0" and doc["tasks"]["2"]["status"] == "pending"
    assert json.loads(ok(inprocess, "show-operation", "1", "--format", "json")[0]) == doc
    r = inprocess.cli("show-operation", "99")
    assert (r.exit_code, r.stderr) == (1, 'ERROR operation "99" not found\n')
    assert inprocess.cli("show-operation", "1", "--format", "tabular").exit_code == 2
