"""The row of controls above the chart: metric, scale, smoothing, view and export."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSizePolicy,
    QSlider,
    QToolButton,
    QWidget,
)

from musiclab_desktop.ui.metrics.labels import metric_info

SMOOTHING_STEPS = 99  # slider 0..99 maps to weights 0.00..0.99, as in TensorBoard


class ChartControls(QWidget):
    metricChosen = Signal(str)
    logToggled = Signal(bool)
    parentToggled = Signal(bool)
    smoothingChanged = Signal(float)
    resetRequested = Signal()
    exportPngRequested = Signal()
    exportCsvRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.selector = self._make_selector()
        self.log_toggle = QCheckBox("Log scale")
        self.log_toggle.setObjectName("logScaleToggle")
        self.log_toggle.toggled.connect(self.logToggled)
        self.parent_toggle = QCheckBox("Parent run")
        self.parent_toggle.setObjectName("showParentToggle")
        self.parent_toggle.setChecked(True)
        self.parent_toggle.setToolTip(
            "This run continued a finished one: draw the parent's curve (muted) at its own "
            "steps, with this run's steps counted on after it")
        self.parent_toggle.hide()  # shown only for a continued run
        self.parent_toggle.toggled.connect(self.parentToggled)
        self.smoothing_slider = self._make_slider()
        self.smoothing_value = QLabel()
        self.smoothing_value.setObjectName("smoothingValue")
        self.smoothing_value.setMinimumWidth(self.fontMetrics().horizontalAdvance("0.00") + 4)
        self.hint = QLabel()
        self.hint.setObjectName("metricsHint")
        self.hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.reset_button = QToolButton()
        self.reset_button.setObjectName("resetViewButton")
        self.reset_button.setText("Reset view")
        self.reset_button.setToolTip("Show all points and follow new ones again")
        self.reset_button.clicked.connect(self.resetRequested)
        self.export_button = self._make_export_button()
        self._lay_out()
        self._show_smoothing(0)

    def _make_selector(self) -> QComboBox:
        selector = QComboBox()
        selector.setObjectName("metricSelector")
        selector.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        selector.setToolTip("Metric to plot")
        selector.currentIndexChanged.connect(self._on_selected)
        return selector

    def _on_selected(self, index: int) -> None:
        if index >= 0:
            self.metricChosen.emit(self.selector.itemData(index))

    def _make_slider(self) -> QSlider:
        slider = QSlider(Qt.Orientation.Horizontal)
        slider.setObjectName("smoothingSlider")
        slider.setRange(0, SMOOTHING_STEPS)
        slider.setFixedWidth(110)
        slider.setToolTip("Smoothing (exponential moving average); 0 draws the raw curve")
        slider.valueChanged.connect(self._on_slider)
        return slider

    def _make_export_button(self) -> QToolButton:
        button = QToolButton()
        button.setObjectName("exportButton")
        button.setText("Export")
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(button)
        menu.addAction("Save chart as PNG…", self.exportPngRequested.emit)
        menu.addAction("Save data as CSV…", self.exportCsvRequested.emit)
        button.setMenu(menu)
        return button

    def _lay_out(self) -> None:
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Metric"))
        row.addWidget(self.selector)
        row.addWidget(self.log_toggle)
        row.addWidget(self.parent_toggle)
        row.addSpacing(8)
        row.addWidget(QLabel("Smoothing"))
        row.addWidget(self.smoothing_slider)
        row.addWidget(self.smoothing_value)
        row.addSpacing(8)
        row.addWidget(self.hint, 1)
        row.addWidget(self.reset_button)
        row.addWidget(self.export_button)

    def set_metrics(self, names: list[str], current: str | None) -> None:
        """Fill the selector without emitting metricChosen (only user choices do)."""
        self.selector.blockSignals(True)
        self.selector.clear()
        for name in names:
            self.selector.addItem(metric_info(name).label, name)
        index = self.selector.findData(current) if current is not None else -1
        self.selector.setCurrentIndex(index)
        self.selector.setEnabled(bool(names))
        self.selector.blockSignals(False)

    def metric_names(self) -> list[str]:
        return [self.selector.itemData(i) for i in range(self.selector.count())]

    def smoothing(self) -> float:
        return self.smoothing_slider.value() / 100

    def _on_slider(self, value: int) -> None:
        self._show_smoothing(value)
        self.smoothingChanged.emit(value / 100)

    def _show_smoothing(self, value: int) -> None:
        self.smoothing_value.setText(f"{value / 100:.2f}" if value else "off")
