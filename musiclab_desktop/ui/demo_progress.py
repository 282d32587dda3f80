"""The demo's progress dialog: its steps as a checklist, the current one marked."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDialog, QLabel, QProgressBar, QVBoxLayout, QWidget

from musiclab_desktop.ui.widgets import muted_label

PENDING, CURRENT, DONE = "○", "▶", "✓"


class DemoProgressDialog(QDialog):
    """Window-modal while the demo is built off the GUI thread; closed by the window
    when the op reports back. No Cancel: the model build cannot stop half-way."""

    stepStarted = Signal(int)

    def __init__(self, steps: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("demoProgressDialog")
        self.setWindowTitle("Preparing the demo")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        self._steps = list(steps)
        self._current = -1
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 18)
        layout.setSpacing(8)
        intro = muted_label("Everything is made on this computer; nothing is downloaded.",
                            self)
        layout.addWidget(intro)
        self.step_labels: list[QLabel] = []
        for index in range(len(self._steps)):
            label = QLabel(self)
            label.setObjectName(f"demoStep{index}")
            self.step_labels.append(label)
            layout.addWidget(label)
        self.bar = QProgressBar(self)
        self.bar.setObjectName("demoProgressBar")
        self.bar.setRange(0, 0)  # busy: a step's length is unknown
        self.bar.setTextVisible(False)
        layout.addSpacing(4)
        layout.addWidget(self.bar)
        self.setMinimumWidth(480)
        self._show_states()

    def on_step(self, index: int, _total: int = 0) -> None:
        """Step ``index`` started (a ProgressRelay's progressed(done, total))."""
        self._current = index
        self._show_states()
        self.stepStarted.emit(index)

    def current_step(self) -> int:
        return self._current

    def step_texts(self) -> list[str]:
        return [label.text() for label in self.step_labels]

    def _show_states(self) -> None:
        for index, (label, text) in enumerate(zip(self.step_labels, self._steps, strict=True)):
            mark = DONE if index < self._current else CURRENT if index == self._current else (
                PENDING)
            label.setText(f"{mark}  {text}")
            font = QFont(label.font())
            font.setBold(index == self._current)
            label.setFont(font)
            label.setEnabled(index <= self._current)

    def reject(self) -> None:
        """Escape does nothing: the window closes the dialog when the demo is ready."""
