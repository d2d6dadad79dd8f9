#!/bin/bash
# A bystander's roundtrips on wl-headless while one process floods it with cheap requests over many connections.
#
#   bench/flood-bystander.sh [CONNECTIONS] [SECONDS] [WL_HEADLESS_DIR]
#
# Builds wl-headless (Release) and bench/native/content-peer, starts wl-headless in a temporary runtime directory,
# then `content-peer regions --connections CONNECTIONS` (default 1000), which writes wl_region.add requests to every
# connection in turn as fast as the compositor reads them. After 5 s of that, `content-peer bystander` times
# wl_display.sync roundtrips (one every 20 ms) for SECONDS (default 10) and prints
#   roundtrips N median_us M p99_us P max_us X
# WL_HEADLESS_DIR runs another build of wl-headless (a bin folder holding it), to compare two side by side.
# Only the processes this script started are stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
connections=${1:-1000}
seconds=${2:-10}
bin=${3:-}
. bench/bystander-common.sh

needed=$((connections * 2 + 256))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$needed" ]; then
    ulimit -n "$needed" 2> /dev/null || { echo "flood-bystander: needs $needed descriptors (ulimit -n)" >&2; exit 2; }
fi

start_server wayland-flood

"$peer" regions --connections "$connections" > "$runtime/flood.out" 2>&1 &
pids+=($!)
for _ in $(seq 600); do grep -q flooding "$runtime/flood.out" 2> /dev/null && break; sleep 0.1; done
grep -q flooding "$runtime/flood.out" || { echo "flood-bystander: the flood did not start" >&2; cat "$runtime/flood.out" >&2; exit 1; }
sleep 5
echo "load average $(cut -d' ' -f1-3 /proc/loadavg); $connections connections flooding"
"$peer" bystander --seconds "$seconds" --interval-ms 20
