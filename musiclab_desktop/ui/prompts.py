"""Every question the window asks a person, behind one object tests can replace.

Widgets never build a QMessageBox or a file dialog themselves: they ask their
``Prompts``. The application passes the real one; a test passes a fake that answers
at once and records what was asked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

from musiclab_desktop.core.errors import MusiclabError

T = TypeVar("T")

# Answers to "save the changes?": save them, throw them away, or stay and keep editing.
SAVE, DISCARD, STAY = "save", "discard", "stay"


def _question_box(parent: QWidget | None, object_name: str, icon: QMessageBox.Icon,
                  title: str, text: str, details: str) -> QMessageBox:
    box = QMessageBox(parent)
    box.setObjectName(object_name)
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setText(text)
    box.setInformativeText(details)
    return box


def archive_confirmation(parent: QWidget | None, experiment_name: str) -> QMessageBox:
    """The archive question: names the experiment and says archiving is reversible."""
    box = _question_box(
        parent, "archiveConfirmation", QMessageBox.Icon.Question, "Archive experiment",
        f"Archive the experiment “{experiment_name}”?",
        "It leaves the experiment list, and its runs, logs and adapters are kept. "
        "You can unarchive it later from “Show archived”.")
    archive = box.addButton("Archive", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(archive)
    return box


def close_while_training_question(parent: QWidget | None, active_runs: int) -> QMessageBox:
    """Closing the window stops training: say so, and keep the window by default."""
    runs = "1 run is" if active_runs == 1 else f"{active_runs} runs are"
    box = _question_box(
        parent, "closeWhileTrainingQuestion", QMessageBox.Icon.Warning, "Runs are training",
        f"{runs} still training or waiting. Stop them and quit?",
        "Stopped runs are marked cancelled; their logs and metrics so far are kept.")
    stop = box.addButton("Stop and Quit", QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton("Keep Training", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    stop.setObjectName("stopAndQuitButton")
    return box


def unsaved_config_question(parent: QWidget | None, experiment_name: str) -> QMessageBox:
    """Leaving a Config edit with changes: Save, Discard, or Cancel to stay (the default)."""
    box = _question_box(
        parent, "unsavedConfigQuestion", QMessageBox.Icon.Warning, "Unsaved changes",
        f"Save the changes to the settings of “{experiment_name}”?",
        "Your edits are lost if you discard them.")
    box.setStandardButtons(QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                           | QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box


def resume_changed_question(parent: QWidget | None, run_name: str,
                            changes: list[str]) -> QMessageBox:
    """Resuming after the dataset or the application changed: say what, ask first."""
    box = _question_box(
        parent, "resumeChangedQuestion", QMessageBox.Icon.Warning, "Resume run",
        f"Since its last checkpoint, {' and '.join(changes)}. Resume “{run_name}” anyway?",
        "The rest of the run then trains with things as they are now, so it is no longer "
        "exactly the run it would have been. Starting a new run keeps runs comparable.")
    resume = box.addButton("Resume Anyway", QMessageBox.ButtonRole.AcceptRole)
    keep = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(keep)
    resume.setObjectName("resumeAnywayButton")
    return box


def auto_resume_question(parent: QWidget | None, text: str) -> QMessageBox:
    """Runs a crash interrupted, asked once when the app opens (the auto-resume setting)."""
    box = _question_box(
        parent, "autoResumeQuestion", QMessageBox.Icon.Question, "Resume interrupted runs",
        text, "Each run trains on from its last checkpoint. You can also resume them later "
              "from the runs table.")
    resume = box.addButton("Resume", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Not Now", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(resume)
    return box


class Prompts:
    """Modal questions and error messages, shown with standard dialogs."""

    def confirm(self, parent: QWidget | None, box: QMessageBox) -> bool:
        """Show a prepared question; True when the person chose its accept button."""
        box.exec()
        clicked = box.clickedButton()
        return clicked is not None and box.buttonRole(clicked) in (
            QMessageBox.ButtonRole.AcceptRole, QMessageBox.ButtonRole.YesRole,
            QMessageBox.ButtonRole.DestructiveRole,
        )

    def save_discard_or_stay(self, parent: QWidget | None, box: QMessageBox) -> str:
        """Show a Save / Discard / Cancel question; SAVE, DISCARD or STAY (Cancel, Esc)."""
        box.exec()
        clicked = box.clickedButton()
        answer = box.standardButton(clicked) if clicked is not None else None
        if answer == QMessageBox.StandardButton.Save:
            return SAVE
        if answer == QMessageBox.StandardButton.Discard:
            return DISCARD
        return STAY

    def run_dialog(self, dialog: QDialog) -> bool:
        """Show a prepared dialog modally; True when the person accepted it."""
        return dialog.exec() == QDialog.DialogCode.Accepted

    def error(self, parent: QWidget | None, title: str, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, message,
                          QMessageBox.StandardButton.Ok, parent)
        box.setObjectName("errorMessage")
        box.exec()

    def choose_folder(self, parent: QWidget | None, title: str) -> str | None:
        folder = QFileDialog.getExistingDirectory(parent, title)
        return folder or None

    def open_file(self, parent: QWidget | None, title: str, filters: str) -> str | None:
        """A file to read, e.g. filters "Config files (*.toml *.json *.yaml *.yml)"."""
        path, _chosen = QFileDialog.getOpenFileName(parent, title, "", filters)
        return path or None

    def save_file(self, parent: QWidget | None, title: str, suggested: str,
                  filters: str) -> str | None:
        """Where to write a file, starting from the ``suggested`` name."""
        path, _chosen = QFileDialog.getSaveFileName(parent, title, suggested, filters)
        return path or None

    def ask_text(self, parent: QWidget | None, title: str, label: str,
                 default: str = "") -> str | None:
        text, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, default)
        return text if ok else None

    def attempt(self, parent: QWidget | None, title: str, action: Callable[[], T]) -> T | None:
        """Run ``action``; an error a person caused is shown as its sentence, None returned."""
        try:
            return action()
        except MusiclabError as exc:
            self.error(parent, title, str(exc))
            return None
