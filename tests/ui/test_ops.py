"""ui/ops.py: work off the GUI thread, called back on it; stale results dropped; a change
op announces its change."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QObject, QThread
from pytestqt.qtbot import QtBot

from musiclab_desktop.core.errors import InvalidStateError
from musiclab_desktop.ui.change_notice import Change, ChangeNotice
from musiclab_desktop.ui.ops import (
    ChangeOp,
    ProgressRelay,
    QueryOp,
    describe_error,
    wait_for_ops,
)


@pytest.fixture
def parent(qtbot: QtBot) -> QObject:
    return QObject()


def test_success_runs_the_op_off_the_gui_thread_and_calls_back_on_it(parent: QObject) -> None:
    gui = QThread.currentThread()
    seen: dict[str, object] = {}

    def work() -> int:
        seen["worker"] = QThread.currentThread()
        return 42

    def done(value: int) -> None:
        seen["value"], seen["callback"] = value, QThread.currentThread()

    QueryOp(parent, op=work, success=done).run_in_background()
    assert wait_for_ops()
    assert seen["value"] == 42
    assert seen["worker"] is not gui
    assert seen["callback"] is gui


def test_failure_gets_the_exception_and_success_is_not_called(parent: QObject) -> None:
    successes: list[object] = []
    failures: list[Exception] = []

    def refuse() -> None:
        raise InvalidStateError("Experiment 'x' is archived.")

    QueryOp(parent, op=refuse, success=successes.append).failure(
        failures.append).run_in_background()
    assert wait_for_ops()
    assert successes == []
    assert [describe_error(exc) for exc in failures] == ["Experiment 'x' is archived."]


def test_an_unexpected_error_still_ends_the_op_with_a_sentence(parent: QObject) -> None:
    failures: list[Exception] = []
    QueryOp(parent, op=lambda: {}["missing"], success=print).failure(
        failures.append).run_in_background()
    assert wait_for_ops()
    assert describe_error(failures[0]) == "KeyError: 'missing'."


def test_a_newer_op_with_the_same_key_drops_the_older_result(parent: QObject) -> None:
    release = threading.Event()
    results: list[str] = []

    def slow() -> str:
        release.wait(5)
        return "old"

    QueryOp(parent, op=slow, success=results.append).keyed("history").run_in_background()
    QueryOp(parent, op=lambda: "new", success=results.append).keyed(
        "history").run_in_background()
    # Another key is not superseded.
    QueryOp(parent, op=lambda: "other", success=results.append).keyed(
        "compare").run_in_background()
    release.set()
    assert wait_for_ops()
    assert sorted(results) == ["new", "other"]


def test_a_cancelled_op_and_a_deleted_parent_are_not_called_back(qtbot: QtBot) -> None:
    results: list[str] = []
    kept = QObject()
    QueryOp(kept, op=lambda: "cancelled", success=results.append).run_in_background().cancel()
    gone = QObject()
    release = threading.Event()
    QueryOp(gone, op=lambda: release.wait(5) and "late", success=results.append
            ).run_in_background()
    gone.deleteLater()
    qtbot.waitUntil(lambda: not _alive(gone))
    release.set()
    assert wait_for_ops()
    assert results == []


def test_a_change_op_announces_its_change_after_its_success(parent: QObject) -> None:
    notice = ChangeNotice()
    order: list[object] = []
    notice.changed.connect(order.append)
    ChangeOp(parent, notice, op=lambda: 7, success=lambda value: order.append(value),
             change=lambda value: Change.of(runs=[value])).run_in_background()
    assert wait_for_ops()
    assert order == [7, Change.of(runs=[7])]


def test_a_failed_change_op_announces_nothing(parent: QObject) -> None:
    notice = ChangeNotice()
    heard: list[Change] = []
    notice.changed.connect(heard.append)

    def fail() -> None:
        raise OSError(28, "No space left on device")

    failures: list[Exception] = []
    ChangeOp(parent, notice, op=fail, success=print, change=Change.of(datasets=True)
             ).failure(failures.append).run_in_background()
    assert wait_for_ops()
    assert heard == []
    assert describe_error(failures[0]) == "No space left on device."


def test_a_change_op_of_a_closed_dialog_still_announces_the_change(qtbot: QtBot) -> None:
    notice = ChangeNotice()
    heard: list[Change] = []
    notice.changed.connect(heard.append)
    dialog = QObject()
    release = threading.Event()
    ChangeOp(dialog, notice, op=lambda: release.wait(5), success=print,
             change=Change.of(datasets=True)).run_in_background()
    dialog.deleteLater()
    qtbot.waitUntil(lambda: not _alive(dialog))
    release.set()
    assert wait_for_ops()
    assert heard == [Change.of(datasets=True)]


def test_progress_reaches_the_gui_thread(parent: QObject, qtbot: QtBot) -> None:
    relay = ProgressRelay(parent)
    seen: list[tuple[int, int, bool]] = []
    gui = QThread.currentThread()
    relay.progressed.connect(
        lambda done, total: seen.append((done, total, QThread.currentThread() is gui)))

    def scan() -> None:
        for done in range(1, 4):
            relay.report(done, 3)

    QueryOp(parent, op=scan, success=lambda _none: None).run_in_background()
    assert wait_for_ops()
    qtbot.waitUntil(lambda: len(seen) == 3)
    assert seen == [(1, 3, True), (2, 3, True), (3, 3, True)]


def _alive(obj: QObject) -> bool:
    import shiboken6

    return shiboken6.isValid(obj)
