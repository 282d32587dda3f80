"""Small building blocks shared by the window's pages: titles, muted text, panels.

The look is made with the palette and a little painting, never a style sheet: an
application style sheet would restyle every widget of the process (the terminal and
the charts included) and switches widgets to a slower, less native drawing path.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QSizePolicy,
    QSplitter,
    QSplitterHandle,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

# One red for errors, readable on light and dark backgrounds.
ERROR_COLOUR = QColor("#e5484d")


def scaled_font(base: QFont, factor: float, weight: QFont.Weight | None = None) -> QFont:
    font = QFont(base)
    font.setPointSizeF(base.pointSizeF() * factor)
    if weight is not None:
        font.setWeight(weight)
    return font


def title_label(text: str, parent: QWidget | None = None, factor: float = 1.45) -> QLabel:
    label = QLabel(text, parent)
    label.setFont(scaled_font(label.font(), factor, QFont.Weight.DemiBold))
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def heading_label(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setFont(scaled_font(label.font(), 1.1, QFont.Weight.DemiBold))
    return label


def muted_label(text: str, parent: QWidget | None = None) -> QLabel:
    """Secondary text in the palette's placeholder colour (follows light and dark)."""
    label = QLabel(text, parent)
    mute(label)
    return label


def mute(widget: QWidget) -> None:
    widget.setForegroundRole(QPalette.ColorRole.PlaceholderText)


def caption_label(text: str, parent: QWidget | None = None) -> QLabel:
    """A small upper-case caption above a value, as on a stat card."""
    label = muted_label(text.upper(), parent)
    font = scaled_font(label.font(), 0.8, QFont.Weight.DemiBold)
    font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 106)
    label.setFont(font)
    return label


def error_label(parent: QWidget | None = None, name: str = "") -> QLabel:
    """An inline error message in the error red; hidden until it has text."""
    label = QLabel(parent)
    if name:
        label.setObjectName(name)
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, ERROR_COLOUR)
    label.setPalette(palette)
    label.setWordWrap(True)
    label.hide()
    return label


def paint_panel(widget: QWidget, fill: QColor | None, border: QColor, radius: float = 8) -> None:
    """A rounded panel over the whole widget: the background of cards and banners."""
    painter = QPainter(widget)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(border, 1))
    painter.setBrush(fill if fill is not None else Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(QRectF(widget.rect()).adjusted(0.5, 0.5, -0.5, -0.5), radius, radius)
    painter.end()


class Card(QFrame):
    """A rounded panel on the base colour, holding one topic of a page."""

    def __init__(self, parent: QWidget | None = None, margins: int = 16) -> None:
        super().__init__(parent)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(margins, margins - 2, margins, margins)
        self.body.setSpacing(6)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    def paintEvent(self, event: QPaintEvent) -> None:
        palette = self.palette()
        paint_panel(self, palette.color(QPalette.ColorRole.Base),
                    palette.color(QPalette.ColorRole.Midlight))


class _LineHandle(QSplitterHandle):
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Midlight))
        painter.end()


class LineSplitter(QSplitter):
    """A splitter whose handle is a one-pixel line in the palette's divider colour."""

    def __init__(self, orientation: Qt.Orientation, parent: QWidget | None = None) -> None:
        super().__init__(orientation, parent)
        self.setHandleWidth(1)

    def createHandle(self) -> QSplitterHandle:
        return _LineHandle(self.orientation(), self)


def separator(parent: QWidget | None = None) -> QFrame:
    line = QFrame(parent)
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Plain)
    line.setForegroundRole(QPalette.ColorRole.Midlight)
    return line


def text_tool_button(parent: QWidget, text: str, name: str, tip: str) -> QToolButton:
    """A flat toolbar button with a word or a symbol on it (no icon), raised on hover."""
    button = QToolButton(parent)
    button.setText(text)
    button.setObjectName(name)
    button.setToolTip(tip)
    button.setAutoRaise(True)
    return button


def read_only_table(name: str, parent: QWidget) -> QTableView:
    """A table of records to pick from: whole rows, one at a time, no editing, no grid."""
    table = QTableView(parent)
    table.setObjectName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.horizontalHeader().setHighlightSections(False)
    table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    return table
