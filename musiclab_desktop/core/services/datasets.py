"""Datasets: importing a folder of captioned clips and exporting it for training."""

from __future__ import annotations

import builtins
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from musiclab_desktop.core.audio_scan import (
    ProgressCallback,
    ScannedClip,
    scan_folder,
    too_short_problem,
)
from musiclab_desktop.core.caption_template import render_caption
from musiclab_desktop.core.dataset_formats import (
    DatasetExport,
    export_items,
    is_manifest,
    scan_manifest,
)
from musiclab_desktop.core.display import printable
from musiclab_desktop.core.errors import InvalidStateError, ValidationError
from musiclab_desktop.core.models import Dataset, DatasetItem, RunLogChunk
from musiclab_desktop.core.records import DatasetItemRecord, DatasetRecord
from musiclab_desktop.core.services.rows import get_dataset_row

if TYPE_CHECKING:
    from musiclab_desktop.core.library import Library


@dataclass(frozen=True)
class ImportReport:
    """The dataset created, and every clip that could not be used with the reason."""

    dataset: DatasetRecord
    problems: list[tuple[str, str]]


def dataset_record(session: Session, dataset: Dataset) -> DatasetRecord:
    total, usable, duration = session.execute(
        select(
            func.count(),
            # count() with a filter: sum() over a Boolean column would come back as a bool.
            func.count().filter(DatasetItem.usable.is_(True)),
            func.coalesce(
                func.sum(DatasetItem.duration).filter(DatasetItem.usable.is_(True)), 0.0
            ),
        ).where(DatasetItem.dataset_id == dataset.id)
    ).one()
    # coalesce never gives NULL, but SQLAlchemy types it as the optional column.
    return DatasetRecord.of(
        dataset, clip_count=total, usable_count=int(usable), total_duration=float(duration or 0.0)
    )


@dataclass(frozen=True)
class ExportReport:
    """How many clips a run's dataset file holds, and each usable clip left out, why."""

    written: int
    left_out: list[tuple[str, str]]

    def notice(self) -> str:
        """The lines a run's terminal shows before training: what was left out, why."""
        if not self.left_out:
            return ""
        lines = [f"musiclab: {len(self.left_out)} clip(s) of the dataset left out of this run:"]
        lines += [f"  {printable(name)}: {reason}" for name, reason in self.left_out]
        return "\r\n".join(lines) + "\r\n"


def _left_out_reason(item: DatasetItem, min_seconds: float) -> str | None:
    if not Path(item.path).is_file():
        return "the file no longer exists"
    if item.duration is not None and item.duration < min_seconds:
        return too_short_problem(item.duration, min_seconds,
                                 "this run trains with (min_segment_seconds)")
    return None


def export_dataset_jsonl(session: Session, dataset_id: int, destination: Path,
                         min_seconds: float = 0.0, caption_template: str = "") -> ExportReport:
    """Write the usable clips whose files still exist and that are at least
    ``min_seconds`` long, one JSON object per line, each caption written through
    ``caption_template`` (core/caption_template.py); report the ones left out."""
    dataset = get_dataset_row(session, dataset_id)
    if not Path(dataset.folder).is_dir():
        raise InvalidStateError(
            f"The folder of dataset '{dataset.name}' ({dataset.folder}) no longer exists; "
            "restore it or import the dataset again."
        )
    items = session.scalars(
        select(DatasetItem)
        .where(DatasetItem.dataset_id == dataset_id, DatasetItem.usable.is_(True))
        .order_by(DatasetItem.id)
    ).all()
    lines: list[str] = []
    left_out: list[tuple[str, str]] = []
    for item in items:
        reason = _left_out_reason(item, min_seconds)
        if reason is not None:
            left_out.append((item.file_name, reason))
            continue
        lines.append(json.dumps({
            "path": item.path,
            "duration": item.duration,
            "sample_rate": item.sample_rate,
            "channels": item.channels,
            "description": render_caption(caption_template, item.caption, item.extra),
        }))
    if not lines:
        raise InvalidStateError(_nothing_left_message(dataset, left_out))
    try:
        destination.write_text("\n".join(lines) + "\n", encoding="utf-8")
    except OSError as exc:
        raise InvalidStateError(f"Cannot write {destination}: {exc.strerror}.") from exc
    return ExportReport(len(lines), left_out)


def _nothing_left_message(dataset: Dataset, left_out: list[tuple[str, str]]) -> str:
    if not left_out:
        return f"Dataset '{dataset.name}' has no usable clip."
    name, reason = left_out[0]
    return (f"Dataset '{dataset.name}' has no clip this run can train on: all "
            f"{len(left_out)} usable clip(s) are left out (e.g. {name}: {reason}).")


