"""``pyjuju pack``: turning a charm source tree into a ``.charm`` archive.

A ``charmcraft init`` project (``charmcraft.yaml`` + ``src/charm.py`` +
requirements) cannot run as it is: its metadata is still in the unified form
and its dependencies are not installed. Packing does what ``charmcraft pack``
does for a plain Python charm, without its build containers: split the
metadata, install dependencies into ``venv/`` with pip, add the standard
``dispatch`` script, and zip the result. Installed dependencies can be cached
per (requirements, interpreter) so that repacking needs no network.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from pyjuju.core.errors import InvalidArgumentError
from pyjuju.core.version import PYJUJU_VERSION

from ._common import charm_error, load_yaml
from .archive import build_archive
from .charmcraft import CHARMCRAFT_FILE, CharmcraftProject, split_charmcraft
from .loader import load_charm

__all__ = ["DISPATCH_TEMPLATE", "pack_source_tree"]

DISPATCH_TEMPLATE = (
    "#!/bin/sh\n"
    'JUJU_DISPATCH_PATH="${JUJU_DISPATCH_PATH:-$0}" PYTHONPATH=lib:venv exec ./{entrypoint}\n'
)
"""charmcraft's dispatch script; ``{entrypoint}`` is normally ``src/charm.py``."""

# Skipped anywhere in the tree.
_SKIP_ANYWHERE = frozenset({".git", "__pycache__", ".unit-state.db"})
_SKIP_SUFFIXES = (".pyc", ".charm")
# Skipped at the top of the tree only: build output and local environments.
# charmcraft.yaml is left out because its content is in the split files now.
_SKIP_TOP = frozenset({"venv", ".venv", "build", ".tox", CHARMCRAFT_FILE})
_PIP_TAIL_LINES = 15


def _dump(doc: Any) -> str:
    return yaml.safe_dump(doc, sort_keys=False, default_flow_style=False, allow_unicode=True)


def _noop(_message: str) -> None:
    pass


