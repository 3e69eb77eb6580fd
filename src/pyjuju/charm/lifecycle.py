"""Running a charm's parts on this host: pull, build, stage and prime, as craft-parts does.

Each part gets ``<work>/parts/<name>/{src,build,install}``: *pull* copies its
``source`` (a directory or a local archive of the project) into ``src``;
*build* copies ``src`` into ``build`` and runs the plugin there (or the
part's ``override-build`` script), which leaves what belongs in the charm in
``install``; *stage* applies ``organize`` and copies what the ``stage``
fileset selects into ``<work>/stage``; *prime* copies what the ``prime``
fileset selects of the part's staged files into ``<work>/prime``, which
becomes the charm. Parts run in order (``after`` first); every part is staged
before any is primed.

An ``override-<step>`` script runs with bash (``set -xeuo pipefail``) in the
step's directory, with craft-parts' environment (``CRAFT_PART_SRC``,
``CRAFT_PART_BUILD``, ``CRAFT_PART_INSTALL``, ``CRAFT_STAGE``,
``CRAFT_PRIME``, ``CRAFT_PROJECT_DIR``...) plus the part's
``build-environment``, and ``craftctl default`` on its ``PATH`` to run the
step's usual work. Everything a part needs from the host is checked by
:func:`check_parts` before any step runs.
"""

from __future__ import annotations

import dataclasses
import filecmp
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ._common import charm_error
from .charmcraft import CHARMCRAFT_FILE, host_architecture
from .charmplugin import build_charm_part, copy_tree
from .filesets import OrganizeError, migrate, organize, select
from .parts import PartSpec, parse_parts
from .uvplugin import build_uv_part

__all__ = ["PackContext", "check_parts", "default_step", "dpkg_installed", "run_parts"]

CONTEXT_ENV = "PYJUJU_PACK_CONTEXT"
"""Names the JSON file from which ``craftctl`` rebuilds the :class:`PackContext`."""
_TOP_SKIP = frozenset({"venv", ".venv", "build", ".tox"})
_LOG_TAIL_LINES = 20
_TRIPLETS = {"amd64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu", "armhf": "arm-linux-gnueabihf",
             "ppc64el": "powerpc64le-linux-gnu", "s390x": "s390x-linux-gnu", "riscv64": "riscv64-linux-gnu"}

Say = Callable[[str], None]


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class PackContext:
    """Where a pack runs and with what; also handed to ``craftctl`` through a file."""

    project_dir: Path
    work_dir: Path
    charm_name: str
    parts_doc: dict[str, Any]
    """charmcraft.yaml as loaded (craftctl parses its parts again)."""
    python: str = sys.executable
    cache_dir: Path | None = None
    skip_paths: tuple[Path, ...] = ()
    """Resolved paths never pulled from the project (the output directory)."""

    @property
    def stage_dir(self) -> Path:
        return self.work_dir / "stage"

    @property
    def prime_dir(self) -> Path:
        return self.work_dir / "prime"

    def part_dir(self, part: PartSpec, sub: str) -> Path:
        return self.work_dir / "parts" / part.name / sub

    def save(self) -> Path:
        path = self.work_dir / "context.json"
        doc = {
            "project_dir": str(self.project_dir), "work_dir": str(self.work_dir),
            "charm_name": self.charm_name, "parts_doc": self.parts_doc, "python": self.python,
            "cache_dir": str(self.cache_dir) if self.cache_dir else None,
            "skip_paths": [str(p) for p in self.skip_paths],
        }
        path.write_text(json.dumps(doc, default=str))
        return path

    @classmethod
    def load(cls, path: Path) -> PackContext:
        doc = json.loads(path.read_text())
        return cls(
            project_dir=Path(doc["project_dir"]), work_dir=Path(doc["work_dir"]),
            charm_name=doc["charm_name"], parts_doc=doc["parts_doc"], python=doc["python"],
            cache_dir=Path(doc["cache_dir"]) if doc["cache_dir"] else None,
            skip_paths=tuple(Path(p) for p in doc["skip_paths"]),
        )


def dpkg_installed(package: str) -> bool:
    """Whether a Debian package is installed here (``dpkg-query``)."""
    name = package.split("=", 1)[0]
    try:
        res = subprocess.run(["dpkg-query", "-W", "-f", "${Status}", name], capture_output=True, text=True)
    except FileNotFoundError:
        return False
    return res.returncode == 0 and res.stdout.strip().endswith(" installed")


