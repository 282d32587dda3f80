"""The adapter the run produced, and resumable checkpoints along the way."""

from __future__ import annotations

import json
import os
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
    """peft ``save_pretrained`` plus a JSON of what produced the adapter, written last.

    The JSON marks a complete adapter: it appears (atomically) only once the weights
    are on disk, so a save cut short by a kill or a full disk is never taken for a
    finished one (see core/run_folder.py, which recovers runs whose owner died).
    """
    target.mkdir(parents=True, exist_ok=True)
    info_file = target / protocol.ADAPTER_INFO_FILE
    info_file.unlink(missing_ok=True)  # a save tried again rewrites the weights first
    model.save_pretrained(str(target))
    _sync_files(target)
    _write_atomically(info_file, json.dumps(info, indent=2).encode("utf-8"))
    return target


def _sync_files(folder: Path) -> None:
    # The weights must be on disk before the marker that says they are.
    for path in folder.iterdir():
        if path.is_file():
            with path.open("rb+") as handle:
                os.fsync(handle.fileno())


def _write_atomically(path: Path, data: bytes) -> None:
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def save_checkpoint(
    model: Any,
    output_dir: Path,
    step: int,
    info: dict[str, Any],
    training_state: dict[str, Any],
) -> Path:
    """Adapter plus optimizer, schedule and RNG state in checkpoints/step-NNNNNN."""
    target = checkpoint_path(output_dir, step)
    root = target.parent
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


def checkpoint_path(output_dir: Path, step: int) -> Path:
    return output_dir / protocol.CHECKPOINTS_DIR / f"step-{step:06d}"


def latest_checkpoint(output_dir: Path) -> Path | None:
    """The newest complete checkpoint (its adapter JSON written last), if any."""
    root = output_dir / protocol.CHECKPOINTS_DIR
    complete = [path for path in root.glob("step-*")
                if (path / TRAINER_STATE_FILE).is_file()
                and (path / protocol.ADAPTER_INFO_FILE).is_file()]
    return max(complete, default=None)


def _prune(root: Path) -> None:
    # LoRA checkpoints with optimizer state are tens of MB each on real models.
    checkpoints = sorted(path for path in root.glob("step-*") if path.is_dir())
    for old in checkpoints[:-KEEP_CHECKPOINTS]:
        shutil.rmtree(old, ignore_errors=True)
