"""Compare by ear: a grid of prompt x run holding each run's latest sample of the same
prompt and seed, with the base model's reference first.

"Play row" plays a row's cells in turn (A, B, C ...). Blind mode hides the run names
and shuffles the columns until every cell that has a sample is rated 1-5; the ratings
are stored per sample (the view's ``rate`` callback), so they also reach the runs
table's Rating column and the metrics CSV.
"""

from __future__ import annotations

import dataclasses
import random
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from musiclab_desktop.core.display import printable
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import SampleRecord
from musiclab_desktop.ui.samples.samples_model import rating_text

BASE_NAME = "Base model"
Index = QModelIndex | QPersistentModelIndex
Rate = Callable[[SampleRecord, int | None], None]


@dataclass(frozen=True)
class CompareRow:
    """One prompt and seed; ``cells`` follow the grid's entries (base model first)."""

    prompt: str
    seed: int
    cells: tuple[SampleRecord | None, ...]


def compare_rows(run_ids: Sequence[int], records: Sequence[SampleRecord]) -> list[CompareRow]:
    """Rows for the runs compared: per (prompt, seed), the base reference (from any of
    the runs: it is the same model, prompt and seed) and each run's latest sample."""
    keys: dict[tuple[int, str, int], None] = {}
    reference: dict[tuple[str, int], SampleRecord] = {}
    latest: dict[tuple[int, str, int], SampleRecord] = {}
    for record in sorted(records, key=lambda r: (r.prompt_index, r.step)):
        key = (record.prompt, record.seed)
        keys.setdefault((record.prompt_index, *key), None)
        if record.reference:
            reference.setdefault(key, record)
        else:
            latest[(record.run_id, *key)] = record  # later steps replace earlier ones
    return [
        CompareRow(
            prompt,
            seed,
            (
                reference.get((prompt, seed)),
                *(latest.get((run_id, prompt, seed)) for run_id in run_ids),
            ),
        )
        for _index, prompt, seed in keys
    ]


def read_comparison(
    library: Library, run_ids: list[int]
) -> tuple[list[CompareRow], list[SampleRecord]]:
    """The compare-by-ear rows of ``run_ids`` and the samples they were made of."""
    records = library.samples.for_runs(run_ids)
    return compare_rows(run_ids, records), records


class CompareModel(QAbstractTableModel):
    """The grid; in blind mode columns are shown in a shuffled order under letters."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._names: list[str] = []
        self._rows: list[CompareRow] = []
        self._order: list[int] = []  # shown column -> entry
        self._blind = False

    def set_grid(self, names: Sequence[str], rows: Sequence[CompareRow]) -> None:
        self.beginResetModel()
        self._names = [BASE_NAME, *names]
        self._rows = list(rows)
        if len(self._order) != len(self._names):
            self._order = list(range(len(self._names)))
        self.endResetModel()

    def set_blind(self, blind: bool, rng: random.Random | None = None) -> None:
        self.beginResetModel()
        self._blind = blind
        self._order = list(range(len(self._names)))
        if blind:
            (rng or random.Random()).shuffle(self._order)
        self.endResetModel()

    def is_blind(self) -> bool:
        return self._blind

    def revealed(self) -> bool:
        """Names show: not blind, or blind and every cell with a sample is rated."""
        return not self._blind or all(
            cell.rating is not None for row in self._rows for cell in row.cells if cell is not None
        )

    def names_shown(self) -> list[str]:
        return [
            self.headerData(column, Qt.Orientation.Horizontal)
            for column in range(self.columnCount())
        ]

    def record_at(self, index: Index) -> SampleRecord | None:
        if not index.isValid():
            return None
        return self._rows[index.row()].cells[self._order[index.column()]]

    def row_records(self, row: int) -> list[SampleRecord]:
        """The row's samples in the order shown (what "Play row" plays)."""
        cells = self._rows[row].cells
        return [cell for entry in self._order if (cell := cells[entry]) is not None]

    def index_of(self, sample_id: int) -> QModelIndex:
        for row, compare_row in enumerate(self._rows):
            for column, entry in enumerate(self._order):
                cell = compare_row.cells[entry]
                if cell is not None and cell.id == sample_id:
                    return self.index(row, column)
        return QModelIndex()

    def set_rating(self, sample_id: int, rating: int | None) -> bool:
        """Show a stored rating; True when that revealed the names."""
        was_revealed = self.revealed()
        for row_number, row in enumerate(self._rows):
            cells = tuple(
                dataclasses.replace(cell, rating=rating)
                if cell is not None and cell.id == sample_id
                else cell
                for cell in row.cells
            )
            if cells != row.cells:
                self._rows[row_number] = dataclasses.replace(row, cells=cells)
        if not was_revealed and self.revealed():
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)
        top, bottom = self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1)
        self.dataChanged.emit(top, bottom)
        return not was_revealed and self.revealed()

    # --- Qt's questions ----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._names)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            row = self._rows[section]
            return f"{printable(row.prompt)[:60]}  (seed {row.seed})"
        name = printable(self._names[self._order[section]])
        if not self._blind:
            return name
        letter = string.ascii_uppercase[section]
        return f"{letter} · {name}" if self.revealed() else letter

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self.record_at(index)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell_text(record)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole and record is not None:
            return "Space plays it; 1-5 rates it; 0 clears the rating."
        return None

    def _cell_text(self, record: SampleRecord | None) -> str:
        if record is None:
            return "—"
        stars = rating_text(record.rating) or "not rated"
        if self._blind and not self.revealed():
            return stars
        where = "base" if record.reference else f"step {record.step}"
        return f"{where}\n{stars}"


