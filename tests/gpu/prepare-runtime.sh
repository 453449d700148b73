#!/usr/bin/env bash
# Run HERE (Debian 12, as root), before a device check: fetches — downloads, does not install —
# the Debian 12 packages that a `-DNWC_GUI=OFF` configure and build needs and that a
# PyTorch-only GPU machine lacks (Qt 6 Core/Concurrent/Test with moc and rcc, HDF5 C/C++,
# SentencePiece, zlib headers, pkg-config, and the runtime libraries they load), plus the few
# test-data files the device check reads (tokenizers of the random real-size checkpoints, a
# calibration text). Everything lands in tests/gpu/runtime/ (git-ignored; name it in the device
# tool's `carry`). tests/gpu/device-check.sh unpacks it there into a private prefix with
# dpkg-deb -x: no maintainer scripts run, nothing is installed into /.
#
#   tests/gpu/prepare-runtime.sh            # fetch (again) and print what and how much
#
# Layout written:
#   runtime/debs/core/*.deb       always used from the prefix (they match the headers we build with)
#   runtime/debs/fallback/*.deb   used only where the GPU machine has no library of that soname
#   runtime/external/             qwen3-tokenizer/, llama2-tokenizer-karpathy/ and calib.txt, gzipped
#   runtime/MANIFEST              package versions and sizes
# Environment: NWC_EXTERNAL_DIR (default ../shared/external beside the checkout),
# NWC_RUNTIME_LIMIT_MB (default 40: the whole tree that travels must stay under 64 MiB).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
dest="$here/runtime"
external="${NWC_EXTERNAL_DIR:-$root/../shared/external}"
limit_mb="${NWC_RUNTIME_LIMIT_MB:-40}"

# Build inputs: headers, CMake package files, .so links, pkg-config files, moc/rcc, and the
# libraries whose exact version those headers need. Always taken from the prefix. qmake6 and
# qmake6-bin only because Qt's CMake files check for them: Qt6::Platform's include path is
# qmake6's mkspecs/linux-g++, and Qt6CoreTools' targets file insists that qmake exists (nothing
# runs it).
core=(
  qt6-base-dev qt6-base-dev-tools qmake6 qmake6-bin libqt6core6 libqt6concurrent6 libqt6test6
  libicu72 libdouble-conversion3 libpcre2-16-0 libb2-1
  libhdf5-dev libhdf5-103-1 libhdf5-cpp-103-1 libsz2 libaec0
  libsentencepiece-dev libsentencepiece0
  zlib1g-dev
  pkgconf pkgconf-bin libpkgconf3
)
# Runtime libraries the ones above load (libQt6Core: GLib; libhdf5: libcurl and what it
# loads) that an Ubuntu 24.04 + CUDA + PyTorch image may or may not have: the device check uses
# these only for sonames the machine lacks (its own, newer ones win).
fallback=(
  libglib2.0-0
  libcurl4 libbrotli1 libnghttp2-14 libpsl5 librtmp1 libssh2-1
  libgssapi-krb5-2 libkrb5-3 libk5crypto3 libkrb5support0 libkeyutils1
  libldap-2.5-0 libsasl2-2
)
# In the dependency closure but not fetched: present on every Ubuntu 24.04 image with gcc (the
# soname is the same there, the version newer), or never loaded by nwc: shared-mime-info (and
# libxml2 through it) is data for QMimeDatabase, which nwc does not use; libsasl2-modules-db (and
# libdb5.3 through it) is a SASL plugin that only LDAP authentication loads.
assumed=(
  gcc-12-base libc6 libgcc-s1 libstdc++6 libgomp1 zlib1g libzstd1 liblzma5
  libssl3 libgnutls30 libnettle8 libhogweed6 libgmp10 libidn2-0 libunistring2 libp11-kit0
  libtasn1-6 libffi8 libselinux1 libpcre2-8-0 libmount1 libblkid1 libcom-err2
  shared-mime-info libxml2 libsasl2-modules-db libdb5.3
)

if [ "$(dpkg --print-architecture)" != amd64 ]; then
  echo "prepare-runtime: this machine is $(dpkg --print-architecture); the GPU machine is amd64" >&2
  exit 1
fi
if ! apt-cache show --no-all-versions libqt6core6 >/dev/null 2>&1; then
  echo "prepare-runtime: apt lists are empty: running apt-get update"
  apt-get update -qq
fi

