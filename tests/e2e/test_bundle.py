"""Bundles against a real controller: deploy, redeploy (no changes), edit (only the
difference), diff-bundle, export-bundle into a fresh model, and bad bundles that change nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from .harness import CHARMS, Juju

BUNDLE = """\
description: five applications
machines:
  "0":
    annotations: {rack: a}
  "1":
    constraints: mem=256M
applications:
  provider:
    charm: ./charms/bash-provider
    num_units: 2
    to: ["0", "1"]
    annotations: {gui-x: "10"}
  requirer:
    charm: ./charms/bash-requirer
    num_units: 2
    to: ["provider/0", "new"]
  sub:
    charm: ./charms/bash-sub
  hooks:
    charm: ./charms/bash-hooks
    num_units: 1
    options:
      greeting: hi
      count: 3
    expose: true
  peer:
    charm: ./charms/bash-peer
    num_units: 2
    to: ["1"]
relations:
- [requirer:data, provider:data]
- [sub:host, requirer]
"""

OVERLAY = """\
applications:
  hooks:
    options:
      count: 5
relations:
- [sub, peer]
"""


@pytest.fixture
def bundle_dir(tmp_path: Path) -> Path:
    for name in ("bash-provider", "bash-requirer", "bash-sub", "bash-hooks", "bash-peer"):
        shutil.copytree(CHARMS / name, tmp_path / "charms" / name, symlinks=True)
    (tmp_path / "bundle.yaml").write_text(BUNDLE)
    (tmp_path / "overlay.yaml").write_text(OVERLAY)
    return tmp_path


def deploy(juju: Juju, *args: str) -> tuple[str, str]:
    res = juju.cli("deploy", *args)
    return res.stdout, res.stderr


def settle(juju: Juju) -> dict[str, Any]:
    juju.cli("wait", "--timeout", "240s", timeout=300)
    return juju.status()


def topology(st: dict[str, Any]) -> dict[str, Any]:
    """A status without ids: apps (charm, scale, exposed, workload messages), which units share
    a machine, and the relations."""
    homes: dict[str, list[str]] = {}
    apps = {}
    for name, app in st["applications"].items():
        units = app.get("units") or {}
        for unit, u in units.items():
            homes.setdefault(u["machine"], []).append(unit)
        apps[name] = (app["charm-name"], app.get("exposed"), len(units) if units else None,
                      sorted(u["workload-status"].get("message", "") for u in units.values()))
    relations = sorted(f'{name}:{ep} {r["related-application"]}' for name, app in st["applications"].items()
                       for ep, rels in (app.get("relations") or {}).items() for r in rels)
    return {"apps": apps, "colocated": sorted(sorted(v) for v in homes.values()), "relations": relations}


def test_bundle_deploy_redeploy_edit_diff_and_export(controller: Juju, juju: Juju, bundle_dir: Path,
                                                     tmp_path: Path) -> None:
    bundle, overlay = str(bundle_dir / "bundle.yaml"), str(bundle_dir / "overlay.yaml")
    out, _ = deploy(juju, bundle, "--overlay", overlay, "--dry-run")
    assert out.startswith("Changes to deploy bundle:\n")
    assert "- add relation sub:host - peer:juju-info\n" in out
    assert juju.status()["applications"] == {}  # a dry run changes nothing

    _, err = deploy(juju, bundle, "--overlay", overlay)
    assert "Deploy of bundle completed." in err
    st = settle(juju)
    apps = st["applications"]
    assert sorted(apps) == ["hooks", "peer", "provider", "requirer", "sub"]
    machine = {u: d["machine"] for a in apps.values() for u, d in (a.get("units") or {}).items()}
    assert machine["requirer/0"] == machine["provider/0"]  # to: provider/0
    assert machine["peer/0"] == machine["peer/1"] == machine["provider/1"]  # bundle machine "1"
    assert len(set(machine.values())) == 4
    assert st["machines"][machine["provider/1"]]["constraints"] == "mem=256M"
    shown = json.loads(juju.cli("show-machine", machine["provider/1"], "--format", "json").stdout)["machines"]
    assert list(shown) == [machine["provider/1"]] and shown[machine["provider/1"]]["constraints"] == "mem=256M"
    res = juju.cli("show-machine", "99", check=False)
    assert res.returncode == 1 and "machine 99 not found" in res.stderr
    assert apps["hooks"]["exposed"] is True and apps["provider"]["exposed"] is False
    assert apps["hooks"]["units"]["hooks/0"]["workload-status"]["message"] == "greeting=hi count=5"
    assert apps["requirer"]["units"]["requirer/0"]["workload-status"]["message"] == "tokens=2"
    assert sorted(r["related-application"] for r in apps["sub"]["relations"]["host"]) == ["peer", "requirer"]
    subs = [s for a in apps.values() for u in (a.get("units") or {}).values() for s in (u.get("subordinates") or {})]
    assert len(subs) == 4

    # Redeploying the same bundle changes nothing.
    out, _ = deploy(juju, bundle, "--overlay", overlay, "--dry-run")
    assert out == "No changes to apply.\n"
    _, err = deploy(juju, bundle, "--overlay", overlay)
    assert "No changes to apply." in err
    assert json.loads(juju.cli("diff-bundle", bundle, "--overlay", overlay).stdout.replace("{}", "null")) is None

    # An edited bundle applies only the difference.
    edited = bundle_dir / "edited.yaml"
    edited.write_text(BUNDLE.replace("greeting: hi", "greeting: hey")
                      .replace("  peer:\n    charm: ./charms/bash-peer\n    num_units: 2",
                               "  peer:\n    charm: ./charms/bash-peer\n    num_units: 3"))
    diff = yaml.safe_load(juju.cli("diff-bundle", str(edited), "--overlay", overlay).stdout)
    assert diff == {"applications": {"hooks": {"options": {"greeting": {"bundle": "hey", "model": "hi"}}},
                                     "peer": {"num_units": {"bundle": 3, "model": 2}}}}
    out, _ = deploy(juju, str(edited), "--overlay", overlay, "--dry-run")
    assert out.splitlines() == [
        "Changes to deploy bundle:",
        f"- add unit peer/2 to existing machine {machine['peer/0']}",
        "- set application options for hooks: greeting=hey",
    ]
    deploy(juju, str(edited), "--overlay", overlay)
    st = settle(juju)
    assert st["applications"]["peer"]["units"]["peer/2"]["machine"] == machine["peer/0"]
    assert st["applications"]["hooks"]["units"]["hooks/0"]["workload-status"]["message"] == "greeting=hey count=5"
    assert set(machine.values()) == set(st["machines"])  # no machine added or lost

    # Export, deploy into a fresh model: the same topology.
    exported = tmp_path / "export" / "bundle.yaml"
    juju.cli("export-bundle", "--filename", str(exported))
    doc = yaml.safe_load(exported.read_text())
    assert doc["applications"]["hooks"]["expose"] is True
    assert doc["applications"]["peer"]["num_units"] == 3
    assert doc["applications"]["provider"]["annotations"] == {"gui-x": "10"}
    assert {"rack": "a"} in [m.get("annotations") for m in doc["machines"].values()]
    assert all((exported.parent / a["charm"]).is_file() for a in doc["applications"].values())
    out, _ = deploy(juju, str(exported), "--dry-run")
    assert out == "No changes to apply.\n"  # the model already is its own export
    controller.cli("add-model", "roundtrip", "--no-switch", model=False)
    fresh = controller.with_model("roundtrip")
    try:
        deploy(fresh, str(exported))
        assert topology(settle(fresh)) == topology(settle(juju))
    finally:
        fresh.cli("destroy-model", f"{controller.controller}:roundtrip", "--no-prompt", "--force",
                  "--timeout", "120s", model=False, check=False)


BAD = [
    (lambda t: t.replace("description:", "colour: blue\ndescription:"), ['unknown key "colour"']),
    (lambda t: t.replace('to: ["1"]', 'to: ["7"]'), ['application "peer"', 'key "to"', 'machine "7"']),
    (lambda t: t.replace("[requirer:data, provider:data]", "[requirer:data, provider:nope]"),
     ['relation "requirer:data provider:nope"', 'no "nope" relation']),
    (lambda t: t.replace("./charms/bash-peer", "./charms/missing"), ['application "peer"', 'key "charm"',
                                                                     "not found"]),
    (lambda t: t.replace("count: 3", "count: many"), ['application "hooks"', 'key "options"', '"count"']),
    (lambda t: t.replace('to: ["1"]', 'to: ["lxd:1"]'), ['application "peer"', "containers"]),
    (lambda t: t.replace("    expose: true\n", "    constraints: cores=9999\n"), ["cores=9999"]),
]


@pytest.mark.parametrize(("edit", "words"), BAD, ids=["unknown-key", "undeclared-machine", "missing-endpoint",
                                                        "missing-charm", "bad-option", "container", "constraints"])
def test_bad_bundles_are_refused_before_any_change(juju: Juju, bundle_dir: Path, edit, words: list[str]) -> None:
    path = bundle_dir / "bad.yaml"
    path.write_text(edit(BUNDLE))
    before = juju.status()
    res = juju.cli("deploy", str(path), check=False)
    assert res.returncode != 0
    assert res.stderr.startswith("ERROR ") or "\nERROR " in res.stderr
    for word in words:
        assert word in res.stderr, res.stderr
    after = juju.status()
    assert after["applications"] == before["applications"] == {}
    assert after["machines"] == {}


def test_bundle_storage_resources_and_trust_survive_export(controller: Juju, juju: Juju, tmp_path: Path) -> None:
    from .test_day2 import resource_charm, storage_charm

    storage_charm(tmp_path / "charms" / "stash")
    resource_charm(tmp_path / "charms" / "fetcher")
    (tmp_path / "payload.tar.gz").write_bytes(b"bundled payload\n")
    (tmp_path / "bundle.yaml").write_text(
        "applications:\n"
        "  stash:\n    charm: ./charms/stash\n    num_units: 1\n    storage:\n      logs: 2\n    trust: true\n"
        "  fetcher:\n    charm: ./charms/fetcher\n    num_units: 1\n    resources:\n"
        "      payload: ./payload.tar.gz\n")
    deploy(juju, str(tmp_path / "bundle.yaml"))
    juju.cli("wait", "--timeout", "240s", timeout=300)

    def facts(j: Juju) -> tuple[Any, ...]:
        st = j.status()
        res = json.loads(j.cli("exec", "--format", "json", "--unit", "fetcher/0", "--", "resource-get payload").stdout)
        cfg = json.loads(j.cli("config", "stash", "--format", "json").stdout)
        trust = cfg["application-config"]["trust"]["value"]
        return (sorted(st["storage"]["storage"]), Path(res["fetcher/0"]["results"]["stdout"]).read_bytes(),
                Path(res["fetcher/0"]["results"]["stdout"]).name, trust)

    before = facts(juju)
    assert before == (["data/0", "logs/0", "logs/1"], b"bundled payload\n", "payload.tar.gz", True)
    out, _ = deploy(juju, str(tmp_path / "bundle.yaml"), "--dry-run")
    assert out == "No changes to apply.\n"
    exported = tmp_path / "export" / "bundle.yaml"
    juju.cli("export-bundle", "--filename", str(exported))
    doc = yaml.safe_load(exported.read_text())
    assert doc["applications"]["stash"]["storage"] == {"logs": "2"}
    assert doc["applications"]["stash"]["trust"] is True
    controller.cli("add-model", "roundtrip2", "--no-switch", model=False)
    fresh = controller.with_model("roundtrip2")
    try:
        deploy(fresh, str(exported))
        fresh.cli("wait", "--timeout", "240s", timeout=300)
        assert facts(fresh) == before
    finally:
        fresh.cli("destroy-model", f"{controller.controller}:roundtrip2", "--no-prompt", "--force",
                  "--timeout", "120s", model=False, check=False)


def test_a_deploy_killed_part_way_finishes_when_run_again(juju: Juju, bundle_dir: Path) -> None:
    import signal
    import subprocess

    from .harness import PYJUJU

    argv = [*PYJUJU, "deploy", "--model", f"{juju.controller}:{juju.model}", str(bundle_dir / "bundle.yaml")]
    proc = subprocess.Popen(argv, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=juju.env())
    assert proc.stderr is not None
    seen = []
    for line in proc.stderr:  # kill it once every machine exists but before any unit does
        seen.append(line)
        if line.startswith("- deploy application"):
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "".join(seen)
    assert len(juju.status()["machines"]) == 4
    _, err = deploy(juju, str(bundle_dir / "bundle.yaml"))
    assert "add new machine" not in err  # the machines made before the kill are used
    st = settle(juju)
    assert len(st["machines"]) == 4
    assert sorted(st["applications"]) == ["hooks", "peer", "provider", "requirer", "sub"]
    assert yaml.safe_load(juju.cli("diff-bundle", str(bundle_dir / "bundle.yaml")).stdout) == {}
