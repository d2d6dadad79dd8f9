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

echo "== demo (the main job: C# client on the in-process headless compositor, screenshot checked)"
mkdir -p artifacts
if dotnet run --project samples/Wayland.Demo --no-build -- --screenshot artifacts/wayland-demo.png; then
    passed=$((passed + 1))
else
    failed=$((failed + 1)); status=1
fi

echo "== soak (memory, descriptors and CPU stay flat over 60 s of weston-simple-shm at 60 Hz)"
if dotnet run --project bench/Wayland.CompositorSoak --no-build -- --seconds 60; then
    passed=$((passed + 1))
else
    failed=$((failed + 1)); status=1
fi

echo "== docs (docfx site: guides, tool pages, API reference with the generated protocol code; warnings are errors)"
if scripts/docs.sh --no-build; then
    passed=$((passed + 1))
else
    failed=$((failed + 1)); status=1
fi

# Counted as one test too: the matrix keeps building its C peers and running every pair; speed is not judged here.
echo "== benchmark matrix, smoke size (every client x server pair and workload runs; no thresholds)"
if dotnet run --project bench/Wayland.Matrix --no-build -- --smoke; then
    passed=$((passed + 1))
else
    failed=$((failed + 1)); status=1
fi

# Counted as one test: the flood-beside-a-bystander benchmark keeps working (50 connections, 1 s; no thresholds).
echo "== flood beside a bystander, smoke size"
if bench/flood-bystander.sh 50 1 tools/Wayland.Compositor.Cli/bin/Debug/net10.0; then
    passed=$((passed + 1))
else
    failed=$((failed + 1)); status=1
fi

echo "== fuzz (hostile connections against wl-headless and a bare server, 15 s each; a failure prints its --seed)"
if dotnet run --project tests/Wayland.Fuzz --no-build -- --target compositor,bare --seconds 15; then
    passed=$((passed + 1))
else
    failed=$((failed + 1)); status=1
fi

echo "== consumer (the packages from a folder feed: a project outside the solution, warnings as errors, wl-headless as a .NET tool)"
if scripts/consumer-test.sh; then
    passed=$((passed + 1))
else
    failed=$((failed + 1)); status=1
fi

if [ "$passed" -eq 0 ]; then
    echo "error: no test ran" >&2
    status=1
fi

echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
