"""Terminal view figures: live ingest against raw pyte, stored-log load, event-loop stalls.

Run offscreen from the repository root:

    QT_QPA_PLATFORM=offscreen python benchmarks/terminal.py [--megabytes 2] [--history-megabytes 10]

Three kinds of data, each generated here:

- tqdm-style: one progress bar redrawn with ``\r``, a plain log line now and then;
- nested colour bars: an outer and an inner tqdm bar in 24-bit colour, every inner
  redraw a newline then a cursor-up, with coloured log lines written through them
  (tests/ui/terminal/nested_bars_kit.py, the log the fidelity tests compare with tmux);
- plain lines: a logger's lines, no escape sequences.

What is timed:

- live ingest: 4 KiB chunks fed one per event-loop turn (as QProcess output arrives)
  into a shown TerminalView that paints as it goes, from the first chunk until the last
  byte is shown and painted (catching up, not the resync that skips a backlog). Raw
  pyte is a plain pyte.Screen (LNM on) with a ByteStream fed the same chunks;
- history: ``load_history()`` of the whole log into a shown view: "last screen shown"
  is until the first paint after the call, "scrollback filled" until historyFilled
  (the background rebuild of the scrollback is complete).

A stall is the longest gap between ticks of a 5 ms probe timer, less the 5 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "ui" / "terminal"))

import pyte
from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
from pyte import modes

from musiclab_desktop.ui.terminal import TerminalView

from nested_bars_kit import nested_bars_log

CHUNK = 4096
PROBE_MS = 5
WIDTH, HEIGHT = 1000, 600


def tqdm_style(size: int) -> bytes:
    """Progress-bar redraws with a log line now and then, like a training's stderr."""
    rng = random.Random(1)
    parts: list[str] = []
    total, step = 0, 0
    while total < size:
        step += 1
        percent = step % 101
        filled = percent // 5
        bar = "█" * filled + ("▌" if percent % 5 >= 3 else " ") + " " * (19 - filled)
        line = (
            f"\rTraining: {percent:3d}%|{bar[:20]}| {step}/100000 "
            f"[01:{step % 60:02d}<12:00, {rng.uniform(8, 9):.2f}it/s, loss={rng.uniform(2, 5):.4f}]"
        )
        if step % 500 == 0:
            line += f"\nstep {step}: loss={rng.uniform(2, 5):.4f} lr=1.0e-04\n"
        parts.append(line)
        total += len(line) + 2
    return "".join(parts).encode()


def data_sets(size: int) -> list[tuple[str, bytes]]:
    return [
        ("tqdm-style", tqdm_style(size)),
        ("nested colour", nested_bars_log(size)),
        ("plain lines", plain_lines(size)),
    ]


def plain_lines(size: int) -> bytes:
    rng = random.Random(2)
    parts: list[bytes] = []
    total, step = 0, 0
    while total < size:
        step += 1
        line = (
            f"2025-01-01 12:{step // 60 % 60:02d}:{step % 60:02d} INFO trainer step={step} "
            f"loss={rng.uniform(2, 5):.4f} grad_norm={rng.uniform(0, 2):.3f} lr=1.0e-04\n"
        ).encode()
        parts.append(line)
        total += len(line)
    return b"".join(parts)


def raw_pyte_rate(data: bytes, columns: int, lines: int) -> float:
    screen = pyte.Screen(columns, lines)
    screen.set_mode(modes.LNM)
    stream = pyte.ByteStream(screen)
    started = time.perf_counter()
    for offset in range(0, len(data), CHUNK):
        stream.feed(data[offset : offset + CHUNK])
    return len(data) / (time.perf_counter() - started) / 1e6


class StallProbe(QObject):
    """Ticks every PROBE_MS and remembers the longest gap."""

    def __init__(self) -> None:
        super().__init__()
        self.worst_ms = 0.0
        self._clock = QElapsedTimer()
        self._timer = QTimer(self)
        self._timer.setInterval(PROBE_MS)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.worst_ms = 0.0
        self._clock.start()
        self._timer.start()

    def stop(self) -> float:
        self._timer.stop()
        self._tick()
        return self.worst_ms

    def _tick(self) -> None:
        gap = self._clock.nsecsElapsed() / 1e6
        self._clock.restart()
        self.worst_ms = max(self.worst_ms, gap - PROBE_MS)


class PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.frames = 0
        self.last_at = 0.0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.frames += 1
            self.last_at = time.perf_counter()
        return False


def run_until(app: QApplication, done: Callable[[], bool], timeout: float = 600.0) -> None:
    deadline = time.perf_counter() + timeout
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError("benchmark step did not finish")
        app.processEvents()


def make_view(app: QApplication) -> tuple[TerminalView, PaintCounter]:
    view = TerminalView()
    view.resize(WIDTH, HEIGHT)
    view.show()
    counter = PaintCounter()
    view.viewport().installEventFilter(counter)
    run_until(app, lambda: counter.frames > 0)
    return view, counter


def live_ingest(
    app: QApplication, data: bytes, probe: StallProbe
) -> tuple[float, float, int, tuple]:
    view, counter = make_view(app)
    view.set_resync_after(None)  # measure catching up, not skipping
    chunks = [data[offset : offset + CHUNK] for offset in range(0, len(data), CHUNK)]
    produced = iter(chunks)
    producer = QTimer()
    producer.setInterval(0)

    def produce() -> None:
        chunk = next(produced, None)
        if chunk is None:
            producer.stop()
        else:
            view.feed(chunk)

    producer.timeout.connect(produce)
    frames_before = counter.frames
    probe.start()
    started = time.perf_counter()
    producer.start()
    run_until(app, lambda: not producer.isActive() and not view.is_busy())
    shown_at = time.perf_counter()
    run_until(app, lambda: counter.last_at >= shown_at or time.perf_counter() - shown_at > 0.2)
    elapsed = max(shown_at, counter.last_at) - started
    stall = probe.stop()
    size = view.terminal_size()
    view.close()
    return len(data) / elapsed / 1e6, stall, counter.frames - frames_before, size


def history_load(app: QApplication, data: bytes, probe: StallProbe) -> tuple[float, float, float]:
    view, counter = make_view(app)
    filled: list[float] = []
    view.historyFilled.connect(lambda: filled.append(time.perf_counter()))
    app.processEvents()
    probe.start()
    frames = counter.frames
    started = time.perf_counter()
    view.load_history(data, live=False)
    run_until(app, lambda: counter.frames > frames)
    shown = counter.last_at - started
    run_until(app, lambda: bool(filled))
    stall = probe.stop()
    view.close()
    return shown * 1000, (filled[0] - started) * 1000, stall


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0], epilog="See the module docstring for what is timed.")
    parser.add_argument("--megabytes", type=float, default=2.0, help="live ingest size")
    parser.add_argument("--history-megabytes", type=float, default=10.0, help="stored log size")
    arguments = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    probe = StallProbe()
    size = int(arguments.megabytes * 1e6)
    print(f"platform {app.platformName()}, widget {WIDTH}x{HEIGHT} px, chunks of {CHUNK} bytes")
    for name, data in data_sets(size):
        rate, stall, frames, (columns, lines) = live_ingest(app, data, probe)
        raw = raw_pyte_rate(data, columns, lines)
        print(
            f"live {name:13s} {len(data) / 1e6:5.1f} MB: widget {rate:6.2f} MB/s "
            f"({frames} frames painted), raw pyte {raw:5.2f} MB/s, ratio {rate / raw:5.0%}, "
            f"worst stall {stall:5.1f} ms   [{columns}x{lines}]"
        )
    history = int(arguments.history_megabytes * 1e6)
    for name, data in data_sets(history):
        shown, filled, stall = history_load(app, data, probe)
        print(
            f"history {name:13s} {len(data) / 1e6:5.1f} MB: last screen shown {shown:6.1f} ms, "
            f"scrollback filled {filled:7.1f} ms, worst stall {stall:5.1f} ms"
        )


if __name__ == "__main__":
    main()
