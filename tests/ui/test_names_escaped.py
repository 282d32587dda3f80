"""Issue 11, item 12 in the window: names with control and escape characters are shown
escaped (core.display.printable), never as raw newlines or terminal escapes."""

from __future__ import annotations

from PySide6.QtCore import Qt

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.models import Adapter, Experiment, Run
from musiclab_desktop.ui.detail.view import ADAPTERS, RUNS
from musiclab_desktop.ui.experiment_list import ExperimentRoles
from musiclab_desktop.ui.main_window import MainWindow
from musiclab_desktop.ui.runs.runs_model import Column

from shared_kit import finish_run
from ui_kit import FakePrompts, toast_texts

RAW = "a\x1b[31mb\nc"
SHOWN = "a\\e[31mb\\nc"


def rename(library: Library, model: type, row_id: int, name: str) -> None:
    """Store a name as another tool (or an older version) could have written it."""
    with library.transaction() as session:
        session.get(model, row_id).name = name


def test_the_list_shows_an_escaped_name(library: Library, window: MainWindow) -> None:
    record = library.experiments.create("plain")
    rename(library, Experiment, record.id, RAW)
    window.controller.reload()
    model = window.controller.model
    index = model.index(model.row_of(record.id))
    assert index.data(Qt.ItemDataRole.DisplayRole) == SHOWN
    assert index.data(Qt.ItemDataRole.AccessibleTextRole).startswith(SHOWN + ",")
    assert index.data(ExperimentRoles.Record).name == RAW  # the record keeps the real name


def test_title_window_title_toasts_and_questions_are_escaped(
        library: Library, window: MainWindow, prompts: FakePrompts) -> None:
    record = library.experiments.create("plain")
    rename(library, Experiment, record.id, RAW)
    window.controller.reload()
    window.select_experiment(record.id)
    assert window.detail.title.text() == SHOWN
    assert window.windowTitle() == f"{SHOWN} — MusicLab"
    window.list_panel.archive_button.click()
    assert f"“{SHOWN}”" in prompts.questions[-1]
    assert f"Archived “{SHOWN}”" in toast_texts(window)
    texts = " ".join([*prompts.questions, *toast_texts(window), window.windowTitle()])
    assert "\x1b" not in texts and RAW not in texts


def test_runs_and_adapters_tables_show_escaped_names(
        library: Library, window: MainWindow, experiment_with_dataset) -> None:
    run = library.runs.prepare_start(experiment_with_dataset.id)
    finish_run(library, run.id, 0.5)
    rename(library, Run, run.id, RAW)
    adapter_id = library.runs.get(run.id).adapter_id
    rename(library, Adapter, adapter_id, RAW)
    window.controller.reload()
    window.select_experiment(experiment_with_dataset.id)
    window.detail.tabs.setCurrentIndex(RUNS)
    runs = window.runs_page.model
    assert runs.index(runs.row_of(run.id), Column.NAME).data() == SHOWN
    window.detail.tabs.setCurrentIndex(ADAPTERS)
    adapters = window.detail.adapters_tab.model
    assert adapters.index(0, 0).data() == SHOWN
