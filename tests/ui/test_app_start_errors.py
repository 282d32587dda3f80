"""The window's start on a data folder it cannot use: a message box with the sentence,
then a clean exit (code 6), never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from musiclab_desktop import app

from damage_kit import database_of, scribble_pages_of, truncate, used_folder
from ui_kit import FakePrompts


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "settings"))


def cannot_start(root: Path, capsys: pytest.CaptureFixture[str]) -> str:
    prompts = FakePrompts()
    assert app.start(["--data-dir", str(root)], prompts=prompts) == 6
    [(title, message)] = prompts.errors
    assert title == "MusicLab cannot start"
    assert capsys.readouterr().err.strip() == f"error: {message}"
    assert app._open_windows == []
    return message


def test_a_truncated_database_is_a_message_not_a_crash(
        qtbot: QtBot, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = used_folder(tmp_path / "data")
    truncate(root)
    message = cannot_start(root, capsys)
    assert message.startswith(f"The database {database_of(root)} is damaged")
    assert "doctor" in message


def test_a_lost_database_is_a_message(qtbot: QtBot, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    root = used_folder(tmp_path / "data")
    database_of(root).unlink()
    assert "seems lost" in cannot_start(root, capsys)
    assert not database_of(root).exists()


def test_damage_met_while_the_window_is_built_is_a_message(
        qtbot: QtBot, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = used_folder(tmp_path / "data")
    scribble_pages_of(root, "experiments")  # the open passes; the experiment list fails
    assert "is damaged (SQLite: database disk image is malformed)" in cannot_start(root, capsys)


def window_child(tmp_path: Path, root: Path, first_timer: str, extra: str = "") -> list[str]:
    """Run the real launcher in a child process on ``root``; a timer calls the script's
    ``first_timer`` function, and ``read_and_close`` prints the message box it finds and
    closes it. Returns the child's stdout lines (it must exit cleanly, no traceback)."""
    script = textwrap.dedent(f"""
        import sys
        from PySide6.QtCore import QSettings, QTimer
        from PySide6.QtWidgets import QApplication, QMessageBox
        from musiclab_desktop import app, launcher

        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                          {str(tmp_path / "settings")!r})

        def read_and_close():
            box = QApplication.activeModalWidget()
            if not isinstance(box, QMessageBox):
                QTimer.singleShot(50, read_and_close)
                return
            print("TITLE:", box.windowTitle())
            print("MESSAGE:", box.text(), flush=True)
            box.accept()
    """) + textwrap.dedent(extra) + textwrap.dedent(f"""
        QApplication([sys.argv[0]])
        QTimer.singleShot({first_timer})
        print("EXIT:", launcher.main(["--data-dir", {str(root)!r}]))
    """)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    return result.stdout.strip().splitlines()


def test_the_real_window_start_shows_the_message_box_and_exits_6(tmp_path: Path) -> None:
    # A child process: the real launcher, the real QMessageBox, read and closed by a timer.
    root = used_folder(tmp_path / "data")
    truncate(root)
    lines = window_child(tmp_path, root, "50, read_and_close")
    assert "TITLE: MusicLab cannot start" in lines
    assert any(line.startswith(f"MESSAGE: The database {database_of(root)} is damaged")
               for line in lines)
    assert lines[-1] == "EXIT: 6"


def test_damage_met_after_the_start_is_a_message_and_exit_6(tmp_path: Path) -> None:
    # The open and the window's first reads pass; the metric pages fail when read later.
    root = used_folder(tmp_path / "data", metric_points=50_000)
    scribble_pages_of(root, "metric_blocks")
    lines = window_child(tmp_path, root, "300, read_metrics", extra="""
        def read_metrics():
            print("STARTED", flush=True)
            QTimer.singleShot(50, read_and_close)
            app._open_windows[0].library.telemetry.series(1, "loss")  # raises in a slot
    """)
    assert lines[0] == "STARTED"
    assert "TITLE: MusicLab cannot continue" in lines
    assert any("is damaged (SQLite: database disk image is malformed)" in line for line in lines)
    assert lines[-1] == "EXIT: 6"
