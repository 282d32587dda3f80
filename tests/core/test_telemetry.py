"""Log chunks and metric points: stored exactly, read back in order."""

from __future__ import annotations

import math

from musiclab_desktop.core.library import Library


def test_log_chunks_are_stored_byte_for_byte_in_order(
    library: Library, experiment_with_dataset
) -> None:
    run = library.runs.prepare_start(experiment_with_dataset.id)
    chunks = [b"\x1b[1;31mError\x1b[0m\r\n", b"10%|#  |\r", b"20%|## |\r", bytes(range(256))]
    library.telemetry.append_log(run.id, chunks[:2])
    library.telemetry.append_log(run.id, chunks[2:])
    assert library.telemetry.read_log(run.id) == b"".join(chunks)
    assert list(library.telemetry.iter_log(run.id, batch=1)) == chunks
    assert library.telemetry.log_size(run.id) == sum(map(len, chunks))


def test_metric_series_come_back_per_name_in_step_order_with_nan_and_inf(
    library: Library, experiment_with_dataset
) -> None:
    run = library.runs.prepare_start(experiment_with_dataset.id)
    library.telemetry.append_metrics(run.id, [
        (2, "loss", 2.0, 20.0), (1, "loss", 3.0, 10.0), (1, "learning_rate", 1e-4, 10.0),
        (3, "loss", math.nan, 30.0), (4, "loss", math.inf, None),
    ])
    loss = library.telemetry.series(run.id, "loss")
    assert loss.steps == [1, 2, 3, 4]
    assert loss.values[:2] == [3.0, 2.0]
    assert math.isnan(loss.values[2]) and loss.values[3] == math.inf
    assert loss.wall_times == [10.0, 20.0, 30.0, None]
    assert library.telemetry.metric_names(run.id) == ["learning_rate", "loss"]


def test_series_arrays_match_the_series_with_nan_for_missing(
    library: Library, experiment_with_dataset
) -> None:
    run = library.runs.prepare_start(experiment_with_dataset.id)
    library.telemetry.append_metrics(run.id, [
        (2, "loss", 2.0, 20.0), (1, "loss", 3.0, None), (3, "loss", math.nan, 30.0)])
    arrays = library.telemetry.series_arrays(run.id, "loss")
    assert arrays.steps.tolist() == [1.0, 2.0, 3.0]
    assert arrays.values[:2].tolist() == [3.0, 2.0] and math.isnan(arrays.values[2])
    assert math.isnan(arrays.wall_times[0]) and arrays.wall_times[1:].tolist() == [20.0, 30.0]
    assert library.telemetry.series_arrays(run.id, "absent").steps.size == 0
