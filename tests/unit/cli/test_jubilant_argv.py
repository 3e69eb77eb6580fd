"""Every command line jubilant (from PyPI) can build is one pyjuju's parser accepts.

jubilant runs against a stand-in binary that only records its argv; each recorded command
line then goes through pyjuju's click tree in parse-only mode (no command runs). The calls
below use every keyword argument of every public ``jubilant.Juju`` method, so a flag that
jubilant learns and pyjuju lacks shows up here as a usage error naming the flag.
"""

from __future__ import annotations

import inspect
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import jubilant
import pytest

from pyjuju.cli.main import cli

# jubilant hands some input over in temporary files that it deletes after the call; the
# recorder keeps a copy so that parse-only checks still find them.
RECORD = """\
import json, os, shutil, sys
log = os.environ["ARGV_LOG"]
argv = sys.argv[1:]
for i, arg in enumerate(argv):
    if arg.startswith("/tmp/tmp") and os.path.isfile(arg):
        argv[i] = shutil.copy(arg, os.path.join(os.path.dirname(log), "kept-%d" % i))
with open(log, "a") as f:
    f.write(json.dumps(argv) + "\\n")
"""

MODEL = "ctl:admin/mdl"


def calls(tmp: Path) -> dict[str, Callable[[jubilant.Juju], Any]]:
    cloud = {"clouds": {"c": {"type": "openstack", "auth-types": ["userpass"]}}}
    cred = {"credentials": {"c": {"k": {"auth-type": "userpass"}}}}
    key = tmp / "key"  # written by record()
    return {
        "add_cloud": lambda j: j.add_cloud("c", cloud, client=True, credential="k", force=True),
        "add_cloud/controller": lambda j: j.add_cloud("c", cloud, controller="ctl", target_controller="t"),
        "add_credential": lambda j: j.add_credential("c", cred, client=True, region="r"),
        "add_credential/controller": lambda j: j.add_credential("c", cred, controller="ctl"),
        "add_machine": lambda j: j.add_machine(),
        "add_machine/all": lambda j: j.add_machine(
            "ssh:root@10.0.0.9", base="debian@12", constraints={"mem": "1G", "cores": 2},
            disks=["1G", "2G"], num_machines=2, private_key=key, public_key=key),
        "add_model": lambda j: j.add_model("m2", "local", controller="ctl", config={"a": 1, "b": True},
                                           credential="k"),
        "add_secret": lambda j: j.add_secret("s", {"k": "v"}, info="i"),
        "add_ssh_key": lambda j: j.add_ssh_key("ssh-ed25519 AAAA a@b", "ssh-rsa BBBB c@d"),
        "add_unit": lambda j: j.add_unit("a", attach_storage=["d/0", "d/1"], num_units=2, to=["0", "1"]),
        "bootstrap": lambda j: j.bootstrap(
            "local", "ctl", bootstrap_base="debian@12", bootstrap_constraints={"mem": "1G"},
            config={"x": 1}, constraints={"cores": 2}, credential="k", metadata_source="/tmp",
            force=True, model_defaults={"y": "z"}, storage_pool={"name": "p", "type": "dir"}, to=["0"]),
        "config/get": lambda j: j.config("a"),
        "config/app": lambda j: j.config("a", app_config=True),
        "config/set": lambda j: j.config("a", {"s": "x y", "n": 1, "f": 0.5, "b": False}, reset=["r1", "r2"]),
        "config/reset": lambda j: j.config("a", reset="r"),
        "consume": lambda j: j.consume("other.app", "alias", controller="c2", owner="bob"),
        "debug_log": lambda j: j.debug_log(limit=10),
        "deploy": lambda j: j.deploy("./c.charm"),
        "deploy/all": lambda j: j.deploy(
            tmp / "c.charm", "app", attach_storage=["d/0"], base="debian@12", bind={"db": "alpha"},
            channel="latest/edge", config={"k": "v"}, constraints={"mem": "2G"}, force=True,
            num_units=3, overlays=[tmp / "o.yaml"], resources={"r": "/tmp/r"}, revision=4,
            storage={"data": "1G"}, to=["0", "1", "2"], trust=True),
        "deploy/bind-str": lambda j: j.deploy("c", bind="alpha db=alpha"),
        "destroy_model": lambda j: j.destroy_model("m2", destroy_storage=True, force=True, no_wait=True,
                                                   timeout=120.0),
        "destroy_model/release": lambda j: j.destroy_model("m2", release_storage=True),
        "exec/unit": lambda j: j.exec("echo", "a", "--flag", unit="a/0", wait=0.001),
        "exec/machine": lambda j: j.exec("echo hi", machine=0, wait=120.0),
        "grant_secret": lambda j: j.grant_secret("secret:abc", ["a", "b"]),
        "integrate": lambda j: j.integrate("a:db", "b", via=["10.0.0.0/8", "192.168.0.0/16"]),
        "model_config/get": lambda j: j.model_config(),
        "model_config/set": lambda j: j.model_config({"update-status-hook-interval": "10s"}, reset=["x"]),
        "model_constraints/get": lambda j: j.model_constraints(),
        "model_constraints/set": lambda j: j.model_constraints({"mem": "1G", "cores": 4}),
        "offer": lambda j: j.offer("a", endpoint="db"),
        "offer/other-model": lambda j: j.offer("mdl.a", endpoint=["db", "admin"], name="o", controller="ctl"),
        "refresh": lambda j: j.refresh(
            "a", base="debian@12", channel="edge", config={"k": "v"}, force=True, path=tmp / "c.charm",
            resources={"r": "/tmp/r"}, revision=3, storage={"data": "2G"}, trust=True),
        "remove_application": lambda j: j.remove_application("a", "b", destroy_storage=True, force=True),
        "remove_relation": lambda j: j.remove_relation("a", "b:db", force=True),
        "remove_secret": lambda j: j.remove_secret("secret:abc", revision=2),
        "remove_ssh_key": lambda j: j.remove_ssh_key("a@b", "SHA256:xyz"),
        "remove_unit": lambda j: j.remove_unit("a/0", "a/1", destroy_storage=True, force=True),
        "remove_unit/num": lambda j: j.remove_unit("a", num_units=2),
        "run": lambda j: j.run("a/leader", "act", {"p": 1, "nested": {"q": [1, 2]}}, wait=0.001),
        "scp": lambda j: j.scp(tmp / "f", "a/0:/tmp/f", container="c", host_key_checks=False,
                               scp_options=["-r", "-C"]),
        "scp/remote-local": lambda j: j.scp("0:/etc/hosts", tmp / "hosts"),
        "secrets": lambda j: j.secrets(owner="application-a"),
        "show_model": lambda j: j.show_model("other"),
        "show_secret": lambda j: j.show_secret("s", reveal=True, revision=1),
        "show_secret/revisions": lambda j: j.show_secret("secret:abc", revisions=True),
        "show_unit": lambda j: j.show_unit("a/0"),
        "ssh": lambda j: j.ssh("a/0", "ls", "-l", "/tmp", container="c", host_key_checks=False,
                               ssh_options=["-i", "/k", "-o", "X=y"], user="ubuntu"),
        "ssh/machine": lambda j: j.ssh(0, "echo hi"),
        "status": lambda j: j.status(),
        "trust": lambda j: j.trust("a", scope="cluster"),
        "trust/remove": lambda j: j.trust("a", remove=True, scope="cluster"),
        "update_cloud": lambda j: j.update_cloud("c", cloud, client=True),
        "update_cloud/controller": lambda j: j.update_cloud("c", cloud, controller="ctl"),
        "update_secret": lambda j: j.update_secret("s", {"k": "v2"}, info="i", name="s2", auto_prune=True),
        "version": lambda j: j.version(),
    }


