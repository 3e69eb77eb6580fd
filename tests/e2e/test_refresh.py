"""refresh --path to a new charm, and back with --revision: files the charm wrote survive."""

from __future__ import annotations

import json
from pathlib import Path

from .harness import Juju


def version_charm(root: Path, version: str, options: dict[str, str]) -> Path:
    (root / "hooks").mkdir(parents=True)
    (root / "metadata.yaml").write_text("name: evolving\nsummary: s\ndescription: d\n")
    opts = "".join(f"  {k}: {{type: string, default: {v}}}\n" for k, v in options.items())
    (root / "config.yaml").write_text("options:\n" + opts)
    (root / "VERSION-FILE").write_text(version)
    body = (
        "#!/bin/bash\n"
        'echo "$JUJU_HOOK_NAME" >> "$JUJU_CHARM_DIR/hooks.log"\n'
        f'echo {version} > "$JUJU_CHARM_DIR/running-version"\n'
        '[ "$JUJU_HOOK_NAME" = install ] && echo kept > "$JUJU_CHARM_DIR/mine.txt"\n'
        'config-get --format=json > "$JUJU_CHARM_DIR/config.json"\n'
        f'status-set active "version {version}"\n'
    )
    for hook in ("install", "config-changed", "start", "upgrade-charm", "leader-elected"):
        p = root / "hooks" / hook
        p.write_text(body)
        p.chmod(0o755)
    return root


def test_refresh_and_roll_back(juju: Juju, tmp_path: Path) -> None:
    v1 = version_charm(tmp_path / "v1", "one", {"colour": "red", "old": "x"})
    v2 = version_charm(tmp_path / "v2", "two", {"colour": "blue", "new": "y"})
    juju.cli("deploy", str(v1))
    juju.wait_idle(["evolving"])
    juju.cli("config", "evolving", "colour=green", "old=z")
    juju.wait(lambda st: st["applications"]["evolving"]["units"]["evolving/0"]["juju-status"]["current"] == "idle"
              and json.loads(juju.charm_file("evolving/0", "config.json").read_text()).get("old") == "z",
              what="config applied")
    log = juju.charm_file("evolving/0", "hooks.log")
    before = len(log.read_text().splitlines())

    res = juju.cli("refresh", "evolving", "--path", str(v2))
    assert 'revision 1' in res.stderr
    st = juju.wait(lambda s: s["applications"]["evolving"]["units"]["evolving/0"]["workload-status"].get("message")
                   == "version two" and s["applications"]["evolving"]["units"]["evolving/0"]["juju-status"]["current"]
                   == "idle", what="the upgrade")
    app = st["applications"]["evolving"]
    assert app["charm"] == "local:evolving-1" and app["charm-rev"] == 1
    assert log.read_text().splitlines()[before:] == ["upgrade-charm", "config-changed"]
    assert juju.charm_file("evolving/0", "mine.txt").read_text() == "kept\n"  # the charm's own file
    assert juju.charm_file("evolving/0", "VERSION-FILE").read_text() == "two"
    cfg = json.loads(juju.cli("config", "evolving", "--format", "json").stdout)["settings"]
    assert set(cfg) == {"colour", "new"}  # "old" dropped, "new" added with its default
    assert cfg["colour"]["value"] == "green" and cfg["new"]["value"] == "y"

    res = juju.cli("refresh", "evolving", "--path", str(v2))
    assert "already up-to-date" in res.stderr

    juju.cli("refresh", "evolving", "--revision", "0")
    st = juju.wait(lambda s: s["applications"]["evolving"]["units"]["evolving/0"]["workload-status"].get("message")
                   == "version one" and s["applications"]["evolving"]["units"]["evolving/0"]["juju-status"]["current"]
                   == "idle", what="the roll back")
    assert st["applications"]["evolving"]["charm-rev"] == 0
    assert juju.charm_file("evolving/0", "VERSION-FILE").read_text() == "one"
    assert juju.charm_file("evolving/0", "mine.txt").read_text() == "kept\n"
    res = juju.cli("refresh", "evolving", "--revision", "7", check=False)
    assert res.returncode != 0 and "no revision 7" in res.stderr
