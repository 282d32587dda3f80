"""The adapter the run produced, and resumable checkpoints along the way."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import torch

from musiclab_desktop.core import protocol

KEEP_CHECKPOINTS = 3
TRAINER_STATE_FILE = "trainer_state.pt"


def save_adapter(model: Any, target: Path, info: dict[str, Any]) -> Path:
    """peft ``save_pretrained`` plus a JSON of what produced the adapter."""
    target.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(target))
    (target / protocol.ADAPTER_INFO_FILE).write_text(json.dumps(info, indent=2), encoding="utf-8")
    return target


def save_checkpoint(
    model: Any,
    output_dir: Path,
    step: int,
    info: dict[str, Any],
    training_state: dict[str, Any],
) -> Path:
    """Adapter plus optimizer, schedule and RNG state in checkpoints/step-NNNNNN."""
    root = output_dir / protocol.CHECKPOINTS_DIR
    target = root / f"step-{step:06d}"
    save_adapter(model, target, {**info, "steps": step})
    state = {
        **training_state,
        "step": step,
        "rng": {
            "python": random.getstate(),
            "numpy": np.random.get_state(),
            "torch": torch.get_rng_state(),
        },
    }
    torch.save(state, target / TRAINER_STATE_FILE)
    _prune(root)
    return target


def _prune(root: Path) -> None:
    # LoRA checkpoints with optimizer state are tens of MB each on real models.
    checkpoints = sorted(path for path in root.glob("step-*") if path.is_dir())
    for old in checkpoints[:-KEEP_CHECKPOINTS]:
        shutil.rmtree(old, ignore_errors=True)
