"""The adapter the run produced, and resumable checkpoints along the way."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
from pathlib import Path
from typing import Any

import numpy as np
import torch

from musiclab_desktop.core import protocol
from musiclab_desktop.core.checkpoints import (
    PARTIAL_PREFIX,
    checkpoint_folder,
    list_checkpoints,
    partial_folder,
    to_prune,
)
from musiclab_desktop.core.checkpoints import latest_checkpoint as newest_checkpoint
from musiclab_desktop.training.model_card import write_model_card

KEEP_CHECKPOINTS = 3
# Tests only: SIGKILL the worker right after (or in the middle of) writing the
# checkpoint of the step these variables name.
KILL_AFTER_CHECKPOINT_ENV = "MUSICLAB_TEST_KILL_AFTER_CHECKPOINT"
KILL_DURING_CHECKPOINT_ENV = "MUSICLAB_TEST_KILL_DURING_CHECKPOINT"
ADAPTER_CONFIG_FILE = "adapter_config.json"
TRAINER_STATE_FILE = protocol.TRAINER_STATE_FILE


def save_adapter(model: Any, target: Path, info: dict[str, Any], processor: Any = None) -> Path:
    """peft ``save_pretrained`` plus a JSON of what produced the adapter, written last.

    The folder follows the Hugging Face conventions, so it works on another machine:
    ``adapter_config.json`` names the base by its hub id when it came from the hub (the
    cache snapshot folder is only where this machine keeps it), the processor (tokenizer
    and feature extractor) sits beside the weights for ``AutoProcessor.from_pretrained``,
    and README.md is a model card (training/model_card.py).

    The JSON marks a complete adapter: it appears (atomically) only once the weights
    are on disk, so a save cut short by a kill or a full disk is never taken for a
    finished one (see core/run_folder.py, which recovers runs whose owner died).
    """
    target.mkdir(parents=True, exist_ok=True)
    info_file = target / protocol.ADAPTER_INFO_FILE
    info_file.unlink(missing_ok=True)  # a save tried again rewrites the weights first
    model.save_pretrained(str(target))
    name = portable_base_name(str(info.get("base_model", "")), info.get("base_model_path"))
    if name:
        set_adapter_base(target, name)
    if processor is not None:
        processor.save_pretrained(str(target))
    write_model_card(target, info)
    _sync_files(target)
    _write_atomically(info_file, json.dumps(info, indent=2).encode("utf-8"))
    return target


def portable_base_name(base_model: str, base_model_path: str | None) -> str:
    """How an adapter names its base: the hub id for a model from the hub, else the folder.

    ``base_model`` is what the run was configured with; a name that is no folder here was
    resolved from the hub cache, whose snapshot path means nothing on another machine.
    """
    name = base_model.strip()
    if not name:
        return str(base_model_path or "")
    if Path(name).expanduser().is_dir():
        return str(base_model_path or Path(name).expanduser().resolve())
    return name


def set_adapter_base(adapter_dir: Path, base_name: str) -> None:
    """Rewrite ``base_model_name_or_path`` in the folder's adapter_config.json."""
    config_file = adapter_dir / ADAPTER_CONFIG_FILE
    config = json.loads(config_file.read_text(encoding="utf-8"))
    config["base_model_name_or_path"] = base_name
    _write_atomically(config_file, (json.dumps(config, indent=2, sort_keys=True) + "\n")
                      .encode("utf-8"))


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
    record: dict[str, Any],
    *,
    processor: Any = None,
    keep_last: int = KEEP_CHECKPOINTS,
    keep_best: bool = True,
) -> Path:
    """Adapter, training state and every RNG state in checkpoints/step-NNNNNN, atomically.

    Written into a hidden partial folder, synced, then renamed: a kill at any moment
    leaves either the complete folder or none of that name, and readers
    (core/checkpoints.py) only take complete ones. ``record`` becomes checkpoint.json
    (step, losses, code version, dataset fingerprint), read without torch.
    """
    final = checkpoint_folder(output_dir, step)
    partial = partial_folder(output_dir, step)
    shutil.rmtree(partial, ignore_errors=True)
    save_adapter(model, partial, {**info, "steps": step}, processor)
    state = {**training_state, "step": step, "rng": capture_rng()}
    with (partial / TRAINER_STATE_FILE).open("wb") as handle:
        torch.save(state, handle)
        handle.flush()
        os.fsync(handle.fileno())
    _write_atomically(partial / protocol.CHECKPOINT_INFO_FILE,
                      json.dumps({**record, "step": step}, indent=2).encode("utf-8"))
    _test_kill(KILL_DURING_CHECKPOINT_ENV, step)
    _replace_folder(partial, final)
    prune_checkpoints(output_dir, keep_last, keep_best)
    _test_kill(KILL_AFTER_CHECKPOINT_ENV, step)
    return final


