"""Whole topologies by hand: machines, placement, constraints, expose and the firewall
rules the local provider records, remove-machine (issue 6, everything but bundles)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .harness import Juju

RECORD = 'echo "$JUJU_HOOK_NAME" >> "$JUJU_CHARM_DIR/hooks.log"\n'


def web_charm(root: Path, name: str = "web") -> Path:
    """Opens 8080 for every endpoint, 9090 for ``admin`` only and 8443 for ``website`` only."""
    (root / "hooks").mkdir(parents=True)
    (root / "metadata.yaml").write_text(
        f"name: {name}\nsummary: s\ndescription: d\n"
        "provides:\n  website: {interface: http}\n  admin: {interface: http}\n")
    body = (
        "#!/bin/bash\nset -e\n" + RECORD
        + 'if [ "$JUJU_HOOK_NAME" = install ]; then\n'
        + "  open-port 8080/tcp\n  open-port 9090/tcp --endpoints admin\n"
        + "  open-port 8443/tcp --endpoints website\nfi\n"
        + 'if [ "$JUJU_HOOK_NAME" = start ]; then status-set active ready; fi\n'
    )
    for hook in ("install", "start", "stop", "remove"):
        p = root / "hooks" / hook
        p.write_text(body)
        p.chmod(0o755)
    return root


def topology(st: dict[str, Any]) -> tuple[dict[str, str | None], list[str]]:
    """unit → machine, and the machines: what a refused command must leave alone."""
    units = {u: d.get("machine") for app in st["applications"].values() for u, d in (app.get("units") or {}).items()}
    return units, sorted(st["machines"])


def refused(juju: Juju, *args: str) -> str:
    res = juju.cli(*args, check=False)
    assert res.returncode != 0, f"pyjuju {' '.join(args)} should have failed:\n{res.stdout}"
    last = res.stderr.strip().splitlines()[-1]
    assert last.startswith("ERROR "), res.stderr
    return last


def firewall(juju: Juju, machine: str) -> list[dict[str, Any]] | None:
    inst = juju.status()["machines"][machine]["instance-id"]
    path = juju.data_dir / "controllers" / juju.controller / "local" / "machines" / inst / "firewall.json"
    return json.loads(path.read_text())["ingress"] if path.exists() else None


def rules(entries: list[dict[str, Any]] | None) -> dict[str, list[str]]:
    return {r["port-range"]: r["source-cidrs"] for r in entries or []}


def test_placement_and_constraints(juju: Juju, tmp_path: Path) -> None:
    res = juju.cli("add-machine")
    assert res.stdout == "" and "created machine 0" in res.stderr
    juju.cli("add-machine", "-n", "2", "--constraints", "cores=1", "--constraints", "mem=64M")
    machines = json.loads(juju.cli("machines", "--format", "json").stdout)["machines"]
    assert sorted(machines) == ["0", "1", "2"]
    assert machines["1"]["constraints"] == "cores=1 mem=64M" and "constraints" not in machines["0"]
    assert machines["0"]["hardware"].startswith("arch=")
    juju.wait(lambda st: all(m["juju-status"].get("current") == "started" for m in st["machines"].values()),
              what="machines started")
    machines = json.loads(juju.cli("machines", "--format", "json").stdout)["machines"]
    assert all(m["dns-name"] and m["machine-status"]["current"] == "running" for m in machines.values())
    assert "0" in juju.cli("machines").stdout.split()

    web = web_charm(tmp_path / "web")
    juju.cli("deploy", str(web), "--to", "0")
    juju.cli("deploy", str(web), "db", "-n", "3", "--to", "1,new")  # shorter list: the rest on new machines
    juju.cli("add-unit", "web", "--to", "db/0")  # co-located with db/0, on machine 1
    st = juju.wait_idle(["web", "db"])
    units, _ = topology(st)
    assert units == {"web/0": "0", "web/1": "1", "db/0": "1", "db/1": "3", "db/2": "4"}
    before = topology(st)

    # Refusals change nothing.
    res = juju.cli("deploy", str(web), "boxed", "--to", "lxd:0", check=False)
    assert res.returncode == 1 and res.stderr == (
        'ERROR placement "lxd:0": containers are not supported by the local provider\n')  # nothing uploaded
    assert "containers are not supported" in refused(juju, "add-unit", "web", "--to", "0/lxd/1")
    assert "only possible in a bundle" in refused(juju, "add-unit", "web", "--to", "db")
    assert "availability zones are not supported" in refused(juju, "add-unit", "web", "--to", "zone=az1")
    assert "machine 42 not found" in refused(juju, "add-unit", "web", "--to", "42")
    assert 'unit "db/9" not found' in refused(juju, "add-unit", "web", "--to", "db/9")
    assert "3 placement directives given for 2 unit(s)" in refused(juju, "add-unit", "web", "-n", "2",
                                                                   "--to", "0,1,new")
    err = refused(juju, "deploy", str(web), "big", "--constraints", "cores=9999")
    assert 'cannot satisfy constraint "cores=9999": this host has' in err
    assert "local machines have no tags" in refused(juju, "add-machine", "--constraints", "tags=gpu")
    st = juju.status()
    assert topology(st) == before and "boxed" not in st["applications"] and "big" not in st["applications"]

    # Application constraints: replace the set, key= resets, merged over the model's for new machines.
    juju.cli("set-constraints", "db", "cores=1", "mem=")
    assert juju.cli("constraints", "db").stdout.strip() == "cores=1"
    assert json.loads(juju.cli("constraints", "db", "--format", "json").stdout) == {"cores": 1}
    juju.cli("set-model-constraints", "mem=128M")
    juju.cli("add-unit", "db")
    st = juju.wait(lambda s: "db/3" in s["applications"]["db"]["units"], what="db/3")
    mid = st["applications"]["db"]["units"]["db/3"]["machine"]
    assert st["machines"][mid]["constraints"] == "mem=128M cores=1"
    shown = json.loads(juju.cli("show-application", "db", "--format", "json").stdout)["db"]
    assert shown["constraints"] == {"cores": 1} and shown["exposed"] is False
    juju.cli("set-constraints", "db", "cores=9999")  # stored as given (Juju does not check here) ...
    err = refused(juju, "add-unit", "db")  # ... but refused when a machine would be made
    assert '"cores=9999"' in err
    juju.cli("add-unit", "db", "--to", "0")  # an existing machine is taken as it is
    juju.wait(lambda s: s["applications"]["db"]["units"].get("db/4", {}).get("machine") == "0", what="db/4 on 0")
    juju.cli("set-constraints", "db")
    assert json.loads(juju.cli("constraints", "db", "--format", "json").stdout) == {}


def test_expose_firewall_and_remove_machine(juju: Juju, tmp_path: Path) -> None:
    juju.cli("deploy", str(web_charm(tmp_path / "web")))
    st = juju.wait_idle(["web"])
    mid = st["applications"]["web"]["units"]["web/0"]["machine"]
    assert st["applications"]["web"]["units"]["web/0"]["open-ports"] == ["8080/tcp", "8443/tcp", "9090/tcp"]
    juju.wait(lambda s: firewall(juju, mid) == [], what="an empty firewall for the unexposed machine")
    assert st["applications"]["web"]["exposed"] is False

    juju.cli("expose", "web")
    st = juju.status()
    assert st["applications"]["web"]["exposed"] is True
    assert st["applications"]["web"]["exposed-endpoints"] == {"": {"expose-to-cidrs": ["0.0.0.0/0", "::/0"]}}
    everywhere = ["0.0.0.0/0", "::/0"]
    juju.wait(lambda s: rules(firewall(juju, mid)) == {"8080/tcp": everywhere, "8443/tcp": everywhere,
                                                        "9090/tcp": everywhere}, what="all ports open")
    web_row = next(line for line in juju.cli("status").stdout.splitlines() if line.startswith("web "))
    assert " yes " in web_row

    # Per endpoint: admin's port and the port opened for every endpoint, not website's.
    juju.cli("unexpose", "web")
    juju.cli("expose", "web", "--endpoints", "admin", "--to-cidrs", "10.0.0.0/8,192.168.0.0/16")
    shown = json.loads(juju.cli("show-application", "web", "--format", "json").stdout)["web"]
    assert shown["exposed-endpoints"] == {"admin": {"expose-to-cidrs": ["10.0.0.0/8", "192.168.0.0/16"]}}
    juju.wait(lambda s: rules(firewall(juju, mid)) == {"8080/tcp": ["10.0.0.0/8", "192.168.0.0/16"],
                                                        "9090/tcp": ["10.0.0.0/8", "192.168.0.0/16"]},
              what="admin's ports open to two networks")
    assert 'has no endpoint "nope"' in refused(juju, "expose", "web", "--endpoints", "nope")
    assert 'space "beta" not found' in refused(juju, "expose", "web", "--to-spaces", "beta")
    assert 'endpoint "website" of application "web" is not exposed' in refused(
        juju, "unexpose", "web", "--endpoints", "website")
    juju.cli("unexpose", "web", "--endpoints", "admin")
    st = juju.status()
    assert st["applications"]["web"]["exposed"] is False and "exposed-endpoints" not in st["applications"]["web"]
    juju.wait(lambda s: firewall(juju, mid) == [], what="rules gone after unexpose")

    # remove-machine: refused while units are on it, nothing changed; --force takes them along.
    juju.cli("add-machine")
    st = juju.wait(lambda s: len(s["machines"]) == 2 and all(
        m["juju-status"].get("current") == "started" for m in s["machines"].values()), what="empty machine")
    empty = next(m for m in st["machines"] if m != mid)
    err = refused(juju, "remove-machine", mid)
    assert f"machine {mid}" in err and "web/0" in err and "--force" in err
    assert "machine 99 not found" in refused(juju, "remove-machine", empty, "99")
    assert "--keep-instance" in refused(juju, "remove-machine", empty, "--keep-instance")
    st = juju.status()
    assert sorted(st["machines"]) == sorted([mid, empty]) and "web/0" in st["applications"]["web"]["units"]
    assert all(m.get("life", "alive") == "alive" for m in st["machines"].values())

    res = juju.cli("remove-machine", mid, "--force", "--dry-run")
    assert f"will remove machine {mid}" in res.stderr and "will remove unit web/0" in res.stderr
    assert "web/0" in juju.status()["applications"]["web"]["units"]
    juju.cli("remove-machine", mid, "--force", "--no-prompt")
    juju.wait(lambda s: mid not in s["machines"] and not s["applications"]["web"].get("units"),
              what="the machine and its unit gone")
    juju.cli("remove-machine", empty)
    juju.wait(lambda s: not s["machines"], what="the empty machine gone")
