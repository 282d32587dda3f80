#!/usr/bin/env bash
# Build MusicLab Desktop's installers from a checkout, in one command:
#
#   bash packaging/build.sh            # output in dist/
#
#   dist/musiclab_desktop-VERSION-py3-none-any.whl   the app's wheel (pip install it)
#   dist/musiclab/                                   the one-folder bundle (run dist/musiclab/musiclab)
#   dist/musiclab_VERSION_ARCH.deb                   the Debian/Ubuntu package (Linux)
#
# Runs with the active Python environment (a venv with the app's dependencies; they
# are installed from this checkout if missing, and PyInstaller too). Knobs:
#   PYTHON=python3.12           the Python to build with (default: python)
#   MUSICLAB_DIST=DIR           output folder (default: dist/)
#   MUSICLAB_BUILD_DIR=DIR      scratch folder (default: build/packaging)
#   MUSICLAB_DEB_COMPRESSION=gzip|xz|zstd|none   .deb compression (default: xz)
#   MUSICLAB_SKIP_DEB=1         stop after the bundle
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-python}
DIST=$(mkdir -p "${MUSICLAB_DIST:-$ROOT/dist}" && cd "${MUSICLAB_DIST:-$ROOT/dist}" && pwd)
WORK=${MUSICLAB_BUILD_DIR:-$ROOT/build/packaging}
cd "$ROOT"

step() { printf '\n== %s\n' "$*"; }

step "Checking the build environment"
"$PYTHON" - <<'PY'
import sys
if sys.version_info < (3, 11):
    sys.exit(f"Python 3.11 or newer is needed to build; this is {sys.version.split()[0]}.")
PY
if ! "$PYTHON" -c "import PySide6, pyqtgraph, sqlalchemy, alembic, pyte, soundfile, numpy, platformdirs" 2>/dev/null; then
  "$PYTHON" -m pip install -q -e "$ROOT"
fi
if ! "$PYTHON" -c "import PyInstaller" 2>/dev/null; then
  "$PYTHON" -m pip install -q "pyinstaller>=6"
fi
VERSION=$(PYTHONPATH="$ROOT" "$PYTHON" -c "import musiclab_desktop; print(musiclab_desktop.__version__)")
echo "MusicLab $VERSION with $("$PYTHON" -c 'import sys; print(sys.executable)'), PyInstaller $("$PYTHON" -m PyInstaller --version)"

step "Building the wheel"
rm -rf "$WORK" "$ROOT/build/lib" "$ROOT/build/bdist."*  # no stale files from older builds
mkdir -p "$WORK/wheels"
if "$PYTHON" -c "import setuptools, wheel" 2>/dev/null; then
  "$PYTHON" -m pip wheel -q --no-deps --no-build-isolation -w "$WORK/wheels" "$ROOT"
else
  "$PYTHON" -m pip wheel -q --no-deps -w "$WORK/wheels" "$ROOT"
fi
WHEEL=$(ls "$WORK"/wheels/musiclab_desktop-"$VERSION"-*.whl)
# pip's own wheel, from the build Python's ensurepip: the bundle bootstraps pip into the
# training environment with it, even where the user's Python has no ensurepip.
"$PYTHON" - "$WORK/wheels" <<'PY'
import pathlib, shutil, sys
import ensurepip
bundled = sorted(pathlib.Path(ensurepip.__file__).parent.glob("_bundled/pip-*.whl"))
if bundled:
    shutil.copy2(bundled[-1], sys.argv[1])
else:
    print("note: this Python's ensurepip has no pip wheel; the bundle will rely on the "
          "user's Python having ensurepip", file=sys.stderr)
PY

step "Freezing the app (PyInstaller)"
MUSICLAB_WHEEL_DIR="$WORK/wheels" "$PYTHON" -m PyInstaller --noconfirm --log-level WARN \
  --distpath "$WORK/bundle" --workpath "$WORK/pyinstaller" "$ROOT/packaging/musiclab.spec"
BUNDLE="$WORK/bundle/musiclab"
if [ "$(uname -s)" = Linux ] && command -v strip >/dev/null 2>&1; then
  # Debug symbols are a third of the bundle. Libraries vendored by auditwheel (the
  # *.libs folders, e.g. numpy's OpenBLAS) are patched ELF files that strip corrupts.
  find "$BUNDLE" -type f \( -name '*.so' -o -name '*.so.*' \) -not -path '*.libs/*' \
    -print0 | xargs -0 -r strip --strip-unneeded 2>/dev/null || true
fi
"$BUNDLE/musiclab" --version

step "Collecting the output in $DIST"
rm -rf "$DIST/musiclab" "$DIST/MusicLab.app"
mv "$BUNDLE" "$DIST/musiclab"
if [ -d "$WORK/bundle/MusicLab.app" ]; then  # macOS: the .app the spec's BUNDLE made
  mv "$WORK/bundle/MusicLab.app" "$DIST/MusicLab.app"
fi
cp "$WHEEL" "$DIST/"
echo "bundle: $(du -sh "$DIST/musiclab" | cut -f1) in $DIST/musiclab"

if [ "$(uname -s)" = Linux ] && [ "${MUSICLAB_SKIP_DEB:-0}" != 1 ] && command -v dpkg-deb >/dev/null; then
  step "Packaging the .deb"
  bash "$ROOT/packaging/linux/build_deb.sh" "$DIST/musiclab" "$VERSION" "$DIST" "$WORK/deb"
fi
step "Done"
ls -1 "$DIST"