def export_for_run(session: Session, run_id: int, dataset_id: int, destination: Path,
                   min_seconds: float, caption_template: str = "") -> ExportReport:
    """Export the run's dataset and put what was left out, and why, in the run's log,
    so its terminal (window, ``runs logs``, ``runs start``) says so before training."""
    report = export_dataset_jsonl(session, dataset_id, destination, min_seconds,
                                  caption_template)
    notice = report.notice()
    if notice:  # the run is new: its log is empty, so this is chunk 0
        session.add(RunLogChunk(run_id=run_id, seq=0, data=notice.encode("utf-8")))
    return report


def _item_of(dataset_id: int, clip: ScannedClip) -> DatasetItem:
    return DatasetItem(
        dataset_id=dataset_id,
        file_name=clip.file_name,
        path=str(clip.path),
        duration=clip.duration,
        sample_rate=clip.sample_rate,
        channels=clip.channels,
        caption=clip.caption,
        problem=clip.problem,
        usable=clip.usable,
        extra=clip.extra,
    )


def _manifest_dataset_name(manifest: Path) -> str:
    """egs/train/data.jsonl -> "train"; songs.jsonl -> "songs"."""
    return manifest.parent.name if manifest.stem == "data" else manifest.stem


DATASET_NAME_MAX_LENGTH = 200  # the column's size, as for experiment names


class DatasetService:
    def __init__(self, library: Library) -> None:
        self._library = library

    def import_folder(
        self, folder: str | Path, *, name: str | None = None,
        progress: ProgressCallback | None = None,
    ) -> ImportReport:
        """Scan ``folder`` and store its clips; clips with problems are kept but flagged.

        ``folder`` may also be an audiocraft JSONL manifest (core/dataset_formats.py).
        """
        root = Path(folder).expanduser().resolve()
        manifest = root if is_manifest(root) else None
        if manifest is None and not root.is_dir():
            raise ValidationError(
                f"The dataset folder {root} does not exist.", {"folder": "missing"}
            )
        default_name = root.name if manifest is None else _manifest_dataset_name(manifest)
        name = (name or default_name).strip()
        if len(name) > DATASET_NAME_MAX_LENGTH:
            raise ValidationError(
                f"Dataset names are at most {DATASET_NAME_MAX_LENGTH} characters; this one "
                f"has {len(name)}.", {"name": "too long"})
        with self._library.transaction() as session:
            if session.scalar(select(Dataset.id).where(Dataset.name == name)) is not None:
                raise ValidationError(
                    f"A dataset named '{name}' already exists; choose another name.",
                    {"name": "already used"},
                )
        if manifest is not None:
            root, clips = scan_manifest(manifest, progress)
        else:
            clips = scan_folder(root, progress)
        if not any(clip.usable for clip in clips):
            raise ValidationError(self._nothing_usable_message(root, clips))
        with self._library.transaction() as session:
            dataset = Dataset(name=name, folder=str(root))
            session.add(dataset)
            session.flush()
            session.add_all(_item_of(dataset.id, clip) for clip in clips)
            session.flush()
            record = dataset_record(session, dataset)
        problems = [(clip.file_name, clip.problem) for clip in clips if clip.problem]
        return ImportReport(record, problems)

    @staticmethod
    def _nothing_usable_message(root: Path, clips: list[ScannedClip]) -> str:
        if not clips:
            return (f"No audio clips (wav, flac, ogg, mp3) were found in {root}.")
        first = next(clip for clip in clips if clip.problem)
        return (
            f"None of the {len(clips)} clips in {root} can be used "
            f"(e.g. {first.file_name}: {first.problem})."
        )

    def export(self, dataset_id: int, destination: str | Path, fmt: str,
               valid_split: float = 0.0) -> DatasetExport:
        """Write the dataset's usable clips in another tool's layout (dataset_formats)."""
        return export_items(self.items(dataset_id), Path(destination), fmt, valid_split)

    def list(self) -> list[DatasetRecord]:
        with self._library.transaction() as session:
            rows = session.scalars(select(Dataset).order_by(Dataset.name)).all()
            return [dataset_record(session, row) for row in rows]

    def get(self, dataset_id: int) -> DatasetRecord:
        with self._library.transaction() as session:
            return dataset_record(session, get_dataset_row(session, dataset_id))

    def items(self, dataset_id: int) -> builtins.list[DatasetItemRecord]:
        with self._library.transaction() as session:
            get_dataset_row(session, dataset_id)
            rows = session.scalars(
                select(DatasetItem)
                .where(DatasetItem.dataset_id == dataset_id)
                .order_by(DatasetItem.file_name)
            ).all()
            return [DatasetItemRecord.of(row) for row in rows]
