#!/usr/bin/env bash
# Installs every Debian 12 package NWC Workbench needs to build, run and test,
# skipping the ones already present. Run as root (or with sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  qt6-translations-l10n
  libqt6opengl6-dev libgl-dev
  libqcustomplot-dev libqcustomplot2.1-qt6
  libtorch-dev libprotobuf-dev libopenblas0-pthread libgloo-dev
  libhdf5-dev zlib1g-dev
  libsentencepiece-dev
  libbenchmark-dev
  clang libclang-rt-14-dev
  xvfb xauth x11-apps imagemagick
  qt6-qpa-plugins fonts-dejavu-core
  file appstream desktop-file-utils
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all packages present"
fi

# ccache: compile cache shared across builds on this machine.
# ccache: compile cache shared by every clone on this machine (CI builds a fresh clone each time,
# so paths are made relative and the precompiled LibTorch header is accepted).
if command -v ccache >/dev/null; then
  ccache --max-size=5G >/dev/null 2>&1 || true
  ccache --set-config=base_dir=/ >/dev/null 2>&1 || true
  ccache --set-config=hash_dir=false >/dev/null 2>&1 || true
  ccache --set-config=sloppiness=pch_defines,time_macros,include_file_mtime,include_file_ctime >/dev/null 2>&1 || true
fi
