"""A machine agent: ``python -m pyjuju.cmd.agent --config DIR/agent.json``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

from ..agent.machine.agent import AgentConfig, MachineAgent


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="pyjuju-agent")
    ap.add_argument("--config", required=True, type=Path)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    config = AgentConfig.load(args.config)
    profile = os.environ.get("PYJUJU_PROFILE_DIR")
    if profile:  # developer aid: per-agent cProfile dumps, written on a clean exit
        import cProfile

        prof = cProfile.Profile()
        prof.runcall(asyncio.run, _main(config))
        prof.dump_stats(os.path.join(profile, f"agent-{config.model_uuid[:6]}-{config.machine_id}.prof"))
        return
    asyncio.run(_main(config))


async def _main(config: AgentConfig) -> None:
    _use_pidfd_child_watcher()
    await MachineAgent(config).run()


def _use_pidfd_child_watcher() -> None:
    """Python 3.11 waits for each hook process in a thread of its own; a pidfd
    watcher (Linux >= 5.3) waits in the event loop instead. 3.12+ does this itself."""
    if sys.version_info >= (3, 12) or not hasattr(asyncio, "PidfdChildWatcher"):
        return
    import warnings

    try:
        os.close(os.pidfd_open(os.getpid()))
    except (AttributeError, OSError):
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        watcher = asyncio.PidfdChildWatcher()
        watcher.attach_loop(asyncio.get_running_loop())
        asyncio.set_child_watcher(watcher)


if __name__ == "__main__":
    main()
