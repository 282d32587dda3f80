"""The left pane: search, "Show archived", archive buttons and the experiment list."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QMenu,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from musiclab_desktop.core.records import ExperimentRecord
from musiclab_desktop.ui.experiment_list.delegate import ExperimentDelegate
from musiclab_desktop.ui.experiment_list.model import ExperimentListModel, ExperimentRoles
from musiclab_desktop.ui.resources import icon
from musiclab_desktop.ui.widgets import heading_label, muted_label

SEARCH_DELAY_MS = 180
AGE_REFRESH_MS = 60_000


def _tool_button(name: str, icon_name: str, tip: str, parent: QWidget) -> QToolButton:
    button = QToolButton(parent)
    button.setObjectName(name)
    button.setIcon(icon(icon_name))
    button.setToolTip(tip)
    button.setAccessibleName(tip)
    button.setAutoRaise(True)
    return button


class ExperimentListPanel(QWidget):
    """Shows the model; asks for changes through signals and never changes data itself."""

    currentExperimentChanged = Signal(object)  # ExperimentRecord | None
    archiveRequested = Signal(object)  # ExperimentRecord
    unarchiveRequested = Signal(object)  # ExperimentRecord
    newRequested = Signal()
    searchChanged = Signal(str)
    showArchivedChanged = Signal(bool)

    def __init__(self, model: ExperimentListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("experimentListPanel")
        self._model = model
        self._current_id: int | None = None
        self._build()
        self._build_actions()
        self._connect()
        self._sync_buttons()

    # --- building ------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 6, 0)
        layout.setSpacing(8)
        layout.addLayout(self._build_header())
        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("experimentSearch")
        self.search_edit.setPlaceholderText("Search experiments")
        self.search_edit.setToolTip("Show only experiments whose name contains this (Ctrl+F)")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        layout.addWidget(self.search_edit)
        layout.addLayout(self._build_filter_row())
        self._stack = QStackedWidget(self)
        self._stack.addWidget(self._build_view())
        self._empty_hint = muted_label("", self)
        self._empty_hint.setObjectName("experimentListEmptyHint")
        self._empty_hint.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self._empty_hint.setWordWrap(True)
        self._empty_hint.setContentsMargins(12, 24, 12, 12)
        self._stack.addWidget(self._empty_hint)
        layout.addWidget(self._stack, 1)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        # "5 min ago" must keep counting while the window stays open.
        self._age_timer = QTimer(self)
        self._age_timer.setInterval(AGE_REFRESH_MS)
        self._age_timer.timeout.connect(self.view.viewport().update)
        self._age_timer.start()

    def _build_header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(heading_label("Experiments", self))
        row.addStretch(1)
        self.new_button = _tool_button("newExperimentButton", "plus",
                                       "New experiment (Ctrl+N)", self)
        self.new_button.setText("New")
        self.new_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        row.addWidget(self.new_button)
        return row

    def _build_filter_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(2)
        self.archived_toggle = QCheckBox("Show archived", self)
        self.archived_toggle.setObjectName("showArchivedToggle")
        self.archived_toggle.setToolTip("Also list archived experiments, muted, to unarchive them")
        row.addWidget(self.archived_toggle)
        row.addStretch(1)
        self.archive_button = _tool_button(
            "archiveButton", "archive", "Archive the selected experiment (Delete)", self)
        self.unarchive_button = _tool_button(
            "unarchiveButton", "unarchive", "Unarchive the selected experiment", self)
        row.addWidget(self.archive_button)
        row.addWidget(self.unarchive_button)
        return row

    def _build_view(self) -> QListView:
        self.view = QListView(self)
        self.view.setObjectName("experimentList")
        self.view.setFrameShape(QFrame.Shape.NoFrame)
        self.view.setAccessibleName("Experiments")
        self.view.setModel(self._model)
        self.view.setItemDelegate(ExperimentDelegate(self.view))
        # Every row has the same height: the view skips measuring 1,000 rows on reset.
        self.view.setUniformItemSizes(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.setMouseTracking(True)
        return self.view

    def _build_actions(self) -> None:
        self.archive_action = QAction(icon("archive"), "Archive…", self.view)
        self.archive_action.setObjectName("archiveAction")
        # Scoped to the list: Delete in a text field must keep deleting text.
        self.archive_action.setShortcuts(
            [QKeySequence(QKeySequence.StandardKey.Delete), QKeySequence("Ctrl+Backspace")]
        )
        self.archive_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.view.addAction(self.archive_action)
        self.unarchive_action = QAction(icon("unarchive"), "Unarchive", self.view)
        self.unarchive_action.setObjectName("unarchiveAction")

    def _connect(self) -> None:
        selection = self.view.selectionModel()
        selection.currentChanged.connect(self._on_current_changed)
        self._model.modelAboutToBeReset.connect(self._remember_current)
        self._model.modelReset.connect(self._restore_current)
        self._model.rowsRemoved.connect(self._after_rows_changed)
        self._model.dataChanged.connect(self._on_data_changed)
        self.view.customContextMenuRequested.connect(self._show_context_menu)
        self.archive_button.clicked.connect(self._request_archive)
        self.unarchive_button.clicked.connect(self._request_unarchive)
        self.archive_action.triggered.connect(self._request_archive)
        self.unarchive_action.triggered.connect(self._request_unarchive)
        self.new_button.clicked.connect(self.newRequested)
        self.archived_toggle.toggled.connect(self._on_archived_toggled)
        self.search_edit.textChanged.connect(lambda _text: self._search_timer.start())
        self._search_timer.timeout.connect(self.apply_search)

    # --- what the window asks of the list ------------------------------------------

    def current_record(self) -> ExperimentRecord | None:
        return self._model.record_at(self.view.currentIndex().row())

    def select_experiment(self, experiment_id: int) -> bool:
        row = self._model.row_of(experiment_id)
        if row < 0:
            return False
        index = self._model.index(row)
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        return True

    def select_first(self) -> None:
        if self._model.rowCount():
            self.view.setCurrentIndex(self._model.index(0))

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def apply_search(self) -> None:
        """Filter now (the text field waits for a pause in typing first)."""
        self._search_timer.stop()
        self.searchChanged.emit(self.search_edit.text())

    def set_empty_text(self, text: str) -> None:
        self._empty_hint.setText(text)
        self._sync_empty()

    # --- reacting ------------------------------------------------------------

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        record = self._model.record_at(current.row()) if current.isValid() else None
        self._current_id = record.id if record else None
        self._sync_buttons()
        self.currentExperimentChanged.emit(record)

    def _remember_current(self) -> None:
        record = self.current_record()
        self._remembered_id = record.id if record else self._current_id

    def _restore_current(self) -> None:
        remembered = getattr(self, "_remembered_id", None)
        if remembered is None or not self.select_experiment(remembered):
            self._current_id = None
            self.currentExperimentChanged.emit(None)
        self._after_rows_changed()

    def _after_rows_changed(self) -> None:
        self._sync_empty()
        self._sync_buttons()

    def _on_data_changed(self, top_left: QModelIndex, _bottom_right: QModelIndex) -> None:
        if top_left.row() == self.view.currentIndex().row():
            self._sync_buttons()

    def _on_archived_toggled(self, checked: bool) -> None:
        self.unarchive_button.setVisible(checked)
        self.showArchivedChanged.emit(checked)

    def _sync_buttons(self) -> None:
        record = self.current_record()
        can_archive = record is not None and not record.archived
        can_unarchive = record is not None and record.archived
        self.archive_button.setEnabled(can_archive)
        self.archive_action.setEnabled(can_archive)
        self.unarchive_button.setEnabled(can_unarchive)
        self.unarchive_action.setEnabled(can_unarchive)
        self.unarchive_button.setVisible(self.archived_toggle.isChecked())

    def _sync_empty(self) -> None:
        empty = self._model.rowCount() == 0
        self._stack.setCurrentIndex(1 if empty else 0)

    def _request_archive(self) -> None:
        record = self.current_record()
        if record is not None and not record.archived:
            self.archiveRequested.emit(record)

    def _request_unarchive(self) -> None:
        record = self.current_record()
        if record is not None and record.archived:
            self.unarchiveRequested.emit(record)

    def _show_context_menu(self, position: QPoint) -> None:
        index = self.view.indexAt(position)
        if index.isValid():
            self.view.setCurrentIndex(index)
        menu = self.context_menu_for(index)
        menu.popup(self.view.viewport().mapToGlobal(position))
        self._context_menu = menu  # keeps it alive while open

    def context_menu_for(self, index: QModelIndex) -> QMenu:
        """Archive or Unarchive for the row under the pointer, then New experiment."""
        menu = QMenu(self.view)
        menu.setObjectName("experimentContextMenu")
        if index.isValid():
            archived = bool(index.data(ExperimentRoles.Archived))
            menu.addAction(self.unarchive_action if archived else self.archive_action)
            menu.addSeparator()
        new_action = menu.addAction(icon("plus"), "New experiment…")
        new_action.triggered.connect(self.newRequested)
        return menu
