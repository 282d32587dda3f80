"""Painting the runs table: status badges, and the one action button a row offers.

Active runs (PENDING, RUNNING) offer Cancel; finished runs (COMPLETED, FAILED,
CANCELLED) offer Delete. A row never shows both, and an active row has no Delete
button at all. Buttons are painted, not widgets, so a table of thousands of runs
stays light; a click inside a button's rectangle emits ``actionTriggered``.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QRect, QSize, Signal
from PySide6.QtGui import QFont, QMouseEvent, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionButton,
    QStyleOptionViewItem,
    QWidget,
)

from musiclab_desktop.core.status import RunStatus
from musiclab_desktop.ui.runs.runs_model import RUN_ID_ROLE, STATUS_ROLE, Column
from musiclab_desktop.ui.status_badge import badge_colour, badge_label, badge_size, paint_badge

Index = QModelIndex | QPersistentModelIndex

ACTION_WIDTH = 86
ROW_HEIGHT = 30  # every row: the table never sizes rows to their contents
CANCEL = "cancel"
DELETE = "delete"
_LABELS = {CANCEL: "Cancel", DELETE: "Delete"}


def status_column_width(font: QFont) -> int:
    """Wide enough for the widest status badge (a label in capitals is wider than any)."""
    return badge_size(RunStatus.CANCELLED, font).width() + 16


def row_action(status: str) -> str:
    """The single action a run in ``status`` offers."""
    return CANCEL if status in RunStatus.ACTIVE else DELETE


class RunsDelegate(QStyledItemDelegate):
    actionTriggered = Signal(int, str)  # run_id, CANCEL | DELETE

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        column = index.column()
        if column == Column.STATUS:
            self._paint_status(painter, option, index)
        elif column == Column.ACTIONS:
            self._paint_action(painter, option, index)
        else:
            super().paint(painter, option, index)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        hint = super().sizeHint(option, index)
        if index.column() == Column.ACTIONS:
            return QSize(ACTION_WIDTH, max(hint.height(), ROW_HEIGHT))
        if index.column() == Column.STATUS:
            return QSize(status_column_width(option.font), hint.height())
        return QSize(hint.width(), max(hint.height(), ROW_HEIGHT))

    def button_rect(self, cell: QRect) -> QRect:
        return cell.adjusted(6, 4, -6, -4)

    def editorEvent(self, event: QEvent, model: object, option: QStyleOptionViewItem,
                    index: Index) -> bool:
        if index.column() != Column.ACTIONS or event.type() != QEvent.Type.MouseButtonRelease:
            return super().editorEvent(event, model, option, index)  # type: ignore[arg-type]
        assert isinstance(event, QMouseEvent)
        if self.button_rect(option.rect).contains(event.position().toPoint()):
            action = row_action(index.data(STATUS_ROLE))
            self.actionTriggered.emit(index.data(RUN_ID_ROLE), action)
            return True
        return False

    def _paint_status(self, painter: QPainter, option: QStyleOptionViewItem, index: Index
                      ) -> None:
        self._paint_background(painter, option, index)
        status = index.data(STATUS_ROLE)
        text = badge_label(status)
        size = badge_size(text, option.font)
        rect = QRect(option.rect.left() + 8, option.rect.center().y() - size.height() // 2 + 1,
                     size.width(), size.height())
        paint_badge(painter, rect, text, badge_colour(status), option.font)

    def _paint_action(self, painter: QPainter, option: QStyleOptionViewItem, index: Index
                      ) -> None:
        self._paint_background(painter, option, index)
        button = QStyleOptionButton()
        button.rect = self.button_rect(option.rect)
        button.text = _LABELS[row_action(index.data(STATUS_ROLE))]
        button.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Raised
        button.palette = option.palette
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_PushButton, button, painter, option.widget)

    def _paint_background(self, painter: QPainter, option: QStyleOptionViewItem, index: Index
                          ) -> None:
        plain = QStyleOptionViewItem(option)
        self.initStyleOption(plain, index)
        plain.text = ""
        widget: QWidget | None = option.widget
        style = widget.style() if widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, plain, painter, widget)
