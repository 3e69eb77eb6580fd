"""The uv plugin (what `charmcraft init` makes now): uv.lock's pins through `uv export` when uv
is installed, pyproject.toml's dependencies with pip when it is not."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from pyjuju.charm import pack_source_tree
from pyjuju.core.errors import CharmError

# Stands in for the charm's interpreter: answers the version probe, records pip calls and
# "installs" one module into --target (no network).
FAKE_PYTHON = """#!/bin/sh
if [ "$1" = "-c" ]; then echo "3.12.0 (fake)"; echo x86_64; exit 0; fi
echo "$*" >> {log}
target=""; prev=""
for arg in "$@"; do
  if [ "$prev" = "--target" ]; then target="$arg"; fi
  prev="$arg"
done
mkdir -p "$target" && echo "X = 1" > "$target/fakedep.py"
"""

PYPROJECT = """\
[project]
name = "mine"
version = "0.1"
dependencies = ["ops>=3,<4"]

[project.optional-dependencies]
fast = ["orjson"]

[dependency-groups]
lint = ["ruff"]
"""
# Stands in for uv: records its argv and exports two pinned requirements.
FAKE_UV = """#!/bin/sh
echo "$*" >> {log}
out=""; prev=""
for arg in "$@"; do
  if [ "$prev" = "--output-file" ]; then out="$arg"; fi
  prev="$arg"
done
printf 'ops==3.9.0\\nPyYAML==6.0.2\\n' > "$out"
"""


def script(path: Path, text: str) -> str:
    path.write_text(text)
    path.chmod(0o755)
    return str(path)


def fake_python(tmp_path: Path) -> tuple[str, Path]:
    log = tmp_path / "pip.log"
    return script(tmp_path / "fake-python", FAKE_PYTHON.format(log=log)), log


def pip_calls(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def uv_project(tree, root: Path, **extra) -> Path:
    cc = {
        "name": "mine", "type": "charm", "summary": "s", "description": "d",
        "base": "ubuntu@24.04", "platforms": {"amd64": None},
        "parts": {"charm": {"plugin": "uv", "source": ".", "build-snaps": ["astral-uv"], **extra}},
    }
    return tree(root, {"charmcraft.yaml": cc, "pyproject.toml": PYPROJECT, "uv.lock": "version = 1\n",
                       "src/charm.py": "import ops\n", "lib/charms/x/v0/x.py": "", "tests/test_x.py": "",
                       "README.md": "r"})


@pytest.fixture
def no_uv(monkeypatch: pytest.MonkeyPatch) -> None:
    path = [d for d in os.environ.get("PATH", "").split(os.pathsep) if not (Path(d) / "uv").exists()]
    monkeypatch.setenv("PATH", os.pathsep.join(path))


def names(archive: Path) -> set[str]:
    with zipfile.ZipFile(archive) as zf:
        return {i.filename for i in zf.infolist() if not i.is_dir()}


def test_with_uv_the_lock_is_exported_and_installed(tmp_path: Path, tree, monkeypatch) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    uv_log = tmp_path / "uv.log"
    script(bindir / "uv", FAKE_UV.format(log=uv_log))
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    project = uv_project(tree, tmp_path / "proj", **{"uv-extras": ["fast"], "uv-groups": ["lint"]})
    python, log = fake_python(tmp_path)
    archive = pack_source_tree(project, tmp_path / "out", python=python)

    (uv_call,) = uv_log.read_text().splitlines()
    assert uv_call.startswith("export --frozen --no-dev --no-emit-project --no-hashes")
    assert "--extra fast" in uv_call and "--group lint" in uv_call
    (pip_call,) = pip_calls(log)
    assert pip_call.endswith("-r .pyjuju-uv-requirements.txt")
    files = names(archive)
    assert {"src/charm.py", "lib/charms/x/v0/x.py", "dispatch", "venv/fakedep.py", "metadata.yaml"} <= files
    assert not {"tests/test_x.py", "README.md", "pyproject.toml", "uv.lock"} & files  # only src/ and lib/
    assert not (project / ".pyjuju-uv-requirements.txt").exists()


def test_with_uv_a_missing_lock_is_refused(tmp_path: Path, tree, monkeypatch) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    script(bindir / "uv", FAKE_UV.format(log=tmp_path / "uv.log"))
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    project = uv_project(tree, tmp_path / "proj")
    (project / "uv.lock").unlink()
    with pytest.raises(CharmError) as info:
        pack_source_tree(project, tmp_path / "out")
    assert info.value.details["field"] == "parts.charm.plugin" and "uv.lock not found" in str(info.value)


def test_without_uv_pyproject_dependencies_are_installed_with_pip(tmp_path: Path, tree, no_uv) -> None:
    project = uv_project(tree, tmp_path / "proj", **{"uv-extras": ["fast"]})
    python, log = fake_python(tmp_path)
    messages: list[str] = []
    archive = pack_source_tree(project, tmp_path / "out", python=python, progress=messages.append)
    (pip_call,) = pip_calls(log)
    assert pip_call.endswith("--disable-pip-version-check ops>=3,<4 orjson")
    assert any(m.startswith("uv is not installed here") for m in messages)
    assert {"dispatch", "src/charm.py", "venv/fakedep.py"} <= names(archive)


def test_without_uv_an_undeclared_group_is_refused(tmp_path: Path, tree, no_uv) -> None:
    project = uv_project(tree, tmp_path / "proj", **{"uv-groups": ["nope"]})
    with pytest.raises(CharmError) as info:
        pack_source_tree(project, tmp_path / "out", python=fake_python(tmp_path)[0])
    assert info.value.details["field"] == "parts.charm.uv-groups" and '"nope"' in str(info.value)


def test_uv_needs_a_pyproject(tmp_path: Path, tree, no_uv) -> None:
    project = uv_project(tree, tmp_path / "proj")
    (project / "pyproject.toml").unlink()
    with pytest.raises(CharmError) as info:
        pack_source_tree(project, tmp_path / "out")
    assert info.value.details["field"] == "parts.charm.source" and "no pyproject.toml" in str(info.value)
