"""Status badges: a status painted as a pill, with the look ui/status_style.py gives it."""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QLabel, QWidget

from musiclab_desktop.ui.status_style import status_style

TEXT_COLOUR = QColor("#ffffff")
_PAD_X = 7
_PAD_Y = 2


def badge_label(status: str) -> str:
    return status_style(status).label


def badge_colour(status: str) -> QColor:
    return QColor(status_style(status).colour)


def badge_font(base: QFont) -> QFont:
    font = QFont(base)
    font.setPointSizeF(max(7.0, base.pointSizeF() * 0.82))
    font.setWeight(QFont.Weight.DemiBold)
    return font


def badge_size(text: str, font: QFont) -> QSize:
    metrics = QFontMetrics(font)
    return QSize(metrics.horizontalAdvance(text) + 2 * _PAD_X, metrics.height() + 2 * _PAD_Y)


def paint_badge(painter: QPainter, rect: QRect, text: str, colour: QColor, font: QFont) -> None:
    """A rounded pill of ``colour`` with ``text`` centred in white."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    radius = rect.height() / 2
    painter.drawRoundedRect(QRectF(rect), radius, radius)
    painter.setFont(font)
    painter.setPen(TEXT_COLOUR)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()


class StatusBadge(QLabel):
    """A badge as a widget, for headers and the Overview."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBadge")
        self._status = ""

    def set_status(self, status: str) -> None:
        self._status = status
        self.setText(badge_label(status))
        self.setToolTip(f"Status: {badge_label(status)}")
        self.updateGeometry()
        self.update()

    def status(self) -> str:
        return self._status

    def sizeHint(self) -> QSize:
        return badge_size(self.text(), badge_font(self.font()))

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, event: object) -> None:
        painter = QPainter(self)
        size = self.sizeHint()
        rect = QRect(0, (self.height() - size.height()) // 2, size.width(), size.height())
        paint_badge(painter, rect, self.text(), badge_colour(self._status),
                    badge_font(self.font()))
        painter.end()
