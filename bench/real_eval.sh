#!/usr/bin/env bash
# Benchmark (not run in CI): dedupe on the real test lists against issue 12's criteria.
#   bench/real_eval.sh [real_eval.py arguments...]     e.g. --by-variant, or LIST_DIR ...
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked
exec python3 bench/real_eval.py "$@"
