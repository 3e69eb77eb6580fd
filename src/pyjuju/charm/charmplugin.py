"""charmcraft's ``charm`` plugin, run on this host: the charm's files, ``venv/`` and ``dispatch``.

The plugin's build copies the part's build directory into its install
directory, installs the Python dependencies with pip into ``venv/`` (a flat
``--target`` directory, which ``dispatch`` puts on ``PYTHONPATH``), makes the
entry point executable and writes the standard ``dispatch`` script. Installed
dependencies can be cached per (requirements, interpreter) so that repacking
needs no network.
"""

from __future__ import annotations

import dataclasses
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

from pyjuju.core.errors import InvalidArgumentError

from ._common import charm_error
from .charmcraft import CHARMCRAFT_FILE
from .parts import CharmOptions, PartSpec

__all__ = ["DISPATCH_TEMPLATE", "Deps", "build_charm_part", "copy_tree", "install_dependencies", "pyproject_dependencies", "write_dispatch"]

DISPATCH_TEMPLATE = (
    "#!/bin/sh\n"
    'JUJU_DISPATCH_PATH="${JUJU_DISPATCH_PATH:-$0}" PYTHONPATH=lib:venv exec ./{entrypoint}\n'
)
"""charmcraft's dispatch script; ``{entrypoint}`` is normally ``src/charm.py``."""

SKIP_ANYWHERE = frozenset({".git", "__pycache__", ".unit-state.db"})
SKIP_SUFFIXES = (".pyc", ".charm")
# Left out of the charm at its top: build output, local environments, and
# charmcraft.yaml, whose content the packed charm carries in its split files.
_SKIP_TOP = frozenset({"venv", ".venv", "build", ".tox", CHARMCRAFT_FILE})
_PIP_TAIL_LINES = 15


def copy_tree(src: Path, dest: Path, *, skip_top: frozenset[str] = frozenset(),
              skip_paths: tuple[Path, ...] = ()) -> None:
    """Copy ``src`` into ``dest`` (which may exist), keeping symlinks and modes.

    VCS metadata, byte code and ``.charm`` archives are left out anywhere;
    ``skip_top`` names entries left out at the top only, ``skip_paths``
    resolved paths left out wherever they are (an output directory inside the
    project, say).
    """
    def ignore(dirpath: str, names: list[str]) -> set[str]:
        top = Path(dirpath) == src
        skipped = set()
        for name in names:
            if (
                name in SKIP_ANYWHERE
                or name.endswith(SKIP_SUFFIXES)
                or (top and name in skip_top)
                or (skip_paths and (Path(dirpath) / name).resolve() in skip_paths)
            ):
                skipped.add(name)
        return skipped

    shutil.copytree(src, dest, symlinks=True, ignore=ignore, dirs_exist_ok=True)


def build_charm_part(part: PartSpec, build: Path, install: Path, *, python: str,
                     cache_dir: Path | None, say: Callable[[str], None]) -> None:
    """The charm plugin's build step: ``build`` (the part's sources) -> ``install``.

    Raises:
        CharmError: the entry point is missing, a requirements file is
            missing, or pip failed (with its last lines).
    """
    options = part.charm or CharmOptions()
    entry = build / options.entrypoint
    if not entry.is_file():
        raise charm_error(CHARMCRAFT_FILE, part.field("charm-entrypoint"),
                          f'"{options.entrypoint}" not found: it is the charm\'s entry point')
    copy_tree(build, install, skip_top=_SKIP_TOP)
    install_dependencies(_dependencies(part, options, build), build, install / "venv", python, cache_dir, say)
    write_dispatch(install, options.entrypoint, say)


def write_dispatch(install: Path, entrypoint: str, say: Callable[[str], None]) -> None:
    """charmcraft's ``dispatch`` for ``entrypoint``, which is made executable."""
    entry = install / entrypoint
    entry.chmod(entry.stat().st_mode | 0o111)
    say("Writing dispatch")
    dispatch = install / "dispatch"
    dispatch.write_text(DISPATCH_TEMPLATE.replace("{entrypoint}", entrypoint))
    dispatch.chmod(0o755)


@dataclasses.dataclass(frozen=True, slots=True)
class Deps:
    """What pip installs for a part: where the list comes from (for messages and errors),
    pip's arguments, and the bytes that make the cache key."""

    file: str
    field: str
    args: tuple[str, ...]
    key: bytes


