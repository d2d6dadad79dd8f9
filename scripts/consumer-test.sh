#!/usr/bin/env bash
# The packages as a user gets them: packs every package into the folder feed artifacts/feed, then builds
# tests/consumer (outside the solution, default settings plus warnings as errors, its own nuget.config: that feed and
# nuget.org) with no warning at all, installs wl-headless from the feed with `dotnet tool install --tool-path`, runs
# the consumer's client on it and checks the screenshot's pixels (tests/native/png-check decodes it).
# Exit status 0 when every step passed. --no-pack reuses the packages already in artifacts/feed.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
feed="$root/artifacts/feed"
work="$root/artifacts/consumer"
consumer="$root/tests/consumer"

rm -rf "$work" "$consumer/bin" "$consumer/obj"
mkdir -p "$work"
if [ "${1:-}" != "--no-pack" ]; then
    rm -rf "$feed"
    echo "consumer-test: dotnet pack -> artifacts/feed"
    dotnet pack Wayland.slnx -c Release -o "$feed" --nologo -v quiet
fi
ls "$feed"
version=$(basename "$feed"/Wayland.Client.*.nupkg .nupkg)
version="${version#Wayland.Client.}"

# A package folder of its own: packages of the same version left by an earlier run must not stand in for these.
export NUGET_PACKAGES="$work/packages"
echo "consumer-test: build tests/consumer against version $version"
build_log="$work/build.log"
if ! dotnet build "$consumer/Consumer.csproj" -c Release -p:WaylandVersion="$version" --nologo >"$build_log" 2>&1; then
    cat "$build_log"
    echo "consumer-test: FAILED: the consumer does not build" >&2
    exit 1
fi
if grep -E "warning [A-Z]+[0-9]+" "$build_log"; then
    echo "consumer-test: FAILED: the consumer builds with warnings" >&2
    exit 1
fi
grep -E "Warning\(s\)|Error\(s\)" "$build_log" || true

echo "consumer-test: dotnet tool install wl-headless --tool-path"
dotnet tool install wl-headless --version "$version" --tool-path "$work/tools" --configfile "$consumer/nuget.config"

runtime=$(mktemp -d)
trap 'rm -rf "$runtime"' EXIT
chmod 700 "$runtime"
shot="$work/consumer.png"
echo "consumer-test: wl-headless --exec the consumer"
XDG_RUNTIME_DIR="$runtime" "$work/tools/wl-headless" --size 640x480 --timeout 120 --screenshot "$shot" \
    --exec "dotnet '$consumer/bin/Release/net10.0/Consumer.dll'"

# A 16 x 12 grid over the 640x480 output: the 320x240 window covers a quarter of it, in the single pixel's colour
# (orange, ff8000ff); the rest is the compositor's background (202428ff).
points=()
for y in $(seq 20 40 460); do for x in $(seq 20 40 620); do points+=("$x" "$y"); done; done
make -s -C tests/native >/dev/null
pixels=$(tests/native/build/png-check "$shot" "${points[@]}")
size=$(head -n1 <<<"$pixels")
orange=$(grep -c '^ff8000ff$' <<<"$pixels" || true)
background=$(grep -c '^202428ff$' <<<"$pixels" || true)
other=$(( ${#points[@]} / 2 - orange - background ))
echo "consumer-test: screenshot $size: $orange orange, $background background, $other other of $(( ${#points[@]} / 2 )) sampled pixels"
if [ "$size" != "640x480" ] || [ "$orange" -lt 30 ] || [ "$background" -lt 60 ] || [ "$other" -gt 8 ]; then
    echo "consumer-test: FAILED: the screenshot does not show the consumer's window" >&2
    exit 1
fi
echo "consumer-test: passed"
