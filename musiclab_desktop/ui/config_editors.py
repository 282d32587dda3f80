"""One editor per TrainingConfig field type, each behind the same small interface.

The form never asks what kind of widget a field has: it reads and writes values,
toggles read-only and listens for changes through :class:`FieldEditor`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFontMetrics, QPalette, QValidator
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QStackedWidget,
    QWidget,
)

from musiclab_desktop.core.config import ConfigField, FieldSpec

INT_LIMIT = 2**31 - 1
# At this many decimals a plain "0.0002000" is hard to read: show and accept 2e-4 style.
SCIENTIFIC_DECIMALS = 6


class _WheelGuard(QObject):
    """Spin boxes and combos inside a scrolling form ignore the wheel unless focused,
    so scrolling the page never changes a value by accident."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.Wheel and isinstance(watched, QWidget)
                and not watched.hasFocus()):
            event.ignore()
            return True
        return False


_WHEEL_GUARD = _WheelGuard()


class ScientificSpinBox(QDoubleSpinBox):
    """A double spin box that shows 0.0002 as 0.0002 and 1e-05 as 1e-05, and accepts
    typed values in either notation."""

    def textFromValue(self, value: float) -> str:
        return format(round(value, self.decimals()), "g")

    def valueFromText(self, text: str) -> float:
        try:
            return float(text.strip())
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        stripped = text.strip()
        try:
            number = float(stripped)
        except ValueError:
            partial = stripped == "" or stripped[-1] in "eE+-." or stripped in {"-", "+"}
            state = QValidator.State.Intermediate if partial else QValidator.State.Invalid
            return state, text, pos
        if not math.isfinite(number):
            return QValidator.State.Invalid, text, pos
        if self.minimum() <= number <= self.maximum():
            return QValidator.State.Acceptable, text, pos
        return QValidator.State.Intermediate, text, pos

    def fixup(self, text: str) -> str:
        return self.textFromValue(self.value())


class FieldEditor:
    """The editing widget of one field, read and written as a plain value."""

    def __init__(self, field: ConfigField, widget: QWidget) -> None:
        self.field = field
        self.widget = widget
        # What the form lays out: the editor itself, or a holder around it.
        self.display: QWidget = widget
        self.read_only = False
        widget.setObjectName(f"config_{field.name}")
        widget.setToolTip(field.spec.tooltip)
        widget.setAccessibleName(field.spec.label)
        widget.setAccessibleDescription(field.spec.tooltip)
        if not isinstance(widget, QPlainTextEdit):
            # Frameless in read-only mode would be shorter: rows must not jump on Edit.
            widget.setMinimumHeight(widget.sizeHint().height())

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def connect_changed(self, slot: Callable[[], None]) -> None:
        raise NotImplementedError

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        self._apply_read_only(read_only)

    def _apply_read_only(self, read_only: bool) -> None:
        # Combos and check boxes have no read-only mode: disabled is the honest look
        # (and Qt still shows a disabled widget's tooltip).
        self.widget.setEnabled(not read_only)


def show_flat(widget: QLineEdit | QAbstractSpinBox, flat: bool) -> None:
    """Read-only text shown as a value, not an input: no frame, no field background.

    The editor keeps its edit-mode height (see FieldEditor), so text stays level with
    its label in both modes.
    """
    widget.setFrame(not flat)
    # A spin box caches its size hint and setFrame() does not clear it: without this
    # the box would keep its frameless height in edit mode and clip its text.
    QApplication.sendEvent(widget, QEvent(QEvent.Type.StyleChange))
    widget.updateGeometry()
    # An empty QPalette sets no role, so the widget inherits its parent's palette again.
    palette = QPalette()
    if flat:
        palette.setBrush(QPalette.ColorRole.Base, Qt.GlobalColor.transparent)
    widget.setPalette(palette)


class _SpinEditor(FieldEditor):
    widget: QAbstractSpinBox

    def __init__(self, field: ConfigField, widget: QAbstractSpinBox) -> None:
        super().__init__(field, widget)
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        widget.installEventFilter(_WHEEL_GUARD)
        widget.setKeyboardTracking(False)
        widget.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        widget.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
        # The widest value of a 2**31 range would make every spin box as wide as a seed.
        widget.setMinimumWidth(QFontMetrics(widget.font()).horizontalAdvance("0" * 9) + 40)

    def _apply_read_only(self, read_only: bool) -> None:
        self.widget.setReadOnly(read_only)
        self.widget.setButtonSymbols(
            QAbstractSpinBox.ButtonSymbols.NoButtons if read_only
            else QAbstractSpinBox.ButtonSymbols.UpDownArrows
        )
        show_flat(self.widget, read_only)


class IntEditor(_SpinEditor):
    widget: QSpinBox

    def __init__(self, field: ConfigField, parent: QWidget) -> None:
        spin = QSpinBox(parent)
        spec = field.spec
        spin.setRange(int(spec.minimum if spec.minimum is not None else 0),
                      int(min(spec.maximum if spec.maximum is not None else INT_LIMIT,
                              INT_LIMIT)))
        spin.setSingleStep(int(spec.step or 1))
        spin.setGroupSeparatorShown(spin.maximum() >= 100_000)
        super().__init__(field, spin)

    def value(self) -> int:
        self.widget.interpretText()
        return int(self.widget.value())

    def set_value(self, value: Any) -> None:
        self.widget.setValue(int(value))

    def connect_changed(self, slot: Callable[[], None]) -> None:
        self.widget.valueChanged.connect(lambda _value: slot())