def _dependencies(part: PartSpec, options: CharmOptions, build: Path) -> Deps | None:
    requirements = list(options.requirements)
    explicit = bool(requirements)
    if not requirements and (build / "requirements.txt").is_file():
        requirements = ["requirements.txt"]
    args: list[str] = [*options.binary_python_packages, *options.python_packages]
    key = json.dumps(args).encode()
    for i, name in enumerate(requirements):
        path = build / name
        if not path.is_file():
            field = part.field(f"charm-requirements[{i}]") if explicit else part.field("")
            raise charm_error(CHARMCRAFT_FILE, field, f'requirements file "{name}" not found in the part\'s source')
        args += ["-r", name]
        key += b"\0" + name.encode() + b"\0" + path.read_bytes()
    if options.strict_dependencies:
        args.insert(0, "--no-deps")
    if requirements:
        return Deps(requirements[0] if len(requirements) == 1 else CHARMCRAFT_FILE,
                    "" if len(requirements) == 1 else part.field("charm-requirements"), tuple(args), key)
    if args:
        return Deps(CHARMCRAFT_FILE, part.field("charm-binary-python-packages" if options.binary_python_packages
                                                else "charm-python-packages"), tuple(args), key)
    return pyproject_dependencies(build)


def pyproject_dependencies(build: Path) -> Deps | None:
    """``[project] dependencies`` of ``pyproject.toml``, if it lists any.

    The charm plugin falls back to them when nothing else lists dependencies
    (as ``charmcraft init`` projects may); the uv plugin uses them when uv
    itself is not installed.
    """
    pyproject = build / "pyproject.toml"
    if not pyproject.is_file():
        return None
    try:
        data = tomllib.loads(pyproject.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise charm_error("pyproject.toml", "", f"invalid TOML: {exc}") from None
    deps = data.get("project", {}).get("dependencies")
    if deps is None:
        return None
    if not isinstance(deps, list) or not all(isinstance(d, str) for d in deps):
        raise charm_error("pyproject.toml", "project.dependencies", "expected a list of strings")
    if not deps:
        return None
    return Deps("pyproject.toml", "project.dependencies", tuple(deps), json.dumps(deps).encode())


def _python_identity(python: str) -> str:
    """What makes installed wheels specific to an interpreter: version and machine."""
    if python == sys.executable:
        return f"{sys.version}\n{platform.machine()}"
    try:
        result = subprocess.run(
            [python, "-c", "import sys, platform; print(sys.version); print(platform.machine())"],
            capture_output=True, text=True, check=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        raise InvalidArgumentError(
            f'cannot run python interpreter "{python}": {exc}', python=python
        ) from None
    return result.stdout.strip()


def install_dependencies(deps: Deps | None, build: Path, venv: Path, python: str,
                         cache_dir: Path | None, say: Callable[[str], None]) -> None:
    """pip-install ``deps`` into ``venv`` (flat, ``--target``), from the cache when it has them.

    Raises:
        CharmError: pip failed; names ``deps.file``/``deps.field`` and ends
            with pip's last lines.
    """
    if deps is None:
        say("No dependencies to install")
        venv.mkdir(exist_ok=True)
        return
    cached = None
    if cache_dir is not None:
        digest = hashlib.sha256()
        for chunk in (b"pyjuju-venv-v1", _python_identity(python).encode(), deps.key):
            digest.update(chunk + b"\0")
        key = digest.hexdigest()
        cached = Path(cache_dir) / "venvs" / key
        if cached.is_dir():
            say(f"Using cached dependencies ({key[:12]})")
            shutil.copytree(cached, venv, symlinks=True, dirs_exist_ok=True)
            return
    say(f"Installing dependencies from {deps.file}")
    cmd = [
        python, "-m", "pip", "install", "--target", str(venv),
        "--no-compile", "--disable-pip-version-check", *deps.args,
    ]  # fmt: skip
    env = {**os.environ, "PIP_NO_INPUT": "1"}
    try:
        result = subprocess.run(cmd, cwd=build, capture_output=True, text=True, env=env)
    except OSError as exc:
        raise charm_error(deps.file, deps.field, f"cannot run pip with {python}: {exc}") from None
    if result.returncode != 0:
        lines = (result.stderr.strip() or result.stdout.strip()).splitlines()
        tail = "\n".join(lines[-_PIP_TAIL_LINES:])
        raise charm_error(
            deps.file, deps.field, f"pip install failed (exit {result.returncode}):\n{tail}",
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
