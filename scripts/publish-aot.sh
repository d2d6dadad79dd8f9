#!/usr/bin/env bash
# Publishes the command-line tools as NativeAOT single executables (linux-x64) into one folder, default
# artifacts/aot: artifacts/aot/wl-info, artifacts/aot/wl-headless, artifacts/aot/wl-trace, ... Tests find them through
# WAYLAND_NET_AOT_DIR (scripts/test.sh sets it); bench/startup compares wl-info's start-up with wayland-info's.
# Usage: scripts/publish-aot.sh [OUTPUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-artifacts/aot}"

# One line per tool; -p:NativeAotPublish=true switches PublishAot on in the project itself (tools/NativeAotTool.props,
# which also holds the start-up settings). The AOT and trim analyzers run with warnings as errors, as every build here.
tools=(
    tools/Wayland.Info/Wayland.Info.csproj
    tools/Wayland.Compositor.Cli/Wayland.Compositor.Cli.csproj
    tools/Wayland.Trace/Wayland.Trace.csproj
    src/Wayland.Scanner.Cli/Wayland.Scanner.Cli.csproj
)

rm -rf "$out"
mkdir -p "$out"
for project in "${tools[@]}"; do
    echo "publish-aot: $project"
    dotnet publish "$project" -c Release -p:NativeAotPublish=true -o "$out" --nologo -v quiet
done
# Only the executables (and their .dbg symbols) are the result; XML docs and managed PDBs of the inputs are not.
rm -f "$out"/*.xml "$out"/*.pdb
ls -l "$out"
