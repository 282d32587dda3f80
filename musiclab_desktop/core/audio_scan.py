"""Finding audio clips and their captions in a dataset folder.

Follows the Hugging Face ``audiofolder`` convention: captions come from a
``metadata.csv`` or ``metadata.jsonl`` (``file_name`` plus ``text``) or from a ``.txt``
file beside each clip. Only file headers are read, so a folder of hours of audio
scans in seconds.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

AUDIO_SUFFIXES = frozenset({".wav", ".flac", ".ogg", ".mp3"})
CAPTION_KEYS = ("text", "caption", "description")
NO_CAPTION = "no caption: add it to metadata.csv / metadata.jsonl or a .txt beside the clip"

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class ScannedClip:
    file_name: str  # relative to the dataset folder, with forward slashes
    path: Path
    duration: float | None
    sample_rate: int | None
    channels: int | None
    caption: str | None
    problem: str | None

    @property
    def usable(self) -> bool:
        return self.problem is None


def iter_audio_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
        if not hidden and path.suffix.lower() in AUDIO_SUFFIXES and path.is_file():
            yield path


def read_metadata_captions(folder: Path) -> dict[str, str]:
    """Captions keyed by relative file name from metadata.csv and/or metadata.jsonl."""
    captions: dict[str, str] = {}
    csv_path, jsonl_path = folder / "metadata.csv", folder / "metadata.jsonl"
    if csv_path.is_file():
        with csv_path.open(newline="", encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                _remember_caption(captions, row)
    if jsonl_path.is_file():
        for line in jsonl_path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                _remember_caption(captions, json.loads(line))
    return captions


def _remember_caption(captions: dict[str, str], row: dict[str, object]) -> None:
    file_name = str(row.get("file_name") or "").strip().replace("\\", "/")
    caption = next((str(row[k]).strip() for k in CAPTION_KEYS if row.get(k)), "")
    if file_name and caption:
        captions[file_name] = caption


def _sidecar_caption(path: Path) -> str | None:
    sidecar = path.with_suffix(".txt")
    if sidecar.is_file():
        text = sidecar.read_text(encoding="utf-8", errors="replace").strip()
        return text or None
    return None


def probe_clip(folder: Path, path: Path, captions: dict[str, str]) -> ScannedClip:
    file_name = path.relative_to(folder).as_posix()
    caption = captions.get(file_name) or _sidecar_caption(path)
    import soundfile  # here, not at the top: the window never scans and starts faster

    try:
        info = soundfile.info(str(path))
    except Exception as exc:  # libsndfile raises RuntimeError or its own LibsndfileError
        reason = str(exc).split("\n")[0] or type(exc).__name__
        return ScannedClip(file_name, path, None, None, None, caption,
                           f"unreadable audio: {reason}")
    duration = info.frames / info.samplerate if info.samplerate else 0.0
    problem = None
    if duration <= 0:
        problem = "empty audio: the file holds no samples"
    elif not caption:
        problem = NO_CAPTION
    return ScannedClip(
        file_name, path, duration, int(info.samplerate), int(info.channels), caption, problem
    )


def scan_folder(folder: Path, progress: ProgressCallback | None = None) -> list[ScannedClip]:
    """Every audio file under ``folder`` with its header facts, caption and any problem."""
    captions = read_metadata_captions(folder)
    files = list(iter_audio_files(folder))
    clips = []
    for index, path in enumerate(files, start=1):
        clips.append(probe_clip(folder, path, captions))
        if progress:
            progress(index, len(files))
    return clips
