#!/usr/bin/env bash
# Install MusicLab Desktop with its training and test extras into .venv, then run the
# whole test suite: ruff, the import-layer contracts, and pytest (extra args go to pytest).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
python -m pip install -q -e ".[train,dev]"
ruff check .
lint-imports
QT_QPA_PLATFORM=offscreen python -m pytest "$@"
