"""Figures for the metrics chart (issue 7): first paint, live append, hover.

    QT_QPA_PLATFORM=offscreen python benchmarks/chart.py [--fresh-processes 3] [--screenshots DIR]

What is timed (milliseconds of wall time on the GUI thread):

- first show in a fresh process: a new Python process per figure builds and shows an
  empty chart and makes the raw arrays (not timed), then times its very first
  build of the series (MetricSeries) + ``show_run()`` + processEvents + ``grab()`` (a
  synchronous paint). Nothing is warm: this is what a user waits for when the first
  run is selected after start-up;
- show run (warm): the same build + show + paint in this process after one untimed
  show of the same size, so caches (fonts, first allocations, code paths) are warm;
- read + show from SQLite: the series read from a database, then the same show;
- from_columns: grouping 1,000,000 stored rows into series;
- live append: 10 points to each of 5 runs of 100k, the chart's flush (what its
  refresh timer does) and a synchronous repaint of the plot;
- hover: computing the hover read-out, then also a synchronous repaint.

Targets: 1,000 points < 50 ms, 1,000,000 points < 500 ms, live append < 16 ms,
hover < 16 ms. Prints figures only; nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.models import Run
from musiclab_desktop.ui.metrics import MetricsChart, MetricSeries, RunMetrics

START_TIME = 1_760_000_000.0
SIZE = (1000, 420)


def synthetic_columns(points: int, seed: int = 0) -> dict[str, tuple[np.ndarray, ...]]:
    """Loss, learning rate and grad norm shaped like a real LoRA run, with a few spikes."""
    rng = np.random.default_rng(seed)
    steps = np.arange(points, dtype=float)
    decay = np.exp(-steps / max(points / 4, 1))
    loss = 0.9 + (1.6 + 0.2 * seed) * decay + rng.normal(0, 0.06, points) * (0.5 + decay)
    loss[rng.integers(0, points, max(points // 20_000, 2))] += 1.5
    warmup = np.minimum(1.0, (steps + 1) / max(points * 0.05, 1))
    lr = 2e-4 * warmup * (0.5 + 0.5 * np.cos(np.pi * steps / max(points, 1)))
    grad = np.abs(rng.normal(1.0, 0.3, points)) + 3 * decay
    wall = START_TIME + steps * 0.8
    return {
        "loss": (steps, loss, wall),
        "learning_rate": (steps, lr, wall),
        "grad_norm": (steps, grad, wall),
    }


def make_run(run_id: int, points: int, status: str = "COMPLETED", seed: int = 0) -> RunMetrics:
    columns = synthetic_columns(points, seed)
    series = {name: MetricSeries(name, *cols) for name, cols in columns.items()}
    return RunMetrics(run_id, f"run-{run_id}", status, series)


def new_chart() -> MetricsChart:
    chart = MetricsChart()
    chart.resize(*SIZE)
    chart.show()
    QApplication.processEvents()
    return chart


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds of each call."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return times


def report(label: str, times: list[float], target_ms: float | None = None) -> None:
    median = statistics.median(times)
    worst = max(times)
    verdict = "" if target_ms is None else ("  ok" if median < target_ms else "  OVER TARGET")
    target = "" if target_ms is None else f"  (target < {target_ms:g} ms)"
    print(f"{label:<58} median {median:8.2f} ms  max {worst:8.2f} ms{target}{verdict}")


def first_show_in_this_process(points: int) -> float:
    """The child's side of bench_fresh_process: milliseconds of the first show."""
    chart = new_chart()
    columns = synthetic_columns(points)
    start = time.perf_counter()
    series = {name: MetricSeries(name, *cols) for name, cols in columns.items()}
    chart.show_run(RunMetrics(1, "run-1", "COMPLETED", series), live=False)
    QApplication.processEvents()
    chart.grab()
    return (time.perf_counter() - start) * 1000


def bench_fresh_process(processes: int) -> None:
    targets = {1_000: 50, 1_000_000: 500}
    for points, target in targets.items():
        times = []
        for _ in range(processes):
            output = subprocess.run(
                [sys.executable, __file__, "--first-show-child", str(points)],
                capture_output=True, text=True, check=True, timeout=300,
            ).stdout
            times.append(json.loads(output.splitlines()[-1])["ms"])
        label = f"FIRST show in a fresh process, {points:>9,} points"
        report(label, times, target)


