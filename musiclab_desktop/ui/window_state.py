"""What the main window remembers between sessions, kept in QSettings."""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter

ORGANIZATION = "MusicLab"
APPLICATION = "MusicLab Desktop"


def default_settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                     ORGANIZATION, APPLICATION)


class WindowState:
    """Geometry, splitter sizes and the last selected experiment (per data folder)."""

    def __init__(self, settings: QSettings, data_folder: str) -> None:
        self._settings = settings
        # Each data folder remembers its own last experiment: ids mean nothing elsewhere.
        self._experiment_key = f"lastExperiment/{_folder_key(data_folder)}"

    def restore_window(self, window: QMainWindow, splitter: QSplitter) -> bool:
        geometry = self._settings.value("window/geometry")
        restored = isinstance(geometry, QByteArray) and window.restoreGeometry(geometry)
        splitter_state = self._settings.value("window/splitter")
        if isinstance(splitter_state, QByteArray):
            splitter.restoreState(splitter_state)
        return restored

    def save_window(self, window: QMainWindow, splitter: QSplitter) -> None:
        self._settings.setValue("window/geometry", window.saveGeometry())
        self._settings.setValue("window/splitter", splitter.saveState())
        self._settings.sync()

    def splitter_state(self, name: str) -> QByteArray | None:
        """Sizes of a splitter inside the window (e.g. the Runs tab's), saved by name."""
        state = self._settings.value(f"window/{name}")
        return state if isinstance(state, QByteArray) else None

    def save_splitter(self, name: str, splitter: QSplitter) -> None:
        self._settings.setValue(f"window/{name}", splitter.saveState())

    def last_experiment(self) -> int | None:
        value = self._settings.value(self._experiment_key)
        try:
            return int(value) if value is not None else None
        except (TypeError, ValueError):
            return None

    def set_last_experiment(self, experiment_id: int | None) -> None:
        if experiment_id is None:
            self._settings.remove(self._experiment_key)
        else:
            self._settings.setValue(self._experiment_key, experiment_id)


def _folder_key(folder: str) -> str:
    # QSettings keys cannot hold slashes as data; a hex digest is short and stable.
    return hashlib.sha1(folder.encode("utf-8")).hexdigest()[:16]
