"""Spec: Experiment Archive UI (archive option, confirmation, toast, show archived, unarchive)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import ExperimentRecord
from musiclab_desktop.core.status import ExperimentStatus
from musiclab_desktop.ui.experiment_list import ExperimentRoles
from musiclab_desktop.ui.main_window import MainWindow
from musiclab_desktop.ui.prompts import archive_confirmation

from ui_kit import FakePrompts, list_names, toast_texts


def _two_experiments(library: Library) -> tuple[ExperimentRecord, ExperimentRecord]:
    return library.experiments.create("keep me"), library.experiments.create("old idea")


def _select(window: MainWindow, record: ExperimentRecord) -> None:
    assert window.select_experiment(record.id)
    assert window.list_panel.current_record().id == record.id


def test_each_active_experiment_offers_archive_by_button_and_context_menu(
        library: Library, make_window) -> None:
    first, _ = _two_experiments(library)
    window = make_window()
    _select(window, first)
    panel = window.list_panel
    assert panel.archive_button.objectName() == "archiveButton"
    assert panel.archive_button.isVisible() and panel.archive_button.isEnabled()
    assert not panel.archive_button.icon().isNull()
    menu = panel.context_menu_for(window.controller.model.index(window.controller.model.row_of(
        first.id)))
    assert panel.archive_action in menu.actions()
    assert panel.unarchive_action not in menu.actions()


def test_archive_asks_naming_the_experiment_and_saying_it_can_be_unarchived(
        library: Library, window: MainWindow, prompts: FakePrompts) -> None:
    _, old = _two_experiments(library)
    window.controller.reload()
    _select(window, old)
    window.list_panel.archive_button.click()
    assert len(prompts.questions) == 1
    assert "old idea" in prompts.questions[0]
    assert "unarchive it later" in prompts.questions[0]


def test_the_real_confirmation_box_has_archive_and_cancel(qtbot: QtBot) -> None:
    box = archive_confirmation(None, "old idea")
    qtbot.addWidget(box)
    assert "old idea" in box.text()
    assert "unarchive" in box.informativeText().lower()
    roles = {box.buttonRole(button) for button in box.buttons()}
    assert roles == {box.ButtonRole.AcceptRole, box.ButtonRole.RejectRole}


def test_confirmed_archive_archives_removes_from_list_and_shows_a_toast(
        library: Library, window: MainWindow) -> None:
    _, old = _two_experiments(library)
    window.controller.reload()
    _select(window, old)
    window.list_panel.archive_button.click()
    assert library.experiments.get(old.id).status == ExperimentStatus.ARCHIVED
    assert "old idea" not in list_names(window)
    # The selection moves on to a neighbour, and the detail view follows it.
    assert window.list_panel.current_record().name == "keep me"
    assert window.detail.experiment().name == "keep me"
    assert toast_texts(window) == ["Archived “old idea”"]
    assert window.findChild(QWidget, "toast") is not None


def test_cancelling_the_confirmation_changes_nothing(
        library: Library, window: MainWindow, prompts: FakePrompts) -> None:
    _, old = _two_experiments(library)
    window.controller.reload()
    _select(window, old)
    prompts.confirm_answer = False
    window.list_panel.archive_button.click()
    assert library.experiments.get(old.id).status == ExperimentStatus.DRAFT
    assert "old idea" in list_names(window)
    assert window.list_panel.current_record().id == old.id
    assert toast_texts(window) == []


def test_delete_and_ctrl_backspace_in_the_list_archive_after_confirmation(
        library: Library, window: MainWindow, qtbot: QtBot, prompts: FakePrompts) -> None:
    first, old = _two_experiments(library)
    window.controller.reload()
    view = window.list_panel.view
    _select(window, old)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert library.experiments.get(old.id).archived
    _select(window, first)
    qtbot.keyClick(view, Qt.Key.Key_Backspace, Qt.KeyboardModifier.ControlModifier)
    assert library.experiments.get(first.id).archived
    assert len(prompts.questions) == 2


def test_archive_refused_by_core_shows_its_sentence(
        library: Library, experiment_with_dataset: ExperimentRecord, window: MainWindow,
        prompts: FakePrompts) -> None:
    library.runs.prepare_start(experiment_with_dataset.id)  # a run waiting
    window.controller.reload()
    _select(window, experiment_with_dataset)
    window.list_panel.archive_button.click()
    assert len(prompts.errors) == 1
    _title, message = prompts.errors[0]
    assert "run waiting or training" in message
    assert "Traceback" not in message
    assert not library.experiments.get(experiment_with_dataset.id).archived
    assert toast_texts(window) == []


def test_show_archived_lists_archived_experiments_muted_with_a_badge(
        library: Library, window: MainWindow) -> None:
    active, old = _two_experiments(library)
    library.experiments.archive(old.id)
    window.controller.reload()
    assert list_names(window) == ["keep me"]
    toggle = window.list_panel.archived_toggle
    assert toggle.objectName() == "showArchivedToggle"
    toggle.click()
    assert sorted(list_names(window)) == ["keep me", "old idea"]
    model = window.controller.model
    archived_index = model.index(model.row_of(old.id))
    active_index = model.index(model.row_of(active.id))
    assert archived_index.data(ExperimentRoles.Archived) is True
    assert archived_index.data(ExperimentRoles.BadgeText) == "Archived"
    assert isinstance(archived_index.data(Qt.ItemDataRole.ForegroundRole), QColor)
    assert active_index.data(ExperimentRoles.Archived) is False
    assert active_index.data(Qt.ItemDataRole.ForegroundRole) is None
    assert active_index.data(ExperimentRoles.BadgeText) == "Draft"
    assert archived_index.data(ExperimentRoles.BadgeColour) != active_index.data(
        ExperimentRoles.BadgeColour)


def test_archiving_while_archived_are_shown_keeps_the_row_muted(
        library: Library, window: MainWindow) -> None:
    _, old = _two_experiments(library)
    window.list_panel.archived_toggle.click()
    _select(window, old)
    window.list_panel.archive_button.click()
    model = window.controller.model
    assert model.index(model.row_of(old.id)).data(ExperimentRoles.Archived) is True
    assert window.list_panel.unarchive_button.isEnabled()


def test_unarchive_from_the_archived_view_restores_a_draft_with_a_toast(
        library: Library, window: MainWindow) -> None:
    _, old = _two_experiments(library)
    library.experiments.archive(old.id)
    window.list_panel.archived_toggle.click()
    _select(window, old)
    panel = window.list_panel
    assert panel.unarchive_button.objectName() == "unarchiveButton"
    assert panel.unarchive_button.isVisible() and panel.unarchive_button.isEnabled()
    assert not panel.archive_button.isEnabled()
    menu = panel.context_menu_for(panel.view.currentIndex())
    assert panel.unarchive_action in menu.actions()
    panel.unarchive_button.click()
    assert library.experiments.get(old.id).status == ExperimentStatus.DRAFT
    assert toast_texts(window) == ["Restored “old idea” as a draft"]
    panel.archived_toggle.click()
    assert "old idea" in list_names(window)


def test_unarchive_from_the_overview_banner(library: Library, window: MainWindow) -> None:
    _, old = _two_experiments(library)
    library.experiments.archive(old.id)
    window.list_panel.archived_toggle.click()
    _select(window, old)
    banner = window.detail.overview.archived_banner
    assert banner.isVisible()
    assert banner.button is not None
    banner.button.click()
    assert library.experiments.get(old.id).status == ExperimentStatus.DRAFT
    assert not banner.isVisible()


def test_unarchive_blocked_by_a_name_clash_explains_why(
        library: Library, window: MainWindow, prompts: FakePrompts) -> None:
    old = library.experiments.create("same name")
    library.experiments.archive(old.id)
    library.experiments.create("same name")
    window.list_panel.archived_toggle.click()
    _select(window, old)
    window.list_panel.unarchive_button.click()
    assert "already exists" in prompts.errors[0][1]
    assert library.experiments.get(old.id).archived
