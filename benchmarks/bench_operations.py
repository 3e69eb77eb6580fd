"""``run`` of a no-op action and ``exec`` of ``true`` on 50 units: wall time.

Measured as a user sees it: the CLI call from start to the printed results
(the CLI's own start-up included), for the whole fan-out.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import median_ms, record  # noqa: E402
from _controller import BenchController, write_charm  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    root = write_charm(Path(tempfile.mkdtemp()) / "noop", "noop")
    (root / "actions.yaml").write_text("noop:\n  description: does nothing\n")
    (root / "actions").mkdir()
    (root / "actions" / "noop").write_text("#!/bin/bash\nexit 0\n")
    (root / "actions" / "noop").chmod(0o755)
    with BenchController() as bc:
        bc.cli("deploy", str(root), "-n", str(args.units))
        deadline = time.monotonic() + 600
        while True:
            units = bc.status()["applications"]["noop"].get("units") or {}
            if len(units) == args.units and all(u["juju-status"].get("current") == "idle" for u in units.values()):
                break
            if time.monotonic() > deadline:
                raise SystemExit("deployment never settled")
            time.sleep(0.2)
        names = sorted(units, key=lambda n: int(n.split("/")[1]))
        run_t, exec_t, cli_t = [], [], []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            bc.cli("run", *names, "noop", "--format", "json")
            run_t.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            bc.cli("exec", "--application", "noop", "--format", "json", "--", "true")
            exec_t.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "pyjuju.cmd.cli", "--version"],
                                                           capture_output=True, env=bc.env)
            cli_t.append(time.perf_counter() - t0)
    r, e, c = median_ms(run_t), median_ms(exec_t), median_ms(cli_t)
    print(f"run noop on {args.units} units:        median {r / 1000:6.2f} s")
    print(f"exec true on {args.units} units:       median {e / 1000:6.2f} s")
    print(f"(CLI start-up alone: {c:.0f} ms)")
    record("operations", {"units": args.units, "run_s": round(r / 1000, 3), "exec_s": round(e / 1000, 3),
                          "cli_startup_ms": round(c, 1)})


if __name__ == "__main__":
    main()
