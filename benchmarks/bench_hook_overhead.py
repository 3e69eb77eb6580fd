"""Engine overhead per hook: config change → hook start, and hook exit → committed idle.

A one-unit charm whose config-changed hook does nothing but note the time on
entry and exit with bash builtins (``$EPOCHREALTIME``: no fork). Per
iteration we change the config through the API and read:

* dispatch = hook entry time − time the config change was sent, minus the
  floor: the same script started directly by fork/exec from this process
  (entry time − spawn time), measured in the same run;
* commit   = the controller's ``since`` of the unit's ``idle`` agent status −
  hook exit time: the agent noticing the exit, committing, and reporting.

Goal (issue 2): median(dispatch) + median(commit) <= 20 ms.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import median_ms, record  # noqa: E402
from _controller import BenchController, write_charm  # noqa: E402

HOOK = 'printf "B %s\\n" "$EPOCHREALTIME" >> "$JUJU_CHARM_DIR/times"\nprintf "E %s\\n" "$EPOCHREALTIME" >> "$JUJU_CHARM_DIR/times"\n'


def read_times(path: Path) -> list[tuple[str, float]]:
    try:
        lines = path.read_text().split("\n")
    except FileNotFoundError:
        return []
    return [(ln[0], float(ln[2:])) for ln in lines if ln[:2] in ("B ", "E ") and ln.endswith(tuple("0123456789"))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=40)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp())
    charm = write_charm(tmp / "noop", "noop", {"config-changed": HOOK + "exit 0\n"},
                        {"v": {"type": "int", "default": 0}})
    with BenchController() as bc:
        bc.cli("deploy", str(charm))
        deadline = time.monotonic() + 120
        while True:
            st = bc.status()
            u = (st["applications"]["noop"].get("units") or {}).get("noop/0")
            if u and u["juju-status"].get("current") == "idle" and u["workload-status"].get("current") == "unknown":
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"unit never became idle: {u}")
            time.sleep(0.05)
        times_file = bc.unit_dir("noop/0") / "charm" / "times"
        dispatch: list[float] = []
        commit: list[float] = []
        for i in range(1, args.n + 1):
            seen = len(read_times(times_file))
            t0 = time.time()
            bc.client.set_config("admin/default", "noop", strings={"v": str(i)})
            while len(read_times(times_file)) < seen + 2:
                time.sleep(0.0005)
            (_, t_begin), (_, t_end) = read_times(times_file)[seen:seen + 2]
            while True:
                js = bc.status()["applications"]["noop"]["units"]["noop/0"]["juju-status"]
                since = datetime.fromisoformat(js["since"]).timestamp()
                if js["current"] == "idle" and since >= t_end:
                    break
                time.sleep(0.002)
            dispatch.append(t_begin - t0)
            commit.append(since - t_end)
        floor: list[float] = []
        script = tmp / "floor.sh"
        script.write_text("#!/bin/bash\n" + HOOK.replace("$JUJU_CHARM_DIR", str(tmp)))
        script.chmod(0o755)
        ffile = tmp / "times"
        for _ in range(args.n):
            ffile.unlink(missing_ok=True)
            t0 = time.time()
            subprocess.run([str(script)], check=True)
            floor.append(read_times(ffile)[0][1] - t0)
        peak = bc.peak_rss_mb()
    d_ms, c_ms, f_ms = median_ms(dispatch), median_ms(commit), median_ms(floor)
    overhead = (d_ms - f_ms) + c_ms
    print(f"config change -> hook start:  median {d_ms:6.2f} ms (fork/exec floor {f_ms:5.2f} ms)")
    print(f"hook exit -> committed idle:  median {c_ms:6.2f} ms")
    print(f"engine overhead per hook:     {overhead:6.2f} ms   (goal <= 20 ms)")
    record("hook_overhead", {"n": args.n, "dispatch_ms": round(d_ms, 3), "floor_ms": round(f_ms, 3),
                             "commit_ms": round(c_ms, 3), "overhead_ms": round(overhead, 3), "goal_ms": 20,
                             "controller_peak_rss_mb": round(peak, 1)})


if __name__ == "__main__":
    main()