# Audit: the runtime closure of what we fetch must be covered by the three lists above.
runtime_roots=(libqt6core6 libqt6concurrent6 libqt6test6 libhdf5-103-1 libhdf5-cpp-103-1
               libsentencepiece0 libpkgconf3 libicu72)
closure=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
            --no-replaces --no-enhances "${runtime_roots[@]}" 2>/dev/null | grep -v '^ ' |
          grep -v '^<' | sort -u)
uncovered=()
for p in $closure; do
  case " ${core[*]} ${fallback[*]} ${assumed[*]} " in
    *" $p "*) ;;
    *) uncovered+=("$p") ;;
  esac
done
if [ ${#uncovered[@]} -gt 0 ]; then
  echo "prepare-runtime: WARNING: in the runtime dependency closure but in no list: ${uncovered[*]}" >&2
fi

tmp=$(mktemp -d /tmp/nwc-prepare-runtime.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
mkdir -p "$tmp/core" "$tmp/fallback" "$tmp/external"
fetch() { # fetch DIR PACKAGE...
  local dir=$1
  shift
  (cd "$dir" && apt-get download -q -o APT::Sandbox::User=root "$@" >/dev/null)
}
echo "prepare-runtime: fetching ${#core[@]} core and ${#fallback[@]} fallback packages"
fetch "$tmp/core" "${core[@]}"
fetch "$tmp/fallback" "${fallback[@]}"

# Test data the device check reads (bench_runtime's random checkpoints copy these tokenizers;
# compression calibrates on the first 300 KB of wikitext-2, as README's real-size runs do).
copy_gz() { # copy_gz SOURCE TARGET-RELATIVE
  if [ ! -f "$1" ]; then
    echo "prepare-runtime: WARNING: $1 is missing; the shapes that need it will fail there" >&2
    return 0
  fi
  mkdir -p "$(dirname "$tmp/external/$2")"
  gzip -9 -n -c "$1" >"$tmp/external/$2.gz"
}
copy_gz "$external/qwen3-tokenizer/tokenizer.json" qwen3-tokenizer/tokenizer.json
copy_gz "$external/qwen3-tokenizer/tokenizer_config.json" qwen3-tokenizer/tokenizer_config.json
copy_gz "$external/llama2-tokenizer-karpathy/tokenizer.model" llama2-tokenizer-karpathy/tokenizer.model
if [ -f "$external/corpus-wikitext2-raw-test/wiki.test.raw" ]; then
  head -c 307200 "$external/corpus-wikitext2-raw-test/wiki.test.raw" >"$tmp/calib.txt"
  copy_gz "$tmp/calib.txt" calib.txt
else
  echo "prepare-runtime: WARNING: no wikitext-2 under $external; compression will fail there" >&2
fi

{
  echo "# written by tests/gpu/prepare-runtime.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  for kind in core fallback; do
    for f in "$tmp/$kind"/*.deb; do
      printf '%s %s %s %s\n' "$kind" "$(dpkg-deb -f "$f" Package)" "$(dpkg-deb -f "$f" Version)" \
        "$(stat -c %s "$f")"
    done
  done
} >"$tmp/MANIFEST"

rm -rf "$dest"
mkdir -p "$dest/debs"
mv "$tmp/core" "$tmp/fallback" "$dest/debs/"
mv "$tmp/external" "$tmp/MANIFEST" "$dest/"

echo
echo "| set | package | version | KiB |"
echo "|---|---|---|---:|"
grep -v '^#' "$dest/MANIFEST" | awk '{printf "| %s | %s | %s | %d |\n", $1, $2, $3, $4 / 1024}'
debs=$(du -cb "$dest"/debs/*/*.deb | tail -1 | cut -f1)
all=$(du -sb "$dest" | cut -f1)
echo
awk -v n="$(find "$dest"/debs -mindepth 2 -maxdepth 2 -name "*.deb" | wc -l)" -v d="$debs" -v a="$all" -v p="$dest" 'BEGIN {
  printf "prepare-runtime: %d .deb files, %.1f MB; with the external data %.1f MB, in %s\n", n, d / 1e6, a / 1e6, p }'
if [ "$all" -gt $((limit_mb * 1000000)) ]; then
  echo "prepare-runtime: over the ${limit_mb} MB limit" >&2
  exit 1
fi
if ! git -C "$root" check-ignore -q "$dest" 2>/dev/null; then
  echo "prepare-runtime: note: $dest is not git-ignored yet (add '/tests/gpu/runtime/' to .gitignore);" \
       "it travels to the device machine either way"
fi
