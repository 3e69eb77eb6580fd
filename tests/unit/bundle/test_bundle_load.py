"""Reading bundles: shape, overlays, and errors that name the application and key."""

from __future__ import annotations

from pathlib import Path

import pytest
from bundle_helpers import FIVE_APPS, write

from pyjuju import bundle as bundlelib
from pyjuju.core.errors import NotSupportedError


def test_five_apps_load_with_resolved_paths_and_placement(workdir: Path) -> None:
    spec = bundlelib.load_bundle(write(workdir, "bundle.yaml", FIVE_APPS))
    assert sorted(spec.applications) == ["hooks", "peer", "provider", "requirer", "sub"]
    provider = spec.applications["provider"]
    assert provider.charm_path == (workdir / "charms" / "bash-provider").resolve()
    assert provider.to == ("0", "1")
    assert spec.applications["peer"].placement(1) == "1"  # the last directive repeats
    assert spec.applications["hooks"].placement(0) == "new"
    assert spec.machines["1"].constraints == "mem=256M"
    assert set(spec.applications["hooks"].exposed) == {""}
    assert [str(r) for r in spec.relations] == ["requirer:data provider:data", "sub:host requirer"]


def test_overlays_merge_options_append_relations_and_remove_apps(workdir: Path) -> None:
    (workdir / "ov").mkdir()
    (workdir / "ov" / "charms").symlink_to(workdir / "charms")
    overlay = write(workdir / "ov", "overlay.yaml", """\
        applications:
          hooks:
            options:
              count: 5
          peer:
          extra:
            charm: ./charms/bash-hooks
            num_units: 1
        relations:
        - [sub, extra]
        """)
    spec = bundlelib.load_bundle(write(workdir, "bundle.yaml", FIVE_APPS.replace('    to: ["1"]\n', "")
                                       .replace('"1":\n    constraints: mem=256M', '"1": {}')
                                       .replace('to: ["0", "1"]', 'to: ["0", "1"]')), (overlay,))
    assert dict(spec.applications["hooks"].options) == {"greeting": "hi", "count": 5}
    assert "peer" not in spec.applications
    assert spec.applications["extra"].charm_path == (workdir / "ov" / "charms" / "bash-hooks").resolve()
    assert str(spec.relations[-1]) == "sub extra"


def test_a_second_document_is_an_overlay(workdir: Path) -> None:
    text = FIVE_APPS + "---\napplications:\n  hooks:\n    exposed-endpoints:\n      \"\":\n" \
        "        expose-to-cidrs: [10.0.0.0/8]\n    expose: false\n"
    spec = bundlelib.load_bundle(write(workdir, "bundle.yaml", text))
    assert spec.applications["hooks"].exposed[""].cidrs == ("10.0.0.0/8",)


@pytest.mark.parametrize(("edit", "words"), [
    (lambda t: t + "colour: blue\n", ['unknown key "colour"']),
    (lambda t: t.replace("    num_units: 1\n", "    nm_units: 1\n"), ['application "hooks"', 'key "nm_units"']),
    (lambda t: t.replace('to: ["1"]', 'to: ["7"]'), ['application "peer"', 'key "to"', 'machine "7"']),
    (lambda t: t.replace('"0": {}', '"0": {}\n  "5": {}'), ['machine "5"', "not used"]),
    (lambda t: t.replace("[sub:host, requirer]", "[sub:host, ghost]"), ['"ghost"', "not in the bundle"]),
    (lambda t: t.replace("./charms/bash-peer", "./charms/missing"), ['application "peer"', 'key "charm"',
                                                                     "not found"]),
    (lambda t: t.replace("num_units: 2\n    to: [\"1\"]", "num_units: -1"), ['application "peer"',
                                                                          'key "num_units"']),
    (lambda t: t.replace('to: ["0", "1"]', 'to: ["0", "1", "0"]'), ['application "provider"', "too many"]),
    (lambda t: t.replace("constraints: mem=256M", "constraints: mem=lots"), ['machine "1"', "constraints"]),
    (lambda t: t.replace('to: ["provider/0", "new"]', 'to: ["provider/5"]'), ['application "requirer"',
                                                                             "only 2 unit"]),
    (lambda t: t.replace("    expose: true\n", "    exposed-endpoints: {'': {}}\n"),
     ['application "hooks"', "only be given in an overlay"]),
    (lambda t: t.replace("./charms/bash-sub\n", "./charms/bash-sub\n    channel: stable\n"),
     ['application "sub"', 'key "channel"']),
    (lambda t: t.replace("    options:\n      greeting: hi\n      count: 3\n", "    options: [1]\n"),
     ['application "hooks"', 'key "options"']),
    (lambda t: t.replace("relations:\n", "relations:\n- [provider]\n"), ['key "relations"']),
])
def test_bad_bundles_name_the_problem(workdir: Path, edit, words: list[str]) -> None:
    path = write(workdir, "bundle.yaml", edit(FIVE_APPS))
    with pytest.raises(bundlelib.BundleError) as e:
        bundlelib.load_bundle(path)
    for word in words:
        assert word in e.value.message
    assert str(path) in e.value.message


@pytest.mark.parametrize("edit", [
    lambda t: t.replace('to: ["1"]', 'to: ["lxd:1"]'),
    lambda t: t.replace("./charms/bash-sub", "postgresql"),
    lambda t: "bundle: kubernetes\n" + t,
    lambda t: t + "saas:\n  db:\n    url: ctl:admin/m.db\n",
])
def test_unsupported_features_are_refused_by_name(workdir: Path, edit) -> None:
    with pytest.raises(NotSupportedError):
        bundlelib.load_bundle(write(workdir, "bundle.yaml", edit(FIVE_APPS)))


def test_missing_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(bundlelib.BundleError, match="not found"):
        bundlelib.load_bundle(tmp_path / "nope.yaml")
    with pytest.raises(bundlelib.BundleError, match="invalid YAML"):
        bundlelib.load_bundle(write(tmp_path, "bad.yaml", "applications: [\n"))
    with pytest.raises(bundlelib.BundleError, match="at least one"):
        bundlelib.load_bundle(write(tmp_path, "empty.yaml", "description: x\n"))
