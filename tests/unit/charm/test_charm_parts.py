"""charmcraft.yaml parts: what pyjuju pack runs, and what it refuses naming the part and key."""

from __future__ import annotations

import pytest

from pyjuju.charm.parts import CharmOptions, UvOptions, parse_parts
from pyjuju.core.errors import CharmError


def refused(parts: dict, field: str, words: str) -> None:
    with pytest.raises(CharmError) as info:
        parse_parts({"parts": parts})
    assert (info.value.details["file"], info.value.details["field"]) == ("charmcraft.yaml", field)
    assert str(info.value).startswith(f"charmcraft.yaml: {field}: ")
    assert words in str(info.value)


def test_no_parts_means_the_charm_plugin_on_the_project() -> None:
    (part,) = parse_parts({"name": "x"})
    assert (part.name, part.plugin, part.source) == ("charm", "charm", ".")
    assert part.charm == CharmOptions()


def test_a_part_named_after_a_plugin_uses_it() -> None:
    by_name = {p.name: p for p in parse_parts({"parts": {"charm": {}, "dump": {"source": "files"}, "nil": None}})}
    assert {n: p.plugin for n, p in by_name.items()} == {"charm": "charm", "dump": "dump", "nil": "nil"}
    assert by_name["charm"].source == "." and by_name["nil"].source is None


def test_every_key_is_read() -> None:
    (part,) = parse_parts({"parts": {"wheels": {
        "plugin": "nil", "source": "./deps/", "source-subdir": "py", "build-packages": ["git", "libffi-dev=3.4"],
        "build-environment": [{"PIP_INDEX_URL": "https://example.com"}, {"N": 3}],
        "organize": {"a.txt": "b/a.txt"}, "stage": ["b", "-b/x"], "prime": ["-b/y"],
        "override-build": "echo hi", "override-prime": "craftctl default",
    }}})
    assert part.source == "./deps" and part.source_subdir == "py"
    assert part.build_packages == ("git", "libffi-dev=3.4")
    assert part.build_environment == (("PIP_INDEX_URL", "https://example.com"), ("N", "3"))
    assert part.organize == (("a.txt", "b/a.txt"),) and part.stage == ("b", "-b/x") and part.prime == ("-b/y",)
    assert part.override("build") == "echo hi" and part.override("prime") == "craftctl default"
    assert part.override("pull") is None and part.charm is None


def test_charm_plugin_options() -> None:
    (part,) = parse_parts({"parts": {"charm": {
        "charm-entrypoint": "src/main.py", "charm-requirements": ["reqs.txt", "more.txt"],
        "charm-binary-python-packages": ["pydantic"], "charm-python-packages": ["six"],
    }}})
    assert part.charm == CharmOptions(entrypoint="src/main.py", requirements=("reqs.txt", "more.txt"),
                                      binary_python_packages=("pydantic",), python_packages=("six",))


def test_uv_plugin_options_and_its_snap() -> None:
    (part,) = parse_parts({"parts": {"charm": {
        "plugin": "uv", "source": ".", "build-snaps": ["astral-uv"], "uv-extras": ["fast"],
        "uv-groups": ["charm-libs"], "python-keep-bins": True,
    }}})
    assert part.plugin == "uv" and part.charm is None
    assert part.uv == UvOptions(extras=("fast",), groups=("charm-libs",), keep_bins=True)


def test_parts_are_ordered_by_name_and_after() -> None:
    order = [p.name for p in parse_parts({"parts": {
        "charm": {"after": ["wheels"]}, "a-files": {"plugin": "dump", "source": "."},
        "wheels": {"plugin": "nil", "after": ["a-files"]}, "b": {"plugin": "nil"},
    }})]
    assert order == ["a-files", "b", "wheels", "charm"]


@pytest.mark.parametrize(
    ("parts", "field", "words"),
    [
        ({"charm": {"plugin": "poetry"}}, "parts.charm.plugin", 'the "poetry" plugin cannot run in pyjuju pack'),
        ({"charm": {"plugin": "uv", "build-snaps": ["astral-uv", "jq"]}}, "parts.charm.build-snaps", "jq"),
        ({"charm": {"plugin": "uv", "charm-entrypoint": "x.py"}}, "parts.charm.charm-entrypoint",
         'a key of the "charm" plugin'),
        ({"charm": {"plugin": "reactive"}}, "parts.charm.plugin", "charm-tools"),
        ({"x": {"plugin": "make"}}, "parts.x.plugin", 'unknown plugin "make"'),
        ({"x": {"source": "."}}, "parts.x.plugin", 'missing (and "x" is not a plugin name)'),
        ({"w": {"plugin": "nil", "build-snaps": ["astral-uv"]}}, "parts.w.build-snaps",
         "snaps cannot be installed by pyjuju pack"),
        ({"w": {"plugin": "nil", "stage-packages": ["curl"]}}, "parts.w.stage-packages", "curl"),
        ({"w": {"plugin": "nil", "stage-snaps": ["jq"]}}, "parts.w.stage-snaps", "jq"),
        ({"w": {"plugin": "nil", "source": "https://github.com/x/y.git"}}, "parts.w.source",
         "remote source"),
        ({"w": {"plugin": "nil", "source": "x", "source-type": "git"}}, "parts.w.source-type",
         '"git" sources cannot be fetched'),
        ({"w": {"plugin": "nil", "source": "../elsewhere"}}, "parts.w.source", "a path inside the project"),
        ({"w": {"plugin": "nil", "charm-requirements": ["r.txt"]}}, "parts.w.charm-requirements",
         'a key of the "charm" plugin'),
        ({"w": {"plugin": "nil", "bogus": 1}}, "parts.w.bogus", "unknown key"),
        ({"w": {"plugin": "nil", "after": ["nope"]}}, "parts.w.after[0]", 'no part named "nope"'),
        ({"a": {"plugin": "nil", "after": ["b"]}, "b": {"plugin": "nil", "after": ["a"]}}, "parts.a.after",
         "a cycle"),
        ({"w": {"plugin": "nil", "build-packages": [{"on amd64": ["x"]}]}}, "parts.w.build-packages[0]",
         "grammar entries"),
        ({"w": {"plugin": "nil", "build-packages": ["bad name"]}}, "parts.w.build-packages[0]",
         "not a package name"),
        ({"w": {"plugin": "nil", "build-environment": ["X=1"]}}, "parts.w.build-environment[0]",
         "one-key mapping"),
        ({"w": {"plugin": "nil", "stage": ["/etc"]}}, "parts.w.stage[0]", "relative path"),
        ({"w": {"plugin": "nil", "organize": {"a": "../b"}}}, "parts.w.organize.a", "inside the part"),
        ({"w": {"plugin": "nil", "override-build": ["echo"]}}, "parts.w.override-build", "expected a string"),
        ({"charm": {"charm-strict-dependencies": True, "charm-python-packages": ["six"]}},
         "parts.charm.charm-python-packages", "charm-strict-dependencies"),
    ],
)
def test_refused_parts_name_the_part_and_key(parts: dict, field: str, words: str) -> None:
    refused(parts, field, words)


def test_empty_parts_is_an_error() -> None:
    refused({}, "parts", "no parts")