class FloatEditor(_SpinEditor):
    widget: QDoubleSpinBox

    def __init__(self, field: ConfigField, parent: QWidget) -> None:
        spec = field.spec
        decimals = spec.decimals if spec.decimals is not None else 3
        spin = ScientificSpinBox(parent) if decimals >= SCIENTIFIC_DECIMALS else QDoubleSpinBox(
            parent)
        spin.setDecimals(decimals)
        spin.setRange(spec.minimum if spec.minimum is not None else -1e12,
                      spec.maximum if spec.maximum is not None else 1e12)
        spin.setSingleStep(spec.step or 0.1)
        super().__init__(field, spin)

    def value(self) -> float:
        self.widget.interpretText()
        # Rounded to the field's decimals: 0.05 reads back as 0.05, not 0.05000000000000001.
        return round(float(self.widget.value()), self.widget.decimals())

    def set_value(self, value: Any) -> None:
        self.widget.setValue(float(value))

    def connect_changed(self, slot: Callable[[], None]) -> None:
        self.widget.valueChanged.connect(lambda _value: slot())


class ChoiceEditor(FieldEditor):
    """A combo box; read-only, the choice shows as flat text like every other value."""

    widget: QComboBox

    def __init__(self, field: ConfigField, parent: QWidget) -> None:
        holder = QStackedWidget(parent)
        combo = QComboBox(holder)
        combo.addItems(list(field.spec.choices))
        combo.installEventFilter(_WHEEL_GUARD)
        combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        super().__init__(field, combo)
        self._text = QLineEdit(holder)
        self._text.setObjectName(f"configValue_{field.name}")
        self._text.setToolTip(field.spec.tooltip)
        self._text.setReadOnly(True)
        self._text.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._text.setMinimumHeight(combo.minimumHeight())
        show_flat(self._text, True)
        combo.currentTextChanged.connect(self._text.setText)
        holder.addWidget(combo)
        holder.addWidget(self._text)
        holder.setSizePolicy(combo.sizePolicy())
        self.display = holder

    def _apply_read_only(self, read_only: bool) -> None:
        super()._apply_read_only(read_only)
        self._text.setText(self.widget.currentText())
        self.display.setCurrentWidget(self._text if read_only else self.widget)  # type: ignore[attr-defined]

    def value(self) -> str:
        return self.widget.currentText()

    def set_value(self, value: Any) -> None:
        index = self.widget.findText(str(value))
        if index < 0:
            # A value stored by another version: show it rather than silently change it.
            self.widget.addItem(str(value))
            index = self.widget.count() - 1
        self.widget.setCurrentIndex(index)

    def connect_changed(self, slot: Callable[[], None]) -> None:
        self.widget.currentIndexChanged.connect(lambda _index: slot())


class BoolEditor(FieldEditor):
    widget: QCheckBox

    def __init__(self, field: ConfigField, parent: QWidget) -> None:
        super().__init__(field, QCheckBox(parent))

    def value(self) -> bool:
        return self.widget.isChecked()

    def set_value(self, value: Any) -> None:
        self.widget.setChecked(bool(value))

    def connect_changed(self, slot: Callable[[], None]) -> None:
        self.widget.toggled.connect(lambda _checked: slot())


class TextEditor(FieldEditor):
    widget: QLineEdit

    def __init__(self, field: ConfigField, parent: QWidget) -> None:
        line = QLineEdit(parent)
        line.setPlaceholderText(str(field.default))
        super().__init__(field, line)

    def value(self) -> str:
        return self.widget.text()

    def set_value(self, value: Any) -> None:
        self.widget.setText(str(value))
        self.widget.setCursorPosition(0)

    def connect_changed(self, slot: Callable[[], None]) -> None:
        self.widget.textChanged.connect(lambda _text: slot())

    def _apply_read_only(self, read_only: bool) -> None:
        self.widget.setReadOnly(read_only)
        show_flat(self.widget, read_only)


class MultilineEditor(FieldEditor):
    widget: QPlainTextEdit
    VISIBLE_LINES = 3

    def __init__(self, field: ConfigField, parent: QWidget) -> None:
        edit = QPlainTextEdit(parent)
        edit.setTabChangesFocus(True)
        edit.setPlaceholderText("One prompt per line")
        line = QFontMetrics(edit.font()).lineSpacing()
        edit.setFixedHeight(line * self.VISIBLE_LINES + 14)
        super().__init__(field, edit)

    def value(self) -> str:
        return self.widget.toPlainText()

    def set_value(self, value: Any) -> None:
        if self.widget.toPlainText() != str(value):
            self.widget.setPlainText(str(value))

    def connect_changed(self, slot: Callable[[], None]) -> None:
        self.widget.textChanged.connect(slot)

    def _apply_read_only(self, read_only: bool) -> None:
        self.widget.setReadOnly(read_only)
        self.widget.setPlaceholderText("None" if read_only else "One prompt per line")
        self.widget.setFrameShape(QFrame.Shape.NoFrame if read_only else QFrame.Shape.StyledPanel)
        palette = QPalette()
        if read_only:
            palette.setBrush(QPalette.ColorRole.Base, Qt.GlobalColor.transparent)
        self.widget.setPalette(palette)
        self.widget.viewport().setPalette(palette)


def make_editor(field: ConfigField, parent: QWidget) -> FieldEditor:
    """The editor that fits the field's type and metadata."""
    spec: FieldSpec = field.spec
    if field.type is bool:
        return BoolEditor(field, parent)
    if field.type is int:
        return IntEditor(field, parent)
    if field.type is float:
        return FloatEditor(field, parent)
    if spec.choices:
        return ChoiceEditor(field, parent)
    if spec.multiline:
        return MultilineEditor(field, parent)
    return TextEditor(field, parent)
