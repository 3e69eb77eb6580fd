"""Building and expanding .charm archives: modes, symlinks, determinism, upgrades."""

from __future__ import annotations

import os
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from pyjuju.charm import build_archive, extract_archive, sha256_file
from pyjuju.core.errors import CharmError

Tree = Callable[[Path, dict], Path]

FILES = {
    "metadata.yaml": "name: x\n",
    "dispatch*": "#!/bin/sh\necho hi\n",
    "src/charm.py*": "print('x')\n",
    "lib/mod.py": "X = 1\n",
    "hooks/install": ("link", "../dispatch"),
    "venv/outside": ("link", "/usr/bin"),
    "empty": None,
    ".git/config": "junk",
    "src/__pycache__/charm.cpython-311.pyc": b"\0",
    "lib/mod.pyc": b"\0",
    ".unit-state.db": b"state",
}


def names(archive: Path) -> list[str]:
    with zipfile.ZipFile(archive) as zf:
        return zf.namelist()


def test_build_skips_junk_and_stores_symlinks(tmp_path: Path, tree: Tree) -> None:
    root = tree(tmp_path / "charm", FILES)
    archive = build_archive(root, tmp_path / "x.charm")
    assert names(archive) == [
        "dispatch",
        "empty/",
        "hooks/",
        "hooks/install",
        "lib/",
        "lib/mod.py",
        "metadata.yaml",
        "src/",
        "src/charm.py",
        "venv/",
        "venv/outside",
    ]
    with zipfile.ZipFile(archive) as zf:
        link = zf.getinfo("hooks/install")
        assert stat.S_ISLNK(link.external_attr >> 16)
        assert zf.read(link) == b"../dispatch"
        assert (zf.getinfo("dispatch").external_attr >> 16) & 0o111
        assert zf.getinfo("dispatch").date_time == (1980, 1, 1, 0, 0, 0)


def test_build_is_deterministic(tmp_path: Path, tree: Tree) -> None:
    root = tree(tmp_path / "charm", FILES)
    first = sha256_file(build_archive(root, tmp_path / "a.charm"))
    os.utime(root / "lib" / "mod.py", (1, 1))  # timestamps must not matter
    second = sha256_file(build_archive(root, tmp_path / "b.charm"))
    assert first == second
    (root / "lib" / "mod.py").write_text("X = 2\n")
    assert sha256_file(build_archive(root, tmp_path / "c.charm")) != first


def test_archive_inside_the_tree_is_not_packed_into_itself(tmp_path: Path, tree: Tree) -> None:
    root = tree(tmp_path / "charm", {"metadata.yaml": "name: x\n"})
    build_archive(root, root / "self.charm")
    archive = build_archive(root, root / "self.charm")
    assert names(archive) == ["metadata.yaml"]


def test_round_trip_preserves_exec_bits_and_symlinks(tmp_path: Path, tree: Tree) -> None:
    root = tree(tmp_path / "charm", FILES)
    archive = build_archive(root, tmp_path / "x.charm")
    dest = tmp_path / "unit" / "charm"
    members = extract_archive(archive, dest)
    assert "dispatch" in members and "empty" in members
    assert os.access(dest / "dispatch", os.X_OK)
    assert os.access(dest / "src" / "charm.py", os.X_OK)
    assert not os.access(dest / "lib" / "mod.py", os.X_OK)
    assert (dest / "hooks" / "install").is_symlink()
    assert os.readlink(dest / "hooks" / "install") == "../dispatch"
    assert os.readlink(dest / "venv" / "outside") == "/usr/bin"
    assert (dest / "empty").is_dir()
    assert (dest / "metadata.yaml").read_text() == "name: x\n"
    assert not (dest / ".git").exists()


def test_upgrade_removes_only_old_members(tmp_path: Path, tree: Tree) -> None:
    v1 = tree(
        tmp_path / "v1",
        {"metadata.yaml": "v: 1\n", "old.py": "", "gone/x.py": "", "kept/y.py": "", "lib/a": ""},
    )
    v2 = tree(
        tmp_path / "v2", {"metadata.yaml": "v: 2\n", "new.py": "", "kept/z.py": "", "lib": ""}
    )
    dest = tmp_path / "charm"
    members = extract_archive(build_archive(v1, tmp_path / "v1.charm"), dest)
    # Files the charm itself creates must survive the upgrade.
    (dest / ".unit-state.db").write_text("state")
    (dest / "kept" / "mine.txt").write_text("mine")
    (dest / "gone" / "mine.txt").write_text("mine")

    extract_archive(build_archive(v2, tmp_path / "v2.charm"), dest, previous_members=members)

    assert (dest / "metadata.yaml").read_text() == "v: 2\n"
    assert (dest / "new.py").exists()
    assert not (dest / "old.py").exists()
    assert not (dest / "kept" / "y.py").exists()
    assert (dest / "kept" / "z.py").exists()
    assert not (dest / "gone" / "x.py").exists()
    assert (dest / "gone" / "mine.txt").exists()  # non-empty dir is kept
    assert (dest / "kept" / "mine.txt").exists()
    assert (dest / ".unit-state.db").read_text() == "state"
    assert (dest / "lib").is_file()  # a directory replaced by a file


