#!/usr/bin/env bash
# Installs the Debian packages the tests and the demo need, when they are missing:
# real libwayland peers (C library, wayland-scanner), weston with its headless backend,
# wayland-info, the protocol XML, and a C toolchain for the native test peers.
# The .NET 10 SDK itself is a prerequisite (see README).
set -euo pipefail

packages=(libwayland-dev libwayland-bin weston wayland-utils wayland-protocols gcc libc6-dev make pkg-config libpng-dev libxkbcommon-dev gtk-3-examples foot wl-clipboard chromium)
missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        sudo="sudo"
    fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v dotnet >/dev/null 2>&1; then
    echo "error: the .NET 10 SDK (dotnet) is required: https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2
    exit 1
fi
