#!/usr/bin/env bash
# Renders the app icon's PNGs from prefwork.svg (needs rsvg-convert: apt-get install -y librsvg2-bin).
set -euo pipefail
cd "$(dirname "$0")"
for size in 16 32 48 64 128 256 512; do
  rsvg-convert -w "$size" -h "$size" prefwork.svg -o "prefwork-$size.png"
done
