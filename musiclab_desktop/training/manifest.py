"""The run's dataset: a JSONL of clips, checked before any heavy import.

One clip per line: path (absolute), duration, sample_rate, channels, description.
Lines that are broken and files that cannot be read are named in a warning and
skipped, so one bad file never costs a whole run; none usable is a data error.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import soundfile

Warn = Callable[[str], None]


@dataclass(frozen=True)
class Clip:
    """One captioned audio file of the dataset."""

    path: Path
    description: str
    duration: float
    sample_rate: int
    channels: int


def read_manifest(dataset_path: Path, warn: Warn) -> list[Clip]:
    """The readable clips of the dataset, in file order."""
    dataset_path = Path(dataset_path)
    if not dataset_path.is_file():
        from musiclab_desktop.training.errors import DataError

        raise DataError(f"The dataset file {dataset_path} does not exist.")
    clips: list[Clip] = []
    lines = dataset_path.read_text(encoding="utf-8").splitlines()
    for number, text in enumerate(lines, start=1):
        if text.strip():
            clip = _parse_line(text, f"line {number} of {dataset_path.name}", warn)
            if clip is not None:
                clips.append(clip)
    return clips


def _parse_line(text: str, where: str, warn: Warn) -> Clip | None:
    try:
        entry = json.loads(text)
        path = Path(entry["path"])
    except (ValueError, KeyError, TypeError):
        warn(f"{where} is not a clip entry (needs a JSON object with a path); skipped.")
        return None
    try:
        info = soundfile.info(str(path))
    except Exception as error:  # libsndfile raises several types for unreadable files
        warn(f"Cannot read audio file {path} ({_reason(error)}); skipped.")
        return None
    return Clip(
        path=path,
        description=str(entry.get("description") or ""),
        duration=float(info.duration),
        sample_rate=int(info.samplerate),
        channels=int(info.channels),
    )


def _reason(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[-1] if text else type(error).__name__


def dataset_fingerprint(clips: list[Clip]) -> str:
    """Changes when any clip, its file or its caption changes."""
    digest = hashlib.sha256()
    for clip in clips:
        stat = clip.path.stat()
        digest.update(
            f"{clip.path}|{stat.st_size}|{stat.st_mtime_ns}|{clip.description}\n".encode()
        )
    return digest.hexdigest()[:16]