class CompareGridView(QTableView):
    """The grid; digits rate the current cell, Space plays it."""

    rateRequested = Signal(object, object)  # SampleRecord, rating or None
    playRequested = Signal(object)  # SampleRecord

    def keyPressEvent(self, event: QKeyEvent) -> None:
        model = self.model()
        record = model.record_at(self.currentIndex()) if isinstance(model, CompareModel) else None
        key = event.key()
        if record is not None and Qt.Key.Key_0 <= key <= Qt.Key.Key_5:
            rating = key - Qt.Key.Key_0
            self.rateRequested.emit(record, rating or None)
        elif record is not None and key == Qt.Key.Key_Space:
            self.playRequested.emit(record)
        else:
            super().keyPressEvent(event)


class CompareByEar(QWidget):
    """The grid with its toolbar: Play row, Blind, the rating buttons and the reveal.
    ``blindPending`` says whether a blind rating is under way (names still hidden):
    meanwhile nothing else may show the ratings per run, or they would name the columns."""

    blindPending = Signal(bool)

    def __init__(self, rate: Rate, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("samplesCompare")
        self._rate = rate
        self._pending = False
        self.model = CompareModel(self)
        self.grid = CompareGridView(self)
        self.grid.setObjectName("samplesCompareGrid")
        self.grid.setModel(self.model)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setWordWrap(True)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.grid.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.grid.verticalHeader().setMaximumWidth(320)
        self.grid.verticalHeader().setMinimumSectionSize(40)
        self.play_row_button = QPushButton("Play row")
        self.play_row_button.setObjectName("samplesPlayRow")
        self.play_row_button.setToolTip("Play the selected prompt's samples one after another.")
        self.blind_toggle = QCheckBox("Blind")
        self.blind_toggle.setObjectName("samplesBlind")
        self.blind_toggle.setToolTip(
            "Hide and shuffle the run names until you have rated every sample 1-5."
        )
        self.rate_buttons = [QPushButton(str(n)) for n in range(1, 6)]
        self.note = QLabel()
        self.note.setObjectName("samplesCompareNote")
        self.note.setWordWrap(True)
        self._build()
        self.blind_toggle.toggled.connect(self.set_blind)
        self.grid.rateRequested.connect(self._on_rate)
        for signal in (self.model.modelReset, self.model.dataChanged):
            signal.connect(self._sync_note)
            signal.connect(self._sync_pending)

    def _build(self) -> None:
        toolbar = QHBoxLayout()
        toolbar.addWidget(self.play_row_button)
        toolbar.addWidget(self.blind_toggle)
        toolbar.addSpacing(12)
        toolbar.addWidget(QLabel("Rate:"))
        for rating, button in enumerate(self.rate_buttons, start=1):
            button.setObjectName(f"samplesRate{rating}")
            button.setFixedWidth(32)
            button.setToolTip(f"Rate the selected sample {rating} of 5 (key {rating}).")
            button.clicked.connect(lambda _checked=False, r=rating: self.rate_current(r))
            toolbar.addWidget(button)
        toolbar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(toolbar)
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.note)

    def set_grid(self, names: Sequence[str], rows: Sequence[CompareRow]) -> None:
        current = self.grid.currentIndex()
        row, column = (current.row(), current.column()) if current.isValid() else (0, 0)
        self.model.set_grid(names, rows)  # a reload (a rating, a new sample): same cell
        if rows:
            self.grid.setCurrentIndex(self.model.index(min(row, len(rows) - 1), column))

    def set_blind(self, blind: bool, rng: random.Random | None = None) -> None:
        """Blind (names hidden, columns shuffled with ``rng``) or not."""
        self.blind_toggle.blockSignals(True)
        self.blind_toggle.setChecked(blind)
        self.blind_toggle.blockSignals(False)
        self.model.set_blind(blind, rng)
        self.grid.setCurrentIndex(self.model.index(0, 0))

    def current_record(self) -> SampleRecord | None:
        return self.model.record_at(self.grid.currentIndex())

    def rate_current(self, rating: int | None) -> None:
        record = self.current_record()
        if record is not None:
            self._on_rate(record, rating)

    def _on_rate(self, record: SampleRecord, rating: int | None) -> None:
        self._rate(record, rating)

    def show_rating(self, sample_id: int, rating: int | None) -> None:
        """A rating was stored: show it (and the names, once every cell is rated)."""
        self.model.set_rating(sample_id, rating)

    def blind_pending(self) -> bool:
        return self._pending

    def _sync_pending(self, *_args: Any) -> None:
        pending = self.model.is_blind() and not self.model.revealed()
        if pending != self._pending:
            self._pending = pending
            self.blindPending.emit(pending)

    def _sync_note(self, *_args: Any) -> None:
        model = self.model
        if model.rowCount() == 0:
            text = "None of these runs has samples yet: runs record them while they train."
        elif model.is_blind() and not model.revealed():
            text = "Blind: rate every sample 1-5 (keys 1-5) to reveal which run made which."
        elif model.is_blind():
            text = "Revealed: " + ", ".join(model.names_shown())
        else:
            text = (
                "Each run's latest sample for the same prompt and seed, beside the base "
                "model's. Space plays the selected one; Play row plays them in turn."
            )
        self.note.setText(text)