def check_parts(project_dir: Path, parts: Iterable[PartSpec],
                installed: Callable[[str], bool] = dpkg_installed) -> None:
    """Refuse, before any step runs, a part that could not run on this host.

    Sources must exist in the project; ``build-packages`` must be installed
    (pyjuju pack does not install packages: it names them instead); scripts
    need bash.

    Raises:
        CharmError: naming charmcraft.yaml, the part and the key.
    """
    for part in parts:
        if part.source is not None:
            path = project_dir / part.source
            if not path.exists():
                raise charm_error(CHARMCRAFT_FILE, part.field("source"), f'"{part.source}" not found in the project')
            if not (path.is_dir() or (path.is_file() and part.source_is_archive)):
                raise charm_error(CHARMCRAFT_FILE, part.field("source"),
                                  f'"{part.source}" is neither a directory nor a .tar/.zip archive')
        missing = [p for p in part.build_packages if not installed(p)]
        if missing:
            tool = "" if shutil.which("dpkg-query") else " (this host has no dpkg-query to ask)"
            raise charm_error(
                CHARMCRAFT_FILE, part.field("build-packages"),
                f"not installed on this host{tool}: {', '.join(missing)}; pyjuju pack does not install "
                f"packages: install them (apt-get install {' '.join(missing)}) and pack again",
                packages=missing,
            )
        if part.overrides and shutil.which("bash") is None:
            step = part.overrides[0][0]
            raise charm_error(CHARMCRAFT_FILE, part.field(f"override-{step}"), "needs bash, which is not installed")


def run_parts(ctx: PackContext, parts: tuple[PartSpec, ...], say: Say) -> Path:
    """Run every part's steps; the prime directory (the charm's content)."""
    for d in (ctx.stage_dir, ctx.prime_dir, ctx.work_dir / "bin"):
        d.mkdir(parents=True, exist_ok=True)
    craftctl = ctx.work_dir / "bin" / "craftctl"
    # Runs this interpreter (which has pyjuju), whatever ``python`` the charm's pip uses.
    craftctl.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m pyjuju.charm.craftctl "$@"\n')
    craftctl.chmod(0o755)
    ctx.save()
    for part in parts:
        for step in ("pull", "build", "stage"):
            _run_step(ctx, part, step, say)
    for part in parts:
        _run_step(ctx, part, "prime", say)
    return ctx.prime_dir


def _run_step(ctx: PackContext, part: PartSpec, step: str, say: Say) -> None:
    for sub in ("src", "build", "install"):
        ctx.part_dir(part, sub).mkdir(parents=True, exist_ok=True)
    if step == "build":
        _prepare_build(ctx, part)
    script = part.override(step)
    if script is None:
        say(f"{_DOING[step]} part {part.name!r}")
        default_step(ctx, part, step, say)
    else:
        say(f"Running override-{step} of part {part.name!r}")
        _run_script(ctx, part, step, script)
    if step == "stage" and not _staged_record(ctx, part).exists():
        _staged_record(ctx, part).write_text("[]")  # an override that staged nothing


def _prepare_build(ctx: PackContext, part: PartSpec) -> None:
    """craft-parts builds in a copy of the pulled sources."""
    build = ctx.part_dir(part, "build")
    shutil.rmtree(build)
    shutil.copytree(ctx.part_dir(part, "src"), build, symlinks=True)
    if part.source_subdir and not (build / part.source_subdir).is_dir():
        raise charm_error(CHARMCRAFT_FILE, part.field("source-subdir"),
                          f'"{part.source_subdir}" is not a directory of the part\'s source')


def default_step(ctx: PackContext, part: PartSpec, step: str, say: Say) -> None:
    """What a step does without an override (and what ``craftctl default`` runs)."""
    if step == "pull":
        _pull(ctx, part)
    elif step == "build":
        _build(ctx, part, say)
    elif step == "stage":
        _stage(ctx, part)
    elif step == "prime":
        _prime(ctx, part)
    else:
        raise ValueError(f"unknown step {step!r}")


def _pull(ctx: PackContext, part: PartSpec) -> None:
    src = ctx.part_dir(part, "src")
    if part.source is None:
        return
    origin = ctx.project_dir / part.source
    if part.source_is_archive and origin.is_file():
        try:
            shutil.unpack_archive(str(origin), str(src))
        except (shutil.ReadError, OSError, ValueError) as exc:
            raise charm_error(CHARMCRAFT_FILE, part.field("source"), f'cannot unpack "{part.source}": {exc}') from None
        return
    at_root = origin.resolve() == ctx.project_dir.resolve()
    copy_tree(origin, src, skip_top=_TOP_SKIP if at_root else frozenset(),
              skip_paths=(*ctx.skip_paths, ctx.work_dir.resolve()))


def _build(ctx: PackContext, part: PartSpec, say: Say) -> None:
    build = ctx.part_dir(part, "build")
    work = build / part.source_subdir if part.source_subdir else build
    install = ctx.part_dir(part, "install")
    if part.plugin == "dump":
        shutil.copytree(work, install, symlinks=True, dirs_exist_ok=True)
    elif part.plugin == "charm":
        build_charm_part(part, work, install, python=ctx.python, cache_dir=ctx.cache_dir, say=say)
    elif part.plugin == "uv":
        build_uv_part(part, work, install, python=ctx.python, cache_dir=ctx.cache_dir, say=say)
    # nil: nothing to build


def _staged_record(ctx: PackContext, part: PartSpec) -> Path:
    return ctx.work_dir / "parts" / part.name / "staged.json"


