"""craft-parts filesets and ``organize``: which of a part's files move on, and where.

A part's ``stage`` and ``prime`` keys are filesets: paths or glob patterns
(``*``, ``?``, ``**``) relative to the directory they filter. Entries select
files; an entry starting with ``-`` drops them; with no selecting entry,
everything is selected. An entry that names a directory takes everything under
it. ``organize`` renames paths of the part's install directory before it is
staged: ``{from: to}``, where a ``to`` ending in ``/`` is a directory to move
into.
"""

from __future__ import annotations

import glob
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

__all__ = ["OrganizeError", "all_paths", "migrate", "organize", "select"]


class OrganizeError(Exception):
    """An ``organize`` entry cannot be applied; the message says why (the caller names the key)."""


def all_paths(root: Path) -> set[str]:
    """Every file, symlink and directory under ``root``, relative, with ``/`` separators."""
    out: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        for name in (*dirnames, *filenames):
            out.add(name if rel == "." else f"{rel}/{name}")
    return out


def _expand(root: Path, pattern: str, paths: set[str]) -> set[str]:
    pattern = pattern.strip().rstrip("/")
    if pattern in ("", "*", "**", "."):
        return set(paths)
    matched = {
        os.path.relpath(m, root)
        for m in glob.glob(str(root / pattern), recursive=True, include_hidden=True)
    }
    out = set()
    for m in matched:
        out.add(m)
        prefix = m + "/"
        out.update(p for p in paths if p.startswith(prefix))
    return out


def select(root: Path, entries: Iterable[str]) -> set[str]:
    """The paths under ``root`` that the fileset ``entries`` selects."""
    paths = all_paths(root)
    entries = list(entries)
    includes = [e for e in entries if not e.startswith("-")]
    excludes = [e[1:] for e in entries if e.startswith("-")]
    chosen: set[str] = set()
    for pattern in includes or ["*"]:
        chosen |= _expand(root, pattern, paths)
    for pattern in excludes:
        chosen -= _expand(root, pattern, paths)
    return chosen


def migrate(src: Path, dest: Path, paths: Iterable[str]) -> list[str]:
    """Copy ``paths`` (relative to ``src``) into ``dest``, keeping modes and symlinks.

    Parent directories are made as needed; a selected directory is made even
    when empty. Returns the files (not directories) copied, sorted.
    """
    copied = []
    for rel in sorted(paths):
        source = src / rel
        target = dest / rel
        if source.is_dir() and not source.is_symlink():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink() or target.exists():
            target.unlink()
        if source.is_symlink():
            os.symlink(os.readlink(source), target)
        else:
            shutil.copy2(source, target)
        copied.append(rel)
    return copied


def organize(root: Path, mapping: Iterable[tuple[str, str]]) -> None:
    """Apply ``organize`` entries inside ``root`` (a part's install directory), in order.

    Raises:
        OrganizeError: a source matches nothing, several sources would go to
            one file, or the destination exists already.
    """
    for pattern, dest in mapping:
        matches = sorted(glob.glob(str(root / pattern), recursive=True, include_hidden=True))
        if not matches:
            raise OrganizeError(f'"{pattern}" matches nothing in the part\'s install directory')
        into_dir = dest.endswith("/") or len(matches) > 1
        target_root = root / dest.rstrip("/")
        if into_dir and target_root.exists() and not target_root.is_dir():
            raise OrganizeError(f'cannot move "{pattern}" into "{dest}": it is a file')
        for match in matches:
            source = Path(match)
            target = target_root / source.name if into_dir else target_root
            if target.resolve() == source.resolve():
                continue
            if target.exists() or target.is_symlink():
                raise OrganizeError(f'cannot organize "{os.path.relpath(source, root)}" to '
                                    f'"{os.path.relpath(target, root)}": it exists already')
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(source), str(target))
