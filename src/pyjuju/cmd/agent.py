"""A machine agent: ``python -m pyjuju.cmd.agent --config DIR/agent.json``."""

from __future__ import annotations

import argparse
import asyncio
import logging
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
    asyncio.run(MachineAgent(config).run())


if __name__ == "__main__":
    sys.exit(main())
