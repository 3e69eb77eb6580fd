"""Loading charm directories (split and unified form) and .charm archives."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from pyjuju.charm import build_archive, host_architecture, is_source_tree, load_charm
from pyjuju.core.errors import CharmError, NotFoundError

Tree = Callable[[Path, dict], Path]
MINIMAL_META = {"name": "mini", "summary": "A summary.", "description": "A description."}

LEGACY = {
    "metadata.yaml": {**MINIMAL_META, "requires": {"db": "mysql"}},
    "config.yaml": {"options": {"port": {"type": "int", "default": 80}}},
    "actions.yaml": {"backup": {"description": "Back up."}},
    "manifest.yaml": {
        "bases": [{"name": "ubuntu", "channel": "22.04", "architectures": ["amd64"]}]
    },
    "dispatch*": "#!/bin/sh\n",
    "hooks/install*": "#!/bin/sh\n",
    "hooks/start": ("link", "install"),
    "hooks/lib/helper.sh": "",
    "revision": "7\n",
    "version": "abc123\nsecond line\n",
    "src/charm.py*": "",
}


def check_legacy(charm) -> None:
    assert charm.meta.name == "mini"
    assert charm.meta.requires["db"].interface == "mysql"
    assert charm.config.defaults() == {"port": 80}
    assert list(charm.actions) == ["backup"]
    assert charm.has_dispatch is True
    assert charm.hooks == ("install", "start")
    assert charm.revision == 7
    assert charm.version == "abc123"
    assert charm.manifest["bases"][0]["channel"] == "22.04"


def test_load_directory(tmp_path: Path, tree: Tree) -> None:
    root = tree(tmp_path / "mini", LEGACY)
    charm = load_charm(root)
    assert charm.path == root
    check_legacy(charm)


def test_load_archive(tmp_path: Path, tree: Tree) -> None:
    root = tree(tmp_path / "mini", LEGACY)
    archive = build_archive(root, tmp_path / "mini.charm")
    charm = load_charm(str(archive))
    assert charm.path == archive
    check_legacy(charm)


def test_minimal_directory(tmp_path: Path, tree: Tree) -> None:
    charm = load_charm(tree(tmp_path / "c", {"metadata.yaml": MINIMAL_META}))
    assert charm.config.options == {}
    assert charm.actions == {}
    assert charm.has_dispatch is False
    assert charm.hooks == ()
    assert (charm.revision, charm.version, charm.manifest) == (None, None, None)


def test_unified_charmcraft_yaml_is_split(mini_source: Path) -> None:
    charm = load_charm(mini_source)
    meta = charm.meta
    assert meta.name == "mini"
    assert meta.raw["display-name"] == "Mini charm"
    assert "title" not in meta.raw
    assert meta.raw["maintainers"] == ["Someone <someone@example.com>"]
    assert meta.raw["source"] == "https://example.com/mini"
    for build_key in ("type", "base", "platforms", "parts", "config", "actions", "links"):
        assert build_key not in meta.raw
    assert meta.requires["db"].limit == 1
    assert meta.peers["cluster"].interface == "mini-peers"
    assert charm.config.defaults() == {"port": 8080}
    assert charm.actions["backup"].required == ("target",)
    assert charm.manifest == {
        "bases": [{"name": "ubuntu", "channel": "22.04", "architectures": ["amd64"]}]
    }


def test_charmcraft_yaml_with_legacy_metadata(tmp_path: Path, tree: Tree) -> None:
    root = tree(
        tmp_path / "c",
        {
            "charmcraft.yaml": {"type": "charm", "bases": [{"name": "ubuntu", "channel": "20.04"}]},
            "metadata.yaml": MINIMAL_META,
        },
    )
    charm = load_charm(root)
    assert charm.meta.name == "mini"
    # No manifest.yaml: the bases come from charmcraft.yaml, host arch by default.
    assert charm.manifest == {
        "bases": [{"name": "ubuntu", "channel": "20.04", "architectures": [host_architecture()]}]
    }


@pytest.mark.parametrize(
    ("charmcraft", "other_file", "other", "field"),
    [
        ({"name": "mini"}, "metadata.yaml", MINIMAL_META, "name"),
        ({"title": "T"}, "metadata.yaml", {**MINIMAL_META, "display-name": "T"}, "title"),
        (
            {**MINIMAL_META, "config": {"options": {}}},
            "config.yaml",
            {"options": {}},
            "config",
        ),
        ({**MINIMAL_META, "actions": {"a": {}}}, "actions.yaml", {"a": {}}, "actions"),
    ],
)
def test_duplicated_keys_are_refused(
    tmp_path: Path, tree: Tree, charmcraft: dict, other_file: str, other: dict, field: str
) -> None:
    root = tree(tmp_path / "c", {"charmcraft.yaml": charmcraft, other_file: other})
    with pytest.raises(CharmError) as info:
        load_charm(root)
    message = str(info.value)
    assert "charmcraft.yaml" in message and other_file in message
    assert info.value.details["file"] == "charmcraft.yaml"
    assert info.value.details["field"] == field
    assert info.value.details["other_file"] == other_file


def test_errors_in_charmcraft_sections_name_charmcraft_yaml(tmp_path: Path, tree: Tree) -> None:
    bad_config = {**MINIMAL_META, "config": {"options": {"port": {"type": "int", "default": "x"}}}}
    root = tree(tmp_path / "a", {"charmcraft.yaml": bad_config})
    with pytest.raises(CharmError) as info:
        load_charm(root)
    assert info.value.details == {
        "file": "charmcraft.yaml",
        "field": "config.options.port.default",
    }
    assert str(info.value).startswith("charmcraft.yaml: config.options.port.default: expected int")

    bad_meta = {"summary": "", "description": "", "requires": {"db": {}}}
    root = tree(tmp_path / "b", {"charmcraft.yaml": bad_meta, "metadata.yaml": {"name": "x"}})
    with pytest.raises(CharmError) as info:
        load_charm(root)
    assert str(info.value) == "charmcraft.yaml: requires.db.interface: missing"


def test_missing_path() -> None:
    with pytest.raises(NotFoundError) as info:
        load_charm("/nonexistent/charm")
    assert str(info.value) == 'no charm found at "/nonexistent/charm"'


def test_not_a_charm(tmp_path: Path) -> None:
    plain = tmp_path / "notes.txt"
    plain.write_text("hello")
    with pytest.raises(CharmError, match="neither a charm directory nor a .charm archive"):
        load_charm(plain)
    (tmp_path / "empty").mkdir()
    with pytest.raises(CharmError) as info:
        load_charm(tmp_path / "empty")
    assert info.value.details["file"] == "metadata.yaml"


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path, tree: Tree) -> None:
    root = tree(tmp_path / "c", {"metadata.yaml": "name: x\nsummary: [unclosed\ndescription: y\n"})
    with pytest.raises(CharmError) as info:
        load_charm(root)
    assert str(info.value).startswith("metadata.yaml: line ")
    assert info.value.details["file"] == "metadata.yaml"
    assert info.value.details["line"] in (2, 3, 4)


def test_bad_revision_and_manifest(tmp_path: Path, tree: Tree) -> None:
    root = tree(tmp_path / "a", {"metadata.yaml": MINIMAL_META, "revision": "seven"})
    with pytest.raises(CharmError, match=r"^revision: expected an integer"):
        load_charm(root)
    root = tree(tmp_path / "b", {"metadata.yaml": MINIMAL_META, "manifest.yaml": "- x\n"})
    with pytest.raises(CharmError, match=r"^manifest\.yaml: expected a mapping"):
        load_charm(root)


def test_archive_members_with_dot_slash_prefix(tmp_path: Path) -> None:
    archive = tmp_path / "c.charm"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("./metadata.yaml", "name: dotted\nsummary: s\ndescription: d\n")
        zf.writestr("./hooks/install", "#!/bin/sh\n")
    charm = load_charm(archive)
    assert charm.meta.name == "dotted"
    assert charm.hooks == ("install",)


def test_is_source_tree(tmp_path: Path, tree: Tree, mini_source: Path) -> None:
    assert is_source_tree(mini_source)
    assert not is_source_tree(tree(tmp_path / "packed", {"metadata.yaml": MINIMAL_META}))
    both = {"metadata.yaml": MINIMAL_META, "charmcraft.yaml": {"type": "charm"}, "src/x": ""}
    assert not is_source_tree(tree(tmp_path / "legacy", both))
    assert is_source_tree(tree(tmp_path / "typed", {"charmcraft.yaml": {"type": "charm"}}))
    assert not is_source_tree(tree(tmp_path / "bundle", {"charmcraft.yaml": {"type": "bundle"}}))
    assert not is_source_tree(tmp_path / "missing")
    assert not is_source_tree(mini_source / "charmcraft.yaml")


def test_packed_charm_ignores_its_charmcraft_yaml(tmp_path: Path, tree: Tree) -> None:
    # A packed charm (manifest.yaml present) may carry the charmcraft.yaml it
    # was built from; its split files win and are not "duplicates".
    root = tree(
        tmp_path / "packed",
        {
            "charmcraft.yaml": {**MINIMAL_META, "name": "source-name"},
            "metadata.yaml": MINIMAL_META,
            "manifest.yaml": {"bases": []},
        },
    )
    assert load_charm(root).meta.name == "mini"
    archive = build_archive(root, tmp_path / "packed.charm")
    assert load_charm(archive).meta.name == "mini"


def test_renamed_charmcraft_keys_are_named_in_errors(tmp_path: Path, tree: Tree) -> None:
    root = tree(tmp_path / "c", {"charmcraft.yaml": {**MINIMAL_META, "title": ["not", "text"]}})
    with pytest.raises(CharmError) as info:
        load_charm(root)
    assert str(info.value) == "charmcraft.yaml: title: expected a string, got list"
