#!/usr/bin/env bash
# Runs every test: installs missing Debian packages, builds the native libwayland test peers,
# publishes the tools as NativeAOT executables, runs all test projects, then the demo (in-process headless
# compositor, screenshot checked), the 60-second compositor soak, the docs site, the benchmark matrix and the flood
# beside a bystander (smoke size), 30 seconds of the live fuzzer and the package consumer test, each counted as one test.
# Prints one closing line "tests: N passed, M failed, K skipped".
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
make -s -C tests/native

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Build everything (samples and benchmarks too, so they keep compiling), then test.
dotnet build Wayland.slnx --nologo -v quiet
# The tools as NativeAOT executables (no reflection in them or in generated code), published once before the test
# projects run in parallel; tests run them against weston and real clients (tests/Wayland.Testing/NativeAotTool.cs).
scripts/publish-aot.sh "$PWD/artifacts/aot" >/dev/null
export WAYLAND_NET_AOT_DIR="$PWD/artifacts/aot"
status=0
dotnet test Wayland.slnx --nologo --no-build --blame-hang-timeout 5m 2>&1 | tee "$log" || status=$?

passed=0; failed=0; skipped=0
while read -r f p s; do
    failed=$((failed + f)); passed=$((passed + p)); skipped=$((skipped + s))
done < <(sed -nE 's/.*(Passed|Failed)!.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \3 \4/p' "$log")

# One counted step: a title, then the command. A failing step is named again at the end.
failures=()
step() {
    local title=$1; shift
    echo "== $title"
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1)); status=1
        failures+=("step: ${title%% (*}")
    fi
}

mkdir -p artifacts
step "demo (the main job: C# client on the in-process headless compositor, screenshot checked)" \
    dotnet run --project samples/Wayland.Demo --no-build -- --screenshot artifacts/wayland-demo.png
step "soak (memory, descriptors and CPU stay flat over 60 s of weston-simple-shm at 60 Hz)" \
    dotnet run --project bench/Wayland.CompositorSoak --no-build -- --seconds 60
step "docs (docfx site: guides, tool pages, API reference with the generated protocol code; warnings are errors)" \
    scripts/docs.sh --no-build
# The matrix keeps building its C peers and running every pair; speed is not judged here.
step "benchmark matrix, smoke size (every client x server pair and workload runs; no thresholds)" \
    dotnet run --project bench/Wayland.Matrix --no-build -- --smoke
# The flood-beside-a-bystander benchmark keeps working (50 connections, 1 s; no thresholds).
step "flood beside a bystander, smoke size" \
    bench/flood-bystander.sh 50 1 tools/Wayland.Compositor.Cli/bin/Debug/net10.0
step "fuzz (hostile connections against wl-headless and a bare server, 15 s each; a failure prints its --seed)" \
    dotnet run --project tests/Wayland.Fuzz --no-build -- --target compositor,bare --seconds 15
step "consumer (the packages from a folder feed: a project outside the solution, warnings as errors, wl-headless as a .NET tool)" \
    scripts/consumer-test.sh

if [ "$passed" -eq 0 ]; then
    echo "error: no test ran" >&2
    status=1
fi

# The failures again, next to the closing line, so that the tail of a long log names them.
while read -r name; do
    failures+=("test: $name")
done < <(sed -nE 's/^ +Failed (.+) \[[^]]*\] *$/\1/p' "$log")
for f in "${failures[@]}"; do
    echo "failed: $f"
done
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
