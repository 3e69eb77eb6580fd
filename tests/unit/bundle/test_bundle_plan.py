"""Planning: fresh models, redeploys that change nothing, edits that change only the difference."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from bundle_helpers import FIVE_APPS, charm_infos, checked, simulate, write

from pyjuju import bundle as bundlelib

EMPTY = bundlelib.ModelSnapshot(name="m")


def kinds(plan: bundlelib.Plan) -> list[str]:
    return [c.kind for c in plan.changes]


def test_fresh_model_plan_is_ordered_and_colocates(workdir: Path) -> None:
    cb = checked(write(workdir, "bundle.yaml", FIVE_APPS))
    plan = bundlelib.plan_bundle(EMPTY, cb)
    k = kinds(plan)
    assert k.count("upload-charm") == 5 and k.count("deploy") == 5
    assert k.index("add-machine") > max(i for i, x in enumerate(k) if x == "upload-charm")
    assert max(i for i, x in enumerate(k) if x == "add-machine") < k.index("deploy")
    for c in plan.changes:  # each application's units right after its deploy
        if c.kind == "add-unit":
            before = plan.changes[plan.changes.index(c) - 1]
            assert before.kind in ("deploy", "add-unit") and before.args["application"] == c.args["application"]
    assert k[-1] == "expose" and k.count("add-relation") == 2
    units = {c.description.split()[2]: c.args["to"] for c in plan.changes if c.kind == "add-unit"}
    assert units["requirer/0"] == units["provider/0"]  # to: provider/0
    assert units["peer/0"] == units["peer/1"] == units["provider/1"]  # bundle machine "1", repeated
    assert len({units["hooks/0"], units["requirer/1"], units["provider/0"], units["provider/1"]}) == 4
    machines = [c for c in plan.changes if c.kind == "add-machine"]
    assert [m.args["constraints"] for m in machines[:2]] == ["", "mem=256M"]
    assert "sub/0" not in units  # subordinates get units from relations
    rendered = plan.render()
    assert rendered.startswith("Changes to deploy bundle:\n- upload charm ./charms/bash-hooks\n")
    assert "- add unit requirer/0 to new machine 0\n" in rendered
    assert "- add relation sub:host - requirer:juju-info\n" in rendered


def test_redeploy_plans_nothing(workdir: Path) -> None:
    cb = checked(write(workdir, "bundle.yaml", FIVE_APPS))
    model = simulate(EMPTY, cb, bundlelib.plan_bundle(EMPTY, cb))
    again = bundlelib.plan_bundle(model, cb)
    assert again.changes == ()
    assert again.render() == "No changes to apply.\n"


def test_edited_bundle_plans_only_the_difference(workdir: Path) -> None:
    cb = checked(write(workdir, "bundle.yaml", FIVE_APPS))
    model = simulate(EMPTY, cb, bundlelib.plan_bundle(EMPTY, cb))
    edited = (FIVE_APPS.replace("greeting: hi", "greeting: hello")
              .replace("  peer:\n    charm: ./charms/bash-peer\n    num_units: 2", "  peer:\n    charm: ./charms/bash-peer\n    num_units: 3")
              .replace("  hooks:\n    charm: ./charms/bash-hooks\n", "  hooks:\n    charm: ./charms/bash-hooks\n    constraints: cores=1\n")
              + "- [sub, peer]\n")
    plan = bundlelib.plan_bundle(model, checked(write(workdir, "edited.yaml", edited)))
    assert kinds(plan) == ["add-unit", "set-options", "set-constraints", "add-relation"]
    unit = plan.changes[0]
    assert unit.description == "add unit peer/2 to existing machine " + model.applications["peer"].units[0].machine
    assert plan.changes[1].args == {"application": "hooks", "options": {"greeting": "hello"}}
    assert plan.changes[3].args["endpoints"] == ["sub:host", "peer:juju-info"]


def test_a_changed_charm_is_upgraded(workdir: Path) -> None:
    cb = checked(write(workdir, "bundle.yaml", FIVE_APPS))
    model = simulate(EMPTY, cb, bundlelib.plan_bundle(EMPTY, cb))
    hooks = model.applications["hooks"]
    model = dataclasses.replace(model, applications={**model.applications,
                                                     "hooks": dataclasses.replace(hooks, charm_sha256="0" * 64)})
    plan = bundlelib.plan_bundle(model, cb)
    assert kinds(plan) == ["upload-charm", "refresh"]
    assert plan.changes[1].description == "upgrade hooks from local charm ./charms/bash-hooks"


def test_map_machines_existing_uses_model_machines(workdir: Path) -> None:
    text = "machines:\n  '3': {}\napplications:\n  hooks:\n    charm: ./charms/bash-hooks\n    num_units: 1\n" \
           "    to: ['3']\n"
    cb = checked(write(workdir, "b.yaml", text))
    model = bundlelib.ModelSnapshot(machines={"3": bundlelib.MachineState(id="3")})
    assert "add-machine" in kinds(bundlelib.plan_bundle(model, cb))
    plan = bundlelib.plan_bundle(model, cb, map_existing=True)
    assert kinds(plan) == ["upload-charm", "deploy", "add-unit"]
    assert plan.changes[-1].args["to"] == "3"


def test_circular_colocation_is_refused(workdir: Path) -> None:
    text = ("applications:\n  a:\n    charm: ./charms/bash-hooks\n    num_units: 1\n    to: [b/0]\n"
            "  b:\n    charm: ./charms/bash-peer\n    num_units: 1\n    to: [a/0]\n")
    with pytest.raises(bundlelib.BundleError, match="circular"):
        bundlelib.plan_bundle(EMPTY, checked(write(workdir, "b.yaml", text)))


@pytest.mark.parametrize(("edit", "words"), [
    (lambda t: t.replace("count: 3", "count: lots"), ['application "hooks"', 'key "options"', '"count"']),
    (lambda t: t.replace("count: 3", "colour: red"), ['application "hooks"', '"colour"']),
    (lambda t: t.replace("[requirer:data, provider:data]", "[requirer:data, provider:nope]"),
     ['relation "requirer:data provider:nope"', '"nope"']),
    (lambda t: t.replace("[requirer:data, provider:data]", "[requirer:data, peer]"), ["no relations found"]),
    (lambda t: t.replace("  sub:\n    charm: ./charms/bash-sub\n", "  sub:\n    charm: ./charms/bash-sub\n"
                                                                    "    num_units: 1\n"),
     ['application "sub"', "subordinate"]),
    (lambda t: t.replace("    expose: true\n", "    storage: {data: 1G}\n"), ['application "hooks"', '"data"']),
    (lambda t: t + "- [requirer, provider]\n", ["listed twice"]),
])
def test_bundles_the_charms_refuse(workdir: Path, edit, words: list[str]) -> None:
    with pytest.raises(bundlelib.BundleError) as e:
        checked(write(workdir, "bundle.yaml", edit(FIVE_APPS)))
    for word in words:
        assert word in e.value.message


@pytest.mark.parametrize(("edit", "words"), [
    (lambda t: "default-base: ubuntu@22.04\n" + t, ['key "default-base"', "ubuntu@22.04", "debian@12"]),
    (lambda t: t.replace("    num_units: 1\n", "    num_units: 1\n    series: jammy\n"),
     ['application "hooks"', 'key "base"']),
    (lambda t: t.replace('"0": {}', '"0": {base: ubuntu@24.04}'), ['machine "0"', 'key "base"']),
])
def test_bases_the_machines_cannot_run_are_refused_unless_forced(workdir: Path, edit, words: list[str]) -> None:
    spec = bundlelib.load_bundle(write(workdir, "bundle.yaml", edit(FIVE_APPS)))
    infos = charm_infos(spec)
    with pytest.raises(bundlelib.BundleError) as e:
        bundlelib.check_bundle(spec, infos, host_base="debian@12")
    for word in words:
        assert word in e.value.message
    bundlelib.check_bundle(spec, infos, host_base="debian@12", force=True)
    bundlelib.check_bundle(spec, infos)  # no host base known: nothing to compare


def test_storage_directives_are_checked_against_the_charm(workdir: Path) -> None:
    (workdir / "charms" / "stash").mkdir()
    (workdir / "charms" / "stash" / "metadata.yaml").write_text(
        "name: stash\nsummary: s\ndescription: d\nstorage:\n  logs:\n    type: filesystem\n"
        "    multiple:\n      range: 0-4\n")
    text = "applications:\n  stash:\n    charm: ./charms/stash\n    num_units: 1\n    storage:\n      logs: {}\n"
    checked(write(workdir, "ok.yaml", text.format("1G,2")))
    for bad, word in (("9", "9 instances requested"), ("1G,bad!", "invalid storage directive")):
        with pytest.raises(bundlelib.BundleError) as e:
            checked(write(workdir, "bad.yaml", text.format(bad)))
        assert 'application "stash", key "storage"' in e.value.message and word in e.value.message


def test_exposure_beyond_the_bundle_is_left_alone(workdir: Path) -> None:
    cb = checked(write(workdir, "bundle.yaml", FIVE_APPS))
    model = simulate(EMPTY, cb, bundlelib.plan_bundle(EMPTY, cb))
    hooks = model.applications["hooks"]
    wider = {**hooks.exposed, "website": bundlelib.ExposedEndpoint(cidrs=("10.0.0.0/8",))}
    model = dataclasses.replace(model, applications={**model.applications,
                                                     "hooks": dataclasses.replace(hooks, exposed=wider)})
    assert bundlelib.plan_bundle(model, cb).changes == ()
    narrower = dataclasses.replace(hooks, exposed={"": bundlelib.ExposedEndpoint(cidrs=("10.0.0.0/8",))})
    model = dataclasses.replace(model, applications={**model.applications, "hooks": narrower})
    assert kinds(bundlelib.plan_bundle(model, cb)) == ["expose"]


def test_an_application_running_another_charm_is_refused(workdir: Path) -> None:
    cb = checked(write(workdir, "bundle.yaml", FIVE_APPS))
    model = simulate(EMPTY, cb, bundlelib.plan_bundle(EMPTY, cb))
    hooks = dataclasses.replace(model.applications["hooks"], charm_name="other", charm_sha256="1" * 64)
    model = dataclasses.replace(model, applications={**model.applications, "hooks": hooks})
    with pytest.raises(bundlelib.BundleError, match='runs charm "other"'):
        bundlelib.plan_bundle(model, cb)


@pytest.mark.parametrize("cut", [3, 9, 12, 16, 20])
def test_an_interrupted_deploy_finishes_when_run_again(workdir: Path, cut: int) -> None:
    """The plan is made against what exists, so re-running after a crash applies only the rest."""
    cb = checked(write(workdir, "bundle.yaml", FIVE_APPS))
    full = bundlelib.plan_bundle(EMPTY, cb)
    partial = simulate(EMPTY, cb, bundlelib.Plan(changes=full.changes[:cut]))
    rest = bundlelib.plan_bundle(partial, cb)
    assert 0 < len(rest.changes) <= len(full.changes)
    done = simulate(partial, cb, rest)
    assert bundlelib.plan_bundle(done, cb).changes == ()
    assert bundlelib.diff_bundle(done, cb) == {}
    assert len(done.machines) == 4  # machines made before the interruption are used, not duplicated


def test_map_machines_pairs_place_bundle_machines_on_model_machines(workdir: Path) -> None:
    text = "machines:\n  '0': {}\napplications:\n  hooks:\n    charm: ./charms/bash-hooks\n    num_units: 1\n" \
           "    to: ['0']\n"
    cb = checked(write(workdir, "b.yaml", text))
    model = bundlelib.ModelSnapshot(machines={"7": bundlelib.MachineState(id="7")})
    plan = bundlelib.plan_bundle(model, cb, machine_map={"0": "7"})
    assert kinds(plan) == ["upload-charm", "deploy", "add-unit"] and plan.changes[-1].args["to"] == "7"
    with pytest.raises(bundlelib.BundleError, match='the model has no machine "8"'):
        bundlelib.plan_bundle(model, cb, machine_map={"0": "8"})
    with pytest.raises(bundlelib.BundleError, match='the bundle has no machine "3"'):
        bundlelib.plan_bundle(model, cb, machine_map={"3": "7"})


def test_annotations_are_set_once(workdir: Path) -> None:
    text = FIVE_APPS.replace("  sub:\n    charm: ./charms/bash-sub\n",
                             "  sub:\n    charm: ./charms/bash-sub\n    annotations: {gui-x: '1'}\n")
    cb = checked(write(workdir, "bundle.yaml", text))
    plan = bundlelib.plan_bundle(EMPTY, cb)
    assert [c.args for c in plan.changes if c.kind == "set-annotations"] == [
        {"application": "sub", "annotations": {"gui-x": "1"}}]
    model = simulate(EMPTY, cb, plan)
    assert bundlelib.plan_bundle(model, cb).changes == ()
    doc = bundlelib.export_bundle(model, lambda a: f"./charms/{a.charm_name}")[0]
    assert doc["applications"]["sub"]["annotations"] == {"gui-x": "1"}
