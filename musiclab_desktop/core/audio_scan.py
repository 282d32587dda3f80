"""Finding audio clips and their captions in a dataset folder.

Follows the Hugging Face ``audiofolder`` convention: captions come from a
``metadata.csv`` or ``metadata.jsonl`` (``file_name`` plus ``text``) in the clip's folder
or any folder above it (each applies to the files below it, named relative to it), from
a ``.txt`` file beside each clip, or from audiocraft's ``.json`` sidecar beside each
clip (``description`` plus metadata). Columns besides the file name and caption (genre,
bpm, key, mood, ...) are kept as the clip's metadata (``extra``). Only file headers are
read, so a folder of hours of audio scans in seconds. A metadata file that cannot be
read is a ValidationError naming the file and line; a clip too short for any run to
train on is flagged with the reason.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from musiclab_desktop.core.config import MIN_CLIP_SECONDS
from musiclab_desktop.core.display import printable
from musiclab_desktop.core.errors import ValidationError
from musiclab_desktop.core.json_lines import numbered_rows

AUDIO_SUFFIXES = frozenset({".wav", ".flac", ".ogg", ".mp3"})
CAPTION_KEYS = ("text", "caption", "description")
METADATA_FILES = ("metadata.csv", "metadata.jsonl")
# Audiocraft sidecar fields that describe its own files, not the music.
_SIDECAR_BOOKKEEPING = frozenset({"path", "self_wav", "joint_embed", "info_path"})
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
    extra: dict[str, Any] | None = None

    @property
    def usable(self) -> bool:
        return self.problem is None


@dataclass
class ClipMetadata:
    """What a metadata file or sidecar says about one clip."""

    caption: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def iter_audio_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        audio = path.suffix.lower() in AUDIO_SUFFIXES
        if audio and not _hidden(path.relative_to(folder)) and path.is_file():
            yield path


def seconds_text(seconds: float) -> str:
    """A clip's length for people, never rounded up past a limit it falls short of.

    Truncated, not rounded: 0.05 s shows as "0.05", not "0.1", and 0.999 s as "0.99",
    so a clip refused for being under 1 s never reads as 1.0 s.
    """
    if seconds >= 10:
        return f"{math.floor(seconds * 10) / 10:.1f}"
    if 0 < seconds < 0.01:
        return f"{seconds:.1g}"
    return f"{math.floor(seconds * 100) / 100:.2f}"


def too_short_problem(duration: float, minimum: float, what: str) -> str:
    """Why a clip of ``duration`` seconds is left out; ``what`` names the minimum."""
    return (f"too short: {seconds_text(duration)} s is shorter than the minimum clip "
            f"length of {minimum:g} s {what}")


def read_metadata(folder: Path) -> dict[str, ClipMetadata]:
    """Captions and metadata keyed by file name relative to ``folder``, from every
    metadata.csv / metadata.jsonl in it or its (not hidden) sub-folders; a deeper file's
    word on a clip wins, as the one nearer to it.

    Raises ValidationError naming the file and line when one cannot be read.
    """
    found = [path for name in METADATA_FILES for path in folder.rglob(name)
             if path.is_file() and not _hidden(path.relative_to(folder))]
    found.sort(key=lambda path: (len(path.relative_to(folder).parts), str(path)))
    metadata: dict[str, ClipMetadata] = {}
    for path in found:
        prefix = path.parent.relative_to(folder).as_posix()
        rows: dict[str, ClipMetadata] = {}
        if path.suffix == ".csv":
            _read_csv_captions(path, rows)
        else:
            _read_jsonl_captions(path, rows)
        for file_name, entry in rows.items():
            key = file_name if prefix == "." else f"{prefix}/{file_name}"
            metadata[key] = entry
    return metadata


def read_metadata_captions(folder: Path) -> dict[str, str]:
    """Captions keyed by relative file name (see :func:`read_metadata`)."""
    return {name: entry.caption for name, entry in read_metadata(folder).items()
            if entry.caption}


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def _metadata_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise _metadata_error(path, line, "is not UTF-8 text; save the file as UTF-8") from exc


def _metadata_error(path: Path, line: int, problem: str) -> ValidationError:
    return ValidationError(f"{printable(str(path))}, line {line}: {problem}.",
                           {"metadata": f"line {line}"})


def _read_csv_captions(path: Path, captions: dict[str, ClipMetadata]) -> None:
    reader = csv.DictReader(io.StringIO(_metadata_text(path), newline=""))
    rows = iter(reader)
    first_line = 1
    try:
        _ = reader.fieldnames  # the header, read first so line numbers count from it
        while True:
            first_line = reader.line_num + 1  # a quoted caption may span several lines
            row = next(rows, None)
            if row is None:
                return
            _remember_caption(captions, row)
    except csv.Error as exc:
        # The usual causes: a caption over csv's field limit, or an unclosed quote.
        raise _metadata_error(
            path, first_line, f"cannot be read as CSV: {exc} (check the quoting; keep "
            f"each caption under {csv.field_size_limit():,} characters)"
        ) from exc


def _read_jsonl_captions(path: Path, captions: dict[str, ClipMetadata]) -> None:
    lines = _metadata_text(path).splitlines()
    for number, row in numbered_rows(lines, lambda n, why: _metadata_error(path, n, why)):
        if not isinstance(row, dict):
            raise _metadata_error(path, number, "is not a JSON object with file_name and "
                                                "text")
        _remember_caption(captions, row)


def _remember_caption(captions: dict[str, ClipMetadata], row: dict[str, Any]) -> None:
    file_name = str(row.get("file_name") or "").strip().replace("\\", "/")
    if file_name:
        captions[file_name] = _entry(row, skip={"file_name"})


def _entry(row: dict[str, Any], skip: set[str] | frozenset[str]) -> ClipMetadata:
    """The caption (the first caption column that has one) and the other columns."""
    caption_key = next((k for k in CAPTION_KEYS if _present(row.get(k))), None)
    caption = str(row[caption_key]).strip() if caption_key else None
    extra = {str(key): value for key, value in row.items()
             if key not in skip and key != caption_key and _present(value)}
    return ClipMetadata(caption or None, extra)


def _present(value: Any) -> bool:
    # An empty CSV cell or a JSON null says nothing about the clip.
    return value is not None and not (isinstance(value, str) and not value.strip()) \
        and value != [] and value != {}


def _sidecar_caption(path: Path) -> str | None:
    sidecar = path.with_suffix(".txt")
    if sidecar.is_file():
        text = sidecar.read_text(encoding="utf-8", errors="replace").strip()
        return text or None
    return None


def _sidecar_json(path: Path) -> ClipMetadata | None:
    """Audiocraft's ``<clip>.json``: ``description`` and the music's metadata."""
    sidecar = path.with_suffix(".json")
    if not sidecar.is_file():
        return None
    try:
        document = json.loads(_metadata_text(sidecar))
    except ValueError as exc:
        raise _metadata_error(sidecar, getattr(exc, "lineno", 1),
                              f"is not valid JSON ({exc})") from exc
    if not isinstance(document, dict):
        return None
    return _entry(document, skip=_SIDECAR_BOOKKEEPING)


def clip_metadata(file_name: str, path: Path, metadata: dict[str, ClipMetadata]
                  ) -> ClipMetadata:
    """All that is said of one clip: metadata files first, then its .txt, then its .json."""
    listed = metadata.get(file_name) or ClipMetadata()
    sidecar = _sidecar_json(path) or ClipMetadata()
    caption = listed.caption or _sidecar_caption(path) or sidecar.caption
    return ClipMetadata(caption, {**sidecar.extra, **listed.extra})


def probe_clip(folder: Path, path: Path, metadata: dict[str, ClipMetadata]) -> ScannedClip:
    file_name = path.relative_to(folder).as_posix()
    described = clip_metadata(file_name, path, metadata)
    caption, extra = described.caption, described.extra or None
    import soundfile  # here, not at the top: the window never scans and starts faster

    try:
        info = soundfile.info(str(path))
    except Exception as exc:  # libsndfile raises RuntimeError or its own LibsndfileError
        reason = str(exc).split("\n")[0] or type(exc).__name__
        return ScannedClip(file_name, path, None, None, None, caption,
                           f"unreadable audio: {reason}", extra)
    duration = info.frames / info.samplerate if info.samplerate else 0.0
    problem = None
    if duration <= 0:
        problem = "empty audio: the file holds no samples"
    elif duration < MIN_CLIP_SECONDS:
        problem = too_short_problem(duration, MIN_CLIP_SECONDS, "any run can train on")
    elif not caption:
        problem = NO_CAPTION
    return ScannedClip(
        file_name, path, duration, int(info.samplerate), int(info.channels), caption, problem,
        extra,
    )


def scan_folder(folder: Path, progress: ProgressCallback | None = None) -> list[ScannedClip]:
    """Every audio file under ``folder`` with its header facts, caption and any problem."""
    metadata = read_metadata(folder)
    files = list(iter_audio_files(folder))
    clips = []
    for index, path in enumerate(files, start=1):
        clips.append(probe_clip(folder, path, metadata))
        if progress:
            progress(index, len(files))
    return clips
