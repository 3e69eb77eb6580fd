"""Packing charmcraft projects whose parts do more than the charm plugin: the split layout,
nil parts with override-build, dump parts with organize/stage/prime, and refusals."""

from __future__ import annotations

import hashlib
import os
import tarfile
import zipfile
from pathlib import Path

import pytest
import yaml

from pyjuju.charm import is_source_tree, load_charm, pack_source_tree
from pyjuju.core.errors import CharmError

META = {"name": "split", "summary": "s", "description": "d"}
CONFIG = {"options": {"greeting": {"type": "string", "default": "hi"}}}
ACTIONS = {"report": {"description": "Report."}}
CHARM_PY = "#!/usr/bin/env python3\nprint('hi')\n"

# Records what craft-parts gives a script, then fills a wheelhouse from the list file.
WHEELHOUSE = """\
env | grep '^CRAFT_' | sort > "$CRAFT_PART_INSTALL/craft-env.txt"
pwd > "$CRAFT_PART_INSTALL/cwd.txt"
echo "$GREETING" > "$CRAFT_PART_INSTALL/greeting.txt"
mkdir -p "$CRAFT_PART_INSTALL/wheelhouse"
while read -r name; do
  echo "wheel of $name" > "$CRAFT_PART_INSTALL/wheelhouse/$name-1.0-py3-none-any.whl"
done < wheelhouse.txt
"""


def split_project(tree, root: Path, parts: dict | None = None, **extra) -> Path:
    cc: dict = {"type": "charm", "bases": [{"name": "ubuntu", "channel": "22.04", "architectures": ["amd64"]}]}
    if parts is not None:
        cc["parts"] = parts
    files = {
        "charmcraft.yaml": cc, "metadata.yaml": META, "config.yaml": CONFIG, "actions.yaml": ACTIONS,
        "src/charm.py*": CHARM_PY, "wheelhouse.txt": "alpha\nbeta\n", **extra,
    }
    return tree(root, files)


