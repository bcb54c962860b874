#!/usr/bin/env bash
# Wrap dist/StickerStudio/ into a Linux tar.gz with a .desktop file, an icon
# and an install script that puts both where desktops look for them.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(.venv/bin/python -c "import stickerstudio_desktop as s; print(s.__version__)")
stage=dist/stage/StickerStudio-$version
rm -rf dist/stage && mkdir -p "$stage"
cp -a dist/StickerStudio "$stage/app"
cp packaging/stickerstudio.desktop "$stage/"
cp resources/icons/app-256.png "$stage/stickerstudio.png"
cat > "$stage/install.sh" <<'SH'
#!/usr/bin/env bash
# Installs for the current user: ~/.local/opt, a launcher and the icon.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dest=${XDG_DATA_HOME:-$HOME/.local/share}
mkdir -p "$HOME/.local/opt" "$HOME/.local/bin" "$dest/applications" "$dest/icons/hicolor/256x256/apps"
rm -rf "$HOME/.local/opt/StickerStudio" && cp -a "$here/app" "$HOME/.local/opt/StickerStudio"
ln -sf "$HOME/.local/opt/StickerStudio/StickerStudio" "$HOME/.local/bin/StickerStudio"
cp "$here/stickerstudio.png" "$dest/icons/hicolor/256x256/apps/stickerstudio.png"
sed "s|^Exec=StickerStudio|Exec=$HOME/.local/opt/StickerStudio/StickerStudio|" "$here/stickerstudio.desktop" \
  > "$dest/applications/stickerstudio.desktop"
echo "Sticker Studio installed; find it in your applications menu."
SH
chmod +x "$stage/install.sh"
tar -C dist/stage -czf "dist/StickerStudio-$version-linux-$(uname -m).tar.gz" "StickerStudio-$version"
du -sh dist/StickerStudio "dist/StickerStudio-$version-linux-$(uname -m).tar.gz"
