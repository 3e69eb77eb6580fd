"""Flags pyjuju cannot honour are refused with an error naming the flag, before anything
is sent to a controller (these run with no controller at all)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pyjuju.cli.main import cli

CHARM = str(Path(__file__).resolve().parents[2] / "charms" / "bash-hooks")


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PYJUJU_DATA", str(tmp_path / "data"))

    def invoke(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, list(args))
        return result.exit_code, result.output + (result.stderr if result.stderr_bytes else "")

    return invoke


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["deploy", CHARM, "--channel", "edge"], 2, "--channel and --revision select Charmhub charms"),
        (["deploy", CHARM, "--revision", "3"], 2, "is a local charm"),
        (["deploy", CHARM, "--overlay", "o.yaml"], 2, "not supported when deploying a charm: --overlay"),
        (["deploy", CHARM, "--attach-storage", "data/0"], 1, "--attach-storage: attaching existing storage"),
        (["deploy", CHARM, "--bind", "db=beta"], 1, 'space "beta" not found'),
        (["add-unit", "app", "--attach-storage", "data/0"], 1, "add-unit --attach-storage"),
        (["remove-unit", "app", "--num-units", "2"], 2, "only supported on kubernetes models"),
        (["add-machine", "--disks", "1G"], 1, "add-machine --disks"),
        (["add-machine", "--series", "hirsute"], 2, 'unknown series "hirsute"'),
        (["add-machine", "--private-key", "k"], 2, "apply to ssh: targets only"),
        (["refresh", "app", "--channel", "edge"], 2, "--channel selects Charmhub charms"),
        (["refresh", "app", "--base", "ubuntu@22.04"], 1, "refresh --base"),
        (["refresh", "app", "--storage", "data=1G"], 1, "refresh --storage"),
        (["refresh", "app", "--resource", "r=/nonexistent/file"], 1, 'resource "r": file'),
        (["bootstrap", "local", "x", "--to", "0"], 1, "bootstrap --to"),
        (["bootstrap", "local", "x", "--storage-pool", "name=p"], 1, "storage pools are not supported yet"),
        (["bootstrap", "local", "x", "--metadata-source", "/tmp"], 1, "metadata-source"),
        (["bootstrap", "local", "x", "--bootstrap-base", "ubuntu@10.04"], 1, "runs on this host"),
        (["bootstrap", "local", "x", "--credential", "nope"], 1, 'credential "nope" not found'),
        (["bootstrap", "local", "x", "--constraints", "bogus=1"], 1, "bogus"),
        (["remove-machine", "0", "--keep-instance"], 1, "remove-machine --keep-instance"),
        (["remove-machine", "zero"], 2, 'invalid machine id "zero"'),
        (["remove-machine"], 2, "Missing argument"),
        (["add-unit", "app", "--to", "0,x y"], 1, 'invalid placement directive "x y"'),
        (["set-constraints", "app", "bogus=1"], 1, 'unknown constraint "bogus"'),
        (["set-constraints", "app", "cores=many"], 1, 'bad "cores" constraint'),
        (["add-machine", "--constraints", "mem=lots"], 1, 'bad "mem" constraint'),
        (["add-machine", "-n", "0"], 2, "-n must be a positive number"),
    ],
)
def test_refused_flags_name_the_problem(run, args: list[str], code: int, message: str) -> None:
    rc, out = run(*args)
    assert rc == code, out
    assert message in out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["add-model", "m", "aws"], 1, 'cloud "aws" not found'),
        (["add-model", "m", "--owner", "bob"], 1, "users other than admin are not supported yet"),
        (["add-model", "m", "--credential", "nope"], 1, 'credential "nope" not found'),
    ],
)
def test_add_model_refusals(run, args: list[str], code: int, message: str) -> None:
    rc, out = run(*args)
    assert rc == code, out
    assert message in out


def test_show_unit_filters() -> None:
    from pyjuju.cli.commands.status import filter_relation_info

    info = {"charm": "local:x-0", "relation-info": [
        {"endpoint": "db", "application-data": {"a": "1"}, "local-unit": {"data": {}},
         "related-units": {"db/0": {"data": {"h": "x"}}, "db/1": {"data": {}}}},
        {"endpoint": "peers", "application-data": {}, "local-unit": {"data": {}}},
    ]}
    assert [r["endpoint"] for r in filter_relation_info(info, endpoint="db")["relation-info"]] == ["db"]
    app_only = filter_relation_info(info, app=True)["relation-info"][0]
    assert app_only == {"endpoint": "db", "application-data": {"a": "1"}}
    one = filter_relation_info(info, related_unit="db/1")["relation-info"]
    assert one[0]["related-units"] == {"db/1": {"data": {}}} and "related-units" not in one[1]
    assert info["relation-info"][0]["related-units"].keys() == {"db/0", "db/1"}  # input untouched


@pytest.mark.parametrize("command", ["remove-machine", "set-constraints", "constraints", "expose", "unexpose",
                                     "add-unit", "add-machine"])
def test_new_commands_have_examples(run, command: str) -> None:
    rc, out = run(command, "--help")
    assert rc == 0 and "pyjuju " + command in out.replace("\n", " ")


BUNDLE = str(Path(__file__).resolve().parents[3] / "bundles" / "demo.yaml")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["deploy", BUNDLE, "-n", "3"], "not supported when deploying a bundle: --num-units"),
        (["deploy", BUNDLE, "--to", "0", "--config", "a=b"], "--config, --to"),
        (["deploy", BUNDLE, "--channel", "edge"], "--channel"),
        (["deploy", BUNDLE, "web"], "an application name cannot be given"),
        (["deploy", BUNDLE, "--map-machines", "existing,zero=1"], 'got "zero=1"'),
        (["deploy", CHARM, "--map-machines", "existing"], "not supported when deploying a charm: --map-machines"),
    ],
)
def test_bundle_flags_are_checked_before_connecting(run, args: list[str], message: str) -> None:
    code, out = run(*args)
    assert code != 0
    assert message in out
