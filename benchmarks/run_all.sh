#!/usr/bin/env bash
# Run every benchmark and rebuild docs/performance.md. Needs root for the
# network-namespace numbers (as the docs report them).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup
.venv/bin/python -m pip install -q -e ".[bench]"
.venv/bin/python benchmarks/bench_hooktool.py
.venv/bin/python benchmarks/bench_hook_overhead.py
.venv/bin/python benchmarks/bench_deploy.py
.venv/bin/python benchmarks/bench_relations.py
.venv/bin/python benchmarks/bench_operations.py
.venv/bin/python benchmarks/bench_bundle.py
.venv/bin/python benchmarks/report.py