def test_upgrade_removes_emptied_directories(tmp_path: Path, tree: Tree) -> None:
    v1 = tree(tmp_path / "v1", {"metadata.yaml": "", "gone/deep/x": ""})
    v2 = tree(tmp_path / "v2", {"metadata.yaml": ""})
    dest = tmp_path / "charm"
    members = extract_archive(build_archive(v1, tmp_path / "v1.charm"), dest)
    extract_archive(build_archive(v2, tmp_path / "v2.charm"), dest, members)
    assert sorted(os.listdir(dest)) == ["metadata.yaml"]


def make_zip(path: Path, entries: list[tuple[str, bytes, int]]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data, mode in entries:
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = mode << 16
            zf.writestr(info, data)
    return path


@pytest.mark.parametrize("name", ["../evil", "/abs/evil", "a/../../evil", "a/./../../evil"])
def test_refuses_paths_escaping_dest(tmp_path: Path, name: str) -> None:
    archive = make_zip(
        tmp_path / "bad.charm",
        [("metadata.yaml", b"", 0o100644), (name, b"pwned", 0o100644)],
    )
    dest = tmp_path / "sub" / "charm"
    with pytest.raises(CharmError) as info:
        extract_archive(archive, dest)
    assert info.value.details["field"] == name
    assert not (tmp_path / "evil").exists()
    assert not (tmp_path / "sub" / "evil").exists()
    assert not (dest / "metadata.yaml").exists()  # checked before anything is written


def test_refuses_members_under_its_own_symlinks(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    archive = make_zip(
        tmp_path / "bad.charm",
        [
            ("escape", str(outside).encode(), 0o120777),
            ("escape/planted", b"pwned", 0o100644),
        ],
    )
    with pytest.raises(CharmError, match="symlink") as info:
        extract_archive(archive, tmp_path / "charm")
    assert info.value.details["field"] == "escape/planted"
    assert list(outside.iterdir()) == []
    assert not (tmp_path / "charm" / "escape").exists()


def test_existing_directory_symlink_is_replaced_not_written_through(tmp_path: Path) -> None:
    # The previous revision shipped "lib" as a link; the new one as a directory.
    outside = tmp_path / "outside"
    outside.mkdir()
    dest = tmp_path / "charm"
    dest.mkdir()
    (dest / "lib").symlink_to(outside)
    archive = make_zip(tmp_path / "c.charm", [("lib/mod.py", b"X = 1\n", 0o100644)])
    extract_archive(archive, dest, previous_members=["lib"])
    assert list(outside.iterdir()) == []
    assert not (dest / "lib").is_symlink()
    assert (dest / "lib" / "mod.py").read_text() == "X = 1\n"


def test_existing_symlink_is_replaced_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("original")
    dest = tmp_path / "charm"
    dest.mkdir()
    (dest / "config.yaml").symlink_to(victim)
    archive = make_zip(tmp_path / "c.charm", [("config.yaml", b"options: {}\n", 0o100644)])
    extract_archive(archive, dest)
    assert victim.read_text() == "original"
    assert not (dest / "config.yaml").is_symlink()
    assert (dest / "config.yaml").read_text() == "options: {}\n"


def test_zip_without_unix_modes_gets_defaults(tmp_path: Path) -> None:
    archive = tmp_path / "plain.charm"
    with zipfile.ZipFile(archive, "w") as zf:
        for name in ("metadata.yaml", "hooks/"):
            info = zipfile.ZipInfo(name)
            info.create_system = 0  # MS-DOS: no unix mode bits at all
            # Only MS-DOS attribute bits (directory / archive flags).
            info.external_attr = 0x10 if name.endswith("/") else 0x20
            zf.writestr(info, "name: x\n" if name == "metadata.yaml" else "")
    dest = tmp_path / "charm"
    assert extract_archive(archive, dest) == ["metadata.yaml", "hooks"]
    assert stat.S_IMODE((dest / "metadata.yaml").stat().st_mode) == 0o644
    assert stat.S_IMODE((dest / "hooks").stat().st_mode) == 0o755


def test_unreadable_archive(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.charm"
    bogus.write_text("not a zip")
    with pytest.raises(CharmError, match="cannot read charm archive"):
        extract_archive(bogus, tmp_path / "charm")


def test_sha256_file(tmp_path: Path) -> None:
    f = tmp_path / "f"
    f.write_bytes(b"abc")
    assert sha256_file(f) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
