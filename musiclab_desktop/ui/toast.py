"""A non-modal notification that appears at the bottom of a window and fades out."""

from __future__ import annotations

from PySide6.QtCore import QEasingCurve, QEvent, QObject, QPropertyAnimation, Qt, QTimer
from PySide6.QtGui import QPaintEvent, QPalette
from PySide6.QtWidgets import QFrame, QGraphicsOpacityEffect, QHBoxLayout, QLabel, QWidget

from musiclab_desktop.ui.resources import icon
from musiclab_desktop.ui.widgets import paint_panel

VISIBLE_MS = 3200
FADE_MS = 450
_MARGIN = 24


class Toast(QFrame):
    """One message over the bottom centre of its host window; it never takes focus."""

    def __init__(self, host: QWidget, message: str, icon_name: str = "check-circle") -> None:
        super().__init__(host)
        self.setObjectName("toast")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 10, 18, 10)
        layout.setSpacing(10)
        glyph = QLabel(self)
        glyph.setPixmap(icon(icon_name, QPalette.ColorRole.Base).pixmap(18, 18))
        self._label = QLabel(message, self)
        self._label.setObjectName("toastMessage")
        # Inverted colours (text-coloured pill, base-coloured words) stand out in any theme.
        self._label.setForegroundRole(QPalette.ColorRole.Base)
        layout.addWidget(glyph)
        layout.addWidget(self._label)
        self._effect = QGraphicsOpacityEffect(self)
        self._effect.setOpacity(1.0)
        self.setGraphicsEffect(self._effect)
        self._fade = QPropertyAnimation(self._effect, b"opacity", self)
        self._fade.setDuration(FADE_MS)
        self._fade.setStartValue(1.0)
        self._fade.setEndValue(0.0)
        self._fade.setEasingCurve(QEasingCurve.Type.InQuad)
        self._fade.finished.connect(self.deleteLater)
        # A child timer dies with the toast, so a toast replaced early never fires late.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._fade.start)
        host.installEventFilter(self)

    def text(self) -> str:
        return self._label.text()

    def paintEvent(self, event: QPaintEvent) -> None:
        text = self.palette().color(QPalette.ColorRole.Text)
        paint_panel(self, text, text, radius=8)

    def popup(self, visible_ms: int = VISIBLE_MS) -> None:
        self.adjustSize()
        self._place()
        self.show()
        self.raise_()
        self._timer.start(visible_ms)

    def _place(self) -> None:
        host = self.parentWidget()
        if host is None:
            return
        x = (host.width() - self.width()) // 2
        y = host.height() - self.height() - _MARGIN
        self.move(max(0, x), max(0, y))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Stay anchored to the bottom while the window is resized.
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self._place()
        return False


def toasts(window: QWidget) -> list[Toast]:
    """The toasts currently shown over ``window`` (what tests look for)."""
    return [toast for toast in window.findChildren(Toast) if toast.isVisible()]


def show_toast(anchor: QWidget, message: str, icon_name: str = "check-circle") -> Toast:
    """Show ``message`` over the window holding ``anchor``; older toasts give way."""
    host = anchor.window()
    for old in host.findChildren(Toast, options=Qt.FindChildOption.FindDirectChildrenOnly):
        old.hide()
        old.deleteLater()
    toast = Toast(host, message, icon_name)
    toast.popup()
    return toast
