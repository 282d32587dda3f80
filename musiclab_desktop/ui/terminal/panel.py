"""TerminalPanel: the terminal view under a small toolbar of log actions."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from musiclab_desktop.ui.widgets import text_tool_button

from .view import TerminalView

_RAW_FILTER = "Raw log with colours (*.log *.txt);;All files (*)"
_PLAIN_FILTER = "Plain text (*.txt *.log);;All files (*)"


class TerminalPanel(QWidget):
    """Copy all, Save log as (raw or plain), Find, Jump to first error, Follow, and the view."""

    def __init__(self, parent: QWidget | None = None, *, view: TerminalView | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("terminalPanel")
        self.view = view or TerminalView(self)
        self.suggested_name = "run"  # the save dialog proposes <name>.log / <name>.txt
        self._status = QLabel(self)
        self._status.setObjectName("terminalStatus")
        self._follow = text_tool_button(self, "Follow", "followTailButton",
                                        "Keep showing the newest output")
        self._follow.setCheckable(True)
        self._follow.setChecked(self.view.is_following())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(self._toolbar())
        layout.addWidget(self.view, 1)
        self._follow.clicked.connect(self._on_follow_clicked)
        self.view.followTailChanged.connect(self._follow.setChecked)
        find = QAction(self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.triggered.connect(self.view.show_search)
        self.addAction(find)

    def _toolbar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        copy_all = text_tool_button(self, "Copy all", "copyAllButton",
                                    "Copy the whole log as plain text")
        copy_all.clicked.connect(self.view.copy_all)
        save = text_tool_button(self, "Save log as…", "saveLogButton", "Save the log to a file")
        menu = QMenu(save)
        menu.addAction("Raw log (with colours)…", lambda: self.save_log_as(raw=True))
        menu.addAction("Plain text…", lambda: self.save_log_as(raw=False))
        save.setMenu(menu)
        save.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        find = text_tool_button(self, "Find", "findButton", "Search the log (Ctrl+F)")
        find.clicked.connect(self.view.show_search)
        jump = text_tool_button(self, "Jump to first error", "jumpToErrorButton",
                                "First traceback or error")
        jump.clicked.connect(self._jump_to_error)
        for widget in (copy_all, save, find, jump):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self._status)
        bar.addWidget(self._follow)
        return bar

    def save_log_as(self, *, raw: bool) -> bool:
        """Ask for a file and save the log there; False when cancelled or it failed."""
        suffix = "log" if raw else "txt"
        path, _filter = QFileDialog.getSaveFileName(
            self,
            "Save log as",
            f"{self.suggested_name}.{suffix}",
            _RAW_FILTER if raw else _PLAIN_FILTER,
        )
        if not path:
            return False
        try:
            self.view.save_log(path, raw=raw)
        except OSError as error:
            QMessageBox.warning(self, "Save log", f"The log could not be saved: {error.strerror}.")
            return False
        self._status.setText(f"Saved to {path}")
        return True

    def _jump_to_error(self) -> None:
        found = self.view.jump_to_first_error()
        self._status.setText("" if found else "No error in this log")

    def _on_follow_clicked(self, checked: bool) -> None:
        if checked:
            self.view.scroll_to_bottom()
        else:
            self._follow.setChecked(self.view.is_following())
