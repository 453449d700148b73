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

# --cuda: also a CUDA compiler for the workbench's CUDA kernels (docs/gpu.md). When an nvcc is
# already on the PATH (e.g. NVIDIA's toolkit in /usr/local/cuda) nothing is added; otherwise
# Debian's nvidia-cuda-toolkit (CUDA 11.8, bookworm non-free) with clang 14 as its host compiler.
with_cuda=0
for arg in "$@"; do
  case "$arg" in
    --cuda) with_cuda=1 ;;
    *) echo "usage: $0 [--cuda]" >&2; exit 2 ;;
  esac
done
if [ "$with_cuda" = 1 ]; then
  if command -v nvcc >/dev/null; then
    echo "setup: CUDA compiler present: $(command -v nvcc)"
  else
    if ! grep -rqs "non-free\b" /etc/apt/sources.list /etc/apt/sources.list.d/; then
      echo "setup: enabling Debian's non-free component for nvidia-cuda-toolkit"
      echo "deb http://deb.debian.org/debian bookworm non-free" \
        > /etc/apt/sources.list.d/nwc-non-free.list
    fi
    packages+=(nvidia-cuda-toolkit clang-14)
  fi
fi

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