def snapshot(root: Path) -> dict[str, str]:
    out = {}
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            path = Path(dirpath) / name
            out[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def members(archive: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(archive) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist() if not i.is_dir()}


def test_split_layout_is_a_source_tree(tmp_path: Path, tree) -> None:
    with_parts = split_project(tree, tmp_path / "a", {"charm": {}})
    assert is_source_tree(with_parts)
    no_parts = split_project(tree, tmp_path / "b")  # entry point, no dispatch yet
    assert is_source_tree(no_parts)
    (no_parts / "dispatch").write_text("#!/bin/sh\n")  # hand-made and runnable as it is
    assert not is_source_tree(no_parts)
    assert is_source_tree(split_project(tree, tmp_path / "c", {"charm": {}}, **{"dispatch*": "#!/bin/sh\n"}))
    assert not is_source_tree(split_project(tree, tmp_path / "d", {"charm": {}}, **{"manifest.yaml": {}}))
    hooks_only = tree(tmp_path / "e", {"charmcraft.yaml": {"type": "charm"}, "metadata.yaml": META,
                                       "hooks/install*": "#!/bin/sh\n"})
    assert not is_source_tree(hooks_only)
    built_reactive = tree(tmp_path / "f", {"charmcraft.yaml": {"type": "charm", "parts": {"charm": {
        "plugin": "reactive", "source": "."}}}, "metadata.yaml": META, "hooks/install*": "#!/bin/sh\n"})
    assert not is_source_tree(built_reactive)
    (built_reactive / "charmcraft.yaml").write_text(yaml.safe_dump({"type": "charm", "parts": {
        "charm": {"plugin": "reactive"}, "extra": {"plugin": "dump", "source": "x"}}}))
    assert is_source_tree(built_reactive)  # more than the reactive part: packed (and what cannot run refused)


def test_nil_part_override_build_fills_a_directory_the_charm_gets(tmp_path: Path, tree) -> None:
    parts = {
        "charm": {"plugin": "charm", "prime": ["-wheelhouse.txt"]},
        "wheelhouse": {"plugin": "nil", "source": ".", "override-build": WHEELHOUSE,
                       "build-environment": [{"GREETING": "bonjour"}]},
    }
    project = split_project(tree, tmp_path / "proj", parts)
    before = snapshot(project)
    out = tmp_path / "out"
    messages: list[str] = []
    archive = pack_source_tree(project, out, progress=messages.append)

    assert snapshot(project) == before  # nothing written into the project
    files = members(archive)
    assert files["wheelhouse/alpha-1.0-py3-none-any.whl"] == b"wheel of alpha\n"
    assert files["wheelhouse/beta-1.0-py3-none-any.whl"] == b"wheel of beta\n"
    assert "wheelhouse.txt" not in files  # the charm part's prime fileset dropped it
    assert files["greeting.txt"] == b"bonjour\n"
    env = dict(line.split("=", 1) for line in files["craft-env.txt"].decode().splitlines())
    work = Path(env["CRAFT_PART_SRC"]).parent
    assert work.name == "wheelhouse" and work.parent.name == "parts"
    assert env["CRAFT_PART_BUILD"] == str(work / "build") == env["CRAFT_PART_BUILD_WORK"]
    assert env["CRAFT_PART_INSTALL"] == str(work / "install")
    assert env["CRAFT_STAGE"] == str(work.parent.parent / "stage")
    assert env["CRAFT_PRIME"] == str(work.parent.parent / "prime")
    assert env["CRAFT_PROJECT_DIR"] == str(project.resolve())
    assert (env["CRAFT_PART_NAME"], env["CRAFT_STEP_NAME"], env["CRAFT_PROJECT_NAME"]) == (
        "wheelhouse", "BUILD", "split")
    assert env["CRAFT_ARCH_BUILD_FOR"] and env["CRAFT_PARALLEL_BUILD_COUNT"].isdigit()
    assert files["cwd.txt"].decode().strip() == env["CRAFT_PART_BUILD"]
    assert not work.exists()  # the work directory is gone

    # The split files are the project's; dispatch runs the entry point.
    assert yaml.safe_load(files["metadata.yaml"]) == META
    assert yaml.safe_load(files["config.yaml"]) == CONFIG
    assert yaml.safe_load(files["actions.yaml"]) == ACTIONS
    assert b"exec ./src/charm.py" in files["dispatch"]
    assert "charmcraft.yaml" not in files
    charm = load_charm(archive)
    assert charm.has_dispatch and charm.config.defaults() == {"greeting": "hi"} and list(charm.actions) == ["report"]
    assert "Running override-build of part 'wheelhouse'" in messages


def test_dump_part_with_organize_stage_and_prime(tmp_path: Path, tree) -> None:
    parts = {
        "charm": {"prime": ["-files"]},
        "extras": {"plugin": "dump", "source": "files", "organize": {"motd.txt": "templates/motd.txt",
                                                                      "bin/*": "tools/"},
                   "stage": ["templates", "tools", "notes/*.md"], "prime": ["-notes/draft.md"]},
    }
    project = split_project(tree, tmp_path / "proj", parts, **{
        "files/motd.txt": "welcome", "files/bin/run*": "#!/bin/sh\n", "files/unstaged.txt": "no",
        "files/notes/keep.md": "k", "files/notes/draft.md": "d",
    })
    files = members(pack_source_tree(project, tmp_path / "out"))
    assert files["templates/motd.txt"] == b"welcome"
    assert "tools/run" in files and "notes/keep.md" in files
    assert not {"unstaged.txt", "notes/draft.md", "motd.txt", "files/motd.txt"} & set(files)
    with zipfile.ZipFile(next((tmp_path / "out").glob("*.charm"))) as zf:
        assert (zf.getinfo("tools/run").external_attr >> 16) & 0o111


def test_dump_from_a_local_archive_and_a_subdir(tmp_path: Path, tree) -> None:
    payload = tree(tmp_path / "payload", {"inner/data/x.txt": "x"})
    project = split_project(tree, tmp_path / "proj", {
        "charm": {}, "data": {"plugin": "dump", "source": "payload.tar.gz", "source-subdir": "inner"}})
    with tarfile.open(project / "payload.tar.gz", "w:gz") as tf:
        tf.add(payload / "inner", arcname="inner")
    files = members(pack_source_tree(project, tmp_path / "out"))
    assert files["data/x.txt"] == b"x"


def test_craftctl_default_runs_the_plugin_inside_an_override(tmp_path: Path, tree) -> None:
    script = 'craftctl default\necho extra > "$CRAFT_PART_INSTALL/extra.txt"\ntest -x "$CRAFT_PART_INSTALL/dispatch"\n'
    project = split_project(tree, tmp_path / "proj", {"charm": {"override-build": script}})
    files = members(pack_source_tree(project, tmp_path / "out"))
    assert files["extra.txt"] == b"extra\n" and "dispatch" in files and "src/charm.py" in files


def test_craftctl_set_is_refused_not_ignored(tmp_path: Path, tree) -> None:
    project = split_project(tree, tmp_path / "proj", {"charm": {"override-build": "craftctl set version=1\n"}})
    with pytest.raises(CharmError) as info:
        pack_source_tree(project, tmp_path / "out")
    assert info.value.details["field"] == "parts.charm.override-build"
    assert "'set' is not supported by pyjuju pack" in str(info.value)


def test_a_failing_override_names_the_part_and_shows_its_output(tmp_path: Path, tree) -> None:
    project = split_project(tree, tmp_path / "proj", {
        "charm": {}, "wheels": {"plugin": "nil", "override-build": "echo fetching wheels\nexit 3\n"}})
    out = tmp_path / "out"
    with pytest.raises(CharmError) as info:
        pack_source_tree(project, out)
    assert str(info.value).startswith("charmcraft.yaml: parts.wheels.override-build: exited with status 3:")
    assert "fetching wheels" in str(info.value)
    assert not out.exists() or not list(out.iterdir())


def test_missing_build_packages_are_named_and_nothing_runs(tmp_path: Path, tree) -> None:
    marker = tmp_path / "ran"
    project = split_project(tree, tmp_path / "proj", {
        "charm": {},
        "wheels": {"plugin": "nil", "build-packages": ["git", "libfoo-dev"], "override-build": f"touch {marker}"},
    })
    with pytest.raises(CharmError) as info:
        pack_source_tree(project, tmp_path / "out", installed=lambda name: name == "git")
    assert info.value.details["field"] == "parts.wheels.build-packages"
    assert info.value.details["packages"] == ["libfoo-dev"]
    assert "not installed on this host" in str(info.value) and "apt-get install libfoo-dev" in str(info.value)
    assert not marker.exists()
    pack_source_tree(project, tmp_path / "out", installed=lambda name: True)
    assert marker.exists()


def test_real_dpkg_check_refuses_a_package_that_does_not_exist(tmp_path: Path, tree) -> None:
    project = split_project(tree, tmp_path / "proj", {
        "charm": {}, "w": {"plugin": "nil", "build-packages": ["pyjuju-no-such-package"]}})
    with pytest.raises(CharmError, match="pyjuju-no-such-package"):
        pack_source_tree(project, tmp_path / "out")


def test_a_missing_source_is_refused_before_anything_runs(tmp_path: Path, tree) -> None:
    project = split_project(tree, tmp_path / "proj", {"charm": {}, "d": {"plugin": "dump", "source": "nope"}})
    with pytest.raises(CharmError) as info:
        pack_source_tree(project, tmp_path / "out")
    assert info.value.details["field"] == "parts.d.source" and '"nope" not found' in str(info.value)


def test_two_parts_staging_one_file_differently_is_a_conflict(tmp_path: Path, tree) -> None:
    project = split_project(tree, tmp_path / "proj", {
        "charm": {}, "a": {"plugin": "dump", "source": "a"}, "b": {"plugin": "dump", "source": "b"}},
        **{"a/conf.txt": "one", "b/conf.txt": "two", "a/same.txt": "s", "b/same.txt": "s"})
    with pytest.raises(CharmError) as info:
        pack_source_tree(project, tmp_path / "out")
    assert info.value.details["field"] == "parts.b.stage"
    assert '"conf.txt" is also staged by part "a"' in str(info.value)


def test_a_charm_with_nothing_to_run_is_refused(tmp_path: Path, tree) -> None:
    project = split_project(tree, tmp_path / "proj", {"stuff": {"plugin": "dump", "source": "files"}},
                            **{"files/x": "x"})
    with pytest.raises(CharmError) as info:
        pack_source_tree(project, tmp_path / "out")
    assert info.value.details["field"] == "parts"
    assert "neither a dispatch script nor a hooks/ directory" in str(info.value)


def test_override_stage_and_prime_run_in_their_directories(tmp_path: Path, tree) -> None:
    project = split_project(tree, tmp_path / "proj", {"charm": {
        "override-stage": 'craftctl default\npwd > staged-in.txt\n',
        "override-prime": 'craftctl default\necho "$CRAFT_STEP_NAME" > primed.txt\n',
    }})
    files = members(pack_source_tree(project, tmp_path / "out"))
    assert files["primed.txt"] == b"PRIME\n"
    assert "staged-in.txt" not in files  # made in the stage directory, after the part's files were listed
    assert "dispatch" in files
