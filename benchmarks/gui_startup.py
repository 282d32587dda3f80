"""Time from process start to the main window's first paint, and to switch experiments.

    python benchmarks/gui_startup.py [--experiments 1000] [--repeats 3]

Builds a data folder with that many experiments (a few with datasets, runs and
adapters, the rest drafts), then starts a fresh Python process per repeat that runs
the real entry point (musiclab_desktop.app.start) against it. The process start is
taken just before the child is spawned, so the figure includes interpreter start-up
and every import. The child then switches between two experiments with datasets
and runs, on the Overview and on the Config tab, timing the selection up to a full
synchronous repaint of the window.

Targets (issue 5): first paint under 1.5 s, a switch under 100 ms. Prints figures;
asserts nothing. Renders offscreen unless QT_QPA_PLATFORM is set.
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

SWITCHES = 20

CHILD = r"""
import json, sys, time
marks = {"interpreter": time.time()}
from PySide6.QtCore import QEvent, QObject, QSettings
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([sys.argv[0]])
marks["qt_imported"] = time.time()
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[2])

class FirstPaint(QObject):
    # Application-wide, because start() shows the window before returning it.
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and isinstance(watched, QWidget):
            if type(watched.window()).__name__ == "MainWindow" and "first_paint" not in marks:
                marks["first_paint"] = time.time()
                app.removeEventFilter(self)
                app.quit()
        return False

probe = FirstPaint()
app.installEventFilter(probe)
from musiclab_desktop import app as entry
marks["app_imported"] = time.time()
window = entry.start(["--data-dir", sys.argv[1]])
marks["window_shown"] = time.time()
app.exec()

from musiclab_desktop.ui.detail.view import CONFIG, OVERVIEW
ids = [int(x) for x in sys.argv[3].split(",")]

def switch_times(tab):
    window.detail.tabs.setCurrentIndex(tab)
    times = []
    for i in range(""" + str(SWITCHES) + r"""):
        start = time.perf_counter()
        window.select_experiment(ids[i % 2])
        app.processEvents()  # deferred work the switch queued
        window.repaint()  # then a synchronous paint of the whole window: an upper bound
        times.append((time.perf_counter() - start) * 1000)
    return times

result = {"marks": marks, "rows": window.controller.model.rowCount(),
          "overview_ms": switch_times(OVERVIEW), "config_ms": switch_times(CONFIG)}
print("RESULT " + json.dumps(result))
"""


def build_data_folder(root: Path, count: int) -> tuple[Path, list[int]]:
    from musiclab_desktop.core.library import Library
    from musiclab_desktop.ui.sample_data import populate, populate_many

    library = Library.open(root / "data")
    try:
        ids = populate(library, root / "clips")
        populate_many(library, max(0, count - len(ids)))
        total = len(library.experiments.list(include_archived=True))
    finally:
        library.close()
    print(f"data folder: {total:,} experiments ({count:,} asked)")
    return root / "data", [ids["Lo-fi piano, 30 s clips"], ids["Ambient pads, rank 32"]]


def run_child(data: Path, settings: Path, ids: list[int]) -> dict:
    env = {**os.environ}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.time()
    output = subprocess.run(
        [sys.executable, "-c", CHILD, str(data), str(settings), ",".join(map(str, ids))],
        capture_output=True, text=True, env=env, timeout=120, check=True,
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    result["started"] = started
    return result


def report(results: list[dict]) -> None:
    def since_start(result: dict, mark: str) -> float:
        return (result["marks"][mark] - result["started"]) * 1000

    print(f"rows in the list: {results[0]['rows']:,}")
    print("process start -> (ms)   " + "  ".join(f"run {i + 1:>2}" for i in range(len(results))))
    for mark in ("interpreter", "qt_imported", "app_imported", "window_shown", "first_paint"):
        cells = "  ".join(f"{since_start(r, mark):6.0f}" for r in results)
        print(f"  {mark:<20} {cells}")
    paints = [since_start(r, "first_paint") for r in results]
    print(f"first paint: median {statistics.median(paints):.0f} ms, best {min(paints):.0f} ms"
          f"  (target < 1500 ms)")
    for key, label in (("overview_ms", "Overview tab"), ("config_ms", "Config tab")):
        times = [t for r in results for t in r[key][1:]]  # the first switch warms caches
        print(f"switch experiments, {label}: median {statistics.median(times):.1f} ms, "
              f"max {max(times):.1f} ms over {len(times)} switches  (target < 100 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--experiments", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="musiclab-bench-") as folder:
        root = Path(folder)
        data, ids = build_data_folder(root, args.experiments)
        results = [run_child(data, root / "settings", ids) for _ in range(args.repeats)]
        report(results)


if __name__ == "__main__":
    main()
