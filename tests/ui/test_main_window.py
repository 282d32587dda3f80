"""The main window: layout, empty states, search, keyboard, persistence, tabs, adapters."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QLabel, QListView, QTabWidget, QWidget
from pytestqt.qtbot import QtBot

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import ExperimentRecord
from musiclab_desktop.ui.detail.view import ADAPTERS, RUNS
from musiclab_desktop.ui.experiment_list import ExperimentListModel
from musiclab_desktop.ui.experiment_list.delegate import ExperimentDelegate
from musiclab_desktop.ui.main_window import DETAIL, NO_EXPERIMENTS, NO_SELECTION, MainWindow

from shared_kit import finish_run
from ui_kit import FakePrompts, list_names, toast_texts


def test_empty_library_teaches_how_to_start(window: MainWindow) -> None:
    assert window.right.currentIndex() == NO_EXPERIMENTS
    assert window.welcome.isVisible()
    assert [button.text() for button in window.welcome.paths()] == [
        "Try the demo (no download, trains in about a minute)", "Import a dataset",
        "Create an experiment"]


def test_list_is_a_model_view_with_a_painting_delegate(
        library: Library, make_window) -> None:
    library.experiments.create("one")
    window = make_window()
    view = window.findChild(QListView, "experimentList")
    assert isinstance(view.model(), ExperimentListModel)
    assert isinstance(view.itemDelegate(), ExperimentDelegate)
    assert window.right.currentIndex() == DETAIL
    assert window.findChild(QTabWidget, "experimentTabs") is window.detail.tabs
    assert [window.detail.tabs.tabText(i) for i in range(4)] == [
        "Overview", "Config", "Runs", "Adapters"]
    view.grab()  # paints rows through the delegate without error


def test_search_filters_the_list_and_says_when_nothing_matches(
        library: Library, make_window) -> None:
    for name in ("piano one", "piano two", "drums"):
        library.experiments.create(name)
    window = make_window()
    panel = window.list_panel
    assert panel.search_edit.objectName() == "experimentSearch"
    panel.search_edit.setText("PIANO")
    panel.apply_search()
    assert sorted(list_names(window)) == ["piano one", "piano two"]
    panel.search_edit.setText("violin")
    panel.apply_search()
    assert list_names(window) == []
    assert window.right.currentIndex() == NO_SELECTION
    assert "violin" in panel._empty_hint.text()


def test_keyboard_ctrl_f_focuses_search_and_f5_refreshes(
        library: Library, window: MainWindow, qtbot: QtBot) -> None:
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.list_panel.search_edit
    library.experiments.create("made elsewhere")  # e.g. by the CLI
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert list_names(window) == ["made elsewhere"]
    assert "Refreshed" in toast_texts(window)


def test_selection_geometry_and_splitter_persist(
        library: Library, make_window, settings: QSettings) -> None:
    first = library.experiments.create("first")
    second = library.experiments.create("second")
    window = make_window()
    window.select_experiment(first.id)
    # Within the offscreen screen (800x600): restoreGeometry keeps windows on screen.
    window.resize(730, 530)
    window.splitter.setSizes([300, 430])
    sizes = window.splitter.sizes()
    window.close()
    reopened = make_window()
    assert reopened.list_panel.current_record().id == first.id
    assert (reopened.size().width(), reopened.size().height()) == (730, 530)
    assert reopened.splitter.sizes() == sizes
    assert second.id != first.id


def test_detail_overview_shows_status_dataset_best_run_and_counts(
        library: Library, experiment_with_dataset: ExperimentRecord, make_window) -> None:
    run = library.runs.prepare_start(experiment_with_dataset.id)
    finish_run(library, run.id, loss=0.4321)
    window = make_window()
    overview = window.detail.overview
    assert window.detail.title.text() == "tones experiment"
    assert window.detail.badge.text() == "Completed"
    assert overview.best_card.value.text() == "0.4321"
    assert "run-1" in overview.best_card.detail.text()
    assert overview.runs_card.value.text() == "1"
    assert overview.dataset_card.name.text() == "tones"
    assert not overview.dataset_card.empty.isVisible()


def test_no_dataset_linked_offers_to_link_one(
        library: Library, make_window, make_clips) -> None:
    record = library.experiments.create("bare")
    dataset = library.datasets.import_folder(make_clips(), name="tones").dataset
    window = make_window()
    card = window.detail.overview.dataset_card
    assert card.empty.isVisible()
    assert card.link_button.objectName() == "linkDatasetButton"
    assert window.findChild(QLabel, "datasetName").isHidden()
    texts = [label.text() for label in card.empty.findChildren(QLabel)]
    assert "Link a dataset to start training" in texts
    window.detail.link_dataset(dataset.id)
    assert library.experiments.get(record.id).dataset_id == dataset.id
    assert not card.empty.isVisible()
    assert card.name.text() == "tones"
    assert "Linked dataset “tones”" in toast_texts(window)


def test_last_error_is_shown_as_a_sentence(
        library: Library, experiment_with_dataset: ExperimentRecord, make_window) -> None:
    run = library.runs.prepare_start(experiment_with_dataset.id)
    library.runs.mark_running(run.id, pid=None)
    library.runs.fail(run.id, "CUDA out of memory.")
    window = make_window()
    banner = window.detail.overview.error_banner
    assert banner.isVisible()
    assert banner.text.text() == "Last error: CUDA out of memory."


def test_runs_tab_is_a_slot_for_the_runs_page(
        library: Library, make_window, qtbot: QtBot) -> None:
    record = library.experiments.create("one")
    window = make_window()
    assert window.detail.runs_page() is window.runs_tab  # the real Runs tab by default

    class RunsPage(QWidget):
        def __init__(self) -> None:
            super().__init__()
            self.shown: list[int | None] = []

        def set_experiment(self, experiment: ExperimentRecord | None) -> None:
            self.shown.append(experiment.id if experiment else None)

    page = RunsPage()
    window.detail.set_runs_page(page)
    assert window.detail.tabs.widget(RUNS) is page
    assert window.detail.tabs.tabText(RUNS) == "Runs"
    assert page.shown == [record.id]
    with qtbot.waitSignal(window.detail.experimentChanged):
        window.detail.refresh()
    assert page.shown == [record.id, record.id]


def test_adapters_tab_lists_adapters_and_opens_their_folder(
        library: Library, experiment_with_dataset: ExperimentRecord, make_window,
        prompts: FakePrompts) -> None:
    run = library.runs.prepare_start(experiment_with_dataset.id)
    finish_run(library, run.id, loss=0.5)
    window = make_window()
    tab = window.detail.adapters_tab
    opened: list[Path] = []
    tab.open_folder = lambda folder: opened.append(folder) or True
    window.detail.tabs.setCurrentIndex(ADAPTERS)
    model = tab.model
    assert model.rowCount() == 1
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Name", "LoRA rank", "Final loss", "Base model", "Created", "Path"]
    assert model.index(0, 0).data() == "tones experiment-run-1"
    assert model.index(0, 1).data() == "16"
    assert model.index(0, 3).data() == "facebook/musicgen-small"
    tab.open_button.click()
    (adapter,) = library.adapters.list(experiment_with_dataset.id)
    assert opened == [Path(adapter.path)]
    assert prompts.errors == []


def test_status_bar_counts_and_names_the_data_folder(
        library: Library, make_window) -> None:
    library.experiments.create("a")
    library.experiments.create("b")
    window = make_window()
    assert window.count_label.text() == "2 experiments"
    assert window.folder_label.text() == str(library.root)


def test_when_every_experiment_is_archived_the_list_says_so(
        library: Library, window: MainWindow) -> None:
    only = library.experiments.create("only")
    window.controller.reload()
    window.select_experiment(only.id)
    window.list_panel.archive_button.click()
    assert window.right.currentIndex() == NO_SELECTION
    assert "Show archived" in window.list_panel._empty_hint.text()
