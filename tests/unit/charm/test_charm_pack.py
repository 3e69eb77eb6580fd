"""Packing a charm source tree (charmcraft.yaml + src/) into a .charm archive."""

from __future__ import annotations

import stat
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from pyjuju.charm import load_charm, pack_source_tree, sha256_file
from pyjuju.core.errors import CharmError

DISPATCH = (
    "#!/bin/sh\n"
    'JUJU_DISPATCH_PATH="${JUJU_DISPATCH_PATH:-$0}" PYTHONPATH=lib:venv exec ./src/charm.py\n'
)

# A stand-in interpreter: records its argv, answers the version probe, and
# "installs" one module into --target, so these tests need no network.
FAKE_PYTHON = """#!/bin/sh
echo "$*" >> {log}
if [ "$1" = "-c" ]; then echo "3.11.0 (fake)"; echo x86_64; exit 0; fi
{fail}
target=""; prev=""
for arg in "$@"; do
  if [ "$prev" = "--target" ]; then target="$arg"; fi
  prev="$arg"
done
mkdir -p "$target" && echo "X = 1" > "$target/fakedep.py"
"""
FAIL = (
    'echo "Collecting nothing" >&2; echo "ERROR: No matching distribution for nothing" >&2; exit 1'
)

# Wraps the real interpreter, recording each call, to see whether pip ran.
WRAPPED_PYTHON = """#!/bin/sh
echo "$*" >> {log}
exec {python} "$@"
"""


def script(path: Path, text: str) -> str:
    path.write_text(text)
    path.chmod(0o755)
    return str(path)


def fake_python(tmp_path: Path, *, fail: bool = False) -> tuple[str, Path]:
    log = tmp_path / "python-calls.log"
    text = FAKE_PYTHON.format(log=log, fail=FAIL if fail else "")
    return script(tmp_path / "fake-python", text), log


def pip_calls(log: Path) -> list[str]:
    if not log.exists():
        return []
    return [line for line in log.read_text().splitlines() if line.startswith("-m pip ")]


def members(archive: Path) -> dict[str, zipfile.ZipInfo]:
    with zipfile.ZipFile(archive) as zf:
        return {info.filename: info for info in zf.infolist()}


def read(archive: Path, name: str) -> str:
    with zipfile.ZipFile(archive) as zf:
        return zf.read(name).decode()


def test_pack_without_dependencies(mini_source: Path, tree) -> None:
    tree(
        mini_source,
        {
            ".git/HEAD": "ref",
            "venv/stale.py": "",
            "build/junk": "",
            ".tox/x": "",
            "old_ubuntu.charm": "",
            "src/__pycache__/charm.cpython-311.pyc": b"\0",
            "lib/charms/mylib/v0/mylib.py": "LIBID = 'x'\n",
        },
    )
    messages: list[str] = []
    out = mini_source / "dist"  # an output dir inside the tree is not packed
    archive = pack_source_tree(mini_source, out, progress=messages.append)

    assert archive == out / "mini_ubuntu-22.04-amd64.charm"
    entries = members(archive)
    assert sorted(n for n in entries if not n.endswith("/")) == [
        "README.md",
        "actions.yaml",
        "config.yaml",
        "dispatch",
        "lib/charms/mylib/v0/mylib.py",
        "manifest.yaml",
        "metadata.yaml",
        "src/charm.py",
    ]
    assert "venv/" in entries  # created even with nothing to install
    assert read(archive, "dispatch") == DISPATCH
    assert stat.S_IMODE(entries["dispatch"].external_attr >> 16) == 0o755
    assert (entries["src/charm.py"].external_attr >> 16) & 0o111

    metadata = yaml.safe_load(read(archive, "metadata.yaml"))
    assert metadata["name"] == "mini"
    assert metadata["display-name"] == "Mini charm"
    assert metadata["requires"] == {"db": {"interface": "mysql", "limit": 1}}
    assert not {"type", "base", "platforms", "parts", "config", "actions"} & set(metadata)
    assert yaml.safe_load(read(archive, "config.yaml")) == {
        "options": {"port": {"type": "int", "default": 8080, "description": "Port to listen on."}}
    }
    assert list(yaml.safe_load(read(archive, "actions.yaml"))) == ["backup"]
    assert yaml.safe_load(read(archive, "manifest.yaml"))["bases"] == [
        {"name": "ubuntu", "channel": "22.04", "architectures": ["amd64"]}
    ]

    charm = load_charm(archive)
    assert charm.meta.name == "mini"
    assert charm.has_dispatch
    assert charm.config.defaults() == {"port": 8080}
    assert any("dispatch" in m for m in messages)
    assert messages[-1].startswith("Packed ")


