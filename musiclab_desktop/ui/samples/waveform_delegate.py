"""Paints each sample row's sound: the waveform (min/max per pixel column) above a small
spectrogram, or the row's problem in place of them."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QSize
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from musiclab_desktop.ui.samples.loading import LoadedSample
from musiclab_desktop.ui.samples.samples_model import SAMPLE_ROLE

WAVE_COLOUR = QColor("#4a90d9")
PROBLEM_COLOUR = QColor("#d05050")
ROW_HEIGHT = 44
WAVE_SHARE = 0.45  # of the cell's height; the spectrogram takes the rest


class WaveformDelegate(QStyledItemDelegate):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        hint = super().sizeHint(option, index)
        if not isinstance(index.data(SAMPLE_ROLE), LoadedSample):
            return hint  # a step's row: one line of text
        return QSize(hint.width(), max(hint.height(), ROW_HEIGHT))

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        sample = index.data(SAMPLE_ROLE)
        if not isinstance(sample, LoadedSample) or sample.thumbnail is None:
            if isinstance(sample, LoadedSample):
                option.palette.setColor(option.palette.ColorRole.Text, PROBLEM_COLOUR)
            super().paint(painter, option, index)
            return
        style = option.widget.style() if option.widget is not None else None
        if style is not None:
            style.drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget
            )
        cell = option.rect.adjusted(4, 3, -4, -3)
        wave_height = int(cell.height() * WAVE_SHARE)
        rect = cell.adjusted(0, 0, 0, wave_height - cell.height())
        mins, maxs = sample.thumbnail.mins, sample.thumbnail.maxs
        xs = rect.left() + np.linspace(0.0, rect.width(), len(maxs))
        middle, half = rect.center().y(), rect.height() / 2
        top = [QPointF(x, middle - y * half) for x, y in zip(xs, maxs, strict=True)]
        bottom = [QPointF(x, middle - y * half) for x, y in zip(xs[::-1], mins[::-1], strict=True)]
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        colour = option.palette.highlightedText().color() if selected else WAVE_COLOUR
        painter.setPen(QPen(colour, 1))
        painter.setBrush(colour)
        painter.drawPolygon(QPolygonF(top + bottom))
        if sample.spectrogram_thumbnail is not None:
            painter.drawImage(cell.adjusted(0, wave_height + 1, 0, 0), sample.spectrogram_thumbnail)
        painter.restore()
