"""What ``runs show`` and ``experiments show`` print for a person: the facts at a glance.

The settings that differ from the defaults (the rest is ``config defaults``), when it
ran and for how long, where its files are, how it ended (the error with its kind), and
the best loss. ``--json`` keeps the whole record.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from musiclab_desktop.core.checkpoints import (
    checkpoints_root,
    folder_size,
    list_checkpoints,
    size_text,
)
from musiclab_desktop.core.config import default_config
from musiclab_desktop.core.display import printable
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import ExperimentRecord, RunDetail

_LOSS_METRICS = ("loss", "val_loss")


@dataclass(frozen=True)
class ShownRun:
    detail: RunDetail
    experiment_name: str
    best_losses: dict[str, float]
    sample_count: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            **self.detail.to_json(),
            "experiment_name": self.experiment_name,
            "best_losses": dict(self.best_losses),
            "sample_count": self.sample_count,
        }


def shown_run(lib: Library, run_id: int) -> ShownRun:
    detail = lib.runs.detail(run_id)
    experiment = lib.experiments.get(detail.run.experiment_id)
    best: dict[str, float] = {}
    for name in _LOSS_METRICS:
        values = (
            [v for v in lib.telemetry.series(run_id, name).values if not math.isnan(v)]
            if name in lib.telemetry.metric_names(run_id)
            else []
        )
        if values:
            best[name] = min(values)
    samples = lib.samples.counts([run_id]).get(run_id, 0)
    return ShownRun(detail, experiment.name, best, samples)


def changed_settings(config: dict[str, Any]) -> list[tuple[str, Any]]:
    defaults = default_config()
    return [(name, value) for name, value in config.items() if defaults.get(name) != value]


def _time(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _duration(start: datetime | None, end: datetime | None) -> str:
    if start is None or end is None:
        return ""
    seconds = int((end - start).total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}h {minutes:02d}m {seconds:02d}s" if hours else f"{minutes}m {seconds:02d}s"


def _settings_lines(config: dict[str, Any]) -> list[str]:
    changed = changed_settings(config)
    if not changed:
        return ["Settings: all defaults (see `musiclab config defaults`)"]
    lines = ["Settings that differ from the defaults:"]
    width = max(len(name) for name, _ in changed)
    for name, value in changed:
        text = str(value).replace("\n", " | ") if isinstance(value, str) else repr(value)
        lines.append(f"  {name.ljust(width)} = {printable(text)}")
    return lines


def _rows(pairs: list[tuple[str, Any]]) -> list[str]:
    shown = [(label, value) for label, value in pairs if value not in (None, "", [], ())]
    width = max(len(label) for label, _ in shown)
    # Each value escaped whole: a newline in a name must not start a line of its own.
    return [f"{(label + ':').ljust(width + 1)} {printable(str(value))}" for label, value in shown]


def _notes(text: str) -> list[str]:
    return ["Notes:", *[f"  {printable(line)}" for line in text.splitlines()]]


def run_text(shown: ShownRun) -> str:
    run, detail = shown.detail.run, shown.detail
    step = f"{run.current_step}/{run.total_steps or '?'}"
    error = run.error or ""
    if error and detail.error_kind:
        error = f"{error} [{detail.error_kind}]"
    pairs: list[tuple[str, Any]] = [
        (
            "Run",
            f"{run.id} '{run.name}' of experiment {run.experiment_id} '{shown.experiment_name}'",
        ),
        ("Status", f"{run.status}, step {step}"),
        ("Error", error),
        ("Final loss", "" if run.final_loss is None else f"{run.final_loss:.4f}"),
        *[(f"Best {name}", f"{value:.4f}") for name, value in shown.best_losses.items()],
        ("Adapter", run.adapter_id),
        ("Created", _time(run.created_at)),
        ("Started", _time(run.started_at)),
        ("Finished", _time(run.finished_at)),
        ("Took", _duration(run.started_at, run.finished_at)),
        ("Folder", run.output_dir or ""),
        (
            "Samples",
            f"{shown.sample_count} (musiclab runs samples {run.id})" if shown.sample_count else "",
        ),
        ("Tags", ", ".join(run.tags)),
        ("Resumed from", ", ".join(str(s) for s in run.resume_steps or [])),
        ("Continued from", f"run {run.parent_run_id}" if run.parent_run_id else ""),
        ("Checkpoints", _checkpoints_text(run.output_dir)),
    ]
    lines = _rows(pairs)
    if run.notes:
        lines += _notes(run.notes)
    return "\n".join([*lines, *_settings_lines(detail.config)])


def _checkpoints_text(output_dir: str | None) -> str:
    kept = list_checkpoints(output_dir)
    if not kept:
        return ""
    steps = ", ".join(str(info.step) for info in kept)
    return f"steps {steps} ({size_text(folder_size(checkpoints_root(output_dir or '')))})"


def experiment_text(record: ExperimentRecord) -> str:
    best = ""
    if record.best_loss is not None:
        best = f"{record.best_loss:.4f} (run {record.best_run_id} '{record.best_run_name}')"
    dataset = f"{record.dataset_id} '{record.dataset_name}'" if record.dataset_id else "none"
    pairs: list[tuple[str, Any]] = [
        ("Experiment", f"{record.id} '{record.name}'"),
        ("Status", record.status),
        ("Dataset", dataset),
        ("Runs", record.run_count),
        ("Best loss", best),
        ("Last error", record.last_error or ""),
        ("Created", _time(record.created_at)),
        ("Updated", _time(record.updated_at)),
        ("Tags", ", ".join(record.tags)),
    ]
    lines = _rows(pairs)
    if record.description:
        lines += _notes(record.description)
    return "\n".join([*lines, *_settings_lines(record.config)])
