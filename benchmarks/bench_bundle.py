"""Planning a 500-application bundle against a model that already has those 500 applications.

The model is real: the bundle (500 applications with one unit each, packed onto
10 bundle machines, 250 relations, options on every application) is deployed
to a local controller first. Then, as a user sees it:

- ``deploy BUNDLE --dry-run`` on the unchanged bundle (prints "No changes"),
  and on a bundle with 50 applications' options edited (prints 50 changes);
- in-process, the parts: fetching the model snapshot, reading and checking the
  bundle, and the pure planner alone.

Floors measured in the same run: the CLI's own start-up (``pyjuju --version``)
for the command-line numbers, and ``yaml.load`` of the bundle text with libyaml (the
least any tool reading the file must do) for the in-process planning numbers.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import median_ms, record  # noqa: E402
from _controller import BenchController, write_charm  # noqa: E402

from pyjuju import bundle as bundlelib  # noqa: E402
from pyjuju.cli import bundles  # noqa: E402
from pyjuju.cli.localcharms import charm_archive_bytes  # noqa: E402
from pyjuju.client import bundles as bundle_client  # noqa: E402


def write_charms(root: Path) -> None:
    for name, role in (("svc", "provides"), ("client", "requires")):
        charm = write_charm(root / "charms" / name, name)
        (charm / "metadata.yaml").write_text(f"name: {name}\nsummary: s\ndescription: d\n"
                                             f"{role}:\n  link:\n    interface: link\n")
        (charm / "config.yaml").write_text("options:\n  level:\n    type: int\n    default: 1\n"
                                           "  label:\n    type: string\n    default: x\n")


def bundle_text(apps: int, machines: int, edited: int = 0) -> str:
    doc: dict = {"machines": {str(m): {} for m in range(machines)}, "applications": {}, "relations": []}
    for i in range(apps):
        charm = "./charms/svc" if i % 2 == 0 else "./charms/client"
        level = 2 if i < edited else 1
        doc["applications"][f"app{i}"] = {"charm": charm, "num_units": 1, "to": [str(i % machines)],
                                          "options": {"level": level, "label": f"app-{i}"}}
        if i % 2 == 1:
            doc["relations"].append([f"app{i}:link", f"app{i - 1}:link"])
    return yaml.safe_dump(doc, sort_keys=False)


def timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--apps", type=int, default=500)
    ap.add_argument("--machines", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="pyjuju-bundle-bench-"))
    write_charms(root)
    path = root / "bundle.yaml"
    path.write_text(bundle_text(args.apps, args.machines))
    edited = root / "edited.yaml"
    n_edit = min(50, args.apps)
    edited.write_text(bundle_text(args.apps, args.machines, edited=n_edit))
    with BenchController() as bc:
        t0 = time.perf_counter()
        bc.cli("deploy", str(path))
        deploy_s = time.perf_counter() - t0
        bc.cli("wait", "--timeout", "30m")
        settle_s = time.perf_counter() - t0
        model = "admin/default"
        same = bc.cli("deploy", str(path), "--dry-run")
        assert same == "No changes to apply.\n", same
        changed = bc.cli("deploy", str(edited), "--dry-run")
        assert changed.count("\n- set application options") == n_edit, changed
        cli_same = timed(lambda: bc.cli("deploy", str(path), "--dry-run"), args.repeat)
        cli_edit = timed(lambda: bc.cli("deploy", str(edited), "--dry-run"), args.repeat)
        cli_floor = timed(lambda: bc.cli("--version"), args.repeat)
        snap_t = timed(lambda: bundle_client.snapshot(bc.client, model), args.repeat)
        prep_t = timed(lambda: bundles.prepare(bc.client, model, edited, [],
                                               lambda p: charm_archive_bytes(p)), args.repeat)
        prepared = bundles.prepare(bc.client, model, edited, [], lambda p: charm_archive_bytes(p))
        plan_t = timed(lambda: bundlelib.plan_bundle(prepared.snapshot, prepared.checked), args.repeat)
        text = edited.read_text()
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        yaml_t = timed(lambda: yaml.load(text, Loader=loader), args.repeat)
        peak = bc.peak_rss_mb()
    r = {
        "apps": args.apps, "machines": args.machines, "units": args.apps,
        "deploy_s": round(deploy_s, 2), "settle_s": round(settle_s, 2),
        "dry_run_unchanged_ms": round(median_ms(cli_same), 1),
        "dry_run_edited_ms": round(median_ms(cli_edit), 1),
        "cli_startup_ms": round(median_ms(cli_floor), 1),
        "snapshot_ms": round(median_ms(snap_t), 1),
        "prepare_ms": round(median_ms(prep_t), 1),
        "plan_ms": round(median_ms(plan_t), 2),
        "yaml_floor_ms": round(median_ms(yaml_t), 2),
        "controller_peak_rss_mb": round(peak, 1),
    }
    r["dry_run_ratio"] = round(r["dry_run_edited_ms"] / r["cli_startup_ms"], 2)
    r["plan_ratio"] = round(r["plan_ms"] / r["yaml_floor_ms"], 2)
    print(f"deploy {args.apps}-app bundle: {deploy_s:.1f} s to apply, {settle_s:.1f} s to settle")
    print(f"deploy --dry-run, unchanged bundle: median {r['dry_run_unchanged_ms']:.0f} ms")
    print(f"deploy --dry-run, 50 apps edited:   median {r['dry_run_edited_ms']:.0f} ms "
          f"({r['dry_run_ratio']}x CLI start-up of {r['cli_startup_ms']:.0f} ms)")
    print(f"  snapshot fetch {r['snapshot_ms']:.0f} ms; load+check+snapshot {r['prepare_ms']:.0f} ms; "
          f"plan alone {r['plan_ms']:.1f} ms ({r['plan_ratio']}x yaml.load (libyaml) of the bundle, "
          f"{r['yaml_floor_ms']:.1f} ms)")
    record("bundle", r)


if __name__ == "__main__":
    main()
