"""Filesets (stage/prime) and organize, as craft-parts applies them to a part's files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pyjuju.charm.filesets import OrganizeError, migrate, organize, select

FILES = {
    "bin/tool": "t", "bin/helper": "h", "lib/a.so": "a", "lib/deep/b.so": "b", "lib/deep/b.txt": "x",
    "share/doc/README": "r", "top.txt": "top", ".hidden": "dot",
}


@pytest.fixture
def root(tmp_path: Path, tree) -> Path:
    return tree(tmp_path / "install", FILES)


def files(paths: set[str], root: Path) -> set[str]:
    return {p for p in paths if not (root / p).is_dir()}


def test_no_entries_select_everything(root: Path) -> None:
    assert files(select(root, []), root) == set(FILES)
    assert files(select(root, ["*"]), root) == set(FILES)


def test_a_directory_entry_takes_everything_under_it(root: Path) -> None:
    assert files(select(root, ["lib"]), root) == {"lib/a.so", "lib/deep/b.so", "lib/deep/b.txt"}


def test_globs_and_globstar(root: Path) -> None:
    assert files(select(root, ["bin/*"]), root) == {"bin/tool", "bin/helper"}
    assert files(select(root, ["lib/**/*.so"]), root) == {"lib/a.so", "lib/deep/b.so"}


def test_exclusions_alone_keep_the_rest(root: Path) -> None:
    assert files(select(root, ["-lib", "-top.txt"]), root) == set(FILES) - {
        "lib/a.so", "lib/deep/b.so", "lib/deep/b.txt", "top.txt"}


def test_exclusions_apply_after_inclusions(root: Path) -> None:
    assert files(select(root, ["lib", "bin/tool", "-lib/deep/*.txt"]), root) == {
        "lib/a.so", "lib/deep/b.so", "bin/tool"}


def test_migrate_keeps_modes_symlinks_and_empty_dirs(tmp_path: Path, tree) -> None:
    src = tree(tmp_path / "src", {"run*": "#!/bin/sh\n", "link": ("link", "run"), "empty": None})
    dest = tmp_path / "dest"
    copied = migrate(src, dest, select(src, []))
    assert copied == ["link", "run"]
    assert os.access(dest / "run", os.X_OK)
    assert os.readlink(dest / "link") == "run"
    assert (dest / "empty").is_dir()


def test_organize_renames_and_moves_into_directories(root: Path) -> None:
    organize(root, [("top.txt", "etc/top.conf"), ("bin/*", "usr/bin/"), ("share", "usr/share")])
    left = files(select(root, []), root)
    assert {"etc/top.conf", "usr/bin/tool", "usr/bin/helper", "usr/share/doc/README"} <= left
    assert not {"top.txt", "bin/tool", "share/doc/README"} & left
    assert (root / "etc/top.conf").read_text() == "top"


@pytest.mark.parametrize(
    ("mapping", "words"),
    [
        ([("missing.txt", "x")], '"missing.txt" matches nothing'),
        ([("top.txt", "bin/tool")], 'cannot organize "top.txt" to "bin/tool": it exists already'),
        ([("bin/*", "top.txt/")], "it is a file"),
    ],
)
def test_organize_refuses_what_it_cannot_do(root: Path, mapping, words: str) -> None:
    with pytest.raises(OrganizeError, match=words):
        organize(root, mapping)
