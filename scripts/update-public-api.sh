#!/usr/bin/env bash
# Rewrites PublicAPI.Unshipped.txt of every library from its current public API: each file is emptied, the project is
# built with the analyzer's findings as warnings, and every symbol Microsoft.CodeAnalysis.PublicApiAnalyzers reports
# as undeclared (RS0016; its message quotes the symbol exactly as the file lists it) is written back, sorted. Symbols
# already in PublicAPI.Shipped.txt stay there. Run it after a deliberate API change (or after merging branches that
# changed APIs), then read the diff: it is the API change. At a release, move the Unshipped lines to Shipped.
# Usage: scripts/update-public-api.sh [PROJECT.csproj...]   (default: every library under src/ that tracks its API)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [ "$#" -gt 0 ]; then
    projects=("$@")
else
    projects=()
    for unshipped in src/*/PublicAPI.Unshipped.txt; do
        dir=$(dirname "$unshipped")
        projects+=("$dir/$(basename "$dir").csproj")
    done
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
for project in "${projects[@]}"; do
    dir=$(dirname "$project")
    full=$(realpath "$project")
    echo "update-public-api: $project"
    printf '#nullable enable\n' >"$dir/PublicAPI.Unshipped.txt"
    # The emptied file is a compiler input, so the project compiles again and the analyzer reports every symbol.
    dotnet build "$project" --nologo -p:TreatWarningsAsErrors=false -clp:NoSummary >"$log" 2>&1 || { cat "$log"; exit 1; }
    { printf '#nullable enable\n'
      grep -F "[$full]" "$log" \
        | sed -nE "s/.* warning RS0016: Symbol '(.*)' is not part of the declared public API.*/\1/p" \
        | LC_ALL=C sort -u
    } >"$dir/PublicAPI.Unshipped.txt.new"
    mv "$dir/PublicAPI.Unshipped.txt.new" "$dir/PublicAPI.Unshipped.txt"
    if grep -F "[$full]" "$log" | grep -E "warning RS00(17|36|37)"; then
        echo "update-public-api: $project: fix the entries above in PublicAPI.Shipped.txt by hand" >&2
        exit 1
    fi
    echo "update-public-api: $dir/PublicAPI.Unshipped.txt has $(($(wc -l <"$dir/PublicAPI.Unshipped.txt") - 1)) entries"
done
