"""Notes and tags of a run or an experiment, edited in one small dialog."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from musiclab_desktop.core.tags import normalize_tags
from musiclab_desktop.ui.prompts import Prompts
from musiclab_desktop.ui.widgets import muted_label

T = TypeVar("T")

TAGS_HINT = ("Separate tags with commas, e.g. baseline, rank 16. Find them again in the "
             "runs table's filter box: the word, or tag=baseline.")


class NotesDialog(QDialog):
    """What the person wrote about a run or an experiment; core stores it."""

    def __init__(self, title: str, notes: str, tags: list[str],
                 parent: QWidget | None = None, notes_label: str = "Notes") -> None:
        super().__init__(parent)
        self.setObjectName("notesDialog")
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        layout.addWidget(QLabel(f"{notes_label}:", self))
        self.notes_edit = QPlainTextEdit(notes, self)
        self.notes_edit.setObjectName("notesEdit")
        self.notes_edit.setPlaceholderText("What you tried, what you heard, what to try next…")
        layout.addWidget(self.notes_edit, 1)
        layout.addWidget(QLabel("Tags:", self))
        self.tags_edit = QLineEdit(", ".join(tags), self)
        self.tags_edit.setObjectName("tagsEdit")
        self.tags_edit.setPlaceholderText("baseline, rank16")
        layout.addWidget(self.tags_edit)
        hint = muted_label(TAGS_HINT, self)
        hint.setWordWrap(True)
        layout.addWidget(hint)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(480, 340)

    def notes(self) -> str:
        return self.notes_edit.toPlainText()

    def tags(self) -> list[str]:
        """The tags typed; a ValidationError (too long, too many) says what is wrong."""
        return normalize_tags(self.tags_edit.text())


def edit_notes(parent: QWidget, prompts: Prompts, title: str, notes: str, tags: list[str],
               save: Callable[[str, list[str]], T], notes_label: str = "Notes") -> T | None:
    """Ask for notes and tags, then ``save(notes, tags)`` through core; None when the
    person cancelled or core refused (its sentence shown)."""
    dialog = NotesDialog(title, notes, tags, parent, notes_label)
    try:
        if not prompts.run_dialog(dialog):
            return None
        return prompts.attempt(parent, "Cannot save the notes",
                               lambda: save(dialog.notes(), dialog.tags()))
    finally:
        dialog.deleteLater()