def record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: Callable[[jubilant.Juju], Any]) -> list[list[str]]:
    binary = tmp_path / "juju"
    binary.write_text(f"#!{sys.executable}\n{RECORD}")
    binary.chmod(0o755)
    (tmp_path / "key").write_text("k")
    log = tmp_path / "argv.jsonl"
    log.write_text("")
    monkeypatch.setenv("ARGV_LOG", str(log))
    try:
        call(jubilant.Juju(model=MODEL, cli_binary=str(binary)))
    except Exception:  # noqa: BLE001 - the stand-in prints nothing, so parsing its output may fail
        pass
    return [json.loads(line) for line in log.read_text().splitlines()]


def parse_only(argv: list[str]) -> click.Context:
    """What ``pyjuju <argv>`` would parse, without running the command."""
    args = cli._go_bool_flags(list(argv))  # the same Go-style bool rewrite main() applies
    ctx = cli.make_context("pyjuju", list(args))
    name, cmd, rest = cli.resolve_command(ctx, [*ctx._protected_args, *ctx.args])
    assert cmd is not None, f"no command for {argv}"
    return cmd.make_context(name or "", rest, parent=ctx)


def test_every_public_jubilant_method_is_covered(tmp_path: Path) -> None:
    covered = {name.split("/")[0] for name in calls(tmp_path)}
    public = {n for n, _ in inspect.getmembers(jubilant.Juju, inspect.isfunction) if not n.startswith("_")}
    # cli() takes raw argv and wait() calls status(); both are exercised elsewhere.
    assert public - covered - {"cli", "wait"} == set()


@pytest.mark.parametrize("name", sorted(calls(Path("/nonexistent-unused"))))
def test_pyjuju_parses_what_jubilant_builds(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    recorded = record(tmp_path, monkeypatch, calls(tmp_path)[name])
    assert recorded, f"jubilant made no call for {name}"
    for argv in recorded:
        try:
            parse_only(argv)
        except click.UsageError as e:
            pytest.fail(f"pyjuju rejects {argv}: {e.format_message()}")


def test_parse_only_catches_unknown_flags() -> None:
    with pytest.raises(click.UsageError, match="--no-such-flag"):
        parse_only(["status", "--no-such-flag"])
