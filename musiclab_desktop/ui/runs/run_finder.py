"""The runs table's filter box and its setting columns.

The box takes plain words (name, notes, tags) or the CLI's ``--filter`` language
(see run_matching.py); the header's context menu shows any setting that differs
between the experiment's runs as a sortable column. Settings are read from core only
when a filter or a column needs them, then kept per run (a run's settings never change).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QMenu, QTableView, QWidget

from musiclab_desktop.core.errors import MusiclabError
from musiclab_desktop.core.records import ExperimentRecord, RunRecord
from musiclab_desktop.core.services.run_search import settings_that_differ
from musiclab_desktop.ui.experiments_controller import ExperimentsController
from musiclab_desktop.ui.runs.run_matching import RunMatcher, run_matcher
from musiclab_desktop.ui.runs.runs_model import RunPredicate, RunsTableModel
from musiclab_desktop.ui.widgets import error_label

FILTER_PLACEHOLDER = "Filter runs: words, or final_loss<2.5 and lora_r=16"
FILTER_TIP = (
    "Plain words match a run's name, notes and tags.\n"
    "Or compare, as musiclab runs list --filter does:\n"
    "  final_loss<2.5 and lora_r=16\n"
    "  tag=baseline or notes~drums\n"
    "  not status=failed\n"
    "Names: any setting (learning_rate, lora_r, …) and id, name, status, final_loss, step, "
    "notes, tag. Operators: = != < <= > >= ~ (contains).")
NO_DIFFERENCE = "No setting differs between this experiment's runs"


class RunFinder(QObject):
    """Owns the filter box and the setting columns of one runs table."""

    filterChanged = Signal()  # the rows shown changed

    def __init__(self, controller: ExperimentsController, model: RunsTableModel,
                 table: QTableView, parent: QWidget) -> None:
        super().__init__(parent)
        self._controller, self._model, self._table = controller, model, table
        self._experiment_id: int | None = None
        self._matcher: RunMatcher | None = None
        self.box = QLineEdit(parent)
        self.box.setObjectName("runsFilter")
        self.box.setPlaceholderText(FILTER_PLACEHOLDER)
        self.box.setToolTip(FILTER_TIP)
        self.box.setClearButtonEnabled(True)
        self.box.setMinimumWidth(160)
        self.box.textChanged.connect(self.apply)
        self.error: QLabel = error_label(parent, "runsFilterError")
        header = table.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._show_header_menu)

    # --- the experiment's runs ---------------------------------------------------------

    def experiment_changed(self, record: ExperimentRecord | None) -> None:
        """Before the table is filled with another experiment's runs."""
        self._experiment_id = record.id if record is not None else None
        self._model.set_setting_columns([])
        if self._matcher is not None and self._matcher.needs_settings:
            self._load_all_settings(force=True)

    def prepare(self, runs: Iterable[RunRecord]) -> None:
        """Before runs are added or updated: read the settings of new ones, if needed."""
        if not self._settings_needed():
            return
        missing = {run.id for run in runs} - self._known_settings()
        if missing:
            configs = self._controller.library.runs.effective_configs(missing)
            self._model.set_run_settings(
                {run_id: config.to_dict() for run_id, config in configs.items()})

    # --- the filter box ----------------------------------------------------------------

    def apply(self) -> bool:
        """Filter the table by the box's text; False (and the error shown) when it is
        not a filter, and the rows stay as they were."""
        try:
            matcher = run_matcher(self.box.text())
        except MusiclabError as exc:
            self._show_error(str(exc))
            return False
        self._show_error("")
        self._matcher = matcher
        if matcher is not None and matcher.needs_settings:
            self._load_all_settings()
        self._model.set_filter(self._predicate(matcher))
        self.filterChanged.emit()
        return True

    def is_filtering(self) -> bool:
        return self._matcher is not None

    def _predicate(self, matcher: RunMatcher | None) -> RunPredicate | None:
        if matcher is None:
            return None
        settings = self._model.run_settings

        def accepts(run: RunRecord) -> bool:
            return matcher.matches(run, settings(run.id))

        return accepts

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))
        self.box.setProperty("invalid", bool(message))

    # --- setting columns ---------------------------------------------------------------

    def column_choices(self) -> list[str]:
        """Settings that differ between the experiment's runs, and those shown already."""
        self._load_all_settings()
        runs = self._model.runs()
        configs = [self._model.run_settings(run.id) for run in runs]
        differing = settings_that_differ(configs)
        shown = self._model.setting_columns()
        return differing + [name for name in shown if name not in differing]

    def set_setting_columns(self, names: list[str]) -> None:
        if names:
            self._load_all_settings()
        self._model.set_setting_columns(names)
        for column in range(self._model.columnCount()):
            if self._model.setting_of(column) is not None:
                self._table.resizeColumnToContents(column)

    def toggle_setting_column(self, name: str, shown: bool) -> None:
        names = [n for n in self._model.setting_columns() if n != name]
        self.set_setting_columns([*names, name] if shown else names)

    def header_menu(self) -> QMenu:
        menu = QMenu(self._table)
        menu.setObjectName("runsHeaderMenu")
        menu.addSection("Show settings as columns")
        choices = self.column_choices()
        if not choices:
            menu.addAction(NO_DIFFERENCE).setEnabled(False)
        shown = set(self._model.setting_columns())
        for name in choices:
            action = menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(name in shown)
            action.toggled.connect(
                lambda on, setting=name: self.toggle_setting_column(setting, on))
        if shown:
            menu.addSeparator()
            menu.addAction("Hide setting columns", lambda: self.set_setting_columns([]))
        return menu

    def _show_header_menu(self, position: QPoint) -> None:
        menu = self.header_menu()
        menu.exec(self._table.horizontalHeader().mapToGlobal(position))
        menu.deleteLater()

    # --- settings ----------------------------------------------------------------------

    def _settings_needed(self) -> bool:
        return bool(self._model.setting_columns()) or (
            self._matcher is not None and self._matcher.needs_settings)

    def _known_settings(self) -> set[int]:
        return {run.id for run in self._model.runs() if self._model.has_settings_of({run.id})}

    def _load_all_settings(self, force: bool = False) -> None:
        """One read of every run's settings (force: the table still holds the runs of
        the experiment shown before)."""
        if self._experiment_id is None:
            return
        ids = {run.id for run in self._model.runs()}
        if not force and self._model.has_settings_of(ids):
            return
        found = self._controller.library.runs.search(experiment_id=self._experiment_id)
        self._model.set_run_settings({run.id: settings for run, settings in found})
