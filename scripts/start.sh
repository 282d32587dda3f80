#!/usr/bin/env bash
# Install MusicLab Desktop from this checkout into .venv (with training support) and
# open the desktop window. Extra arguments go to `musiclab` (e.g. --data-dir DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
python -m pip install -q -e ".[train]"
exec musiclab "$@"
