#!/usr/bin/env bash
# Install MusicLab Desktop with its training and test extras into .venv, then run the
# whole test suite: ruff, the import-layer contracts, the mypy type check (config in
# pyproject.toml) and pytest (extra args go to pytest).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
python -m pip install -q -e ".[train,dev]"
ruff check .
lint-imports
mypy
QT_QPA_PLATFORM=offscreen python -m pytest "$@"