def bench_first_paint(chart: MetricsChart) -> None:
    targets = {1_000: 50, 100_000: None, 1_000_000: 500}
    for points, target in targets.items():
        columns = synthetic_columns(points)

        def show(columns: dict[str, tuple[np.ndarray, ...]] = columns) -> None:
            series = {name: MetricSeries(name, *cols) for name, cols in columns.items()}
            chart.show_run(RunMetrics(1, "run-1", "COMPLETED", series), live=False)
            QApplication.processEvents()
            chart.grab()

        chart.clear()
        show()  # warm caches (fonts, first allocation) before timing
        label = f"show run (warm), {points:>9,} points (build + show + paint)"
        report(label, timed(show, 7), target)


def bench_from_database(chart: MetricsChart) -> None:
    """The whole path of selecting a stored run: read its loss series from SQLite (as the
    Runs tab's loader does, off the GUI thread there), build it, show it, paint."""
    targets = {1_000: 50, 100_000: None, 1_000_000: 500}
    with tempfile.TemporaryDirectory() as folder:
        library = Library.open(Path(folder))
        experiment = library.experiments.create("bench")
        for points, target in targets.items():
            with library.transaction() as session:
                run = Run(experiment_id=experiment.id, name=f"run-{points}", status="FAILED")
                session.add(run)
                session.flush()
                run_id = run.id
            loss = synthetic_columns(points)["loss"]
            rows = list(zip(loss[0].astype(int).tolist(), ["loss"] * points,
                            loss[1].tolist(), loss[2].tolist(), strict=True))
            library.telemetry.append_metrics(run_id, rows)

            def show(run_id: int = run_id) -> None:
                data = library.telemetry.series_arrays(run_id, "loss")
                series = {"loss": MetricSeries("loss", data.steps, data.values,
                                               data.wall_times)}
                chart.show_run(RunMetrics(run_id, "run", "COMPLETED", series), live=False)
                QApplication.processEvents()
                chart.grab()

            report(f"read + show run, {points:>9,} points from SQLite", timed(show, 3), target)
        library.close()


def bench_from_columns() -> None:
    """Grouping stored rows (name, step, value, wall) into series, as a database read
    hands them over: 1,000,000 rows of loss and learning rate, interleaved."""
    columns = synthetic_columns(500_000)
    names = np.empty(1_000_000, dtype=object)
    names[0::2], names[1::2] = "loss", "learning_rate"
    steps, values, wall = (np.empty(1_000_000) for _ in range(3))
    for column, source in ((steps, 0), (values, 1), (wall, 2)):
        column[0::2] = columns["loss"][source]
        column[1::2] = columns["learning_rate"][source]
    rows = (names, steps, values, wall)
    report(
        "RunMetrics.from_columns, 1,000,000 stored rows",
        timed(lambda: RunMetrics.from_columns(1, "run-1", "COMPLETED", rows), 3),
    )


def bench_live_append(chart: MetricsChart, smoothing: float) -> None:
    runs = [make_run(i, 100_000, "RUNNING", seed=i) for i in range(1, 6)]
    chart.show_comparison(runs)
    chart.set_smoothing(smoothing)
    QApplication.processEvents()
    next_step = [100_000]
    rng = np.random.default_rng(9)

    def append_and_redraw() -> None:
        steps = np.arange(next_step[0], next_step[0] + 10, dtype=float)
        next_step[0] += 10
        batch = {"loss": (steps, rng.normal(1.0, 0.05, 10), START_TIME + steps * 0.8)}
        for run in runs:
            chart.append_points(run.run_id, batch)
        chart.flush()  # what the refresh timer does
        chart.plot.view.viewport().repaint()  # and the paint that follows

    timed(append_and_redraw, 3)
    label = f"live append 10 pts x 5 runs of 100k, smoothing {smoothing:.1f}"
    report(label, timed(append_and_redraw, 60), 16)
    chart.set_smoothing(0)


