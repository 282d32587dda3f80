"""The tree of one run's samples, grouped by step, that hands its keys to the view.

Space and Up/Down mean something in the Samples tab (play or pause; the same prompt one
sampled step earlier or later) and 0-5 rate the selected sample: the tree names the
action, the view decides what it does.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeView

from musiclab_desktop.ui.samples.samples_model import SampleColumn, SamplesModel
from musiclab_desktop.ui.samples.waveform_delegate import WaveformDelegate

TREE_KEYS = {
    Qt.Key.Key_Space: "toggle",
    Qt.Key.Key_Up: "up",
    Qt.Key.Key_Down: "down",
    **{Qt.Key(Qt.Key.Key_0 + digit): f"rate:{digit}" for digit in range(6)},
}
WAVEFORM_WIDTH = 130


class SamplesTree(QTreeView):
    """``keyAction``: "toggle", "up", "down" or "rate:N" (0 clears)."""

    keyAction = Signal(str)

    def __init__(self, model: SamplesModel) -> None:
        super().__init__()
        self.setObjectName("samplesTree")
        self.setModel(model)
        self.setItemDelegateForColumn(SampleColumn.WAVEFORM, WaveformDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        header = self.header()
        header.setSectionResizeMode(SampleColumn.PROMPT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(SampleColumn.WAVEFORM, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(SampleColumn.WAVEFORM, WAVEFORM_WIDTH)
        for column in (SampleColumn.LENGTH, SampleColumn.RATING):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        action = TREE_KEYS.get(Qt.Key(event.key()))
        if action is not None and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            self.keyAction.emit(action)
            event.accept()
            return
        super().keyPressEvent(event)
