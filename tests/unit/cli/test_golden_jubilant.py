"""jubilant's parsers read pyjuju's golden outputs (``tests/golden``).

The golden files are pyjuju's real output for a model with machines, subordinates,
relations, a unit in error and open ports (``tests/e2e/test_golden.py`` captures them and
fails when they go stale). Here jubilant itself runs each call against a stand-in binary
that replays one golden file, so the whole of jubilant's path is exercised: argv
building, exit-code and stderr branching, and its Status, Task, Secret, UnitInfo and
ModelInfo classes.
"""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path

import jubilant
import pytest

GOLDEN = Path(__file__).resolve().parents[2] / "golden"

REPLAY = """\
import json, os, sys
case = json.load(open(os.path.join(os.environ["GOLDEN_DIR"], os.environ["GOLDEN_CASE"] + ".json")))
with open(os.environ["GOLDEN_ARGV"], "w") as f:
    json.dump(sys.argv[1:], f)
if case["stdout"] is not None:
    sys.stdout.write(json.dumps(case["stdout"]))
sys.stderr.write(case["stderr"])
sys.exit(case["returncode"])
"""


class Replay:
    """A ``juju`` binary for jubilant that answers with one golden file per call."""

    def __init__(self, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.binary = tmp / "juju"
        self.binary.write_text(f"#!{sys.executable}\n{REPLAY}")
        self.binary.chmod(0o755)
        self.argv_file = tmp / "argv.json"
        self.monkeypatch = monkeypatch
        monkeypatch.setenv("GOLDEN_DIR", str(GOLDEN))
        monkeypatch.setenv("GOLDEN_ARGV", str(self.argv_file))
        self.juju = jubilant.Juju(model="golden", cli_binary=str(self.binary))

    def case(self, name: str) -> jubilant.Juju:
        self.monkeypatch.setenv("GOLDEN_CASE", name)
        return self.juju

    @property
    def argv(self) -> list[str]:
        return json.loads(self.argv_file.read_text())


@pytest.fixture
def replay(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Replay:
    return Replay(tmp_path, monkeypatch)


def test_every_golden_file_is_a_recorded_call() -> None:
    names = {p.stem for p in GOLDEN.glob("*.json")}
    assert {"status", "run-completed", "run-failed", "exec-unit", "exec-machine", "secrets",
            "show-secret-reveal", "show-secret-revisions", "show-unit", "show-model", "config",
            "version"} <= names
    for path in GOLDEN.glob("*.json"):
        doc = json.loads(path.read_text())
        assert set(doc) == {"returncode", "stdout", "stderr"}, path.name


def test_status_machines_subordinates_relations_errors_ports(replay: Replay) -> None:
    status = replay.case("status").status()
    assert replay.argv[:2] == ["status", "--model"]
    assert status.model.name == "golden" and status.model.type == "iaas" and status.model.version == "3.6.4"
    assert status.model.model_status.current == "available"
    assert len(status.machines) == 7
    m0 = status.machines["0"]
    assert m0.juju_status.current == "started" and m0.machine_status.current == "running"
    assert m0.base is not None and (m0.base.name, m0.base.channel) == ("debian", "12")
    assert m0.hostname == m0.instance_id == "pyjuju-000000-0" and m0.ip_addresses == ["10.0.0.1"]

    web = status.apps["web"]
    assert web.charm == "local:bash-hooks-0" and web.charm_origin == "local" and web.charm_rev == 0
    assert web.relations["juju-info"][0].related_app == "sub"
    assert web.relations["juju-info"][0].scope == "container"
    web0 = web.units["web/0"]
    assert web0.leader and web0.machine == "1"
    assert web0.open_ports == ["icmp", "8080/tcp", "9000-9001/udp"]
    assert web0.subordinates["sub/0"].workload_status.message == "sub of web/0"
    assert web0.subordinates["sub/0"].is_active

    sub = status.apps["sub"]
    assert sub.subordinate_to == ["web"] and not sub.units
    assert set(status.get_units("sub")) == {"sub/0", "sub/1"}
    assert {u.leader for u in status.get_units("sub").values()} == {True, False}

    assert status.apps["provider"].relations["data"][0].related_app == "requirer"
    assert status.apps["requirer"].relations["data"][0].interface == "bashkv"
    assert status.apps["requirer"].app_status.message == "tokens=1"

    broken = status.apps["broken"]
    assert broken.app_status.current == "error"
    assert broken.units["broken/0"].workload_status.message == 'hook failed: "install"'
    assert broken.units["broken/0"].juju_status.current == "idle"
    assert jubilant.any_error(status) and jubilant.any_error(status, "broken")
    assert not jubilant.any_error(status, "web", "sub", "provider", "requirer", "ops")
    assert jubilant.all_active(status, "web", "sub", "provider", "requirer", "ops")
    assert not jubilant.all_active(status)
    assert jubilant.all_agents_idle(status)
    assert status.apps["ops"].version == "9.9" and status.apps["ops"].units["ops/0"].open_ports == ["8080/tcp"]


def test_run_completed_and_failed_tasks(replay: Replay) -> None:
    task = replay.case("run-completed").run("ops/0", "do-thing", {"param1": "x"})
    assert replay.argv[0] == "run" and "ops/0" in replay.argv and "do-thing" in replay.argv
    assert task.success and task.status == "completed" and task.return_code == 0
    assert task.id == "2"
    assert task.results == {"config": {"greeting": "hello", "port": "8080"}, "params": {"param1": "x"},
                            "thingy": "foo"}
    assert task.log == ["2025-01-01 00:00:00 +0000 UTC doing the thing"]

    with pytest.raises(jubilant.TaskError) as failed:
        replay.case("run-failed").run("ops/0", "do-thing", {"error": "ERR"})
    assert failed.value.task.status == "failed" and failed.value.task.message == "failed with error: ERR"
    assert failed.value.task.return_code == 0 and not failed.value.task.success


def test_exec_on_a_unit_and_a_failing_command_on_a_machine(replay: Replay) -> None:
    task = replay.case("exec-unit").exec("echo", "hi", unit="web/0")
    assert replay.argv[replay.argv.index("--unit") + 1] == "web/0"
    assert task.success and task.stdout == "hi\n" and task.stderr == "" and task.return_code == 0

    with pytest.raises(jubilant.TaskError) as failed:
        replay.case("exec-machine").exec("sh", "-c", "exit 3", machine=0)
    t = failed.value.task
    assert (t.return_code, t.stdout, t.stderr, t.status) == (3, "out\n", "err\n", "completed")


def test_secrets_list_reveal_and_revisions(replay: Replay) -> None:
    (secret,) = replay.case("secrets").secrets()
    assert secret.uri == "secret:d0000000000000000000" and secret.revision == 2
    assert secret.owner == "<model>" and secret.name == "creds" and secret.description == "db creds"
    assert secret.created == datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    assert secret.access is not None and [(a.target, a.scope, a.role) for a in secret.access] == [
        ("ops", "model", "view")]

    revealed = replay.case("show-secret-reveal").show_secret("creds", reveal=True)
    assert isinstance(revealed, jubilant.RevealedSecret)
    assert revealed.content == {"user": "admin", "password": "hunter3"} and revealed.checksum

    history = replay.case("show-secret-revisions").show_secret("creds", revisions=True)
    assert history.revisions is not None and [r.revision for r in history.revisions] == [1, 2]
    assert {r.backend for r in history.revisions} == {"internal"}


def test_show_unit_sees_only_its_own_subordinate(replay: Replay) -> None:
    info = replay.case("show-unit").show_unit("web/0")
    assert info.leader and info.life == "alive" and info.machine == "1"
    assert info.opened_ports == ["icmp", "8080/tcp", "9000-9001/udp"]
    (rel,) = info.relation_info
    assert (rel.endpoint, rel.related_endpoint) == ("juju-info", "host")
    assert list(rel.related_units) == ["sub/0"]
    assert rel.local_unit is not None and rel.local_unit.in_scope

    sub = replay.case("show-unit-sub").show_unit("sub/0")
    assert sub.charm == "local:bash-sub-0" and list(sub.relation_info[0].related_units) == ["web/0"]


def test_show_model_config_and_version(replay: Replay) -> None:
    model = replay.case("show-model").show_model()
    assert model.short_name == "golden" and model.name == "admin/golden" and model.life == "alive"
    assert model.controller_name == "golden-ctl" and model.model_type == "iaas"
    assert model.status.current == "available" and model.status.since == "just now"
    assert model.credential is not None and model.credential.cloud == "local"
    assert {m.cores for m in model.machines.values()} == {2}

    config = replay.case("config").config("web")
    assert config["ports"] == "8080,9000-9001/udp,icmp" and config["count"] == 1
    assert config["enabled"] is True and config["ratio"] == 0.5 and "nodefault" not in config
    assert replay.case("config").config("web", app_config=True) == {"trust": False}

    version = replay.case("version").version()
    assert (version.major, version.minor, version.patch) == (3, 6, 4)
