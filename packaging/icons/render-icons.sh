#!/usr/bin/env bash
# Renders nwc-workbench.svg to the hicolor PNG sizes committed beside it (needs rsvg-convert,
# Debian package librsvg2-bin). Run after editing the SVG and commit the PNGs.
set -euo pipefail
cd "$(dirname "$0")"
for size in 16 32 48 64 128 256; do
  rsvg-convert --width "$size" --height "$size" nwc-workbench.svg --output "nwc-workbench-$size.png"
done
