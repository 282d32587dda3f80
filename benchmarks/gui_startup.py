"""Time from process start to the main window's first paint, and to switch experiments.

    python benchmarks/gui_startup.py [--experiments 1000] [--runs 1000] [--repeats 3]

Builds a data folder with that many experiments (the sample experiments with datasets,
runs and adapters, the rest drafts). The two experiments switched between ("Lo-fi
piano, 30 s clips" and "Ambient pads, rank 32") get ``--runs`` more runs each, one in ten
completed with an adapter, the rest failed. Then, per repeat, a fresh Python process
runs the real entry point (musiclab_desktop.app.start) against the folder.

What is timed:

- first paint: from just before the child process is spawned (so interpreter start-up
  and every import count) to the first paint event of a widget of the main window;
- a switch, per tab (Overview, Config, Runs, Adapters; the tab is chosen first and
  stays current): with the window shown and the event loop running (the window is
  checked visible, never closed), from ``select_experiment()`` to the end of a
  synchronous repaint of the whole window, with the events the switch posted processed
  once in between. Work handed to a thread (a run's stored log, its metrics) is not
  waited for; its result is painted on a later turn. The first switch on each tab
  warms caches and is left out; the paint events counted during the switches show that
  the window really painted.

Targets (issue 5 and 20): first paint under 1.5 s, a switch under 50 ms with 1,000
runs. Prints figures; asserts nothing. Renders offscreen unless QT_QPA_PLATFORM is set.
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
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from musiclab_desktop.core.library import Library

SWITCHES = 20
TABS = ("Overview", "Config", "Runs", "Adapters")

CHILD = r"""
import json, sys, time
marks = {"interpreter": time.time()}
from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([sys.argv[0]])
marks["qt_imported"] = time.time()
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[2])
SWITCHES = int(sys.argv[4])
result = {"marks": marks}

class Paints(QObject):
    # Application-wide, because start() shows the window before returning it.
    def __init__(self):
        super().__init__()
        self.count = 0

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and isinstance(watched, QWidget):
            if type(watched.window()).__name__ == "MainWindow":
                self.count += 1
                if "first_paint" not in marks:
                    marks["first_paint"] = time.time()
                    QTimer.singleShot(0, measure)  # inside the running event loop
        return False

def switch_times(tab):
    from musiclab_desktop.ui.detail.view import ADAPTERS, CONFIG, OVERVIEW, RUNS
    index = {"Overview": OVERVIEW, "Config": CONFIG, "Runs": RUNS, "Adapters": ADAPTERS}[tab]
    window.detail.tabs.setCurrentIndex(index)
    app.processEvents()
    times, painted, visible = [], 0, True
    for i in range(SWITCHES):
        before = paints.count
        start = time.perf_counter()
        window.select_experiment(ids[i % 2])
        app.processEvents()  # the events the switch posted, once
        window.repaint()  # then a synchronous paint of the whole window
        times.append((time.perf_counter() - start) * 1000)
        painted += paints.count - before
        visible = visible and window.isVisible() and window.detail.tabs.currentIndex() == index
    return {"ms": times, "paints": painted, "visible": visible}

def measure():
    try:
        result["rows"] = window.controller.model.rowCount()
        result["size"] = [window.width(), window.height()]
        result["tabs"] = {tab: switch_times(tab) for tab in sys.argv[5].split(",")}
    finally:
        app.quit()

paints = Paints()
app.installEventFilter(paints)
from musiclab_desktop import app as entry
marks["app_imported"] = time.time()
ids = [int(x) for x in sys.argv[3].split(",")]
window = entry.start(["--data-dir", sys.argv[1]])
if isinstance(window, int):
    sys.exit(f"the window did not start (exit code {window})")
