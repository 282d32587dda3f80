"""Paints one experiment row: name and status badge, then dataset, best loss and age."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from musiclab_desktop.ui.experiment_list.model import ExperimentRoles
from musiclab_desktop.ui.status_badge import badge_font, badge_size, paint_badge

AnyIndex = QModelIndex | QPersistentModelIndex
PAD_X = 12
PAD_Y = 9
LINE_GAP = 3


def _name_font(base: QFont) -> QFont:
    font = QFont(base)
    font.setWeight(QFont.Weight.DemiBold)
    return font


def _detail_font(base: QFont) -> QFont:
    font = QFont(base)
    font.setPointSizeF(base.pointSizeF() * 0.9)
    return font


class ExperimentDelegate(QStyledItemDelegate):
    """Two lines per experiment; archived rows are drawn in the palette's muted colour."""

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        name_height = QFontMetrics(_name_font(option.font)).height()
        detail_height = QFontMetrics(_detail_font(option.font)).height()
        return QSize(200, PAD_Y * 2 + name_height + LINE_GAP + detail_height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        painter.save()
        self._paint_background(painter, option)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        archived = bool(index.data(ExperimentRoles.Archived))
        text_colour, muted = self._colours(option, selected, archived)
        content = option.rect.adjusted(PAD_X, PAD_Y, -PAD_X, -PAD_Y)
        name_font = _name_font(option.font)
        name_height = QFontMetrics(name_font).height()
        top = QRect(content.left(), content.top(), content.width(), name_height)
        bottom = QRect(content.left(), top.bottom() + 1 + LINE_GAP, content.width(),
                       content.bottom() - top.bottom() - LINE_GAP)

        badge_rect = self._paint_badge(painter, option, index, top)
        name_rect = top.adjusted(0, 0, -(badge_rect.width() + 8), 0)
        self._paint_text(painter, name_rect, str(index.data()), name_font, text_colour)

        detail_font = _detail_font(option.font)
        updated = str(index.data(ExperimentRoles.Updated) or "")
        updated_width = QFontMetrics(detail_font).horizontalAdvance(updated)
        updated_rect = QRect(bottom.right() - updated_width, bottom.top(), updated_width + 1,
                             bottom.height())
        self._paint_text(painter, updated_rect, updated, detail_font, muted,
                         Qt.AlignmentFlag.AlignRight)
        subtitle_rect = bottom.adjusted(0, 0, -(updated_width + 12), 0)
        self._paint_text(painter, subtitle_rect, str(index.data(ExperimentRoles.Subtitle) or ""),
                         detail_font, muted)
        self._paint_separator(painter, option)
        painter.restore()

    @staticmethod
    def _paint_background(painter: QPainter, option: QStyleOptionViewItem) -> None:
        style = option.widget.style() if option.widget else QApplication.style()
        # The style's own selection and hover panel, so the row matches the platform.
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter,
                            option.widget)

    @staticmethod
    def _colours(option: QStyleOptionViewItem, selected: bool, archived: bool
                 ) -> tuple[QColor, QColor]:
        palette = option.palette
        if selected:
            text = palette.color(QPalette.ColorRole.HighlightedText)
            muted = QColor(text)
            muted.setAlphaF(0.78)
            return text, muted
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        text = muted if archived else palette.color(QPalette.ColorRole.Text)
        return text, muted

    @staticmethod
    def _paint_badge(painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex,
                     line: QRect) -> QRect:
        text = str(index.data(ExperimentRoles.BadgeText) or "")
        font = badge_font(option.font)
        size = badge_size(text, font)
        rect = QRect(line.right() - size.width() + 1,
                     line.top() + (line.height() - size.height()) // 2,
                     size.width(), size.height())
        paint_badge(painter, rect, text, index.data(ExperimentRoles.BadgeColour), font)
        return rect

    @staticmethod
    def _paint_text(painter: QPainter, rect: QRect, text: str, font: QFont, colour: QColor,
                    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> None:
        painter.setFont(font)
        painter.setPen(colour)
        elided = QFontMetrics(font).elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(rect, align | Qt.AlignmentFlag.AlignVCenter, elided)

    @staticmethod
    def _paint_separator(painter: QPainter, option: QStyleOptionViewItem) -> None:
        colour = option.palette.color(QPalette.ColorRole.Midlight)
        painter.setPen(colour)
        rect = option.rect
        painter.drawLine(rect.left() + PAD_X, rect.bottom(), rect.right() - PAD_X, rect.bottom())
