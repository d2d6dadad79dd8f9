#!/bin/bash
# A bystander's roundtrips on wl-headless while several clients holding big shm pools and big content are killed at
# the same instant.
#
#   bench/leave-bystander.sh [CLIENTS] [SIDE] [WL_HEADLESS_DIR]
#
# Builds wl-headless (Release) and bench/native/content-peer, starts wl-headless in a temporary runtime directory
# (with no content budget, so that any SIDE fits), then CLIENTS processes (default 8) of
# `content-peer hold --surfaces 1 --side SIDE` (default 8192: a 256 MiB pool and 256 MiB of content each). Once all
# hold their content, `content-peer bystander` times wl_display.sync roundtrips (one every 5 ms) for 3 s; after the
# first second all the holders are killed with one `kill -9`. Prints the load average, the server's resident set
# before the kill and at the end, and the bystander's
#   roundtrips N median_us M p99_us P max_us X
# The max is the stall the leaving clients caused. WL_HEADLESS_DIR runs another build of wl-headless (a bin folder
# holding it), to compare two side by side. Only the processes this script started are stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-8}
side=${2:-8192}
bin=${3:-}
. bench/bystander-common.sh

# Each holder's pages are in memory twice: its memfd, and the server's copy as content.
needed_mib=$((clients * side * side * 8 / 1048576 + 512))
available_mib=$(($(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo) / 1024))
if [ "$available_mib" -lt "$needed_mib" ]; then
    echo "leave-bystander: needs about $needed_mib MiB of memory, $available_mib MiB available" >&2
    exit 2
fi

start_server wayland-leave --max-content-bytes 0

rss_mib() { echo $(($(awk '/^VmRSS:/ { print $2 }' "/proc/$server/status") / 1024)); }

holders=()
for i in $(seq "$clients"); do
    "$peer" hold --surfaces 1 --side "$side" > "$runtime/hold$i.out" 2>&1 &
    holders+=($!)
    pids+=($!)
done
for i in $(seq "$clients"); do
    for _ in $(seq 1200); do grep -q held "$runtime/hold$i.out" 2> /dev/null && break; sleep 0.05; done
    grep -q held "$runtime/hold$i.out" || { echo "leave-bystander: holder $i did not hold" >&2; cat "$runtime/hold$i.out" >&2; exit 1; }
done
sleep 1
echo "load average $(cut -d' ' -f1-3 /proc/loadavg); $clients clients of ${side}x$side leaving at once"
held=$(rss_mib)

"$peer" bystander --seconds 3 --interval-ms 5 > "$runtime/bystander.out" 2>&1 &
bystander=$!
pids+=("$bystander")
sleep 1
{ kill -9 "${holders[@]}"; wait "${holders[@]}"; } 2> /dev/null || true
wait "$bystander" || { cat "$runtime/bystander.out" >&2; exit 1; }
echo "server RSS ${held} MiB held, $(rss_mib) MiB at the end"
cat "$runtime/bystander.out"
