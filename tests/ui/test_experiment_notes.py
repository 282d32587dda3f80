"""An experiment's description (its notes) and tags, edited from the Overview."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from musiclab_desktop.core.library import Library
from musiclab_desktop.ui.notes_dialog import NotesDialog

from ui_kit import DialogPrompts, WindowFactory


def test_notes_and_tags_of_an_experiment_are_edited_and_shown(
        qtbot: QtBot, library: Library, make_window: WindowFactory) -> None:
    record = library.experiments.create("piano", description="first idea")
    prompts = DialogPrompts()

    def fill(dialog: QDialog) -> bool:
        assert isinstance(dialog, NotesDialog)
        assert dialog.notes() == "first idea"
        dialog.notes_edit.setPlainText("Warm piano, 30 s clips.")
        dialog.tags_edit.setText("piano, keeper")
        return True

    prompts.fill = fill
    window = make_window(prompts=prompts)
    window.select_experiment(record.id)
    overview = window.detail.overview
    qtbot.mouseClick(overview.notes_button, Qt.MouseButton.LeftButton)
    stored = library.experiments.get(record.id)
    assert stored.description == "Warm piano, 30 s clips."
    assert list(stored.tags) == ["piano", "keeper"]
    assert overview.description.text() == "Warm piano, 30 s clips."
    assert overview.tags_label.text() == "#piano #keeper"
    assert overview.tags_label.isVisible()


def test_an_archived_experiment_offers_no_notes_edit(
        library: Library, make_window: WindowFactory) -> None:
    record = library.experiments.create("old")
    library.experiments.archive(record.id)
    window = make_window()
    window.list_panel.archived_toggle.setChecked(True)
    window.select_experiment(record.id)
    assert not window.detail.overview.notes_button.isEnabled()
