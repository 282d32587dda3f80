"""The rules under resume: which checkpoints count, which are kept, which points a
resumed attempt supersedes."""

from __future__ import annotations

import json
from pathlib import Path

from musiclab_desktop.core.checkpoints import (
    CheckpointInfo,
    list_checkpoints,
    partial_folder,
    size_text,
    to_prune,
)
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.services.resume import drop_points_after


def write_checkpoint(output: Path, step: int, **record: object) -> Path:
    folder = output / "checkpoints" / f"step-{step:06d}"
    folder.mkdir(parents=True)
    (folder / "trainer_state.pt").write_bytes(b"state")
    (folder / "checkpoint.json").write_text(json.dumps({"step": step, **record}))
    return folder


def test_only_complete_checkpoints_are_read(tmp_path: Path) -> None:
    write_checkpoint(tmp_path, 5, loss=2.0)
    write_checkpoint(tmp_path, 10, loss=1.5, eval_loss=1.8, code_version="0.1.0")
    partial = partial_folder(tmp_path, 15)
    partial.mkdir()
    (partial / "checkpoint.json").write_text("{}")
    (partial / "trainer_state.pt").write_bytes(b"")
    torn = write_checkpoint(tmp_path, 20, loss=1.0)
    (torn / "checkpoint.json").write_text('{"step": 2')  # cut short by hand

    kept = list_checkpoints(tmp_path)

    assert [info.step for info in kept] == [5, 10]
    assert kept[1].score == 1.8 and kept[1].code_version == "0.1.0"
    assert kept[0].score == 2.0


def test_retention_keeps_the_last_ones_and_the_best() -> None:
    def info(step: int, loss: float | None) -> CheckpointInfo:
        return CheckpointInfo(step, Path(f"step-{step}"), loss=loss)

    kept = [info(5, 3.0), info(10, 1.0), info(15, 2.0), info(20, 2.5), info(25, None)]

    assert [c.step for c in to_prune(kept, keep_last=2, keep_best=True)] == [5, 15]
    assert [c.step for c in to_prune(kept, keep_last=2, keep_best=False)] == [5, 10, 15]
    assert to_prune(kept, keep_last=9, keep_best=True) == []


def test_points_after_the_checkpoint_are_superseded(library: Library,
                                                    experiment_with_dataset) -> None:
    run = library.runs.prepare_start(experiment_with_dataset.id)
    library.telemetry.append_metrics(run.id, [
        *[(step, "loss", 1.0 / step, 100.0 + step) for step in range(1, 7)],
        (2, "eval_loss", 0.9, 102.0), (4, "eval_loss", 0.8, 104.0),
    ])

    with library.transaction() as session:
        drop_points_after(session.connection(), run.id, 4)

    assert library.telemetry.series(run.id, "loss").steps == [1, 2, 3, 4]
    # The evaluation ending the epoch of step 4 follows its checkpoint: run again.
    assert library.telemetry.series(run.id, "eval_loss").steps == [2]


def test_sizes_read_as_people_write_them() -> None:
    assert [size_text(n) for n in (950, 12_345, 4_100_000, 7_000_000_000)] == [
        "950 B", "12.3 kB", "4.1 MB", "7.0 GB"]
