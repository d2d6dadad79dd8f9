#!/usr/bin/env bash
# Builds the documentation site with docfx into artifacts/docs/_site: the guides and tool pages in docs/, and the
# API reference from the built libraries (the generated protocol code included, since it is in the assemblies).
# Warnings are errors: a broken link, a missing file or an unresolved cross-reference fails the build.
# Usage: scripts/docs.sh [--no-build]   (--no-build: the libraries were just built, e.g. by scripts/test.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
docfx_version=2.81.0
tools="$PWD/artifacts/tools"
if ! "$tools/docfx" --version 2>/dev/null | grep -q "^$docfx_version"; then
    rm -rf "$tools/docfx" "$tools/.store/docfx"
    dotnet tool install docfx --version "$docfx_version" --tool-path "$tools" >/dev/null
fi

if [ "${1:-}" != "--no-build" ]; then
    dotnet build src/Wayland.Compositor/Wayland.Compositor.csproj --nologo -v quiet
    dotnet build src/Wayland.Client/Wayland.Client.csproj --nologo -v quiet
fi

rm -rf artifacts/docs docs/api/*.yml docs/api/.manifest
# docfx is built for an older runtime; let it run on the installed one.
export DOTNET_ROLL_FORWARD=Major
"$tools/docfx" metadata docs/docfx.json --warningsAsErrors
"$tools/docfx" build docs/docfx.json --warningsAsErrors
echo "docs: artifacts/docs/_site/index.html"
