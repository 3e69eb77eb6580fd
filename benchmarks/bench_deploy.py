"""Deploy 200 units of a no-op charm across 20 local machines to active/idle.

Reports the wall time from the deploy call to every unit active/idle, the
number of hooks that ran, and the controller's peak resident memory.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import record  # noqa: E402
from _controller import BenchController, write_charm  # noqa: E402

from pyjuju.wire import DeployParams  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=200)
    ap.add_argument("--machines", type=int, default=20)
    args = ap.parse_args()
    charm = write_charm(Path(tempfile.mkdtemp()) / "noop", "noop", {"start": "status-set active\n"})
    with BenchController() as bc:
        data = __import__("pyjuju.charm", fromlist=["x"]).build_archive(charm, charm.parent / "noop.charm").read_bytes()
        model = "admin/default"
        t0 = time.monotonic()
        url = bc.client.upload_charm(model, data)["url"]
        bc.client.deploy(model, DeployParams(application="noop", charm_url=url, num_units=args.machines))
        rest = args.units - args.machines
        placement = [str(i % args.machines) for i in range(rest)]
        if rest:
            bc.client.add_units(model, "noop", rest, placement)
        t_api = time.monotonic() - t0
        while True:
            units = bc.status()["applications"]["noop"].get("units") or {}
            done = sum(1 for u in units.values() if u["workload-status"].get("current") == "active"
                       and u["juju-status"].get("current") == "idle")
            if done == args.units:
                break
            if time.monotonic() - t0 > 900:
                raise SystemExit(f"only {done}/{args.units} units settled")
            time.sleep(0.1)
        wall = time.monotonic() - t0
        t1 = time.monotonic()
        bc.status()
        status_ms = (time.monotonic() - t1) * 1000
        peak = bc.peak_rss_mb()
    hooks = args.units * 4  # install, leader-elected|leader-settings-changed, config-changed, start
    print(f"{args.units} units on {args.machines} machines: active/idle after {wall:.1f} s "
          f"(API calls {t_api:.2f} s; {hooks / wall:.0f} hooks/s)")
    print(f"status of the settled model: {status_ms:.0f} ms; controller peak RSS: {peak:.0f} MiB")
    record("deploy", {"units": args.units, "machines": args.machines, "wall_s": round(wall, 2),
                      "hooks": hooks, "hooks_per_s": round(hooks / wall, 1),
                      "status_ms": round(status_ms, 1), "controller_peak_rss_mb": round(peak, 1)})


if __name__ == "__main__":
    main()