def pack_source_tree(
    src: str | Path,
    out_dir: str | Path,
    *,
    python: str | None = None,
    cache_dir: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Pack the charm source tree ``src`` into a ``.charm`` archive in ``out_dir``.

    Args:
        src: The project directory (``charmcraft.yaml``, ``src/charm.py``...).
        out_dir: Where to write the archive (created if needed).
        python: Interpreter whose pip installs the dependencies; it should
            match the Python the charm will run under. Defaults to this one.
        cache_dir: If given, installed dependencies are kept there, keyed by
            the requirements and the interpreter version, and reused.
        progress: Called with a short message at each step.

    Returns:
        The path of the archive, ``<out_dir>/<name>_<bases>.charm``.

    Raises:
        CharmError: the project is malformed, or pip failed (the message
            names the requirements file and ends with pip's last lines).
    """
    say = progress or _noop
    src = Path(src)
    out_dir = Path(out_dir)
    cc_path = src / CHARMCRAFT_FILE
    if not cc_path.is_file():
        raise charm_error(CHARMCRAFT_FILE, "", f'not found in "{src}": not a charm source tree')
    say(f"Reading {CHARMCRAFT_FILE}")
    project = split_charmcraft(load_yaml(cc_path.read_bytes(), CHARMCRAFT_FILE))
    # Loading validates metadata, config and actions before any slow step.
    charm = load_charm(src)
    build = Path(tempfile.mkdtemp(prefix="pyjuju-pack-"))
    try:
        say("Copying source tree")
        _copy_tree(src, build, out_dir)
        _write_split_files(build, project, charm.meta.raw)
        entry = build / project.entrypoint
        if not entry.is_file():
            raise charm_error(project.entrypoint, "", "missing: this is the charm's entry point")
        entry.chmod(entry.stat().st_mode | 0o111)
        _install_dependencies(src, build, python or sys.executable, cache_dir, say)
        say("Writing dispatch")
        dispatch = build / "dispatch"
        dispatch.write_text(DISPATCH_TEMPLATE.replace("{entrypoint}", project.entrypoint))
        dispatch.chmod(0o755)
        dest = out_dir / _archive_name(charm.meta.name, project.bases)
        say(f"Creating {dest.name}")
        build_archive(build, dest)
    finally:
        shutil.rmtree(build, ignore_errors=True)
    say(f"Packed {dest}")
    return dest


def _copy_tree(src: Path, build: Path, out_dir: Path) -> None:
    out_resolved = out_dir.resolve()
    # Only when the output directory is inside the tree must it be looked for.
    out_inside = out_resolved.is_relative_to(src.resolve())

    def ignore(dirpath: str, names: list[str]) -> set[str]:
        top = Path(dirpath) == src
        skipped = set()
        for name in names:
            if (
                name in _SKIP_ANYWHERE
                or name.endswith(_SKIP_SUFFIXES)
                or (top and name in _SKIP_TOP)
                or (out_inside and (Path(dirpath) / name).resolve() == out_resolved)
            ):
                skipped.add(name)
        return skipped

    shutil.copytree(src, build, symlinks=True, ignore=ignore, dirs_exist_ok=True)


def _write_split_files(build: Path, project: CharmcraftProject, metadata: dict[str, Any]) -> None:
    """Write what charmcraft would: the runtime reads only these files."""
    (build / "metadata.yaml").write_text(_dump(metadata))
    if project.config is not None:
        (build / "config.yaml").write_text(_dump(project.config))
    if project.actions is not None:
        (build / "actions.yaml").write_text(_dump(project.actions))
    manifest = {"charmcraft-version": f"pyjuju-{PYJUJU_VERSION}", "bases": project.bases}
    (build / "manifest.yaml").write_text(_dump(manifest))


def _archive_name(name: str, bases: list[dict[str, Any]]) -> str:
    if not bases:
        return f"{name}_local.charm"
    tags = [
        "-".join([str(b["name"]), str(b["channel"]), *map(str, b["architectures"])]) for b in bases
    ]
    return f"{name}_{'_'.join(tags)}.charm"


def _requirements(src: Path) -> tuple[str, str, bytes, list[str]] | None:
    """Find the dependency list: (file, field, cache-key content, pip arguments)."""
    req = src / "requirements.txt"
    if req.is_file():
        return "requirements.txt", "", req.read_bytes(), ["-r", "requirements.txt"]
    pyproject = src / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text())
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise charm_error("pyproject.toml", "", f"invalid TOML: {exc}") from None
        deps = data.get("project", {}).get("dependencies")
        if deps is None:
            return None
        if not isinstance(deps, list) or not all(isinstance(d, str) for d in deps):
            raise charm_error(
                "pyproject.toml", "project.dependencies", "expected a list of strings"
            )
        if not deps:
            return None
        return "pyproject.toml", "project.dependencies", json.dumps(deps).encode(), list(deps)
    return None


def _python_identity(python: str) -> str:
    """What makes installed wheels specific to an interpreter: version and machine."""
    if python == sys.executable:
        return f"{sys.version}\n{platform.machine()}"
    try:
        result = subprocess.run(
            [python, "-c", "import sys, platform; print(sys.version); print(platform.machine())"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        raise InvalidArgumentError(
            f'cannot run python interpreter "{python}": {exc}', python=python
        ) from None
    return result.stdout.strip()


def _install_dependencies(
    src: Path,
    build: Path,
    python: str,
    cache_dir: str | Path | None,
    say: Callable[[str], None],
) -> None:
    venv = build / "venv"
    found = _requirements(src)
    if found is None:
        say("No dependencies to install")
        venv.mkdir(exist_ok=True)
        return
    file, field, content, args = found
    cached = None
    if cache_dir is not None:
        digest = hashlib.sha256()
        for part in (b"pyjuju-venv-v1", _python_identity(python).encode(), content):
            digest.update(part + b"\0")
        key = digest.hexdigest()
        cached = Path(cache_dir) / "venvs" / key
        if cached.is_dir():
            say(f"Using cached dependencies ({key[:12]})")
            shutil.copytree(cached, venv, symlinks=True)
            return
    say(f"Installing dependencies from {file}")
    cmd = [
        python, "-m", "pip", "install", "--target", str(venv),
        "--no-compile", "--disable-pip-version-check", *args,
    ]  # fmt: skip
    env = {**os.environ, "PIP_NO_INPUT": "1"}
    try:
        result = subprocess.run(cmd, cwd=build, capture_output=True, text=True, env=env)
    except OSError as exc:
        raise charm_error(file, field, f"cannot run pip with {python}: {exc}") from None
    if result.returncode != 0:
        lines = (result.stderr.strip() or result.stdout.strip()).splitlines()
        tail = "\n".join(lines[-_PIP_TAIL_LINES:])
        raise charm_error(
            file, field, f"pip install failed (exit {result.returncode}):\n{tail}",
            returncode=result.returncode,
        )  # fmt: skip
    venv.mkdir(exist_ok=True)
    if cached is not None:
        _store_in_cache(venv, cached)
        say("Cached dependencies for next time")


def _store_in_cache(venv: Path, cached: Path) -> None:
    """Copy the venv into the cache atomically, so a half-copied one is never reused."""
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=cached.parent))
    try:
        shutil.copytree(venv, tmp / "venv", symlinks=True)
        try:
            os.rename(tmp / "venv", cached)
        except OSError:
            pass  # another pack stored the same key first; theirs is as good
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
