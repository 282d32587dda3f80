"""Clip metadata kept by an import (genre, bpm, ...) shows as columns in the dataset view."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from musiclab_desktop.core.library import Library
from musiclab_desktop.ui.datasets_dialog import DatasetsDialog

from shared_kit import write_tone
from ui_kit import FakePrompts


def test_extra_metadata_columns_show_in_the_clip_table(
        qtbot: QtBot, library: Library, prompts: FakePrompts, tmp_path: Path) -> None:
    folder = tmp_path / "tagged"
    folder.mkdir()
    write_tone(folder / "a.wav", 1.0)
    write_tone(folder / "b.wav", 1.0, frequency=330.0)
    (folder / "metadata.csv").write_text(
        "file_name,text,genre,bpm\n"
        "a.wav,warm piano,lofi,84\n"
        "b.wav,bright synth,synthwave,120\n")
    dataset = library.datasets.import_folder(folder, name="tagged").dataset
    dialog = DatasetsDialog(library, prompts)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.select_dataset(dataset.id)
    model = dialog.clip_model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["File", "Duration", "Caption", "Problem", "genre", "bpm"]
    rows = {model.index(r, 0).data(): (model.index(r, 4).data(), model.index(r, 5).data())
            for r in range(model.rowCount())}
    assert rows == {"a.wav": ("lofi", "84"), "b.wav": ("synthwave", "120")}
    assert dialog.clip_table.columnWidth(4) > 0 and not dialog.clip_table.isColumnHidden(5)


def test_a_dataset_without_metadata_has_only_the_fixed_columns(
        qtbot: QtBot, library: Library, prompts: FakePrompts, make_clips) -> None:
    dataset = library.datasets.import_folder(make_clips(), name="plain").dataset
    dialog = DatasetsDialog(library, prompts)
    qtbot.addWidget(dialog)
    dialog.select_dataset(dataset.id)
    assert dialog.clip_model.columnCount() == 4
    assert dialog.clip_model.extra_names() == []
