"""Runner figures: log bytes/s stored, metric events/s stored, worst event-loop stall.

Run from the repository root:

    python benchmarks/runner_throughput.py [--megabytes 200] [--events 200000]
                                           [--gc both|frozen|unfrozen]

A fake worker (tests/runner/fake_worker.py) floods the terminal channel with
``--megabytes`` of output, then (in a second run) the event channel with ``--events``
metric events, as fast as the pipes take them. A RunManager in this process reads,
stores (SQLite, batched) and announces everything, as in the app. Rates are measured
from the worker's start to the run's end (process start and the final flush
included), and checked against the stored row counts. A stall is the longest gap
between ticks of a 5 ms precise probe timer, less the 5 ms.

The stall depends on Python's garbage collector walking every live object, so both
passes are run by default: first with the collector as Python starts it ("unfrozen"),
then after ``gc.collect(); gc.freeze()`` ("frozen"). The app runs frozen:
musiclab_desktop/app.py start() freezes once the window is built and shown. This
process holds far fewer objects than the app, so the unfrozen figure here is a lower
bound for an app that did not freeze.
Targets: >= 20 MB/s of log, >= 20,000 metric events/s, worst stall < 50 ms.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import soundfile  # noqa: E402
from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QTimer  # noqa: E402

from musiclab_desktop.core.library import Library  # noqa: E402
from musiclab_desktop.runner.manager import RunManager  # noqa: E402
from musiclab_desktop.runner.settings import RunnerSettings  # noqa: E402

FAKE_WORKER = ROOT / "tests" / "runner" / "fake_worker.py"
PROBE_MS = 5


class Probe:
    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(PROBE_MS)
        self.timer.timeout.connect(self._tick)
        self.last = time.perf_counter()
        self.worst = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last)
        self.last = now

    def start(self) -> None:
        self.last = time.perf_counter()
        self.worst = 0.0
        self.timer.start()

    def stall_ms(self) -> float:
        self.timer.stop()
        return max(0.0, self.worst * 1000 - PROBE_MS)


def make_experiment(library: Library, folder: Path) -> int:
    folder.mkdir()
    soundfile.write(str(folder / "a.wav"), np.zeros(16_000, dtype=np.float32), 16_000)
    (folder / "metadata.csv").write_text("file_name,text\na.wav,silence\n")
    dataset = library.datasets.import_folder(folder).dataset
    return library.experiments.create("bench", dataset_id=dataset.id).id


def timed_run(library: Library, experiment_id: int, mode: str) -> tuple[float, float, int]:
    """(seconds from start to outcome, worst stall ms, run id)."""
    manager = RunManager(library, RunnerSettings(),
                         lambda spec: [sys.executable, str(FAKE_WORKER), mode, str(spec)])
    loop = QEventLoop()
    manager.runFinished.connect(lambda _run, _status: loop.quit())
    run = library.runs.prepare_start(experiment_id)
    probe = Probe()
    probe.start()
    began = time.perf_counter()
    manager.start(run)
    loop.exec()
    elapsed = time.perf_counter() - began
    stall = probe.stall_ms()
    status = library.runs.get(run.id).status
    if status != "COMPLETED":
        raise SystemExit(f"the {mode} run ended {status}: {library.runs.get(run.id).error}")
    return elapsed, stall, run.id


def flood_pass(library: Library, experiment_id: int, megabytes: float, events: int) -> float:
    """The log flood, then the metric flood; prints both and returns the worst stall."""
    seconds, log_stall, run_id = timed_run(library, experiment_id, "flood")
    stored = library.telemetry.log_size(run_id)
    flood_bytes = int(megabytes * (1 << 20))
    assert stored >= flood_bytes, (stored, flood_bytes)
    print(f"  log:     {stored / seconds / 1e6:8.1f} MB/s stored "
          f"({stored / 1e6:.0f} MB in {seconds:.2f} s), worst stall {log_stall:.1f} ms")

    seconds, metric_stall, run_id = timed_run(library, experiment_id, "metric_flood")
    points = len(library.telemetry.series(run_id, "loss").steps)
    assert points >= events, (points, events)
    print(f"  metrics: {points / seconds:8.0f} events/s stored "
          f"({points} events in {seconds:.2f} s), worst stall {metric_stall:.1f} ms")
    return max(log_stall, metric_stall)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], epilog="See the module docstring for what is timed.")
    parser.add_argument("--megabytes", type=float, default=200.0,
                        help="log flood size in MiB (default 200)")
    parser.add_argument("--events", type=int, default=200_000,
                        help="metric events in the metric flood (default 200000)")
    parser.add_argument("--gc", choices=("both", "frozen", "unfrozen"), default="both",
                        help="garbage collector state(s) to measure; the app runs frozen "
                             "(default both)")
    args = parser.parse_args()
    os.environ["FLOOD_MB"] = str(args.megabytes)
    os.environ["FLOOD_EVENTS"] = str(args.events)
    _app = QCoreApplication.instance() or QCoreApplication([])
    passes = ["unfrozen", "frozen"] if args.gc == "both" else [args.gc]
    stalls: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        library = Library.open(Path(tmp) / "data")
        experiment_id = make_experiment(library, Path(tmp) / "clips")
        for state in passes:
            if state == "frozen":
                gc.collect()
                gc.freeze()  # what musiclab_desktop/app.py start() does once the window is up
            app_note = " (as the app runs)" if state == "frozen" else " (not what the app runs)"
            print(f"gc {state}{app_note}:")
            stalls[state] = flood_pass(library, experiment_id, args.megabytes, args.events)
        library.close()
    gc.unfreeze()
    for state, stall in stalls.items():
        app_note = ", as the app runs" if state == "frozen" else ""
        print(f"worst event-loop stall while flooding, gc {state}{app_note}: {stall:.1f} ms")


if __name__ == "__main__":
    main()
