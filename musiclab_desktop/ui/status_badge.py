"""Status badges: the one place that decides a status's label and colour.

Badge colours are fixed rather than taken from the palette: each is a saturated fill
with white text, readable on light and dark backgrounds alike.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QLabel, QWidget

from musiclab_desktop.core.models import ExperimentStatus, RunStatus

_COLOURS: dict[str, str] = {
    ExperimentStatus.DRAFT: "#64748b",
    ExperimentStatus.RUNNING: "#2563eb",
    ExperimentStatus.COMPLETED: "#15803d",
    ExperimentStatus.FAILED: "#dc2626",
    ExperimentStatus.ARCHIVED: "#8a8f98",
    RunStatus.PENDING: "#b45309",
    RunStatus.CANCELLED: "#6b7280",
}
_LABELS: dict[str, str] = {
    ExperimentStatus.DRAFT: "Draft",
    ExperimentStatus.RUNNING: "Training",
    ExperimentStatus.COMPLETED: "Completed",
    ExperimentStatus.FAILED: "Failed",
    ExperimentStatus.ARCHIVED: "Archived",
    RunStatus.PENDING: "Queued",
    RunStatus.CANCELLED: "Cancelled",
}
TEXT_COLOUR = QColor("#ffffff")
_PAD_X = 7
_PAD_Y = 2


def badge_label(status: str) -> str:
    return _LABELS.get(status, status.title())


def badge_colour(status: str) -> QColor:
    return QColor(_COLOURS.get(status, "#64748b"))


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
