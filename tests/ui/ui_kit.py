"""Helpers for the main window tests (fixtures are in conftest.py)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from musiclab_desktop.ui.main_window import MainWindow
from musiclab_desktop.ui.prompts import DISCARD, Prompts
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
