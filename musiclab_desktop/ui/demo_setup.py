"""'Try the demo' in the window: the same demo as ``musiclab demo``, made off the GUI
thread (building the tiny model runs the training interpreter for a few seconds)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from musiclab_desktop.core.errors import MusiclabError
from musiclab_desktop.core.library import Library
from musiclab_desktop.runner.interpreter import build_tiny_model


class _Signals(QObject):
    finished = Signal(object)  # DemoResult
    failed = Signal(str)


class _MakeDemo(QRunnable):
    def __init__(self, library: Library, python: str, signals: _Signals) -> None:
        super().__init__()
        self._library, self._python, self._signals = library, python, signals

    def run(self) -> None:
        # Imported here: the demo synthesizes audio with numpy and soundfile, which the
        # window does not need to paint.
        from musiclab_desktop.core.demo import create_demo

        try:
            result = create_demo(self._library,
                                 lambda folder: build_tiny_model(self._python, folder))
        except MusiclabError as exc:
            self._signals.failed.emit(str(exc))
            return
        self._signals.finished.emit(result)


class DemoSetup(QObject):
    """Makes the demo experiment once per request; ``busy`` while it works."""

    finished = Signal(object)  # DemoResult
    failed = Signal(str)

    def __init__(self, library: Library, python: Callable[[], str],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library, self._python = library, python
        self._signals = _Signals(self)
        self._signals.finished.connect(self._done)
        self._signals.failed.connect(self._fail)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self.busy = False

    def start(self) -> bool:
        if self.busy:
            return False
        self.busy = True
        self._pool.start(_MakeDemo(self._library, self._python(), self._signals))
        return True

    def wait(self) -> None:
        self._pool.waitForDone()

    def _done(self, result: object) -> None:
        self.busy = False
        self.finished.emit(result)

    def _fail(self, message: str) -> None:
        self.busy = False
        self.failed.emit(message)