marks["window_shown"] = time.time()
app.exec()
print("RESULT " + json.dumps(result))
"""


def build_data_folder(root: Path, count: int, runs: int) -> tuple[Path, list[int]]:
    from musiclab_desktop.core.library import Library
    from musiclab_desktop.ui.sample_data import populate, populate_many

    library = Library.open(root / "data")
    try:
        ids = populate(library, root / "clips")
        switched = [ids["Lo-fi piano, 30 s clips"], ids["Ambient pads, rank 32"]]
        for experiment_id in switched:
            add_runs(library, experiment_id, runs)
        populate_many(library, max(0, count - len(ids)))
        total = len(library.experiments.list(include_archived=True))
        run_counts = [len(library.runs.list(experiment_id)) for experiment_id in switched]
    finally:
        library.close()
    print(f"data folder: {total:,} experiments ({count:,} asked); "
          f"runs in the two switched: {run_counts[0]:,} and {run_counts[1]:,}")
    return root / "data", switched


def add_runs(library: Library, experiment_id: int, count: int) -> None:
    """``count`` finished runs: one in ten completed with an adapter, the rest failed."""
    runs = library.runs
    for index in range(count):
        run = runs.prepare_start(experiment_id)
        if index % 10:
            runs.fail(run.id, f"CUDA out of memory at step {index}")
            continue
        running = runs.mark_running(run.id, pid=None)
        adapter = Path(str(running.output_dir)) / "adapter"
        adapter.mkdir()
        (adapter / "adapter_config.json").write_text("{}")
        runs.complete(run.id, adapter_dir=adapter, final_loss=2.0 + index / count)


def run_child(data: Path, settings: Path, ids: list[int], tabs: list[str]) -> dict:
    env = {**os.environ}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.time()
    command = [sys.executable, "-c", CHILD, str(data), str(settings),
               ",".join(map(str, ids)), str(SWITCHES), ",".join(tabs)]
    completed = subprocess.run(command, capture_output=True, text=True, env=env,
                               timeout=600, check=False)
    lines = [line for line in completed.stdout.splitlines() if line.startswith("RESULT ")]
    if completed.returncode or not lines:
        sys.exit(f"the child failed (exit {completed.returncode}):\n{completed.stderr[-3000:]}")
    result = json.loads(lines[-1].removeprefix("RESULT "))
    result["started"] = started
    return result


def report(results: list[dict]) -> None:
    def since_start(result: dict, mark: str) -> float:
        return (result["marks"][mark] - result["started"]) * 1000

    width, height = results[0]["size"]
    print(f"rows in the list: {results[0]['rows']:,}; window {width}x{height} px")
    print("process start -> (ms)   " + "  ".join(f"run {i + 1:>2}" for i in range(len(results))))
    for mark in ("interpreter", "qt_imported", "app_imported", "window_shown", "first_paint"):
        cells = "  ".join(f"{since_start(r, mark):6.0f}" for r in results)
        print(f"  {mark:<20} {cells}")
    paints = [since_start(r, "first_paint") for r in results]
    print(f"first paint: median {statistics.median(paints):.0f} ms, best {min(paints):.0f} ms"
          f"  (target < 1500 ms)")
    for tab in results[0]["tabs"]:
        figures = [r["tabs"][tab] for r in results]
        times = [t for f in figures for t in f["ms"][1:]]  # the first switch warms caches
        painted = sum(f["paints"] for f in figures)
        shown = "shown" if all(f["visible"] for f in figures) else "NOT SHOWN"
        print(f"switch experiments, {tab} tab: median {statistics.median(times):6.1f} ms, "
              f"max {max(times):6.1f} ms over {len(times)} switches; "
              f"{painted:,} widget paints, window {shown}  (target < 50 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], epilog="See the module docstring for what is timed.")
    parser.add_argument("--experiments", type=int, default=1000,
                        help="experiments in the data folder (default 1000)")
    parser.add_argument("--runs", type=int, default=1000,
                        help="runs added to each of the two experiments switched between "
                             "(default 1000)")
    parser.add_argument("--repeats", type=int, default=3, help="fresh processes (default 3)")
    parser.add_argument("--tabs", default=",".join(TABS),
                        help=f"tabs to time switching on (default {','.join(TABS)})")
    args = parser.parse_args()
    tabs = [tab for tab in args.tabs.split(",") if tab]
    unknown = set(tabs) - set(TABS)
    if unknown:
        parser.error(f"unknown tab(s): {', '.join(sorted(unknown))}")
    with tempfile.TemporaryDirectory(prefix="musiclab-bench-") as folder:
        root = Path(folder)
        data, ids = build_data_folder(root, args.experiments, args.runs)
        results = [run_child(data, root / "settings", ids, tabs) for _ in range(args.repeats)]
        report(results)


if __name__ == "__main__":
    main()
