#!/usr/bin/env bash
# The main job: runs the demo (weston headless in a private XDG_RUNTIME_DIR, driven by the managed
# wire core). Installs missing Debian packages first. Extra arguments go to the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
exec dotnet run --project samples/Wayland.Demo -- "$@"
