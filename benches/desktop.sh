#!/usr/bin/env bash
# Desktop benchmarks: cold start to first paint of the release build under Xvfb,
# idle RSS of the app and its WebKit processes, and the size of the .deb.
#
# Usage: benches/desktop.sh [RUNS]   (default 5 start-up runs)
# Needs: Xvfb, dbus-run-session, the UI built in ui/dist, and what scripts/package-deb
# needs (python3, dpkg-deb, dpkg-shlibdeps); scripts/install-deps installs them.
# Builds the release binary and its .deb with scripts/package-deb, in CARGO_TARGET_DIR
# (default: target). Prints a Markdown summary.
set -euo pipefail

runs="${1:-5}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
export CARGO_TARGET_DIR="$target"

if [[ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]]; then
  # Single-instance needs a session bus; run the whole script inside a private one.
  exec dbus-run-session -- "$0" "$@"
fi

echo "building the release binary and the .deb ..." >&2
# package-deb builds the production binary (feature tauri/custom-protocol, as
# `tauri build` would) and prints the path of the .deb on stdout.
deb="$("$repo/scripts/package-deb")"
binary="$target/release/matter-signer-desktop"

work="$(mktemp -d)"
display=":$((100 + RANDOM % 400))"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
cleanup() {
  [[ -n "${app_pid:-}" ]] && kill "$app_pid" 2>/dev/null || true
  kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# Xvfb creates its socket once it accepts clients.
for _ in $(seq 1 100); do
  [[ -S "/tmp/.X11-unix/X${display#:}" ]] && break
  sleep 0.1
done

export DISPLAY="$display" HOME="$work/home" XDG_DATA_HOME="$work/home/.local/share"
mkdir -p "$XDG_DATA_HOME"
export WEBKIT_DISABLE_COMPOSITING_MODE=1 WEBKIT_DISABLE_DMABUF_RENDERER=1 LIBGL_ALWAYS_SOFTWARE=1

# Prints "PID NAME RSS_KB PSS_KB" for a process and all its descendants (WebKit's
# web and network processes are children of the app). RSS counts shared library
# pages once per process, and PSS splits them between the processes that share them.
tree_memory() {
  local pid
  for pid in "$1" $(descendants "$1"); do
    local name rss pss
    name=$(cat "/proc/$pid/comm" 2>/dev/null || echo gone)
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    pss=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || true)
    echo "$pid $name ${rss:-0} ${pss:-0}"
  done
}
descendants() {
  local child
  for child in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
    echo "$child"
    descendants "$child"
  done
}

paint_ms=()
rss_kb=0
pss_kb=0
for run in $(seq 1 "$runs"); do
  stamp="$work/first-paint-$run"
  start_ns=$(date +%s%N)
  MATTER_SIGNER_BENCH_FIRST_PAINT="$stamp" "$binary" --sandbox >"$work/app-$run.log" 2>&1 &
  app_pid=$!
  for _ in $(seq 1 300); do
    [[ -s "$stamp" ]] && break
    sleep 0.05
  done
  if [[ ! -s "$stamp" ]]; then
    echo "run $run: no first paint within 15 s; log:" >&2
    cat "$work/app-$run.log" >&2
    exit 1
  fi
  paint_ns=$(cat "$stamp")
  paint_ms+=($(( (paint_ns - start_ns) / 1000000 )))
  if [[ "$run" == "$runs" ]]; then
    sleep 5 # let the page settle before measuring idle memory
    memory=$(tree_memory "$app_pid")
    echo "idle memory per process (pid name rss_kb pss_kb):" >&2
    echo "$memory" >&2
    rss_kb=$(awk '{sum += $3} END {print sum + 0}' <<<"$memory")
    pss_kb=$(awk '{sum += $4} END {print sum + 0}' <<<"$memory")
  fi
  kill "$app_pid"
  wait "$app_pid" 2>/dev/null || true
  app_pid=""
done

sorted=($(printf '%s\n' "${paint_ms[@]}" | sort -n))
median=${sorted[$(( ${#sorted[@]} / 2 ))]}
deb_bytes=$(stat -c %s "$deb")

# /proc reports KiB; the targets are in MB (10^6 bytes).
cat <<REPORT
| Measure | Result | Target |
|---|---|---|
| Cold start to first paint, median of $runs (ms) | $median (all: ${paint_ms[*]}) | < 500 |
| Idle RSS, app + WebKit processes (MB) | $(( rss_kb * 1024 / 1000000 )) | < 120 |
| Idle PSS, app + WebKit processes (MB) | $(( pss_kb * 1024 / 1000000 )) | (no target) |
| .deb size (MB) | $(awk -v b="$deb_bytes" 'BEGIN {printf "%.1f", b / 1000000}') | < 10 |
REPORT