def bench_hover(chart: MetricsChart, runs: list[RunMetrics], label: str) -> None:
    if len(runs) == 1:
        chart.show_run(runs[0], live=False)
    else:
        chart.show_comparison(runs)
    QApplication.processEvents()
    last = float(runs[0].series["loss"].steps[-1])
    positions = iter(np.random.default_rng(4).uniform(0, last, 10_000))
    timed(lambda: chart.hover_at(next(positions)), 5)
    report(f"hover update, {label} (compute)", timed(lambda: chart.hover_at(next(positions)), 200))

    def hover_and_paint() -> None:
        chart.hover_at(next(positions))
        chart.plot.view.viewport().repaint()

    report(f"hover update, {label} (+ repaint)", timed(hover_and_paint, 100), 16)


def save_screenshots(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    chart = new_chart()

    live = make_run(1, 3_000, "RUNNING")
    chart.show_run(live, live=True)
    tail = tuple(column[3_000:] for column in synthetic_columns(3_100)["loss"])
    chart.append_points(1, {"loss": tail})
    chart.flush()
    chart.hover_at(2_400)
    shoot(chart, folder / "live.png")

    complete = make_run(2, 200_000, "COMPLETED")
    chart.show_run(complete, live=False)
    chart.set_smoothing(0.9)
    chart.hover_at(120_000)
    shoot(chart, folder / "complete_smoothed.png")

    failed = make_run(3, 20_000, "FAILED", seed=1)
    values = failed.series["loss"].values
    values[[15_000, 17_000]] = [np.nan, np.inf]
    chart.show_run(failed, live=False)
    chart.set_smoothing(0.0)
    chart.set_log_scale(True)
    chart.hover_at(15_000)
    shoot(chart, folder / "failed_log_nan.png")
    chart.set_log_scale(False)

    chart.set_metric("learning_rate")
    chart.hover_at(500)
    shoot(chart, folder / "learning_rate.png")

    compared = [make_run(i, n, seed=i) for i, n in ((4, 5_000), (5, 4_000), (6, 6_000))]
    chart.show_comparison(compared)
    chart.hover_at(3_000)
    shoot(chart, folder / "compare3.png")

    chart.show_run(RunMetrics(7, "run-7", "COMPLETED"), live=False)
    shoot(chart, folder / "empty.png")

    chart.setPalette(dark_palette())
    chart.show_comparison(compared)
    chart.set_smoothing(0.6)
    chart.hover_at(1_500)
    shoot(chart, folder / "compare3_dark.png")
    print(f"screenshots in {folder}")


def shoot(chart: MetricsChart, path: Path) -> None:
    QApplication.processEvents()
    chart.grab().save(str(path))


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#2B2B2B"),
        (QPalette.ColorRole.Base, "#1E1E1E"),
        (QPalette.ColorRole.Text, "#E8E8E8"),
        (QPalette.ColorRole.WindowText, "#E8E8E8"),
        (QPalette.ColorRole.Button, "#3A3A3A"),
        (QPalette.ColorRole.ButtonText, "#E8E8E8"),
    ):
        palette.setColor(role, QColor(colour))
    return palette


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], epilog="See the module docstring for what is timed.")
    parser.add_argument("--screenshots", type=Path, help="also save PNGs of the chart here")
    parser.add_argument("--fresh-processes", type=int, default=3,
                        help="fresh processes per first-show figure (default 3; 0 skips)")
    parser.add_argument("--first-show-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    if args.first_show_child:
        print(json.dumps({"ms": first_show_in_this_process(args.first_show_child)}))
        return
    print(f"platform {app.platformName()}, chart {SIZE[0]}x{SIZE[1]} px")
    if args.fresh_processes > 0:
        bench_fresh_process(args.fresh_processes)
    chart = new_chart()
    bench_first_paint(chart)
    bench_from_database(chart)
    bench_from_columns()
    bench_live_append(chart, smoothing=0.0)
    bench_live_append(chart, smoothing=0.6)
    bench_hover(chart, [make_run(1, 1_000_000)], "1 run of 1M")
    bench_hover(chart, [make_run(i, 100_000, seed=i) for i in range(1, 6)], "5 runs of 100k")
    if args.screenshots:
        save_screenshots(args.screenshots)


if __name__ == "__main__":
    main()
