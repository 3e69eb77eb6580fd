"""A charmcraft project in the split layout, with parts, deployed from its directory.

tests/charms/ops-split keeps metadata.yaml, config.yaml and actions.yaml beside
charmcraft.yaml, and besides the charm part has a nil part whose
override-build fills a wheelhouse from a list file (with pip, from PyPI) and a
dump part that organises a file into templates/. The charm imports a library
from that wheelhouse and reads the template at run time.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from .harness import CHARMS, Juju, unit_statuses


def test_split_layout_with_parts_deploys_and_runs(juju: Juju, tmp_path: Path) -> None:
    juju.cli("deploy", str(CHARMS / "ops-split"), timeout=600)
    expected = "hello: six 1.16.0 from wheelhouse, motd welcome aboard"
    juju.wait(lambda s: unit_statuses(s, "ops-split").get("ops-split/0") == ("active", expected)
              and s["applications"]["ops-split"]["units"]["ops-split/0"]["juju-status"]["current"] == "idle",
              timeout=300, what="ops-split/0 active with what its parts built")
    runtime = json.loads(juju.charm_file("ops-split/0", "runtime.json").read_text())
    wheelhouse = juju.unit_dir("ops-split/0") / "charm" / "wheelhouse"
    assert runtime["wheel"] == "six-1.16.0-py2.py3-none-any.whl"
    assert runtime["six-file"].startswith(str(wheelhouse / runtime["wheel"]))  # imported from the wheel
    charm_dir = juju.unit_dir("ops-split/0") / "charm"
    assert not (charm_dir / "files").exists() and not (charm_dir / "wheelhouse.txt").exists()

    juju.cli("config", "ops-split", "greeting=bonjour")
    juju.wait(lambda s: unit_statuses(s, "ops-split")["ops-split/0"][1].startswith("bonjour: six 1.16.0"),
              timeout=120, what="config-changed with the new greeting")
    res = juju.cli("run", "ops-split/0", "report", "--format", "json")
    results = json.loads(res.stdout)["ops-split/0"]["results"]
    assert results["motd"] == "welcome aboard" and results["six"] == "1.16.0"


def test_a_part_that_cannot_run_is_refused_and_nothing_is_deployed(juju: Juju, tmp_path: Path) -> None:
    project = Path(shutil.copytree(CHARMS / "ops-split", tmp_path / "ops-split"))
    cc = yaml.safe_load((project / "charmcraft.yaml").read_text())
    cc["parts"]["wheelhouse"]["build-snaps"] = ["astral-uv"]
    (project / "charmcraft.yaml").write_text(yaml.safe_dump(cc))
    res = juju.cli("deploy", str(project), check=False)
    assert res.returncode == 1
    assert "charmcraft.yaml: parts.wheelhouse.build-snaps: snaps cannot be installed" in res.stderr
    assert "ops-split" not in (juju.status().get("applications") or {})
    assert sorted(p.name for p in project.iterdir()) == sorted(p.name for p in (CHARMS / "ops-split").iterdir())
