#!/usr/bin/env bash
# Runs Pyro's benchmarks in release mode and prints their figures.
# Results are recorded by hand in bench/RESULTS.md (medians of several runs).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== front end: lex + parse a generated 100 000-line program"
cargo bench -q -p pyro-parser --bench parse
