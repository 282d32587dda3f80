#!/usr/bin/env bash
# Package a built bundle as a .deb with dpkg-deb alone (offline, no debhelper):
#
#   bash packaging/linux/build_deb.sh BUNDLE_DIR VERSION OUT_DIR [STAGING_DIR]
#
#   /opt/musiclab/                                    the bundle
#   /usr/bin/musiclab -> /opt/musiclab/musiclab       on PATH (GUI and CLI)
#   /usr/share/applications/musiclab.desktop          the menu entry
#   /usr/share/icons/hicolor/scalable/apps/musiclab.svg
#   /usr/share/doc/musiclab/copyright
#
# No maintainer scripts: the desktop database and icon cache are refreshed by the dpkg
# triggers of desktop-file-utils and hicolor-icon-theme, and `dpkg -r` removes exactly
# the files listed here. The managed training environment lives in each user's data
# folder, never under /opt, so removing the package leaves users' data alone.
set -euo pipefail
BUNDLE=$(cd "$1" && pwd)
VERSION=$2
OUT=$(mkdir -p "$3" && cd "$3" && pwd)
STAGE=${4:-$(mktemp -d)}
HERE=$(cd "$(dirname "$0")" && pwd)
RESOURCES="$HERE/../../musiclab_desktop/resources"
ARCH=$(dpkg --print-architecture 2>/dev/null || echo amd64)

rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
  "$STAGE/usr/share/icons/hicolor/scalable/apps" "$STAGE/usr/share/doc/musiclab"
cp -a "$BUNDLE" "$STAGE/opt/musiclab"  # -a keeps the bundle's symbolic links
# The bootloader finds its _internal folder through /proc/self/exe, so a symlink works.
ln -s /opt/musiclab/musiclab "$STAGE/usr/bin/musiclab"
install -m 0644 "$RESOURCES/musiclab.desktop" "$STAGE/usr/share/applications/musiclab.desktop"
install -m 0644 "$RESOURCES/icons/app.svg" "$STAGE/usr/share/icons/hicolor/scalable/apps/musiclab.svg"
cat > "$STAGE/usr/share/doc/musiclab/copyright" <<TEXT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: MusicLab Desktop
License: MIT
Comment: Bundles Python, Qt (LGPLv3, via PySide6), NumPy, SQLAlchemy, Alembic, pyqtgraph,
 pyte, libsndfile (LGPL) and their dependencies, each under its own license.
TEXT
chmod -R u+rwX,go+rX,go-w "$STAGE"

INSTALLED_KB=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
cat > "$STAGE/DEBIAN/control" <<TEXT
Package: musiclab
Version: $VERSION
Architecture: $ARCH
Maintainer: MusicLab Desktop <musiclab@example.org>
Installed-Size: $INSTALLED_KB
Section: sound
Priority: optional
Depends: libc6 (>= 2.28)
Recommends: python3 (>= 3.11), libpulse0, libgl1, libegl1, libxkbcommon-x11-0, libxcb-icccm4, libxcb-keysyms1, libwayland-cursor0, libwayland-egl1
Homepage: https://example.org/musiclab
Description: fine-tune MusicGen with LoRA on your own machine
 MusicLab keeps experiments, datasets of captioned clips, training runs with their
 live terminal and loss curves, and the LoRA adapters they produce.
 .
 The package carries the desktop app and the musiclab command. Training packages
 (PyTorch, transformers, peft) are installed on first use into a training
 environment in the user's data folder, with the PyTorch build that fits the
 machine; that needs Python 3.11 or newer (python3).
TEXT

DEB="$OUT/musiclab_${VERSION}_${ARCH}.deb"
COMPRESSION=${MUSICLAB_DEB_COMPRESSION:-xz}
dpkg-deb --root-owner-group -Z"$COMPRESSION" --build "$STAGE" "$DEB" >/dev/null
echo "$DEB ($(du -h "$DEB" | cut -f1))"
