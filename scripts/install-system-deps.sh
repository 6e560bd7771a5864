#!/usr/bin/env bash
# Debian/Ubuntu packages landapp needs beyond PyPI. Idempotent: installs only what is missing.
#   bash scripts/install-system-deps.sh          # to run the app
#   bash scripts/install-system-deps.sh --test   # plus what the tests use
set -euo pipefail

# The app: Qt's xcb platform libraries and a CJK font (a bare Linux has none, and Chinese
# would render as boxes on screen and in PDFs).
APP=(
  fonts-noto-cjk fonts-dejavu-core
  libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxcb-xfixes0
)
# The tests check outputs with the tools users use: GDAL (ogrinfo), poppler (pdftoppm,
# pdffonts), headless Chromium, LibreOffice Calc (opens the exported spreadsheets as a
# planner's office suite would), LibreOffice Writer (the Word report to PDF), QGIS (opens
# the park with the styles and project landapp writes into it); Xvfb for screenshots.
TEST=(
  gdal-bin poppler-utils sqlite3 xvfb xauth chromium libreoffice-calc-nogui
  libreoffice-writer-nogui python3-qgis qgis-providers
)

want=("${APP[@]}")
if [[ "${1:-}" == "--test" ]]; then
  want+=("${TEST[@]}")
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-system-deps: no apt-get here; install these yourself: ${want[*]}" >&2
  exit 0
fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

SUDO=""
if [[ "$(id -u)" != "0" ]]; then
  SUDO="sudo"
fi
echo "install-system-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
