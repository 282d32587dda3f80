"""ConfigForm: the training configuration as a grouped form generated from config_fields().

Used three ways: editable in the New experiment dialog, read-only with an Edit mode
on the Config tab, and in "override mode" by the Start Run dialog, where a baseline
(the experiment's config) marks each field that differs from it and offers a reset.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QFont, QPainter, QPaintEvent, QPen, QResizeEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from musiclab_desktop.core.config import GROUPS, ConfigField, config_fields, default_config
from musiclab_desktop.core.config import diff_override as _diff
from musiclab_desktop.core.config import validate_values as _validate
from musiclab_desktop.ui.config_editors import FieldEditor, make_editor
from musiclab_desktop.ui.lora_summary import parameter_summary
from musiclab_desktop.ui.resources import icon
from musiclab_desktop.ui.widgets import ERROR_COLOUR, error_label

# Below this width the groups stack in one column; above it Training splits in two.
WIDE_FORM_WIDTH = 820
TARGETS_FIELD = "lora_target_modules"


def _sentence(message: str) -> str:
    message = message.strip()
    return (message[:1].upper() + message[1:]).rstrip(".") + "." if message else ""


class FieldRow(QWidget):
    """Editor, reset button (override mode) and the inline error of one field."""

    def __init__(self, field: ConfigField, parent: QWidget) -> None:
        super().__init__(parent)
        self.field = field
        self.setToolTip(field.spec.tooltip)
        self.label = QLabel(field.spec.label, parent)
        self.label.setObjectName(f"configLabel_{field.name}")
        self.label.setToolTip(field.spec.tooltip)
        self.editor: FieldEditor = make_editor(field, self)
        self.label.setBuddy(self.editor.widget)
        self.reset_button = QToolButton(self)
        self.reset_button.setObjectName(f"reset_{field.name}")
        self.reset_button.setIcon(icon("reset"))
        self.reset_button.setAutoRaise(True)
        self.reset_button.setToolTip("Restore the base value")
        self.reset_button.setAccessibleName(f"Reset {field.spec.label}")
        self.reset_button.hide()
        self.error_label = error_label(self, f"configError_{field.name}")
        self._layout()

    def _layout(self) -> None:
        column = QVBoxLayout(self)
        # Two pixels of room around the editor for the error outline painted below.
        column.setContentsMargins(2, 2, 2, 0)
        column.setSpacing(3)
        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(4)
        line.addWidget(self.editor.display, 1)
        line.addWidget(self.reset_button)
        column.addLayout(line)
        column.addWidget(self.error_label)
        column.addStretch(1)
        # The label sits level with the editor's (first line of) text.
        if self.field.spec.multiline:
            self.label.setContentsMargins(0, 6, 0, 0)
        else:
            self.label.setMinimumHeight(self.editor.widget.sizeHint().height() + 4)
            self.label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

    def paintEvent(self, event: QPaintEvent) -> None:
        # An outline drawn around the editor: the editor itself keeps its native look.
        if self.error_label.isVisible():
            painter = QPainter(self)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(ERROR_COLOUR, 1.6))
            rect = QRectF(self.editor.display.geometry()).adjusted(-1.5, -1.5, 1.5, 1.5)
            painter.drawRoundedRect(rect, 4, 4)
            painter.end()
        super().paintEvent(event)

    def set_error(self, message: str | None) -> None:
        invalid = bool(message)
        self.error_label.setText(_sentence(message or ""))
        self.error_label.setVisible(invalid)
        self.editor.widget.setProperty("invalid", invalid)
        self.update()

    def set_changed(self, changed: bool, baseline_value: Any, override_mode: bool,
                    baseline_name: str = "base value") -> None:
        font = QFont(self.label.font())
        font.setBold(changed)
        self.label.setFont(font)
        self.label.setProperty("changed", changed)
        policy = self.reset_button.sizePolicy()
        # In override mode the button keeps its room, so editors do not jump when shown.
        policy.setRetainSizeWhenHidden(override_mode)
        self.reset_button.setSizePolicy(policy)
        self.reset_button.setVisible(changed and not self.editor.read_only)
        if changed:
            self.reset_button.setToolTip(f"Restore the {baseline_name} ({baseline_value!r})")


class FieldGroup(QGroupBox):
    """One of Training / LoRA / Hardware; its rows flow in one or two columns."""

    def __init__(self, title: str, rows: list[FieldRow], parent: QWidget) -> None:
        super().__init__(title, parent)
        self.setObjectName(f"configGroup_{title}")
        body_font = QFont(self.font())
        # Set explicitly, or the rows would inherit the title's weight.
        body_font.setWeight(QFont.Weight.Normal)
        title_font = QFont(body_font)
        title_font.setWeight(QFont.Weight.DemiBold)
        self.setFont(title_font)
        for row in rows:
            # Only the title is bold: the rows get the body font back explicitly.
            row.setFont(body_font)
            row.label.setFont(body_font)
        self.rows = rows
        self.footer: QWidget | None = None
        self._columns = 0
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(14, 12, 14, 12)
        self._grid.setHorizontalSpacing(12)
        self._grid.setVerticalSpacing(6)
        self.set_columns(1)

    def set_columns(self, columns: int) -> None:
        if columns == self._columns:
            return
        self._columns = columns
        for row in self.rows:
            self._grid.removeWidget(row.label)
            self._grid.removeWidget(row)
        # Multi-line fields run full width under the others rather than stretch one row.
        short = [row for row in self.rows if not row.field.spec.multiline]
        tall = [row for row in self.rows if row.field.spec.multiline]
        per_column = -(-len(short) // columns)
        for position, row in enumerate(short):
            column, line = divmod(position, per_column)
            self._place(row, line, column * 3, 1)
        for offset, row in enumerate(tall):
            self._place(row, per_column + offset, 0, columns * 3 - 1)
        if self.footer is not None:
            self._grid.removeWidget(self.footer)
            self._grid.addWidget(self.footer, per_column + len(tall), 0, 1, columns * 3 - 1)
        for column in range(columns):
            self._grid.setColumnStretch(column * 3 + 1, 1)
            if column:
                self._grid.setColumnMinimumWidth(column * 3 - 1, 18)

    def set_footer(self, widget: QWidget) -> None:
        """A line under the group's fields (the LoRA group's parameter count)."""
        self.footer = widget
        columns, self._columns = self._columns, 0
        self.set_columns(columns)

    def _place(self, row: FieldRow, line: int, column: int, span: int) -> None:
        self._grid.addWidget(row.label, line, column,
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._grid.addWidget(row, line, column + 1, 1, span, Qt.AlignmentFlag.AlignTop)


class ConfigForm(QWidget):
    """Every TrainingConfig field, grouped, with tooltips, inline errors and override marks."""

    changed = Signal()

    def __init__(self, values: dict[str, Any] | None = None, read_only: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("configForm")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._read_only = False
        self._baseline: dict[str, Any] | None = None
        self._baseline_name = "base value"
        self._errors: dict[str, str] = {}
        self._quiet = False
        self._wide: bool | None = None
        self.rows: dict[str, FieldRow] = {}
        self.groups: dict[str, FieldGroup] = {}
        self._build()
        self.set_values({**default_config(), **(values or {})})
        self.set_read_only(read_only)

    def _build(self) -> None:
        by_group: dict[str, list[FieldRow]] = {group: [] for group in GROUPS}
        for field in config_fields():
            row = FieldRow(field, self)
            row.editor.connect_changed(self._on_edit)
            row.reset_button.clicked.connect(lambda _=False, name=field.name: self.reset(name))
            self.rows[field.name] = row
            by_group[field.spec.group].append(row)
        for group, rows in by_group.items():
            self.groups[group] = FieldGroup(group, rows, self)
        # How big the adapter these settings train is, and each target layer's share.
        self.parameter_count = QLabel(self)
        self.parameter_count.setObjectName("loraParameterCount")
        self.parameter_count.setWordWrap(True)
        lora_group = next((g for name, g in self.groups.items() if name == "LoRA"), None)
        if lora_group is not None:
            lora_group.set_footer(self.parameter_count)
            # The group's title font is bold; the count reads as one of its rows.
            body = QFont(lora_group.font())
            body.setWeight(QFont.Weight.Normal)
            self.parameter_count.setFont(body)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(14)
        self._arrange(wide=False)

    def _arrange(self, wide: bool) -> None:
        """Wide: Training across the top in two columns, LoRA and Hardware side by side."""
        if wide == self._wide:
            return
        self._wide = wide
        training, lora, hardware = (self.groups[name] for name in GROUPS)
        for group in self.groups.values():
            self._grid.removeWidget(group)
        training.set_columns(2 if wide else 1)
        if wide:
            self._grid.addWidget(training, 0, 0, 1, 2)
            self._grid.addWidget(lora, 1, 0)
            self._grid.addWidget(hardware, 1, 1)
        else:
            for line, group in enumerate((training, lora, hardware)):
                self._grid.addWidget(group, line, 0, 1, 2)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._arrange(wide=event.size().width() >= WIDE_FORM_WIDTH)
        super().resizeEvent(event)

    # --- values --------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """Every field's current value, typed as TrainingConfig declares it."""
        return {name: row.editor.value() for name, row in self.rows.items()}

    def set_values(self, values: dict[str, Any]) -> None:
        """Show ``values`` (keys not given keep their value; unknown keys are ignored)."""
        self._quiet = True
        try:
            for name, value in values.items():
                if name in self.rows:
                    self.rows[name].editor.set_value(value)
        finally:
            self._quiet = False
        self._refresh()

    def reset(self, name: str) -> None:
        """Put one field back to its baseline value (or its default without a baseline)."""
        source = self._baseline if self._baseline is not None else default_config()
        self.rows[name].editor.set_value(source[name])

    def editor(self, name: str) -> QWidget:
        return self.rows[name].editor.widget

    def label(self, name: str) -> QLabel:
        return self.rows[name].label

    # --- read-only -----------------------------------------------------------

    def is_read_only(self) -> bool:
        return self._read_only

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        for row in self.rows.values():
            row.editor.set_read_only(read_only)
        if read_only:
            self.set_field_errors({})
        self._mark_changed()

    # --- errors --------------------------------------------------------------

    def field_errors(self) -> dict[str, str]:
        return dict(self._errors)

    def is_valid(self) -> bool:
        return not self._errors

    def set_field_errors(self, errors: dict[str, str]) -> None:
        """Flag fields inline (red border and message); keys that are not fields are ignored."""
        self._errors = {name: msg for name, msg in errors.items() if name in self.rows}
        for name, row in self.rows.items():
            row.set_error(self._errors.get(name))

    def validate(self) -> dict[str, str]:
        """Check the values with core's rules and flag what is wrong."""
        self.set_field_errors(_validate(self.values()))
        return self.field_errors()

    # --- override mode ----------------------------------------------------------

    def set_baseline(self, baseline: dict[str, Any] | None,
                     name: str = "base value") -> None:
        """Mark (bold label, reset button) every field whose value differs from ``baseline``;
        None leaves override mode. ``name`` says what the baseline is in reset tooltips,
        e.g. "experiment's value"."""
        self._baseline = {**default_config(), **baseline} if baseline is not None else None
        self._baseline_name = name
        self._mark_changed()

    def baseline(self) -> dict[str, Any] | None:
        return dict(self._baseline) if self._baseline is not None else None

    def changed_values(self) -> dict[str, Any]:
        """Only the fields that differ from the baseline (from the defaults without one)."""
        return _diff(self._baseline, self.values()) or {}

    def changed_fields(self) -> list[str]:
        return list(self.changed_values()) if self._baseline is not None else []

    def _mark_changed(self) -> None:
        override = self._baseline is not None
        changed = set(self.changed_fields())
        for name, row in self.rows.items():
            baseline_value = self._baseline.get(name) if self._baseline else None
            row.set_changed(name in changed, baseline_value, override, self._baseline_name)

    # --- edits ---------------------------------------------------------------

    def _on_edit(self) -> None:
        # Programmatic set_values() refreshes once at the end and emits nothing.
        if not self._quiet:
            self._refresh()
            self.changed.emit()

    def _refresh(self) -> None:
        if not self._read_only:
            self.validate()
        self._mark_changed()
        self._show_parameter_count()

    def _show_parameter_count(self) -> None:
        line, costs = parameter_summary(self.values())
        self.parameter_count.setText(line)
        self.parameter_count.setToolTip(costs)
        row = self.rows.get(TARGETS_FIELD)
        if row is not None:
            tip = f"{row.field.spec.tooltip}\n\n{costs}" if costs else row.field.spec.tooltip
            for widget in (row, row.label, row.editor.widget):
                widget.setToolTip(tip)
