#!/usr/bin/env bash
# The main job: the headless reference compositor in-process on a private socket, the C# demo client
# animating in it, scripted click and key, a PNG screenshot checked against what the client drew, and a
# summary. Installs missing Debian packages first. Extra arguments go to the demo
# (--weston, --wayland-display, --screenshot PATH, --frames N).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
exec dotnet run --project samples/Wayland.Demo -- "$@"
