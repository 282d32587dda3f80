"""One blocking call (hardware detection, finding a Python) on a pool thread."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from PySide6.QtCore import QObject, QThreadPool, Signal

from musiclab_desktop.core.errors import MusiclabError


class BackgroundCall(QObject):
    """Runs ``function`` off the GUI thread; the result comes back by a queued signal."""

    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, function: Callable[[], object], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._function = function

    def start(self) -> None:
        QThreadPool.globalInstance().start(self._run)

    def _run(self) -> None:
        try:
            result = self._function()
        except MusiclabError as exc:
            self._emit(self.failed, str(exc))
        except OSError as exc:
            self._emit(self.failed, f"{exc.strerror or exc}.")
        else:
            self._emit(self.succeeded, result)

    @staticmethod
    def _emit(signal: Signal, value: object) -> None:
        # The dialog may have closed meanwhile; its answer is no longer wanted.
        with contextlib.suppress(RuntimeError):
            signal.emit(value)  # type: ignore[attr-defined]
