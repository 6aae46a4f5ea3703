#!/usr/bin/env bash
# Regenerates the desktop icon set from source.svg with the Tauri CLI's `icon`
# command (installed by `npm ci` in src-tauri). ImageMagick on Debian 12 has no
# SVG reader unless librsvg's delegate is installed, so the CLI renders instead.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"$here/../src-tauri/node_modules/.bin/tauri" icon "$here/source.svg" -o "$out"
for name in 32x32.png 128x128.png 128x128@2x.png icon.png icon.ico icon.icns; do
  cp "$out/$name" "$here/$name"
done
