"""Hook-tool call latency against the floor of starting a bare interpreter.

A charm calls hook tools on every hook (ops: several per dispatch), so their
cost is pure overhead on every hook. We measure, interleaved in one run:

* floor: ``<real python> -S -c pass`` — the least any Python tool can cost;
* tool:  ``config-get --format=json`` through the real tool client, unix
  socket, tool server and HookContext (no controller round trip is needed for
  config-get, exactly as in a real hook).

Goal (issue 2): median(tool) / median(floor) <= 1.5.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import median_ms, record  # noqa: E402

from pyjuju.agent.hooks.context import HookContext, MachineNetwork  # noqa: E402
from pyjuju.agent.hooks.toolserver import ToolServer  # noqa: E402
from pyjuju.agent.toolclient import install_tools  # noqa: E402
from pyjuju.charm import CharmMeta  # noqa: E402
from pyjuju.wire import CharmRef, UnitView  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=300, help="calls of each kind")
    args = ap.parse_args()
    python = os.path.realpath(sys.executable)
    tmp = Path(tempfile.mkdtemp(prefix="pyjuju-bench-"))
    tools = tmp / "tools"
    install_tools(tools, python)
    sock = str(tmp / "agent.sock")

    async def noop(*_a: object) -> None:
        return None

    ctx = HookContext(
        unit_name="bench/0",
        hook_name="config-changed",
        view=UnitView(name="bench/0", application="bench", charm=CharmRef(url="local:bench-0", sha256=""),
                      config={"greeting": "hello", "port": 8080, "ratio": 0.5, "enabled": True},
                      config_options=("enabled", "greeting", "port", "ratio"), leader=True),
        meta=CharmMeta(name="bench"),
        client=None,  # type: ignore[arg-type]  # config-get never reaches the controller
        network=MachineNetwork(address="10.0.0.2", cidr="10.0.0.0/24", mac_address="", interface="eth0"),
        log=noop,
        send_status=noop,
        on_status_set=lambda: None,
    )
    loop = asyncio.new_event_loop()
    server = ToolServer(sock, {ctx.id: ctx}.get)
    ready = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(server.start())
        ready.set()
        loop.run_forever()

    threading.Thread(target=serve, daemon=True).start()
    ready.wait()
    env = {"PATH": f"{tools}:/usr/bin:/bin", "JUJU_CONTEXT_ID": ctx.id, "JUJU_AGENT_SOCKET_ADDRESS": sock}
    tool = [str(tools / "config-get"), "--format=json"]
    floor = [python, "-S", "-c", "pass"]
    out = subprocess.run(tool, env=env, capture_output=True, text=True, check=True).stdout
    assert '"greeting":"hello"' in out, out

    import time

    t_tool: list[float] = []
    t_floor: list[float] = []
    for _ in range(args.n):
        s = time.perf_counter()
        subprocess.run(floor, env=env, check=True)
        t_floor.append(time.perf_counter() - s)
        s = time.perf_counter()
        subprocess.run(tool, env=env, check=True, stdout=subprocess.DEVNULL)
        t_tool.append(time.perf_counter() - s)
    loop.call_soon_threadsafe(loop.stop)
    tool_ms, floor_ms = median_ms(t_tool), median_ms(t_floor)
    ratio = tool_ms / floor_ms
    print(f"floor  (python -S -c pass):   median {floor_ms:7.2f} ms")
    print(f"tool   (config-get json):     median {tool_ms:7.2f} ms")
    print(f"ratio tool/floor:             {ratio:7.2f}   (goal <= 1.5)")
    record("hooktool", {"n": args.n, "floor_ms": round(floor_ms, 3), "tool_ms": round(tool_ms, 3),
                        "ratio": round(ratio, 3), "goal": 1.5})


if __name__ == "__main__":
    main()
