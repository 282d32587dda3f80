"""A centred message that says what is missing and offers the one action that fixes it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from musiclab_desktop.ui.resources import icon
from musiclab_desktop.ui.widgets import muted_label, title_label


def centred_column(page: QWidget, *, max_width: int, weight: int) -> QVBoxLayout:
    """Lay ``page`` out as a centred column of bounded width; returns the column's layout.

    The column is added without an alignment flag, so wrapped text gets its height for
    that width (an aligned label would not)."""
    outer = QHBoxLayout(page)
    outer.setContentsMargins(32, 32, 32, 32)
    column = QWidget(page)
    column.setMaximumWidth(max_width)
    outer.addStretch(1)
    outer.addWidget(column, weight)
    outer.addStretch(1)
    layout = QVBoxLayout(column)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(10)
    return layout


class EmptyState(QWidget):
    """Icon, title, one or two sentences and an optional button, centred."""

    def __init__(self, icon_name: str, title: str, text: str, button_text: str = "",
                 parent: QWidget | None = None, icon_size: int = 56) -> None:
        super().__init__(parent)
        layout = centred_column(self, max_width=460, weight=4)
        layout.addStretch(3)
        glyph = QLabel(self)
        glyph.setPixmap(icon(icon_name, QPalette.ColorRole.PlaceholderText)
                        .pixmap(icon_size, icon_size))
        glyph.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(glyph)
        self.title = title_label(title, self, factor=1.3)
        self.title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.title)
        self.text = muted_label(text, self)
        self.text.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.text.setWordWrap(True)
        layout.addWidget(self.text)
        self.button: QPushButton | None = None
        if button_text:
            self.button = QPushButton(button_text, self)
            self.button.setDefault(True)
            layout.addSpacing(6)
            layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(4)
