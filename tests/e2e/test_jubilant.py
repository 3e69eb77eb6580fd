"""jubilant (from PyPI) drives pyjuju exactly as it drives juju: every call below goes
through ``jubilant.Juju(cli_binary=<pyjuju>)``, and jubilant's own parsers read our output."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import jubilant
import pytest

from .harness import CHARMS, Juju

PYJUJU = str(Path(sys.executable).with_name("pyjuju"))


def pack(src: Path, out: Path, ops_version: str | None = None) -> Path:
    tree = out / src.name
    shutil.copytree(src, tree)
    if ops_version:
        (tree / "requirements.txt").write_text(f"ops=={ops_version}\n")
    subprocess.run([PYJUJU, "pack", str(tree), "-o", str(out)], check=True, capture_output=True,
                   env=os.environ)
    (charm,) = [p for p in out.glob(f"{src.name}_*.charm")]
    return charm


@pytest.fixture
def jj(controller: Juju, monkeypatch: pytest.MonkeyPatch) -> jubilant.Juju:
    monkeypatch.setenv("PYJUJU_DATA", str(controller.data_dir))
    juju = jubilant.Juju(cli_binary=PYJUJU)
    juju.add_model(f"jub-{uuid.uuid4().hex[:8]}")
    yield juju
    juju.destroy_model(juju.model, destroy_storage=True, force=True)


def test_jubilant_end_to_end(jj: jubilant.Juju, tmp_path: Path) -> None:
    assert jj.version().major == 3
    charms = tmp_path / "charms"
    charms.mkdir()
    db = pack(CHARMS / "ops-db", charms, "3.9.0")
    app = pack(CHARMS / "ops-app", charms, "2.17.1")
    ops_charm = pack(CHARMS / "ops-charm", charms, "3.9.0")
    jj.deploy(db, num_units=2)
    jj.deploy(app)
    jj.deploy(ops_charm, config={"greeting": "hi"})
    jj.deploy(CHARMS / "bash-hooks", config={"greeting": "hello", "count": 2, "enabled": True})
    jj.integrate("ops-app", "ops-db")
    status = jj.wait(jubilant.all_active, timeout=300)
    jj.wait(jubilant.all_agents_idle, timeout=120)
    assert status.apps["ops-app"].relations["db"][0].related_app == "ops-db"
    assert status.apps["ops-app"].app_status.message.startswith("db ops-db-db at ")
    assert {u.leader for u in status.apps["ops-db"].units.values()} == {True, False}
    assert status.apps["ops-db"].charm_name == "ops-db" and status.apps["ops-db"].charm_origin == "local"

    # config get / set / reset
    cfg = jj.config("bash-hooks")
    assert cfg["greeting"] == "hello" and cfg["count"] == 2 and cfg["enabled"] is True
    assert jj.config("bash-hooks", app_config=True)["trust"] is False
    jj.config("bash-hooks", {"greeting": "hola", "ratio": 2.5})
    assert jj.config("bash-hooks")["greeting"] == "hola"
    jj.config("bash-hooks", reset="greeting")
    assert jj.config("bash-hooks")["greeting"] == "hello"

    # scale out and in
    jj.add_unit("bash-hooks")
    jj.wait(lambda s: len(s.apps["bash-hooks"].units) == 2 and jubilant.all_active(s, "bash-hooks"))
    jj.remove_unit("bash-hooks/1")
    jj.wait(lambda s: list(s.apps["bash-hooks"].units) == ["bash-hooks/0"])

    # actions: success, failure reported by the charm, exception
    task = jj.run("ops-charm/0", "do-thing", {"param1": "value1"})
    assert task.success and task.status == "completed" and task.return_code == 0
    assert task.results == {"config": {"greeting": "hi", "port": "8080"}, "params": {"param1": "value1"},
                            "thingy": "foo"}
    with pytest.raises(jubilant.TaskError) as failed:
        jj.run("ops-charm/0", "do-thing", {"error": "ERR"})
    assert failed.value.task.status == "failed" and failed.value.task.message == "failed with error: ERR"
    with pytest.raises(jubilant.TaskError) as raised:
        jj.run("ops-charm/0", "do-thing", {"exception": "EXC"})
    assert raised.value.task.return_code != 0 and "exception: EXC" in raised.value.task.stderr
    with pytest.raises(ValueError):
        jj.run("ops-charm/0", "no-such-action")
    with pytest.raises(TimeoutError):
        jj.run("ops-charm/0", "do-thing", wait=0.001)

    # exec on a unit and a machine
    task = jj.exec("echo", "bar", "baz", unit="bash-hooks/0")
    assert task.stdout == "bar baz\n" and task.success
    machine = status.apps["bash-hooks"].units["bash-hooks/0"].machine
    assert jj.exec("echo foo", machine=machine).stdout == "foo\n"
    with pytest.raises(jubilant.TaskError) as bad:
        jj.exec("sleep x", unit="bash-hooks/0")
    assert "invalid time" in bad.value.task.stderr
    with pytest.raises(ValueError):
        jj.exec("true", unit="bash-hooks/42")

    # secrets
    uri = jj.add_secret("sec1", {"password": "one"}, info="first")
    jj.grant_secret(uri, "ops-app")
    jj.update_secret(uri, {"password": "two"})
    (secret,) = jj.secrets()
    assert secret.uri.unique_identifier == uri.unique_identifier and secret.revision == 2
    assert secret.name == "sec1" and secret.owner == "<model>"
    revealed = jj.show_secret("sec1", reveal=True)
    assert revealed.content == {"password": "two"}
    jj.remove_secret(uri)
    assert jj.secrets() == []

    # show-unit, show-model
    info = jj.show_unit("ops-app/0")
    assert info.leader and info.charm.startswith("local:ops-app-") and info.life == "alive"
    assert any(r.endpoint == "db" and r.related_endpoint == "db" for r in info.relation_info)
    model = jj.show_model()
    assert model.short_name == jj.model.split(":")[-1] and model.life == "alive"

    # a unit in error, seen through jubilant's parser
    jj.model_config({"automatically-retry-hooks": False})
    assert jj.model_config()["automatically-retry-hooks"] is False
    jj.config("bash-hooks", {"fail-hook": "config-changed"})
    jj.wait(lambda s: jubilant.any_error(s, "bash-hooks"))
    jj.config("bash-hooks", {"fail-hook": ""})
    jj.cli("resolved", "bash-hooks/0")
    jj.wait(lambda s: jubilant.all_active(s, "bash-hooks"))

    # remove-relation, remove-application
    jj.remove_relation("ops-app", "ops-db")
    jj.wait(lambda s: "db" not in s.apps["ops-app"].relations and jubilant.all_blocked(s, "ops-app"))
    jj.remove_application("bash-hooks")
    jj.wait(lambda s: "bash-hooks" not in s.apps)


def test_machines_ssh_and_unsupported(jj: jubilant.Juju, tmp_path: Path) -> None:
    v = jj.version()
    assert (v.major, v.minor) == (3, 6)
    with pytest.raises(jubilant.CLIError) as err:
        jj.offer("x", endpoint="y")
    assert "not supported yet" in err.value.stderr and "offer" in err.value.stderr
    with pytest.raises(jubilant.CLIError) as err:
        jj.consume("other.mysql")
    assert "not supported yet" in err.value.stderr

    jj.add_machine()
    jj.wait(lambda s: "0" in s.machines and s.machines["0"].juju_status.current == "started", timeout=120)
    assert jj.model_constraints() == {}
    jj.model_constraints({"mem": "1G", "cores": 4})
    assert jj.model_constraints() == {"mem": 1024, "cores": 4}
    # This host may have fewer than 4 cores, and new machines must meet the model's constraints.
    jj.cli("set-model-constraints", "mem=", "cores=")
    assert jj.model_constraints() == {}

    jj.deploy(CHARMS / "bash-hooks", to="0", trust=True, base="debian@12")
    jj.deploy(CHARMS / "bash-hooks", "stuck", config={"fail-hook": "install"})
    jj.wait(lambda s: jubilant.all_active(s, "bash-hooks") and jubilant.any_error(s, "stuck"))
    # A unit whose hook failed cannot leave through its hooks; --force removes it anyway.
    jj.remove_application("stuck", force=True)
    jj.wait(lambda s: "stuck" not in s.apps)
    assert jj.status().apps["bash-hooks"].units["bash-hooks/0"].machine == "0"
    assert jj.config("bash-hooks", app_config=True)["trust"] is True
    jj.trust("bash-hooks", remove=True)
    assert jj.config("bash-hooks", app_config=True)["trust"] is False

    # ssh / scp run commands on the unit's machine, as jubilant builds them
    assert jj.ssh("bash-hooks/0", "echo", "hi there").strip() == "hi there"
    assert jj.ssh(0, "hostname").strip() == jj.status().machines["0"].hostname
    local = tmp_path / "payload.txt"
    local.write_text("payload\n")
    jj.scp(local, "bash-hooks/0:/tmp/payload.txt")
    assert jj.ssh("bash-hooks/0", "cat /tmp/payload.txt") == "payload\n"
    back = tmp_path / "back.txt"
    jj.scp("bash-hooks/0:/tmp/payload.txt", back)
    assert back.read_text() == "payload\n"
    # OpenSSH options after the target, recursive copies, and stdin, as jubilant's own suite uses them
    keyfile = tmp_path / "id_test"
    keyfile.write_text("not used: commands go through the machine agent\n")
    assert jj.ssh("bash-hooks/0", "echo UNIT", ssh_options=["-i", str(keyfile)]) == "UNIT\n"
    tree = tmp_path / "mydir"
    (tree / "sub").mkdir(parents=True)
    (tree / "a.txt").write_text("A")
    (tree / "sub" / "b.txt").write_text("B")
    jj.scp(tree, "bash-hooks/0:/tmp/mydir", scp_options=["-r", "-i", str(keyfile)])
    assert jj.ssh("bash-hooks/0", "cat /tmp/mydir/a.txt /tmp/mydir/sub/b.txt") == "AB"
    copy = tmp_path / "copy"
    jj.scp("bash-hooks/0:/tmp/mydir", copy, scp_options=["-r"])
    assert (copy / "sub" / "b.txt").read_text() == "B"
    assert jj.cli("ssh", "bash-hooks/0", "cat", stdin="foo") == "foo"

    key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGz5o1c2r2mG0r5vM1K0zOQWm8Yk4w7bE1Yk2n2s5l1a test@example"
    jj.add_ssh_key(key)
    jj.remove_ssh_key("test@example")
    lines = jj.debug_log(limit=5).splitlines()
    assert len(lines) == 5 and any("unit-bash-hooks-0" in line for line in lines)
