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


def gone_message(gone_names: list[str], asked: int) -> str:
    """The toast after deleting ``asked`` runs of which some were already deleted elsewhere."""
    gone = len(gone_names)
    if gone == 1 and asked == 1:
        return f"Run “{gone_names[0]}” was already deleted; removed it from the list"
    if gone == asked:
        return f"The {asked} runs were already deleted; removed them from the list"
    others = "the other had" if gone == 1 else f"the other {gone} had"
    return f"{asked - gone} of {asked} runs deleted; {others} already been deleted elsewhere"
