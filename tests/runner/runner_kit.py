"""Runner test kit: a RunManager over the test library, driving fake workers."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import RunRecord
from musiclab_desktop.runner.interpreter import WorkerCommand
from musiclab_desktop.runner.manager import RunManager
from musiclab_desktop.runner.settings import RunnerSettings

from shared_kit import fake_worker_command

# The `musiclab` script of this environment, for the CLI-in-a-subprocess tests.
MUSICLAB = str(Path(sys.executable).with_name("musiclab"))


def fake_command(mode: str) -> WorkerCommand:
    return lambda spec_path: fake_worker_command(mode, spec_path)


@dataclass
class Recorder:
    """Everything a manager announced, as a GUI would have seen it."""

    statuses: list[tuple[int, str]] = field(default_factory=list)
    log: dict[int, bytearray] = field(default_factory=dict)
    points: dict[int, list] = field(default_factory=dict)
    progress: list[tuple[int, int, int]] = field(default_factory=list)
    phases: list[tuple[int, str, str]] = field(default_factory=list)
    finished: list[tuple[int, str]] = field(default_factory=list)

    def attach(self, manager: RunManager) -> None:
        manager.runStatusChanged.connect(lambda r, s: self.statuses.append((r, s)))
        manager.logBytes.connect(lambda r, b: self.log.setdefault(r, bytearray()).extend(b))
        manager.metricPoints.connect(lambda r, p: self.points.setdefault(r, []).extend(p))
        manager.progressChanged.connect(lambda r, s, t: self.progress.append((r, s, t)))
        manager.phaseChanged.connect(lambda r, p, m: self.phases.append((r, p, m)))
        manager.runFinished.connect(lambda r, s: self.finished.append((r, s)))

    def final_status(self, run_id: int) -> str | None:
        return next((status for rid, status in self.finished if rid == run_id), None)

    def status_history(self, run_id: int) -> list[str]:
        return [status for rid, status in self.statuses if rid == run_id]


@dataclass
class Harness:
    library: Library
    experiment_id: int
    qtbot: object
    managers: list[RunManager] = field(default_factory=list)

    def manager(self, mode: str, **settings: object) -> tuple[RunManager, Recorder]:
        options = {"cancel_grace_seconds": 5.0, **settings}
        manager = RunManager(self.library, RunnerSettings(**options), fake_command(mode))
        recorder = Recorder()
        recorder.attach(manager)
        self.managers.append(manager)
        return manager, recorder

    def new_run(self, name: str | None = None) -> RunRecord:
        return self.library.runs.prepare_start(self.experiment_id, name=name)

    def wait_finished(self, recorder: Recorder, run_id: int, timeout_ms: int = 20_000) -> str:
        """The run's terminal status once the manager has announced it."""
        self.wait_until(lambda: recorder.final_status(run_id) is not None, timeout_ms)
        return recorder.final_status(run_id)

    def wait_until(self, condition: Callable[[], bool], timeout_ms: int = 20_000) -> None:
        self.qtbot.waitUntil(condition, timeout=timeout_ms)


class StallProbe:
    """Measures the event loop's longest gap with a fast precise timer."""

    def __init__(self, interval_ms: int = 5) -> None:
        from PySide6.QtCore import Qt, QTimer

        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self._last: float | None = None
        self.worst_gap_s = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._last is not None:
            self.worst_gap_s = max(self.worst_gap_s, now - self._last)
        self._last = now

    def start(self) -> None:
        self._last = None
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
