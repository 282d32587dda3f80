"""The Samples view's model: one parent row per step, one child row per prompt.

It holds :class:`LoadedSample` values and answers the view's questions (the sample
at a step, the same prompt one step earlier or later); it reads nothing itself.
"""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel

from musiclab_desktop.core.display import printable
from musiclab_desktop.core.records import SampleRecord
from musiclab_desktop.ui.samples.loading import LoadedSample

SAMPLE_ROLE = Qt.ItemDataRole.UserRole + 1  # the LoadedSample of a child row
STEP_ROLE = Qt.ItemDataRole.UserRole + 2  # the step of a row (parent or child)
Index = QModelIndex | QPersistentModelIndex


class SampleColumn(IntEnum):
    PROMPT = 0
    WAVEFORM = 1
    LENGTH = 2
    RATING = 3


HEADERS = ("Prompt", "Sound", "Length", "Rating")


def step_title(record: SampleRecord) -> str:
    return "Base model (before training)" if record.reference else f"Step {record.step}"


def rating_text(rating: int | None) -> str:
    return "" if rating is None else "★" * rating + "☆" * (5 - rating)


class SamplesModel(QStandardItemModel):
    """Steps (parents) and their samples (children), in step order."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setHorizontalHeaderLabels(list(HEADERS))
        self._samples: list[LoadedSample] = []

    def set_samples(self, samples: list[LoadedSample]) -> None:
        self.removeRows(0, self.rowCount())
        self._samples = sorted(samples, key=lambda s: (s.record.step, s.record.prompt_index))
        parent: QStandardItem | None = None
        for sample in self._samples:
            record = sample.record
            if parent is None or parent.data(STEP_ROLE) != record.step:
                parent = self._step_item(record)
                self.appendRow([parent] + [self._plain_item(record.step) for _ in HEADERS[1:]])
            parent.appendRow(self._sample_items(sample))

    def samples(self) -> list[LoadedSample]:
        return list(self._samples)

    def _step_item(self, record: SampleRecord) -> QStandardItem:
        item = self._plain_item(record.step)
        item.setText(step_title(record))
        font = item.font()
        font.setBold(True)
        item.setFont(font)
        return item

    @staticmethod
    def _plain_item(step: int) -> QStandardItem:
        item = QStandardItem()
        item.setEditable(False)
        item.setData(step, STEP_ROLE)
        return item

    def _sample_items(self, sample: LoadedSample) -> list[QStandardItem]:
        record = sample.record
        items = [self._plain_item(record.step) for _ in HEADERS]
        for item in items:
            item.setData(sample, SAMPLE_ROLE)
        prompt = printable(record.prompt) or f"Prompt {record.prompt_index + 1}"
        items[SampleColumn.PROMPT].setText(prompt)
        items[SampleColumn.PROMPT].setToolTip(
            f"{prompt}\nSeed {record.seed} · {record.sample_rate} Hz · {record.path}"
        )
        if sample.problem is not None:
            items[SampleColumn.WAVEFORM].setText(sample.problem)
            items[SampleColumn.WAVEFORM].setToolTip(sample.problem)
        items[SampleColumn.LENGTH].setText(f"{record.seconds:.1f} s")
        items[SampleColumn.RATING].setText(rating_text(record.rating))
        return items

    # --- questions the view asks ------------------------------------------------------

    def sample_at(self, index: Index) -> LoadedSample | None:
        value = index.data(SAMPLE_ROLE) if index.isValid() else None
        return value if isinstance(value, LoadedSample) else None

    def index_of(self, sample_id: int) -> QModelIndex:
        for step_row in range(self.rowCount()):
            step = self.index(step_row, 0)
            for row in range(self.rowCount(step)):
                child = self.index(row, 0, step)
                sample = self.sample_at(child)
                if sample is not None and sample.record.id == sample_id:
                    return child
        return QModelIndex()

    def index_at(self, step: int, prompt_index: int) -> QModelIndex:
        for sample in self._samples:
            record = sample.record
            if record.step == step and record.prompt_index == prompt_index:
                return self.index_of(record.id)
        return QModelIndex()

    def nearest_step(self, step: int) -> int | None:
        """The sampled step nearest ``step`` (a click on the chart lands near one)."""
        steps = {sample.record.step for sample in self._samples}
        return min(steps, key=lambda s: (abs(s - step), s)) if steps else None

    def same_prompt(self, index: Index, delta: int) -> QModelIndex:
        """The sample of the same prompt ``delta`` sampled steps away (invalid at the ends)."""
        sample = self.sample_at(index)
        if sample is None:
            return QModelIndex()
        prompt = sample.record.prompt_index
        steps = sorted({s.record.step for s in self._samples if s.record.prompt_index == prompt})
        position = steps.index(sample.record.step) + delta
        if not 0 <= position < len(steps):
            return QModelIndex()
        return self.index_at(steps[position], prompt)