def _stage(ctx: PackContext, part: PartSpec) -> None:
    install = ctx.part_dir(part, "install")
    try:
        organize(install, part.organize)
    except OrganizeError as exc:
        raise charm_error(CHARMCRAFT_FILE, part.field("organize"), str(exc)) from None
    chosen = select(install, part.stage)
    for rel in sorted(chosen):
        mine, theirs = install / rel, ctx.stage_dir / rel
        if (theirs.exists() or theirs.is_symlink()) and not _same(mine, theirs):
            other = _stager(ctx, rel)
            raise charm_error(CHARMCRAFT_FILE, part.field("stage"),
                              f'"{rel}" is also staged by part "{other}", with different contents; '
                              "leave it out of one of them (stage: [-PATH]) or organize it elsewhere")
    migrate(install, ctx.stage_dir, chosen)
    previous = set(json.loads(_staged_record(ctx, part).read_text())) if _staged_record(ctx, part).exists() else set()
    _staged_record(ctx, part).write_text(json.dumps(sorted(previous | chosen)))


def _same(a: Path, b: Path) -> bool:
    if a.is_symlink() or b.is_symlink():
        return a.is_symlink() and b.is_symlink() and os.readlink(a) == os.readlink(b)
    if a.is_dir() or b.is_dir():
        return a.is_dir() and b.is_dir()
    return filecmp.cmp(a, b, shallow=False)


def _stager(ctx: PackContext, rel: str) -> str:
    for record in sorted((ctx.work_dir / "parts").glob("*/staged.json")):
        if rel in json.loads(record.read_text()):
            return record.parent.name
    return "?"


def _prime(ctx: PackContext, part: PartSpec) -> None:
    record = _staged_record(ctx, part)
    staged = set(json.loads(record.read_text())) if record.exists() else set()
    chosen = select(ctx.stage_dir, part.prime) & staged
    migrate(ctx.stage_dir, ctx.prime_dir, chosen)


def step_environment(ctx: PackContext, part: PartSpec, step: str) -> dict[str, str]:
    """The environment of a part's scripts: craft-parts' variables, then ``build-environment``."""
    src = ctx.part_dir(part, "src")
    build = ctx.part_dir(part, "build")
    arch = host_architecture()
    triplet = _TRIPLETS.get(arch, f"{platform.machine()}-linux-gnu")
    env = dict(os.environ)
    env.update({
        "CRAFT_PROJECT_NAME": ctx.charm_name,
        "CRAFT_PROJECT_DIR": str(ctx.project_dir.resolve()),
        "CRAFT_PART_NAME": part.name,
        "CRAFT_STEP_NAME": step.upper(),
        "CRAFT_PART_SRC": str(src),
        "CRAFT_PART_SRC_WORK": str(src / part.source_subdir if part.source_subdir else src),
        "CRAFT_PART_BUILD": str(build),
        "CRAFT_PART_BUILD_WORK": str(build / part.source_subdir if part.source_subdir else build),
        "CRAFT_PART_INSTALL": str(ctx.part_dir(part, "install")),
        "CRAFT_STAGE": str(ctx.stage_dir),
        "CRAFT_PRIME": str(ctx.prime_dir),
        "CRAFT_ARCH_BUILD_ON": arch,
        "CRAFT_ARCH_BUILD_FOR": arch,
        "CRAFT_TARGET_ARCH": arch,
        "CRAFT_ARCH_TRIPLET": triplet,
        "CRAFT_ARCH_TRIPLET_BUILD_ON": triplet,
        "CRAFT_ARCH_TRIPLET_BUILD_FOR": triplet,
        "CRAFT_PARALLEL_BUILD_COUNT": str(os.cpu_count() or 1),
        "PATH": f"{ctx.work_dir / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        CONTEXT_ENV: str(ctx.work_dir / "context.json"),
    })
    env.update(dict(part.build_environment))
    return env


_STEP_DIRS = {"pull": "src", "build": "build"}
_DOING = {"pull": "Pulling", "build": "Building", "stage": "Staging", "prime": "Priming"}


def _run_script(ctx: PackContext, part: PartSpec, step: str, script: str) -> None:
    if step in _STEP_DIRS:
        cwd = ctx.part_dir(part, _STEP_DIRS[step])
        if part.source_subdir:
            cwd = cwd / part.source_subdir
    else:
        cwd = ctx.stage_dir if step == "stage" else ctx.prime_dir
    path = ctx.work_dir / "parts" / part.name / f"override-{step}.sh"
    path.write_text("set -xeuo pipefail\n" + script + "\n")
    log = path.with_suffix(".log")
    with open(log, "wb") as out:
        result = subprocess.run(["bash", str(path)], cwd=cwd, env=step_environment(ctx, part, step),
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        lines = log.read_text(errors="replace").splitlines()
        tail = "\n".join(lines[-_LOG_TAIL_LINES:])
        raise charm_error(CHARMCRAFT_FILE, part.field(f"override-{step}"),
                          f"exited with status {result.returncode}:\n{tail}", returncode=result.returncode)


def rebuild_part(ctx: PackContext, name: str) -> PartSpec:
    """The part ``name`` of the context's charmcraft.yaml (for ``craftctl``)."""
    for part in parse_parts(ctx.parts_doc):
        if part.name == name:
            return part
    raise KeyError(name)
