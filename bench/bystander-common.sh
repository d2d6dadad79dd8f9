# Sourced by the bystander benchmarks (bench/*-bystander.sh, which cd to the checkout first): builds what they run,
# gives them a runtime directory of their own, and starts wl-headless there.
#
# Set `bin` before sourcing: a bin folder holding wl-headless, or nothing to build this checkout's (Release).
# Defines `peer` (bench/native/build/content-peer), `runtime` (a temporary XDG_RUNTIME_DIR, exported, removed at
# exit), `pids` (the processes stopped at exit: add every one you start) and `start_server SOCKET [ARG...]`, which
# starts wl-headless on SOCKET (exported as WAYLAND_DISPLAY) with the ARGs, sets `server` to its pid, and exits the
# script if it does not come up. Only the processes in `pids` are stopped.
if [ -z "$bin" ]; then
    dotnet build -c Release tools/Wayland.Compositor.Cli -v q -nologo > /dev/null
    bin=tools/Wayland.Compositor.Cli/bin/Release/net10.0
fi
make -s -C bench/native -f ../../tests/native/Makefile build/content-peer
peer=bench/native/build/content-peer

runtime=$(mktemp -d)
export XDG_RUNTIME_DIR=$runtime
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
    wait 2> /dev/null || true
    rm -rf "$runtime"
}
trap cleanup EXIT

start_server() {
    export WAYLAND_DISPLAY=$1
    shift
    "$bin/wl-headless" --socket "$WAYLAND_DISPLAY" "$@" > "$runtime/server.log" 2>&1 &
    server=$!
    pids+=("$server")
    for _ in $(seq 100); do [ -S "$runtime/$WAYLAND_DISPLAY" ] && break; sleep 0.05; done
    [ -S "$runtime/$WAYLAND_DISPLAY" ] || { echo "$(basename "$0" .sh): wl-headless did not start" >&2; cat "$runtime/server.log" >&2; exit 1; }
}
