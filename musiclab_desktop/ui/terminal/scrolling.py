"""Which line a terminal view shows at its top, and whether it follows the tail.

Scrolling up pauses following the newest output; scrolling back to the bottom resumes
it. The position is kept as a distance from the end, so a view that is not following
stays on the same lines while output arrives.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QScrollBar

from .document import TerminalDocument


class ScrollPosition(QObject):
    """The view's scroll bar and top line, kept in step with the document's lines."""

    followTailChanged = Signal(bool)
    scrolled = Signal()  # the user moved the bar: the view paints again

    def __init__(self, bar: QScrollBar, document: TerminalDocument, parent: QObject) -> None:
        super().__init__(parent)
        self._bar = bar
        self._document = document
        self.top = 0  # the absolute line at the top of the viewport
        self._from_bottom = 0
        self.following = True
        self._moving_by_code = False
        bar.setSingleStep(1)
        bar.valueChanged.connect(self._on_bar_moved)

    def sync(self, page: int) -> None:
        """Fit the bar to the document's lines and a page of ``page`` rows."""
        first, end = self._document.first_line, self._document.end_line
        maximum = max(0, end - first - page)
        if self.following:
            self.top = first + maximum
        else:
            self.top = min(max(self.top, first), first + maximum)
        self._from_bottom = end - self.top
        self._moving_by_code = True
        try:
            self._bar.setRange(0, maximum)
            self._bar.setPageStep(page)
            self._bar.setValue(self.top - first)
        finally:
            self._moving_by_code = False

    def keep_distance_from_end(self) -> None:
        """The lines were replaced: stay as far from the end as before."""
        self.top = self._document.end_line - self._from_bottom

    def set_following(self, follow: bool) -> None:
        if follow != self.following:
            self.following = follow
            self.followTailChanged.emit(follow)

    def scroll_to_bottom(self) -> None:
        self._bar.setValue(self._bar.maximum())
        self.set_following(True)

    def scroll_to_top(self) -> None:
        self._bar.setValue(0)

    def scroll_by(self, rows: int) -> None:
        self._bar.setValue(self._bar.value() + rows)

    def reveal(self, line: int, page: int) -> None:
        """Scroll so ``line`` is visible, a third from the top when it has to move."""
        if self.top <= line < self.top + page:
            return
        value = line - self._document.first_line - page // 3
        self._bar.setValue(max(0, min(self._bar.maximum(), value)))

    def _on_bar_moved(self, value: int) -> None:
        if self._moving_by_code:
            return
        self.top = self._document.first_line + value
        self._from_bottom = self._document.end_line - self.top
        self.set_following(value >= self._bar.maximum())
        self.scrolled.emit()
