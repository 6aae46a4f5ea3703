#!/usr/bin/env bash
# Engine benchmarks: sign click to receipt fsynced (ratio to 2 x RTT), link to packet
# and hash ready (ratio to 1 RTT), both against the in-process sandbox with 50 ms of
# added latency, and SHA-256 of a 64 MiB document against `sha256sum`.
#
# Usage: benches/engine.sh [ROUNDS]   (default 7 signing rounds; medians are printed)
# Needs: sha256sum (coreutils). Builds with CARGO_TARGET_DIR (default: target).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
export ENGINE_BENCH_ROUNDS="${1:-7}"
cd "$repo"
cargo bench -p matter-engine --bench engine
