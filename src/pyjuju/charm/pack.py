"""``pyjuju pack``: turning a charm source tree into a ``.charm`` archive.

A charmcraft project cannot run as it is: its metadata may still be in the
unified ``charmcraft.yaml``, its dependencies are not installed, and its
``parts`` may build more of the charm (a wheelhouse filled by a ``nil`` part's
``override-build``, files added by a ``dump`` part). Packing does what
``charmcraft pack`` does, on this host and without its build containers: check
every part can run here, run the parts (:mod:`.lifecycle`), write the split
metadata files and ``manifest.yaml`` beside what the parts primed, and zip the
result. Nothing is written into the project; a part that cannot run here is
refused, naming it, before any runs.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from pyjuju.core.version import PYJUJU_VERSION

from ._common import charm_error, load_yaml
from .archive import build_archive
from .charmcraft import CHARMCRAFT_FILE, CharmcraftProject, split_charmcraft
from .charmplugin import DISPATCH_TEMPLATE
from .lifecycle import PackContext, check_parts, dpkg_installed, run_parts
from .loader import load_charm
from .parts import PartSpec, parse_parts

__all__ = ["DISPATCH_TEMPLATE", "pack_source_tree"]


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
    installed: Callable[[str], bool] = dpkg_installed,
) -> Path:
    """Pack the charm source tree ``src`` into a ``.charm`` archive in ``out_dir``.

    Args:
        src: The project directory (``charmcraft.yaml``, ``src/charm.py``...;
            ``metadata.yaml``, ``config.yaml`` and ``actions.yaml`` may sit
            beside it).
        out_dir: Where to write the archive (created if needed).
        python: Interpreter whose pip installs the dependencies; it should
            match the Python the charm will run under. Defaults to this one.
        cache_dir: If given, installed dependencies are kept there, keyed by
            the requirements and the interpreter version, and reused.
        progress: Called with a short message at each step.
        installed: Whether a ``build-packages`` entry is installed here
            (``dpkg-query`` by default).

    Returns:
        The path of the archive, ``<out_dir>/<name>_<bases>.charm``.

    Raises:
        CharmError: the project is malformed, a part cannot run here, or a
            step failed (naming charmcraft.yaml, the part and the key, with the
            end of the failing command's output).
    """
    say = progress or _noop
    src = Path(src)
    out_dir = Path(out_dir)
    cc_path = src / CHARMCRAFT_FILE
    if not cc_path.is_file():
        raise charm_error(CHARMCRAFT_FILE, "", f'not found in "{src}": not a charm source tree')
    say(f"Reading {CHARMCRAFT_FILE}")
    doc = load_yaml(cc_path.read_bytes(), CHARMCRAFT_FILE)
    project = split_charmcraft(doc)
    # Loading validates metadata, config and actions before any slow step.
    charm = load_charm(src)
    parts = parse_parts(doc)
    check_parts(src, parts, installed)
    work = Path(tempfile.mkdtemp(prefix="pyjuju-pack-"))
    try:
        ctx = PackContext(
            project_dir=src.resolve(), work_dir=work, charm_name=charm.meta.name, parts_doc=doc,
            python=python or sys.executable, cache_dir=Path(cache_dir) if cache_dir else None,
            skip_paths=(out_dir.resolve(),),
        )
        prime = run_parts(ctx, parts, say)
        _write_split_files(prime, src, project, charm.meta.raw)
        _check_runnable(prime, parts)
        dest = out_dir / _archive_name(charm.meta.name, project.bases)
        say(f"Creating {dest.name}")
        build_archive(prime, dest)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    say(f"Packed {dest}")
    return dest


def _write_split_files(prime: Path, src: Path, project: CharmcraftProject, metadata: dict[str, Any]) -> None:
    """Write what charmcraft would: the runtime reads only these files.

    ``config.yaml`` and ``actions.yaml`` come from charmcraft.yaml's sections,
    or else from the project's own files of those names (as charmcraft copies
    them), whatever the parts did.
    """
    (prime / "metadata.yaml").write_text(_dump(metadata))
    for name, section in (("config.yaml", project.config), ("actions.yaml", project.actions)):
        target = prime / name
        if section is not None:
            target.write_text(_dump(section))
        elif (src / name).is_file():
            shutil.copyfile(src / name, target)
        else:
            target.unlink(missing_ok=True)
    manifest = {"charmcraft-version": f"pyjuju-{PYJUJU_VERSION}", "bases": project.bases}
    (prime / "manifest.yaml").write_text(_dump(manifest))
    (prime / CHARMCRAFT_FILE).unlink(missing_ok=True)


def _check_runnable(prime: Path, parts: tuple[PartSpec, ...]) -> None:
    """Refuse a charm with nothing to run: every hook would be "missing"."""
    if (prime / "dispatch").is_file() or (prime / "hooks").is_dir():
        return
    names = ", ".join(p.name for p in parts)
    raise charm_error(CHARMCRAFT_FILE, "parts",
                      f"the parts ({names}) primed neither a dispatch script nor a hooks/ directory, "
                      'so no hook could run: use the "charm" plugin, or prime one of them')


def _archive_name(name: str, bases: list[dict[str, Any]]) -> str:
    if not bases:
        return f"{name}_local.charm"
    tags = [
        "-".join([str(b["name"]), str(b["channel"]), *map(str, b["architectures"])]) for b in bases
    ]
    return f"{name}_{'_'.join(tags)}.charm"
