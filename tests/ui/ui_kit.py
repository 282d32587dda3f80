"""Helpers for the main window tests (fixtures are in conftest.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import ExperimentRecord
from musiclab_desktop.runner.manager import RunManager
from musiclab_desktop.ui.detail.config_tab import ConfigTab
from musiclab_desktop.ui.detail.view import CONFIG
from musiclab_desktop.ui.experiments_controller import ExperimentsController
from musiclab_desktop.ui.main_window import MainWindow
from musiclab_desktop.ui.prompts import DISCARD, Prompts
from musiclab_desktop.ui.runs.runs_page import RunsPage
from musiclab_desktop.ui.toast import toasts

# The make_window fixture: keywords go to create_main_window (prompts, run_manager).
WindowFactory = Callable[..., MainWindow]


class FakePrompts(Prompts):
    """Answers every question from its attributes and records what was asked."""

    def __init__(self) -> None:
        self.confirm_answer = True
        self.unsaved_answer = DISCARD  # SAVE, DISCARD or STAY
        self.folder: str | None = None
        self.text_answer: str | None = None
        self.open_path: str | None = None  # open_file's answer
        self.save_path: str | None = None  # save_file's answer
        self.questions: list[str] = []
        self.errors: list[tuple[str, str]] = []

    def confirm(self, parent: QWidget | None, box: QMessageBox) -> bool:
        self.questions.append(f"{box.text()}\n{box.informativeText()}")
        box.deleteLater()
        return self.confirm_answer

    def save_discard_or_stay(self, parent: QWidget | None, box: QMessageBox) -> str:
        self.questions.append(f"{box.text()}\n{box.informativeText()}")
        box.deleteLater()
        return self.unsaved_answer

    def error(self, parent: QWidget | None, title: str, message: str) -> None:
        self.errors.append((title, message))

    def choose_folder(self, parent: QWidget | None, title: str) -> str | None:
        return self.folder

    def open_file(self, parent: QWidget | None, title: str, filters: str) -> str | None:
        return self.open_path

    def save_file(self, parent: QWidget | None, title: str, suggested: str,
                  filters: str) -> str | None:
        return self.save_path

    def ask_text(self, parent: QWidget | None, title: str, label: str,
                 default: str = "") -> str | None:
        return default if self.text_answer is None else self.text_answer


def toast_texts(window: QWidget) -> list[str]:
    return [toast.text() for toast in toasts(window)]


def list_names(window: MainWindow) -> list[str]:
    return [record.name for record in window.controller.model.records()]


class DialogPrompts(FakePrompts):
    """FakePrompts that also answers dialogs: ``fill`` edits the dialog, then accepts."""

    def __init__(self) -> None:
        super().__init__()
        self.fill: Callable[[QDialog], bool] = lambda dialog: True
        self.dialogs: list[QDialog] = []

    def run_dialog(self, dialog: QDialog) -> bool:
        self.dialogs.append(dialog)
        return self.fill(dialog)


def open_runs_page(qtbot: QtBot, library: Library, manager: RunManager, prompts: Prompts,
                   experiment: ExperimentRecord, width: int = 1100) -> RunsPage:
    """A Runs page of ``experiment``, shown at ``width`` x 900 and exposed."""
    page = RunsPage(ExperimentsController(library, manager), prompts)
    qtbot.addWidget(page)
    page.resize(width, 900)
    page.set_experiment(experiment)
    page.show()
    qtbot.waitExposed(page)
    return page


def open_config_tab(window: MainWindow, experiment: ExperimentRecord) -> ConfigTab:
    """The Config tab of ``experiment``, selected in the window."""
    window.controller.reload()
    window.select_experiment(experiment.id)
    window.detail.tabs.setCurrentIndex(CONFIG)
    return window.detail.config_tab


def record_opens(monkeypatch: pytest.MonkeyPatch, dialog: type[QDialog]) -> list[str]:
    """Dialogs of class ``dialog`` are not shown but rejected: the list returned gets the
    object name of each one opened."""
    opened: list[str] = []

    def fake_exec(self: QDialog) -> int:
        opened.append(self.objectName())
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(dialog, "exec", fake_exec)
    return opened
