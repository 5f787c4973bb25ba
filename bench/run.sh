#!/usr/bin/env bash
# Builds and runs every benchmark, printing each one's figures next to its same-run baseline.
# Needs what scripts/install-deps.sh --test installs (wrk, docker-registry, skopeo).
#   bench/run.sh            full sizes (about 3 minutes; writes ~3 GB to /tmp and removes it)
#   bench/run.sh --quick    small sizes, to check that they run
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/build.sh
if [ "${1:-}" = "--quick" ]; then
  build/bench/ingest_bench 2; build/bench/fanout_bench 20; build/bench/latency_bench 10
  build/bench/scale_bench 20000 20000
else
  build/bench/ingest_bench 10; build/bench/fanout_bench 300; build/bench/latency_bench 100
  build/bench/scale_bench 1000000 1000000
fi
