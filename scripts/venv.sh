# Sourced by the other scripts: create and activate .venv, and put torch in it first.
# torch goes in before the `train` extra so that pip keeps the build chosen here
# instead of resolving a plain `torch` to the default (multi-GB CUDA) wheel.
# Choose another build with MUSICLAB_TORCH, e.g. MUSICLAB_TORCH="torch==2.13.0" plus
# PIP_INDEX_URL pointing at the PyTorch index for your CUDA/ROCm version.
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
source .venv/bin/activate
if ! python -c "import torch" >/dev/null 2>&1; then
  python -m pip install -q "${MUSICLAB_TORCH:-torch==2.13.0}"
fi
