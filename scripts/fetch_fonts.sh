#!/usr/bin/env bash
# Rebuild fonts/ from Debian packages so the bundled files are traceable.
#
# Needs apt-get (any Debian/Ubuntu); nothing is installed: packages are
# downloaded and unpacked into a temp dir, and only the font files the app
# uses are copied, together with each package's copyright file.
#
#   scripts/fetch_fonts.sh            # writes into ./fonts
#   scripts/fetch_fonts.sh OUT_DIR
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$ROOT/fonts}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# package  path-inside-package  file-name-in-fonts/
FILES=(
  "fonts-comic-neue       usr/share/fonts/opentype/comic-neue/ComicNeue-Bold.otf      ComicNeue-Bold.otf"
  "fonts-bebas-neue       usr/share/fonts/opentype/bebas-neue/BebasNeue-Bold.otf      BebasNeue-Bold.otf"
  "fonts-lobster          usr/share/fonts/opentype/lobster/lobster.otf                LobsterTwo-BoldItalic.otf"
  "fonts-noto-core        usr/share/fonts/truetype/noto/NotoSans-Bold.ttf             NotoSans-Bold.ttf"
  "fonts-quicksand        usr/share/fonts/truetype/quicksand/Quicksand-Bold.ttf       Quicksand-Bold.ttf"
  "fonts-leckerli-one     usr/share/fonts/truetype/leckerli-one/LeckerliOne-Regular.ttf LeckerliOne-Regular.ttf"
  "fonts-noto-color-emoji usr/share/fonts/truetype/noto/NotoColorEmoji.ttf            NotoColorEmoji.ttf"
)

PACKAGES=$(printf '%s\n' "${FILES[@]}" | awk '{print $1}' | sort -u)

if [ "$(id -u)" = 0 ]; then apt-get update -qq; fi
( cd "$WORK" && apt-get download $PACKAGES )

rm -f "$OUT"/*.otf "$OUT"/*.ttf
mkdir -p "$OUT/licenses"
for deb in "$WORK"/*.deb; do
  dpkg-deb -x "$deb" "$WORK/pkgroot"
  pkg=$(dpkg-deb -f "$deb" Package)
  ver=$(dpkg-deb -f "$deb" Version)
  echo "$pkg $ver"
  cp "$WORK/pkgroot/usr/share/doc/$pkg/copyright" "$OUT/licenses/$pkg.copyright"
done | sort > "$OUT/licenses/debian-versions.txt"

for row in "${FILES[@]}"; do
  read -r pkg src dst <<<"$row"
  install -m 0644 "$WORK/pkgroot/$src" "$OUT/$dst"
done

# Plain licence texts: OFL-1.1 from the stand-alone licence paragraph of the
# Bebas Neue copyright file, Apache-2.0 from Debian's common licences.
awk '/SIL OPEN FONT LICENSE Version 1.1/ {p=1} p && /^[^ ]/ {exit} p' \
  "$WORK/pkgroot/usr/share/doc/fonts-bebas-neue/copyright" \
  | sed -e 's/^ //' -e 's/^\.$//' > "$OUT/OFL.txt"
test -s "$OUT/OFL.txt"
cp /usr/share/common-licenses/Apache-2.0 "$OUT/Apache-2.0.txt"

echo "fonts written to $OUT:"
ls -l "$OUT"
