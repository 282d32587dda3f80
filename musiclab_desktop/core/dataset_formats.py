"""Datasets in the layouts other tools use: Hugging Face audiofolder and audiocraft.

Import: a folder follows the audiofolder rules (core/audio_scan.py: metadata files in
any sub-folder, .txt and audiocraft .json sidecars); an audiocraft JSONL manifest
(``path``, ``duration``, ``sample_rate`` per line) names its clips, each described by
its ``<clip>.json`` sidecar.

Export writes either layout, split into train and valid by ``valid_split``::

    audiofolder:  DEST/train/<clips>  DEST/train/metadata.jsonl  (file_name, text, metadata)
                  DEST/valid/...      (the same for the held-out clips)
    audiocraft:   DEST/<clips> with a <clip>.json sidecar each (description, metadata)
                  DEST/egs/train/data.jsonl  DEST/egs/valid/data.jsonl  (the manifests)

Importing an export gives the same clips, captions and metadata back.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from musiclab_desktop.core.audio_scan import ProgressCallback, ScannedClip, probe_clip
from musiclab_desktop.core.errors import InvalidStateError, ValidationError
from musiclab_desktop.core.export_folder import empty_export_folder
from musiclab_desktop.core.json_lines import numbered_rows
from musiclab_desktop.core.records import DatasetItemRecord

EXPORT_FORMATS = ("audiofolder", "audiocraft")
SPLITS = ("train", "valid")
MANIFEST_NAME = "data.jsonl"


@dataclass(frozen=True)
class DatasetExport:
    folder: Path
    format: str
    counts: dict[str, int]  # clips per split
    manifests: list[str]  # relative to ``folder``

    def to_json(self) -> dict[str, Any]:
        return {
            "folder": str(self.folder),
            "format": self.format,
            "counts": dict(self.counts),
            "manifests": list(self.manifests),
        }


# --- import: an audiocraft manifest -------------------------------------------------


def is_manifest(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() == ".jsonl"


def read_manifest(manifest: Path) -> list[Path]:
    """The clips an audiocraft manifest names, in its order. Relative paths are taken
    from the manifest's folder or the nearest folder above it that holds them."""
    try:
        lines = manifest.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(
            f"Cannot read the manifest {manifest}: {exc}.", {"manifest": "unreadable"}
        ) from None
    clips = []
    for number, row in numbered_rows(lines, lambda n, why: _manifest_error(manifest, n, why)):
        if not isinstance(row, dict) or not isinstance(row.get("path"), str):
            raise _manifest_error(manifest, number, 'has no "path" of an audio file')
        clips.append(_resolve(manifest, row["path"]))
    if not clips:
        raise ValidationError(f"The manifest {manifest} names no clips.", {"manifest": "empty"})
    return clips


def _manifest_error(manifest: Path, line: int, problem: str) -> ValidationError:
    return ValidationError(f"{manifest}, line {line}: {problem}.", {"manifest": f"line {line}"})


def _resolve(manifest: Path, raw: str) -> Path:
    path = Path(raw).expanduser()
    if path.is_absolute():
        return path
    for folder in manifest.resolve().parents:
        if (folder / path).exists():
            return (folder / path).resolve()
    return (manifest.parent / path).resolve()


def scan_manifest(
    manifest: Path, progress: ProgressCallback | None = None
) -> tuple[Path, list[ScannedClip]]:
    """(the folder the clips share, each clip as a folder scan would see it)."""
    paths = read_manifest(manifest)
    root = Path(os.path.commonpath([str(path.parent) for path in paths]))
    clips = []
    for index, path in enumerate(paths, start=1):
        if path.is_file():
            clips.append(probe_clip(root, path, {}))
        else:
            clips.append(
                ScannedClip(
                    path.relative_to(root).as_posix(),
                    path,
                    None,
                    None,
                    None,
                    None,
                    "the manifest names a file that does not exist",
                )
            )
        if progress:
            progress(index, len(paths))
    return root, clips


# --- export --------------------------------------------------------------------------


def split_items(
    items: Sequence[DatasetItemRecord], valid_split: float
) -> dict[str, list[DatasetItemRecord]]:
    """Every k-th clip (in file-name order) held out, so the split is the same each time
    and spread over the dataset; at least one clip stays in train."""
    ordered = sorted(items, key=lambda item: item.file_name)
    valid = [
        item
        for index, item in enumerate(ordered)
        if int((index + 1) * valid_split) > int(index * valid_split)
    ]
    if len(valid) == len(ordered):
        valid = valid[1:]
    held = {item.id for item in valid}
    return {"train": [item for item in ordered if item.id not in held], "valid": valid}


def export_items(
    items: Sequence[DatasetItemRecord], destination: Path, fmt: str, valid_split: float = 0.0
) -> DatasetExport:
    """Copy the clips with their captions and metadata into ``destination`` in ``fmt``."""
    if fmt not in EXPORT_FORMATS:
        raise ValidationError(
            f"Unknown dataset format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}.",
            {"format": "unknown"},
        )
    if not 0.0 <= valid_split < 1.0:
        raise ValidationError(
            "The valid split is a share from 0 up to (not including) 1.",
            {"valid_split": "out of range"},
        )
    usable = [item for item in items if item.usable and Path(item.path).is_file()]
    if not usable:
        raise InvalidStateError("The dataset has no usable clip whose file still exists.")
    folder = empty_export_folder(destination)
    splits = split_items(usable, valid_split)
    write = _write_audiofolder if fmt == "audiofolder" else _write_audiocraft
    try:
        manifests = [write(folder, split, chosen) for split, chosen in splits.items() if chosen]
    except OSError as exc:
        raise InvalidStateError(
            f"Cannot write the export in {folder}: {exc.strerror or exc}."
        ) from exc
    return DatasetExport(
        folder, fmt, {split: len(chosen) for split, chosen in splits.items()}, manifests
    )


def _copy(item: DatasetItemRecord, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(item.path, target)
    return target


def _jsonl(rows: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def _write_audiofolder(folder: Path, split: str, items: list[DatasetItemRecord]) -> str:
    rows = []
    for item in items:
        _copy(item, folder / split / item.file_name)
        rows.append({"file_name": item.file_name, "text": item.caption, **(item.extra or {})})
    manifest = folder / split / "metadata.jsonl"
    manifest.write_text(_jsonl(rows), encoding="utf-8")
    return manifest.relative_to(folder).as_posix()


def _write_audiocraft(folder: Path, split: str, items: list[DatasetItemRecord]) -> str:
    rows = []
    for item in items:
        clip = _copy(item, folder / item.file_name)
        sidecar = {"description": item.caption, **(item.extra or {})}
        clip.with_suffix(".json").write_text(
            json.dumps(sidecar, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        # audiocraft's AudioMeta fields; absolute paths, as its own tools write them.
        rows.append(
            {
                "path": str(clip),
                "duration": item.duration,
                "sample_rate": item.sample_rate,
                "amplitude": None,
                "weight": None,
                "info_path": None,
            }
        )
    manifest = folder / "egs" / split / MANIFEST_NAME
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(_jsonl(rows), encoding="utf-8")
    return manifest.relative_to(folder).as_posix()
