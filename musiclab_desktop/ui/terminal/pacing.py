"""When a terminal view replays bytes and paints: a small budget per event-loop turn.

Live bytes are replayed a few milliseconds per turn, so input and painting stay
responsive; frames are coalesced to one every ~33 ms; once the work is done, the
scrollback is compacted in small steps after a pause.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from .document import TerminalDocument

FRAME_MS = 33  # ~30 frames a second: smooth progress bars, little CPU
WORK_BUDGET_S = 0.012  # replay per event-loop turn, so input and painting stay responsive
COMPACT_DELAY_MS = 400
COMPACT_BUDGET_S = 0.008


def single_shot(parent: QObject, interval: int, slot: Callable[[], None]) -> QTimer:
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(interval)
    timer.timeout.connect(slot)
    return timer


class ReplayPacer(QObject):
    """Drives a document's replay and backfill; says when a frame is due."""

    historyFilled = Signal()  # a stored log's scrollback is complete
    frameDue = Signal()  # time to show what changed

    def __init__(self, document: TerminalDocument, parent: QObject) -> None:
        super().__init__(parent)
        self._document = document
        self._last_frame = 0.0
        self._work_timer = single_shot(self, 0, self._on_work)
        self._frame_timer = single_shot(self, FRAME_MS, self.frameDue.emit)
        self._compact_timer = single_shot(self, COMPACT_DELAY_MS, self._on_compact)

    def request_work(self) -> None:
        if not self._work_timer.isActive():
            self._work_timer.start()

    def schedule_frame(self) -> None:
        if self._frame_timer.isActive():
            return
        since = (time.perf_counter() - self._last_frame) * 1000
        self._frame_timer.start(max(0, int(FRAME_MS - since)))

    def frame_started(self) -> None:
        """A frame is being shown now: the next one is due ~33 ms from here."""
        self._frame_timer.stop()
        self._last_frame = time.perf_counter()

    def flush(self, *, live_only: bool = False) -> None:
        """Replay everything queued now; all the scrollback too unless ``live_only``."""
        document = self._document
        if live_only or not document.backfilling:
            document.pump(None)
        elif document.flush():
            self.historyFilled.emit()

    def _on_work(self) -> None:
        document = self._document
        deadline = time.perf_counter() + WORK_BUDGET_S
        more = document.pump(WORK_BUDGET_S)
        if not more and document.backfilling:
            remaining = deadline - time.perf_counter()
            if remaining > 0.001 and document.backfill_step(remaining):
                self.historyFilled.emit()
            more = document.backfilling
        self.schedule_frame()
        if more:
            self._work_timer.start()
        else:
            self._compact_timer.start()

    def _on_compact(self) -> None:
        if self._work_timer.isActive():
            return
        if not self._document.compact_history(COMPACT_BUDGET_S):
            self._compact_timer.start()
