"""From ``integrate`` to an idle model, for N×N units with no-op bash hooks.

Two applications of N units each (one machine per unit, as Juju places them),
hooks that only ``exit 0``. After the model is idle we integrate them and
measure until the last relation hook has run. We report:

* the number of hook executions against the theoretical minimum: per side,
  every unit runs relation-created once, and relation-joined and
  relation-changed once per remote unit: 2·N·(1 + 2N);
* the wall time, and the engine's share of it against a floor measured in the
  same run: the same number of no-op hook processes fork/exec'ed with the
  same parallelism (one queue per machine, as many at once as there are CPUs).

Goal (issue 3): hook count equals the minimum; engine share under 20%.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import record  # noqa: E402
from _controller import BenchController  # noqa: E402

from pyjuju.charm import build_archive  # noqa: E402
from pyjuju.wire import DeployParams  # noqa: E402

HOOKS = ("install", "leader-elected", "leader-settings-changed", "config-changed", "start",
         "update-status", "stop", "remove")


def charm(root: Path, name: str, role: str) -> Path:
    (root / "hooks").mkdir(parents=True)
    (root / "metadata.yaml").write_text(
        f"name: {name}\nsummary: s\ndescription: d\n{role}:\n  link:\n    interface: bench-link\n"
    )
    names = [*HOOKS] + [f"link-relation-{k}" for k in ("created", "joined", "changed", "departed", "broken")]
    for hook in names:
        p = root / "hooks" / hook
        p.write_text("#!/bin/bash\nexit 0\n")
        p.chmod(0o755)
    return root


def settled(bc: BenchController, apps: tuple[str, ...], n: int) -> bool:
    st = bc.status()
    for app in apps:
        units = st["applications"][app].get("units") or {}
        if len(units) != n or any(u["juju-status"].get("current") != "idle" for u in units.values()):
            return False
    return True


def relation_hooks(bc: BenchController, after: int) -> tuple[list[str], float]:
    lines = bc.client.logs("admin/default", after=after)
    ran = [r for r in lines if r["module"] == "juju.worker.uniter.operation" and r["message"].startswith("ran ")
           and "relation" in r["message"]]
    last = max((datetime.fromisoformat(r["time"]).timestamp() for r in ran), default=0.0)
    return [r["message"] for r in ran], last


def cpu_split(pids: list[int]) -> tuple[float, float, float, float]:
    """(user, system, children user, children system) seconds of ``pids``."""
    tot = [0, 0, 0, 0]
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        for i in range(4):
            tot[i] += int(fields[11 + i])
    hz = os.sysconf("SC_CLK_TCK")
    return tot[0] / hz, tot[1] / hz, tot[2] / hz, tot[3] / hz


def cpu_seconds(pids: list[int]) -> float:
    return sum(cpu_split(pids))


def agent_pids(bc: BenchController) -> list[int]:
    needle = str(bc.data).encode()
    out = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if needle in cmd and b"pyjuju.cmd.agent" in cmd:
                out.append(int(pid))
    return out


def floor_run(total_hooks: int, machines: int) -> float:
    """Wall time of ``total_hooks`` no-op hook processes, one queue per machine."""
    script = Path(tempfile.mkdtemp()) / "noop"
    script.write_text("#!/bin/bash\nexit 0\n")
    script.chmod(0o755)
    per_machine = [total_hooks // machines + (1 if i < total_hooks % machines else 0) for i in range(machines)]

    def queue(k: int) -> None:
        for _ in range(k):
            subprocess.run([str(script)], check=True)

    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=min(machines, os.cpu_count() or 1)) as pool:
        list(pool.map(queue, per_machine))
    return time.monotonic() - t0


def one(n: int) -> dict[str, float]:
    tmp = Path(tempfile.mkdtemp())
    with BenchController() as bc:
        for name, role in (("alpha", "requires"), ("beta", "provides")):
            data = build_archive(charm(tmp / name, name, role), tmp / f"{name}.charm").read_bytes()
            url = bc.client.upload_charm("admin/default", data)["url"]
            bc.client.deploy("admin/default", DeployParams(application=name, charm_url=url, num_units=n))
        deadline = time.monotonic() + 600
        while not settled(bc, ("alpha", "beta"), n):
            if time.monotonic() > deadline:
                raise SystemExit("deployment never settled")
            time.sleep(0.2)
        mark = (bc.client.logs("admin/default", lines=1) or [{"id": 0}])[-1]["id"]
        agents = agent_pids(bc)
        if os.environ.get("BENCH_PAUSE"):  # for profiling: attach, then touch the file
            Path(os.environ["BENCH_PAUSE"] + ".ready").write_text(f"{bc.pid} {' '.join(map(str, agents))}")
            while not Path(os.environ["BENCH_PAUSE"]).exists():
                time.sleep(0.1)
        cpu0 = cpu_seconds([bc.pid]), cpu_seconds(agents)
        split0 = cpu_split(agents)
        t0 = time.time()
        bc.client.integrate("admin/default", "alpha", "beta")
        minimum = 2 * n * (1 + 2 * n)
        deadline = time.monotonic() + 900
        while True:
            time.sleep(0.25)
            ran, last = relation_hooks(bc, mark)
            if len(ran) >= minimum and settled(bc, ("alpha", "beta"), n):
                time.sleep(1.0)  # anything extra would show up now
                ran, last = relation_hooks(bc, mark)
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"only {len(ran)}/{minimum} relation hooks ran")
        wall = last - t0
        cpu_ctl = cpu_seconds([bc.pid]) - cpu0[0]
        cpu_agents = cpu_seconds(agents) - cpu0[1]
        split = [round(a - b, 2) for a, b in zip(cpu_split(agents), split0, strict=True)]
        print(f"   agents user/sys {split[0]}/{split[1]} s; their hook processes user/sys {split[2]}/{split[3]} s")
        peak = bc.peak_rss_mb()
    floor = floor_run(len(ran), 2 * n)
    share = max(0.0, (wall - floor) / wall) if wall > 0 else 0.0
    print(f"{n:>2}x{n:<2}: {len(ran):5d} hooks (minimum {minimum:5d}); integrate -> idle {wall:6.2f} s; "
          f"hook-process floor {floor:5.2f} s; engine share {share:5.1%}; controller peak RSS {peak:.0f} MiB; "
          f"CPU controller {cpu_ctl:.1f} s, agents {cpu_agents:.1f} s (incl. hooks)")
    return {"n": n, "hooks": len(ran), "minimum": minimum, "wall_s": round(wall, 3),
            "floor_s": round(floor, 3), "engine_share": round(share, 3),
            "cpu_controller_s": round(cpu_ctl, 2), "cpu_agents_s": round(cpu_agents, 2), "controller_peak_rss_mb": round(peak, 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1,10,30")
    args = ap.parse_args()
    rows = [one(int(x)) for x in args.sizes.split(",")]
    record("relations", {"rows": rows, "goal_engine_share": 0.2})



if __name__ == "__main__":
    main()
