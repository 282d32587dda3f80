"""Work off the GUI thread, the one way: a read op and a change op.

In the spirit of Anki's ``QueryOp`` / ``CollectionOp``::

    QueryOp(self, op=lambda: library.telemetry.all_series_arrays(run_id),
            success=self._show).failure(self._say).keyed("history").run_in_background()

``op`` runs on a pool thread and must not touch widgets (it calls core, or a
blocking helper such as hardware detection). ``success`` and ``failure`` are called
on the GUI thread, and only while ``parent`` is alive: a dialog closed meanwhile is
not called back. An op run with a key supersedes any earlier op of the same parent
and key that is still in flight: the older result is dropped, neither callback runs.

``ChangeOp`` is a ``QueryOp`` whose success changed the library: after it, the
:class:`~musiclab_desktop.ui.change_notice.ChangeNotice` announces what changed,
even when ``parent`` is gone (the data changed all the same).
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import time
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal

from musiclab_desktop.core.errors import MusiclabError
from musiclab_desktop.ui.change_notice import Change, ChangeNotice

T = TypeVar("T")

_log = logging.getLogger(__name__)
POOL_THREADS = 4


def describe_error(exc: BaseException) -> str:
    """A failure as the sentence to show: core's own sentence, or what the OS said."""
    if isinstance(exc, MusiclabError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}."
    return f"{type(exc).__name__}: {exc}."


class ProgressRelay(QObject):
    """Carries an op's progress (done, total) to the GUI thread: hand ``report`` to core."""

    progressed = Signal(int, int)

    def report(self, done: int, total: int) -> None:
        # Called on the pool thread; the receivers are called on theirs, queued.
        with contextlib.suppress(RuntimeError):  # the receiver closed meanwhile
            self.progressed.emit(done, total)


class QueryOp(Generic[T]):
    """Reads something off the GUI thread; see the module text."""

    def __init__(self, parent: QObject, *, op: Callable[[], T],
                 success: Callable[[T], None]) -> None:
        self.parent = parent
        self._op = op
        self._success = success
        self._failure: Callable[[Exception], None] | None = None
        self.key: tuple[int, Hashable] | None = None
        self.serial = 0
        self.cancelled = False

    def failure(self, callback: Callable[[Exception], None]) -> QueryOp[T]:
        """Called with the exception the op raised (see :func:`describe_error`)."""
        self._failure = callback
        return self

    def keyed(self, key: Hashable) -> QueryOp[T]:
        """Make this op supersede the parent's earlier ops of the same key."""
        self.key = (id(self.parent), key)
        return self

    def run_in_background(self) -> QueryOp[T]:
        _dispatcher().start(self)
        return self

    def cancel(self) -> None:
        """Drop this op's result when it arrives (the work itself still finishes)."""
        self.cancelled = True

    # --- called by the dispatcher -------------------------------------------------------

    def call(self) -> T:
        return self._op()

    def succeeded(self, result: T) -> None:
        self._success(result)

    def failed(self, exc: Exception) -> None:
        if self._failure is not None:
            self._failure(exc)
        else:
            _log.warning("A background op failed: %s", describe_error(exc))


class ChangeOp(QueryOp[T]):
    """Changes the library off the GUI thread, then announces ``change`` on ``notice``.

    ``change`` is a :class:`Change`, or a function of the op's result that makes one
    (e.g. the dataset an import created).
    """

    def __init__(self, parent: QObject, notice: ChangeNotice, *, op: Callable[[], T],
                 success: Callable[[T], None], change: Change | Callable[[T], Change]
                 ) -> None:
        super().__init__(parent, op=op, success=success)
        self._notice = notice
        self._change = change

    def announce(self, result: T) -> None:
        change = self._change(result) if callable(self._change) else self._change
        if shiboken6.isValid(self._notice):
            self._notice.notify(change)


class _Job(QRunnable):
    def __init__(self, op: QueryOp[Any], dispatcher: _Dispatcher) -> None:
        super().__init__()
        self._op, self._dispatcher = op, dispatcher

    def run(self) -> None:
        try:
            result = self._op.call()
        except Exception as exc:  # every op ends with a call back, or a dialog waits forever
            if not isinstance(exc, MusiclabError | OSError):
                _log.exception("A background op raised")
            self._dispatcher.delivered.emit(self._op.serial, False, exc)
        else:
            self._dispatcher.delivered.emit(self._op.serial, True, result)


class _Dispatcher(QObject):
    """Lives on the GUI thread for the whole app: results come back through it.

    Ops are held here by serial number, so nothing a worker thread touches can be
    deleted under it, and a result for a closed parent or a superseded op is dropped.
    """

    delivered = Signal(int, bool, object)  # serial, ok, result or exception

    def __init__(self) -> None:
        super().__init__()
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(POOL_THREADS)
        self._serials = itertools.count(1)
        self._pending: dict[int, QueryOp[Any]] = {}
        self._latest: dict[tuple[int, Hashable], int] = {}
        self.delivered.connect(self._deliver)

    def start(self, op: QueryOp[T]) -> None:
        op.serial = next(self._serials)
        self._pending[op.serial] = op
        if op.key is not None:
            self._latest[op.key] = op.serial
        self.pool.start(_Job(op, self))

    def busy(self) -> bool:
        return bool(self._pending)

    def _deliver(self, serial: int, ok: bool, value: object) -> None:
        op = self._pending.pop(serial, None)
        if op is None:
            return
        current = op.key is None or self._latest.get(op.key) == serial
        if op.key is not None and current:
            del self._latest[op.key]
        wanted = current and not op.cancelled and shiboken6.isValid(op.parent)
        try:
            if wanted and ok:
                op.succeeded(value)
            elif wanted:
                assert isinstance(value, Exception)
                op.failed(value)
        finally:
            # The caller has shown its own result first; then every view hears of it.
            if ok and isinstance(op, ChangeOp):
                op.announce(value)


_instance: _Dispatcher | None = None


def _dispatcher() -> _Dispatcher:
    global _instance
    if _instance is None or not shiboken6.isValid(_instance):
        _instance = _Dispatcher()
        app = QCoreApplication.instance()
        if app is not None:
            _instance.moveToThread(app.thread())
    return _instance


def wait_for_ops(timeout_ms: int = 30_000) -> bool:
    """Block until every op started so far (and any started by their callbacks) is
    done and called back: for shutdown and tests. False on a timeout."""
    dispatcher = _dispatcher()
    deadline = time.monotonic() + timeout_ms / 1000
    while dispatcher.busy():
        left_ms = int((deadline - time.monotonic()) * 1000)
        if left_ms <= 0 or not dispatcher.pool.waitForDone(left_ms):
            return False
        QCoreApplication.sendPostedEvents(dispatcher)
    return True
