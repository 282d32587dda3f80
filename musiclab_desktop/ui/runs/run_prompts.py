"""The questions asked before runs are deleted: named, counted, and irreversible."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def _destructive_question(parent: QWidget | None, title: str, text: str,
                          button: str) -> QMessageBox:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(text)
    box.setInformativeText(
        "Its terminal log, metrics and run folder are deleted. This action cannot be undone. "
        "A registered adapter is kept.")
    delete = box.addButton(button, QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    delete.setObjectName("confirmDeleteButton")
    return box


def delete_confirmation(parent: QWidget | None, run_name: str) -> QMessageBox:
    box = _destructive_question(parent, "Delete run", f"Delete the run “{run_name}”?", "Delete")
    box.setObjectName("deleteRunConfirmation")
    return box


def batch_delete_confirmation(parent: QWidget | None, count: int) -> QMessageBox:
    box = _destructive_question(parent, "Delete runs", f"Delete {count} selected runs?",
                                f"Delete {count} runs")
    box.setInformativeText(
        "Their terminal logs, metrics and run folders are deleted. This action cannot be "
        "undone. Registered adapters are kept.")
    box.setObjectName("batchDeleteConfirmation")
    return box
