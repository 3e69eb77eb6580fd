"""Shared helpers: medians, result records, and where results are written."""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000.0


def record(name: str, data: dict[str, Any]) -> Path:
    """Write one benchmark's result as JSON (docs/performance.md is built from these)."""
    RESULTS.mkdir(exist_ok=True)
    data = {
        "benchmark": name,
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "host": {"cpus": os.cpu_count(), "python": platform.python_version(), "machine": platform.machine()},
        **data,
    }
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=1) + "\n")
    return path
