"""Building and expanding ``.charm`` archives.

Charms are identified by the sha256 of their archive, so :func:`build_archive`
is deterministic: the same tree always gives the same bytes (sorted entries, a
fixed timestamp, no host-specific extra fields). :func:`extract_archive`
implements Juju's charm upgrade rule (docs/charm-runtime.md, Charm layout): expand on top of
the existing charm directory, remove only what the previous archive had and the
new one lacks, and keep everything the charm created itself.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Collection, Iterator
from pathlib import Path, PurePosixPath

from ._common import charm_error

__all__ = ["build_archive", "extract_archive", "sha256_file"]

# The earliest date a zip header can hold; any fixed value makes builds repeatable.
_FIXED_DATE = (1980, 1, 1, 0, 0, 0)
_SKIP_NAMES = frozenset({".git", "__pycache__", ".unit-state.db"})
_SKIP_SUFFIXES = (".pyc",)
_UNIX = 3  # "made by" system value for Unix: tells unzip to honour external_attr.
_MSDOS_DIR = 0x10


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file, read in chunks so large archives stay cheap."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _skipped(name: str) -> bool:
    return name in _SKIP_NAMES or name.endswith(_SKIP_SUFFIXES)


def _walk(
    root: Path, rel: PurePosixPath, exclude: set[tuple[int, int]]
) -> Iterator[tuple[str, Path, os.stat_result]]:
    """Yield (archive name, path, lstat) depth-first in sorted order, symlinks unfollowed."""
    for name in sorted(os.listdir(root / rel)):
        if _skipped(name):
            continue
        path = root / rel / name
        st = os.lstat(path)
        if (st.st_dev, st.st_ino) in exclude:
            continue
        arcname = (rel / name).as_posix()
        if stat.S_ISDIR(st.st_mode):
            yield arcname + "/", path, st
            yield from _walk(root, rel / name, exclude)
        elif stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode):
            yield arcname, path, st
        # Sockets, fifos and devices have no place in a charm: left out.


def _lstat_or_none(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def _zipinfo(name: str, mode: int, compress: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_FIXED_DATE)
    info.create_system = _UNIX
    info.external_attr = (mode & 0xFFFF) << 16
    info.compress_type = compress
    return info


def build_archive(charm_dir: str | Path, dest: str | Path) -> Path:
    """Zip ``charm_dir`` into ``dest`` reproducibly, keeping modes and symlinks.

    Symlinks are stored as links (like ``zip -y``), never followed, so a
    charm's ``venv`` links survive and nothing outside the tree is packed.
    VCS data, bytecode and the ops state database are left out.

    Returns:
        ``dest``.
    """
    root = Path(charm_dir)
    dest = Path(dest)
    if not root.is_dir():
        raise charm_error(str(root), "", "not a directory")
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            # The archive may be written inside the tree it packs: never pack
            # it (or an older copy at dest) into itself.
            exclude = {(st.st_dev, st.st_ino) for st in map(_lstat_or_none, (tmp, dest)) if st}
            for arcname, path, st in _walk(root, PurePosixPath(), exclude):
                if stat.S_ISDIR(st.st_mode):
                    info = _zipinfo(arcname, st.st_mode, zipfile.ZIP_STORED)
                    info.external_attr |= _MSDOS_DIR
                    zf.writestr(info, b"")
                elif stat.S_ISLNK(st.st_mode):
                    info = _zipinfo(arcname, st.st_mode, zipfile.ZIP_STORED)
                    zf.writestr(info, os.readlink(path).encode())
                else:
                    info = _zipinfo(arcname, st.st_mode, zipfile.ZIP_DEFLATED)
                    info.file_size = st.st_size
                    with open(path, "rb") as src, zf.open(info, "w") as out:
                        shutil.copyfileobj(src, out, 1 << 20)
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the charm from other users
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def _member_parts(name: str, archive: Path) -> tuple[str, ...]:
    """Split a member name into safe path components, refusing escapes."""
    if name.startswith("/"):
        raise charm_error(str(archive), name, "absolute path in archive")
    parts = tuple(p for p in name.split("/") if p not in ("", "."))
    if ".." in parts:
        raise charm_error(str(archive), name, "path escapes the destination directory")
    return parts


def _is_dir_member(info: zipfile.ZipInfo) -> bool:
    return info.filename.endswith("/") or stat.S_ISDIR(info.external_attr >> 16)


def _is_link_member(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def _member_mode(info: zipfile.ZipInfo, default: int) -> int:
    # Zips made without unix attributes carry mode 0: fall back to sane defaults.
    # setuid/setgid/sticky bits are dropped on purpose.
    mode = (info.external_attr >> 16) & 0o777
    return mode or default


def _ensure_parents(dest: Path, parts: tuple[str, ...]) -> Path:
    """Create the parent directories of a member without following symlinks."""
    current = dest
    for part in parts[:-1]:
        current = current / part
        try:
            st = os.lstat(current)
        except FileNotFoundError:
            os.mkdir(current, 0o755)
            continue
        if not stat.S_ISDIR(st.st_mode):
            # A file or link where the archive has a directory (the previous
            # revision had one there). Writing through a link could land
            # outside the charm directory, so the link itself is replaced.
            current.unlink()
            os.mkdir(current, 0o755)
    return current / parts[-1]


def _clear_for(target: Path) -> None:
    """Remove a directory standing where a file or link must go."""
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        return
    if stat.S_ISDIR(st.st_mode):
        shutil.rmtree(target)


def extract_archive(
    archive: str | Path, dest: str | Path, previous_members: Collection[str] = ()
) -> list[str]:
    """Expand ``archive`` on top of ``dest``, applying the charm upgrade rule.

    Files are written to a temporary name and renamed into place, so a running
    hook script is never truncated under it and an existing symlink at the
    target is replaced, not followed; an existing symlink where the archive
    has a directory is replaced by a real directory. Symlinks in the archive
    are recreated as they are, even if they point outside ``dest``; they are
    just never written through.

    Args:
        archive: The ``.charm`` file.
        dest: The charm directory (created if needed).
        previous_members: What :func:`extract_archive` returned for the charm
            being replaced; paths among them absent from this archive are
            deleted (directories only when empty), everything else is kept.

    Returns:
        The member paths of this archive (no trailing slashes), to pass as
        ``previous_members`` at the next upgrade.

    Raises:
        CharmError: a member would escape ``dest`` (absolute, ``..``, or
            under a symlink of the archive); nothing is written then.
    """
    archive = Path(archive)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    members: list[str] = []
    dir_modes: list[tuple[Path, int]] = []
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise charm_error(str(archive), "", f"cannot read charm archive: {exc}") from None
    with zf:
        entries = []
        for info in zf.infolist():
            parts = _member_parts(info.filename, archive)
            if parts:
                entries.append((parts, info))
        # An archive that puts files under one of its own symlinks would write
        # through the link: refuse it before anything is written.
        links = {parts for parts, info in entries if _is_link_member(info)}
        for parts, info in entries:
            if any(parts[:i] in links for i in range(1, len(parts))):
                raise charm_error(str(archive), info.filename, "path goes through a symlink")
        for parts, info in entries:
            target = _ensure_parents(dest, parts)
            members.append("/".join(parts))
            if _is_dir_member(info):
                if target.is_symlink() or (target.exists() and not target.is_dir()):
                    target.unlink()
                target.mkdir(exist_ok=True)
                dir_modes.append((target, _member_mode(info, 0o755)))
                continue
            tmp = target.with_name(f".{target.name}.pyjuju-tmp")
            tmp.unlink(missing_ok=True)
            if _is_link_member(info):
                os.symlink(zf.read(info).decode(), tmp)
            else:
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
                with os.fdopen(fd, "wb") as out, zf.open(info) as src:
                    shutil.copyfileobj(src, out, 1 << 20)
                    os.fchmod(out.fileno(), _member_mode(info, 0o644))
            _clear_for(target)
            os.replace(tmp, target)
    # Directory modes last, so a read-only directory does not block its own contents.
    for path, mode in dir_modes:
        os.chmod(path, mode)
    _remove_stale(dest, members, previous_members)
    return members


def _remove_stale(dest: Path, members: list[str], previous: Collection[str]) -> None:
    keep = set(members)
    for name in members:
        member_parts = name.split("/")
        keep.update("/".join(member_parts[:i]) for i in range(1, len(member_parts)))
    stale: list[tuple[str, ...]] = []
    for name in previous:
        parts = tuple(p for p in name.split("/") if p not in ("", "."))
        if not parts or ".." in parts or name.startswith("/"):
            continue  # never act on a path that could leave dest
        if "/".join(parts) not in keep:
            stale.append(parts)
    for parts in sorted(stale, key=len, reverse=True):
        parent = dest.joinpath(*parts[:-1])
        if parent != dest and any(
            dest.joinpath(*parts[:i]).is_symlink() for i in range(1, len(parts))
        ):
            continue  # the parent is now a link: deleting through it could escape dest
        target = parent / parts[-1]
        try:
            st = os.lstat(target)
        except (FileNotFoundError, NotADirectoryError):
            continue  # already gone, or its parent is a file now
        if stat.S_ISDIR(st.st_mode):
            try:
                target.rmdir()  # only if empty: the charm may keep its own files there
            except OSError:
                pass
        else:
            target.unlink()
