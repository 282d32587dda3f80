"""``runs export``: one run as a self-contained folder to share or archive.

The folder holds what someone without the app needs to read, rerun or use the run::

    run.json            the run's record (status, loss, times, notes, tags, error kind)
    config.toml/.json   the effective config (the TOML loads back with --config)
    metrics.csv/.json   every metric point (step, name, value, wall time)
    terminal.log        the raw terminal output, escape codes and all
    samples/            the sample clips that exist, with samples.json describing them
    adapter/            the registered adapter's files (PEFT format)
"""

from __future__ import annotations

import csv
import json
import math
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from musiclab_desktop.core.config_files import config_file_text
from musiclab_desktop.core.errors import InvalidStateError
from musiclab_desktop.core.export_folder import empty_export_folder

if TYPE_CHECKING:
    from musiclab_desktop.core.library import Library


@dataclass(frozen=True)
class RunExport:
    folder: Path
    files: list[str]  # relative to ``folder``
    samples: int
    adapter: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "folder": str(self.folder),
            "files": list(self.files),
            "samples": self.samples,
            "adapter": self.adapter,
        }


def export_run(library: Library, run_id: int, destination: str | Path) -> RunExport:
    """Write run ``run_id`` into ``destination`` (a new or empty folder)."""
    detail = library.runs.detail(run_id)
    folder = empty_export_folder(Path(destination))
    try:
        _write_json(folder / "run.json", detail.to_json())
        (folder / "config.toml").write_text(
            config_file_text(detail.config, "toml"), encoding="utf-8"
        )
        _write_json(folder / "config.json", detail.config)
        _write_metrics(library, run_id, folder)
        (folder / "terminal.log").write_bytes(library.telemetry.read_log(run_id))
        samples = _copy_samples(library, run_id, folder)
        adapter = _copy_adapter(library, detail.run.adapter_id, folder)
    except OSError as exc:
        raise InvalidStateError(
            f"Cannot write the export in {folder}: {exc.strerror or exc}."
        ) from exc
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    return RunExport(folder, files, samples, adapter)


def _write_json(path: Path, document: Any) -> None:
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _number(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else value


def _write_metrics(library: Library, run_id: int, folder: Path) -> None:
    series = library.telemetry.all_series(run_id)
    rows = sorted(
        (step, name, value, wall)
        for name, data in series.items()
        for step, value, wall in zip(data.steps, data.values, data.wall_times, strict=True)
    )
    with (folder / "metrics.csv").open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["step", "name", "value", "wall_time"])
        for step, name, value, wall in rows:
            writer.writerow(
                [
                    step,
                    name,
                    "" if math.isnan(value) else repr(value),
                    "" if wall is None else repr(wall),
                ]
            )
    _write_json(
        folder / "metrics.json",
        {
            name: {
                "steps": data.steps,
                "values": [_number(v) for v in data.values],
                "wall_times": data.wall_times,
            }
            for name, data in series.items()
        },
    )


def _copy_samples(library: Library, run_id: int, folder: Path) -> int:
    samples = library.samples.list(run_id)
    kept = []
    for sample in samples:
        source = sample.file
        if source is None or not source.is_file():
            continue  # the record outlived its file: nothing to copy
        target = folder / "samples" / sample.path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        described = {k: v for k, v in sample.to_json().items() if k != "run_dir"}
        kept.append({**described, "path": f"samples/{sample.path}"})
    if kept:
        _write_json(folder / "samples" / "samples.json", kept)
    return len(kept)


def _copy_adapter(library: Library, adapter_id: int | None, folder: Path) -> bool:
    if adapter_id is None:
        return False
    source = Path(library.adapters.get(adapter_id).path)
    if not source.is_dir():
        return False
    shutil.copytree(source, folder / "adapter")
    return True