def _replace_folder(partial: Path, final: Path) -> None:
    """Rename the finished folder into place (a checkpoint of the same step, written by
    an earlier attempt, is set aside first and removed after)."""
    aside = final.with_name(f"{PARTIAL_PREFIX}old-{final.name}")
    if final.exists():
        shutil.rmtree(aside, ignore_errors=True)
        os.replace(final, aside)
    os.replace(partial, final)
    _sync_folder(final.parent)
    shutil.rmtree(aside, ignore_errors=True)


def _sync_folder(folder: Path) -> None:
    # The rename itself must reach the disk, or a power cut could undo it.
    if not hasattr(os, "O_DIRECTORY"):
        return  # Windows: directories cannot be opened for fsync
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _test_kill(variable: str, step: int) -> None:
    """Tests only: die by SIGKILL at this point of the checkpoint of ``step``, as a crash
    or a power cut would (no handler, no cleanup)."""
    wanted = os.environ.get(variable)
    if wanted and wanted.strip() == str(step):
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


def capture_rng() -> dict[str, Any]:
    """Every global random stream a training step draws from."""
    cuda = torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None
    return {
        "python": random.getstate(),
        "numpy": np.random.get_state(),
        "torch": torch.get_rng_state(),
        "cuda": cuda,
    }


def restore_rng(states: dict[str, Any]) -> None:
    random.setstate(states["python"])
    np.random.set_state(states["numpy"])
    torch.set_rng_state(states["torch"])
    if states.get("cuda") is not None and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(states["cuda"])


def load_training_state(checkpoint: Path) -> dict[str, Any]:
    """The state :func:`save_checkpoint` wrote (our own file: numpy and Python RNG
    states need the full unpickler)."""
    return dict(torch.load(checkpoint / TRAINER_STATE_FILE, map_location="cpu",
                           weights_only=False))


def load_adapter_weights(model: Any, adapter_dir: Path) -> None:
    """Set the LoRA weights of ``model`` from a saved adapter folder, exactly."""
    from peft import set_peft_model_state_dict
    from safetensors.torch import load_file

    weights = adapter_dir / "adapter_model.safetensors"
    if not weights.is_file():
        raise FileNotFoundError(f"No adapter weights in {adapter_dir}.")
    result = set_peft_model_state_dict(model, load_file(str(weights)))
    missing = [key for key in getattr(result, "missing_keys", []) if "lora_" in key]
    if missing:
        raise ValueError(f"The adapter in {adapter_dir} does not fit this model's LoRA "
                         f"layers (missing {missing[0]} and {len(missing) - 1} more).")


def checkpoint_path(output_dir: Path, step: int) -> Path:
    return checkpoint_folder(output_dir, step)


def latest_checkpoint(output_dir: Path) -> Path | None:
    """The newest complete checkpoint, if any."""
    info = newest_checkpoint(output_dir)
    return info.path if info is not None else None


def prune_checkpoints(output_dir: Path, keep_last: int, keep_best: bool) -> None:
    # LoRA checkpoints with optimizer state are tens of MB each on real models.
    for old in to_prune(list_checkpoints(output_dir), keep_last, keep_best):
        shutil.rmtree(old.path, ignore_errors=True)
