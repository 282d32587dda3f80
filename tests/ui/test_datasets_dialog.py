"""The Datasets dialog: import a folder off the GUI thread, list datasets, inspect clips."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QThread
from PySide6.QtWidgets import QProgressDialog
from pytestqt.qtbot import QtBot

from musiclab_desktop.core.library import Library
from musiclab_desktop.ui.dataset_import import DatasetImporter
from musiclab_desktop.ui.dataset_picker import DatasetPicker
from musiclab_desktop.ui.datasets_dialog import DatasetsDialog
from musiclab_desktop.ui.ops import wait_for_ops
from musiclab_desktop.ui.table_models import PROBLEM_BACKGROUND

from shared_kit import write_tone
from ui_kit import FakePrompts, toast_texts


@pytest.fixture
def dialog(library: Library, prompts: FakePrompts, qtbot: QtBot) -> DatasetsDialog:
    widget = DatasetsDialog(library, prompts)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_no_datasets_shows_how_to_import(dialog: DatasetsDialog) -> None:
    assert dialog.objectName() == "datasetsDialog"
    assert dialog._empty.isVisible()
    assert dialog._empty.button is not None


def test_import_runs_off_the_gui_thread_with_progress(
        library: Library, dialog: DatasetsDialog, prompts: FakePrompts, qtbot: QtBot,
        make_clips: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    folder = make_clips("piano", count=4)
    (folder / "tone3.wav").write_bytes(b"not audio at all")
    prompts.folder = str(folder)
    prompts.text_answer = "piano set"
    scan_threads: list[QThread] = []
    real_import = library.datasets.import_folder

    def spy(*args, **kwargs):
        scan_threads.append(QThread.currentThread())
        return real_import(*args, **kwargs)

    monkeypatch.setattr(library.datasets, "import_folder", spy)
    progress: list[tuple[int, int]] = []
    dialog.importer.progressed.connect(lambda done, total: progress.append((done, total)))
    with qtbot.waitSignal(dialog.importer.finished, timeout=20_000):
        dialog.import_button.click()
    assert scan_threads and scan_threads[0] is not dialog.thread()
    assert progress and progress[-1] == (4, 4)
    (dataset,) = library.datasets.list()
    assert dataset.name == "piano set"
    assert dialog.dataset_model.rowCount() == 1
    assert dialog.current_dataset().id == dataset.id
    assert any("piano set" in text and "1 clip with problems" in text
               for text in toast_texts(dialog))


def test_clips_show_file_duration_caption_and_highlight_problems(
        library: Library, make_clips: Callable[..., Path], prompts: FakePrompts,
        qtbot: QtBot) -> None:
    folder = make_clips("tones", count=3)
    (folder / "metadata.csv").write_text("file_name,text\ntone0.wav,first\ntone1.wav,second\n")
    dataset = library.datasets.import_folder(folder).dataset
    dialog = DatasetsDialog(library, prompts)
    qtbot.addWidget(dialog)
    dialog.select_dataset(dataset.id)
    model = dialog.clip_model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)]
    assert headers == ["File", "Duration", "Caption", "Problem"]
    rows = {model.index(r, 0).data(): r for r in range(model.rowCount())}
    good, bad = rows["tone0.wav"], rows["tone2.wav"]
    assert model.index(good, 1).data() == "2.00 s"
    assert model.index(good, 2).data() == "first"
    assert model.index(good, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    assert model.index(bad, 3).data() == "no caption"
    assert model.index(bad, 0).data(Qt.ItemDataRole.BackgroundRole) == PROBLEM_BACKGROUND
    assert "metadata.csv" in model.index(bad, 3).data(Qt.ItemDataRole.ToolTipRole)
    assert "1 clip with problems" in dialog.dataset_summary.text()


def _progress_dialogs(dialog: DatasetsDialog) -> list[QProgressDialog]:
    return [child for child in dialog.findChildren(QProgressDialog)
            if child.objectName() == "datasetImportProgress" and child.isVisible()]


def test_a_failed_import_closes_its_progress_and_the_next_import_works(
        library: Library, dialog: DatasetsDialog, prompts: FakePrompts, qtbot: QtBot,
        make_clips: Callable[..., Path]) -> None:
    bad = make_clips("bad", count=2)
    (bad / "metadata.csv").write_bytes("file_name,text\ntone0.wav,café\n".encode("latin-1"))
    prompts.folder = str(bad)
    with qtbot.waitSignal(dialog.importer.failed, timeout=20_000):
        dialog.import_button.click()
    qtbot.waitUntil(lambda: not _progress_dialogs(dialog))
    ((title, message),) = prompts.errors
    assert title == "Import failed"
    assert message == (f"{bad / 'metadata.csv'}, line 2: is not UTF-8 text; save the file "
                       "as UTF-8.")
    assert not dialog.importer.is_running()

    prompts.folder = str(make_clips("good", count=2))
    with qtbot.waitSignal(dialog.importer.finished, timeout=20_000):
        dialog.import_button.click()
    qtbot.waitUntil(lambda: not _progress_dialogs(dialog))
    assert [d.name for d in library.datasets.list()] == ["good"]


def test_an_unexpected_error_in_the_import_still_ends_it(
        library: Library, dialog: DatasetsDialog, prompts: FakePrompts, qtbot: QtBot,
        make_clips: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise KeyError("file_name")

    monkeypatch.setattr(library.datasets, "import_folder", broken)
    prompts.folder = str(make_clips("any"))
    with qtbot.waitSignal(dialog.importer.failed, timeout=20_000):
        dialog.import_button.click()
    qtbot.waitUntil(lambda: not _progress_dialogs(dialog))
    assert "failed: KeyError" in prompts.errors[0][1]
    assert not dialog.importer.is_running()


def test_a_dataset_imported_elsewhere_appears_in_the_dialog_and_every_picker(
        library: Library, dialog: DatasetsDialog, prompts: FakePrompts, qtbot: QtBot,
        make_clips: Callable[..., Path]) -> None:
    first = library.datasets.import_folder(make_clips("first", count=1), name="first").dataset
    dialog.reload(select_id=first.id)
    picker = DatasetPicker(library, prompts)
    qtbot.addWidget(picker)
    elsewhere = DatasetImporter(library)
    with qtbot.waitSignal(elsewhere.finished, timeout=20_000):
        elsewhere.start(make_clips("second", count=1), name="second")
    assert wait_for_ops()  # the change notice follows the importer's own callback
    assert sorted(d.name for d in dialog.dataset_model.records()) == ["first", "second"]
    assert dialog.current_dataset().id == first.id  # what the user looked at stays shown
    assert picker.findText("second", Qt.MatchFlag.MatchStartsWith) >= 0


def test_clip_table_shows_short_lengths_unrounded_and_names_escaped(
        library: Library, dialog: DatasetsDialog, tmp_path: Path) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    write_tone(folder / "blip.wav", 0.05)
    write_tone(folder / "half.wav", 0.6)
    (folder / "metadata.csv").write_text(
        "file_name,text\nblip.wav,a blip\nhalf.wav,\"red \x1b[31mtext\"\n")
    dataset = library.datasets.import_folder(folder, name="odd\x1b]0;title\x07").dataset
    dialog.reload(select_id=dataset.id)
    shown = {dialog.clip_model.index(row, 0).data(): (
        dialog.clip_model.index(row, 1).data(), dialog.clip_model.index(row, 2).data())
        for row in range(dialog.clip_model.rowCount())}
    assert shown["blip.wav"][0] == "0.05 s"
    assert shown["half.wav"] == ("0.60 s", "red \\e[31mtext")
    assert dialog.dataset_model.index(0, 0).data() == "odd\\e]0;title\\x07"
    assert "\x1b" not in dialog.dataset_title.text()
