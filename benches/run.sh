#!/usr/bin/env bash
# Runs every bench (about 4 minutes) and prints the BENCHMARKS.md tables.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
rm -f "$target/criterion/allocs.tsv"
cargo bench --bench parse --bench expand --bench call
python3 benches/report.py "$target" | tee "$target/criterion/report.md"
