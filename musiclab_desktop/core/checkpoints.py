"""A run's checkpoints as the application sees them: steps, losses, what made them.

The worker writes each checkpoint into a hidden partial folder and renames it to
``checkpoints/step-NNNNNN`` only once every file is on disk (training/saving.py), so
a folder of that name is complete: a write cut short by a kill leaves only a partial
folder, which nothing here reads and the next attempt removes. Plain Python (no torch,
no Qt): the worker, the runner, the CLI and the window all use it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from musiclab_desktop.core import protocol

PARTIAL_PREFIX = ".partial-"
_STEP_FOLDER = re.compile(r"^step-(\d+)$")


@dataclass(frozen=True)
class CheckpointInfo:
    """One complete checkpoint of a run."""

    step: int
    path: Path
    loss: float | None = None  # mean training loss since the previous checkpoint
    eval_loss: float | None = None  # the latest validation loss at that step, if any
    code_version: str | None = None
    dataset_fingerprint: str | None = None

    @property
    def score(self) -> float | None:
        """What "best" means: validation loss when there is one, else training loss."""
        return self.eval_loss if self.eval_loss is not None else self.loss

    @property
    def adapter_files(self) -> list[Path]:
        """The files a plain adapter folder holds (weights, peft config, our JSON ...)."""
        skip = {protocol.TRAINER_STATE_FILE, protocol.CHECKPOINT_INFO_FILE}
        return sorted(p for p in self.path.iterdir() if p.name not in skip)


def checkpoints_root(output_dir: str | Path) -> Path:
    return Path(output_dir) / protocol.CHECKPOINTS_DIR


def checkpoint_folder(output_dir: str | Path, step: int) -> Path:
    return checkpoints_root(output_dir) / f"step-{step:06d}"


def partial_folder(output_dir: str | Path, step: int) -> Path:
    return checkpoints_root(output_dir) / f"{PARTIAL_PREFIX}step-{step:06d}"


def read_checkpoint(path: Path) -> CheckpointInfo | None:
    """The checkpoint in ``path``, or None when it is not a complete one."""
    match = _STEP_FOLDER.match(path.name)
    if match is None:
        return None
    try:
        info = json.loads((path / protocol.CHECKPOINT_INFO_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(info, dict) or not (path / protocol.TRAINER_STATE_FILE).is_file():
        return None
    return CheckpointInfo(
        step=int(match[1]),
        path=path,
        loss=_number(info.get("loss")),
        eval_loss=_number(info.get("eval_loss")),
        code_version=_text(info.get("code_version")),
        dataset_fingerprint=_text(info.get("dataset_fingerprint")),
    )


def list_checkpoints(output_dir: str | Path | None) -> list[CheckpointInfo]:
    """The run's complete checkpoints, oldest step first."""
    if not output_dir:
        return []
    root = checkpoints_root(output_dir)
    try:
        folders = [path for path in root.iterdir() if path.is_dir()]
    except OSError:
        return []
    found = (read_checkpoint(path) for path in folders)
    return sorted((info for info in found if info is not None), key=lambda info: info.step)


def latest_checkpoint(output_dir: str | Path | None) -> CheckpointInfo | None:
    kept = list_checkpoints(output_dir)
    return kept[-1] if kept else None


def find_checkpoint(output_dir: str | Path | None, step: int) -> CheckpointInfo | None:
    return next((info for info in list_checkpoints(output_dir) if info.step == step), None)


def to_prune(kept: Iterable[CheckpointInfo], keep_last: int, keep_best: bool
             ) -> list[CheckpointInfo]:
    """The checkpoints retention removes: all but the last ``keep_last`` and, with
    ``keep_best``, the one with the lowest score (the earliest among equals)."""
    ordered = sorted(kept, key=lambda info: info.step)
    keep = {info.step for info in ordered[-max(1, keep_last):]}
    scored = [info for info in ordered if info.score is not None]
    if keep_best and scored:
        keep.add(min(scored, key=lambda info: (info.score, info.step)).step)
    return [info for info in ordered if info.step not in keep]


def remove_partials(output_dir: str | Path) -> None:
    """Remove checkpoint writes that a kill cut short (never read, only in the way)."""
    root = checkpoints_root(output_dir)
    for path in root.glob(f"{PARTIAL_PREFIX}*"):
        shutil.rmtree(path, ignore_errors=True)


def folder_size(path: str | Path | None) -> int:
    """Bytes under ``path`` (0 when it is missing); files that vanish meanwhile count 0."""
    if not path:
        return 0
    total = 0
    for folder, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.stat(os.path.join(folder, name), follow_symlinks=False).st_size
            except OSError:
                continue
    return total


def dataset_file_fingerprint(dataset_path: str | Path) -> str:
    """Changes when a clip of the exported dataset (JSONL) changes: added, removed, its
    caption edited or its file rewritten. The worker stores it in each checkpoint and a
    resume compares it with the dataset as it is now."""
    digest = hashlib.sha256()
    try:
        lines = Path(dataset_path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return "missing"
    for line in lines:
        entry = _json_object(line)
        if entry is None:
            continue
        path = str(entry.get("path", ""))
        try:
            stat = os.stat(path)
            state = f"{stat.st_size}|{stat.st_mtime_ns}"
        except OSError:
            state = "missing"
        digest.update(f"{path}|{state}|{entry.get('description') or ''}\n".encode())
    return digest.hexdigest()[:16]


def _json_object(line: str) -> dict[str, Any] | None:
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def size_text(size: int) -> str:
    """Bytes for a person: 950 B, 12.3 MB, 4.1 GB (powers of 1000, as file managers say)."""
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"
