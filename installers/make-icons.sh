#!/usr/bin/env bash
# Makes the icon files the Windows and macOS packagers need from the PNGs rendered by assets/icons/render.sh:
# windows/prefwork.ico (ImageMagick: apt-get install -y imagemagick) and macos/prefwork.icns (macos/make-icns.py,
# Python's standard library only). Linux uses assets/icons/prefwork-256.png as it is. Re-run after render.sh.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
icons="$here/../assets/icons"
convert "$icons"/prefwork-{16,32,48,64,128,256}.png "$here/windows/prefwork.ico"
python3 "$here/macos/make-icns.py" "$icons" "$here/macos/prefwork.icns"
echo "wrote $here/windows/prefwork.ico and $here/macos/prefwork.icns"