def test_pack_omits_config_and_actions_when_absent(tmp_path: Path, tree) -> None:
    src = tree(
        tmp_path / "src",
        {
            "charmcraft.yaml": {
                "name": "bare",
                "type": "charm",
                "summary": "s",
                "description": "d",
                "bases": [{"name": "ubuntu", "channel": "20.04", "architectures": ["arm64"]}],
            },
            "src/charm.py": "",
        },
    )
    archive = pack_source_tree(src, tmp_path / "out")
    assert archive.name == "bare_ubuntu-20.04-arm64.charm"
    names = members(archive)
    assert "config.yaml" not in names and "actions.yaml" not in names
    assert load_charm(archive).config.options == {}


def test_pyproject_dependencies_are_installed(mini_source: Path, tmp_path: Path) -> None:
    (mini_source / "pyproject.toml").write_text(
        '[project]\nname = "mini"\nversion = "0"\ndependencies = ["ops>=2", "six"]\n'
    )
    python, log = fake_python(tmp_path)
    archive = pack_source_tree(mini_source, tmp_path / "out", python=python)
    [call] = pip_calls(log)
    target = call.split("--target ")[1].split(" ")[0]
    assert target.endswith("/venv")
    assert call == (
        f"-m pip install --target {target} --no-compile --disable-pip-version-check ops>=2 six"
    )
    assert "venv/fakedep.py" in members(archive)


def test_pip_failure_names_the_requirements_file(mini_source: Path, tmp_path: Path) -> None:
    (mini_source / "requirements.txt").write_text("nothing==0\n")
    python, _ = fake_python(tmp_path, fail=True)
    with pytest.raises(CharmError) as info:
        pack_source_tree(mini_source, tmp_path / "out", python=python)
    assert info.value.details["file"] == "requirements.txt"
    assert str(info.value).startswith("requirements.txt: pip install failed")
    assert "No matching distribution for nothing" in str(info.value)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_missing_entrypoint(mini_source: Path, tmp_path: Path) -> None:
    (mini_source / "src" / "charm.py").unlink()
    with pytest.raises(CharmError) as info:
        pack_source_tree(mini_source, tmp_path / "out")
    assert info.value.details["file"] == "charmcraft.yaml"
    assert info.value.details["field"] == "parts.charm.charm-entrypoint"
    assert '"src/charm.py" not found' in str(info.value)


def test_not_a_source_tree(tmp_path: Path) -> None:
    with pytest.raises(CharmError) as info:
        pack_source_tree(tmp_path, tmp_path / "out")
    assert info.value.details["file"] == "charmcraft.yaml"


def test_pack_with_pypi_dependency_and_cache(mini_source: Path, tmp_path: Path) -> None:
    """One real pip run against PyPI, then a repack served from the cache."""
    (mini_source / "requirements.txt").write_text("six==1.16.0\n")
    log = tmp_path / "python-calls.log"
    python = script(tmp_path / "python", WRAPPED_PYTHON.format(log=log, python=sys.executable))
    cache = tmp_path / "cache"

    first_messages: list[str] = []
    archive = pack_source_tree(
        mini_source,
        tmp_path / "out",
        python=python,
        cache_dir=cache,
        progress=first_messages.append,
    )
    assert len(pip_calls(log)) == 1
    assert "Installing dependencies from requirements.txt" in first_messages
    entries = members(archive)
    assert "venv/six.py" in entries
    assert read(archive, "dispatch") == DISPATCH
    assert load_charm(archive).meta.name == "mini"
    first_sha = sha256_file(archive)

    second_messages: list[str] = []
    again = pack_source_tree(
        mini_source,
        tmp_path / "out",
        python=python,
        cache_dir=cache,
        progress=second_messages.append,
    )
    assert len(pip_calls(log)) == 1  # pip did not run again
    assert any(m.startswith("Using cached dependencies") for m in second_messages)
    assert "venv/six.py" in members(again)
    assert sha256_file(again) == first_sha  # same tree, same bytes
