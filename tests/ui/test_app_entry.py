"""musiclab_desktop.app: the GUI entry point, its data folder, and no torch in the process."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from musiclab_desktop import app
from musiclab_desktop.ui.main_window import MainWindow


def _started(qtbot: QtBot, argv: list[str]) -> MainWindow:
    window = app.start(argv)
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    app._open_windows.remove(window)
    return window


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """start() uses the real QSettings location: point it at this test's folder."""
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "settings"))


def test_main_opens_the_data_dir_given_and_returns_without_the_loop(
        qtbot: QtBot, tmp_path: Path) -> None:
    data = tmp_path / "chosen"
    window = _started(qtbot, ["--data-dir", str(data)])
    assert window.isVisible()
    assert window.library.root == data.resolve()
    assert (data / "musiclab.sqlite3").is_file()
    window.library.close()
    assert app.main(["--data-dir", str(data)], exec_loop=False) == 0
    for leftover in list(app._open_windows):
        app._open_windows.remove(leftover)
        leftover.close()
        leftover.library.close()


def test_musiclab_data_dir_is_honoured(qtbot: QtBot, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUSICLAB_DATA_DIR", str(tmp_path / "from-env"))
    window = _started(qtbot, [])
    assert window.library.root == (tmp_path / "from-env").resolve()
    window.library.close()


def test_musiclab_runs_the_window_and_never_imports_torch(tmp_path: Path) -> None:
    # In a child process: other test modules of this session may import torch, and a
    # finished app.exec() would leave this process's Qt event loops unusable.
    script = textwrap.dedent(f"""
        import sys
        from PySide6.QtCore import QSettings, QTimer
        from PySide6.QtWidgets import QApplication
        from musiclab_desktop import app, launcher

        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                          {str(tmp_path / "settings")!r})

        def look_and_quit():
            window = app._open_windows[0]
            window.detail.tabs.setCurrentIndex(3)
            print("VISIBLE:", window.isVisible(), window.library.root.name)
            QApplication.quit()

        QApplication([sys.argv[0]])
        QTimer.singleShot(300, look_and_quit)
        code = launcher.main(["--data-dir", {str(tmp_path / "launched")!r}])
        heavy = sorted(name for name in ("torch", "transformers", "peft",
                       "musiclab_desktop.training") if name in sys.modules)
        print("EXIT:", code)
        print("HEAVY:" + ",".join(heavy))
    """)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("MUSICLAB_DATA_DIR", None)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.strip().splitlines()
    assert "VISIBLE: True launched" in lines
    assert "EXIT: 0" in lines
    assert lines[-1] == "HEAVY:"
    assert (tmp_path / "launched" / "musiclab.sqlite3").is_file()
