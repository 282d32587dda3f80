"""The Ctrl+F bar that floats over the top right corner of the terminal view."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from musiclab_desktop.ui.widgets import text_tool_button

_STYLE = """
#terminalSearchBar { background: #252526; border: 1px solid #454545; border-radius: 4px; }
#terminalSearchBar QLabel, #terminalSearchBar QCheckBox { color: #cccccc; }
#terminalSearchField { background: #3c3c3c; color: #cccccc; border: 1px solid #3c3c3c;
                       padding: 2px 4px; selection-background-color: #264f78; }
#terminalSearchField[invalid="true"] { border: 1px solid #f14c4c; }
#terminalSearchBar QToolButton { color: #cccccc; border: none; padding: 2px 6px; }
#terminalSearchBar QToolButton:hover { background: #3c3c3c; }
"""


class TerminalSearchBar(QFrame):
    """Pattern, regex switch, previous/next and close; asks the view to search."""

    findRequested = Signal(str, bool, bool)  # pattern, regex, backwards
    closed = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("terminalSearchBar")
        self.setStyleSheet(_STYLE)
        self.field = QLineEdit(self)
        self.field.setObjectName("terminalSearchField")
        self.field.setPlaceholderText("Find in log")
        self.field.setClearButtonEnabled(True)
        self.field.setMinimumWidth(220)
        self.regex = QCheckBox("Regex", self)
        self.regex.setObjectName("terminalSearchRegex")
        self.status = QLabel(self)
        self.status.setObjectName("terminalSearchStatus")
        self.previous = text_tool_button(self, "↑", "terminalSearchPrevious",
                                         "Previous match (Shift+Enter)")
        self.next = text_tool_button(self, "↓", "terminalSearchNext", "Next match (Enter)")
        close = text_tool_button(self, "✕", "terminalSearchClose", "Close (Esc)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 4, 4)
        layout.setSpacing(4)
        for widget in (self.field, self.regex, self.status, self.previous, self.next, close):
            layout.addWidget(widget)
        self.field.textEdited.connect(lambda _text: self._request(backwards=False))
        self.regex.toggled.connect(lambda _on: self._request(backwards=False))
        self.previous.clicked.connect(lambda: self._request(backwards=True))
        self.next.clicked.connect(lambda: self._request(backwards=False))
        close.clicked.connect(self.close_bar)
        self.field.installEventFilter(self)

    @property
    def pattern(self) -> str:
        return self.field.text()

    def open_bar(self, pattern: str | None = None) -> None:
        if pattern:
            self.field.setText(pattern)
        self.show()
        self.raise_()
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.closed.emit()

    def show_result(self, *, found: bool, invalid: bool) -> None:
        text = "Invalid pattern" if invalid else ("" if found or not self.pattern else "No matches")
        self.status.setText(text)
        self.field.setProperty("invalid", invalid)
        self.field.style().unpolish(self.field)
        self.field.style().polish(self.field)

    def _request(self, *, backwards: bool) -> None:
        self.findRequested.emit(self.pattern, self.regex.isChecked(), backwards)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.field and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                shifted = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
                self._request(backwards=shifted)
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.close_bar()
                return True
        return super().eventFilter(watched, event)
