"""How the chart is moved around: said beneath it, steps-only zoom, whole-step ticks,
and a y label that fits a short chart."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QFontMetrics, QWheelEvent
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from musiclab_desktop.ui.metrics import MetricsChart
from musiclab_desktop.ui.metrics.view import StepAxis, ValueAxis, fit_axis_label

from metrics_kit import RunFactory


def _ctrl_wheel(chart: MetricsChart, delta: int = 120) -> None:
    viewport = chart.plot.view.viewport()
    centre = QPointF(viewport.rect().center())
    wheel = QWheelEvent(centre, QPointF(viewport.mapToGlobal(centre.toPoint())), QPoint(0, 0),
                        QPoint(0, delta), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.ControlModifier, Qt.ScrollPhase.NoScrollPhase,
                        False)
    QApplication.sendEvent(viewport, wheel)


def test_a_hint_beneath_the_chart_says_how_to_zoom_and_pan(
        chart: MetricsChart, make_run: RunFactory) -> None:
    chart.show_run(make_run(), live=False)
    hint = chart.findChild(QLabel, "chartNavigationHint")
    assert hint is not None and hint.isVisible()
    assert "Ctrl+wheel zooms the steps" in hint.text() and "drag pans" in hint.text()


def test_ctrl_wheel_zooms_the_step_axis_only(chart: MetricsChart,
                                            make_run: RunFactory) -> None:
    chart.show_run(make_run(points=200), live=False)
    (x_min, x_max), y_range = chart.plot.view.view_box.viewRange()
    _ctrl_wheel(chart)
    (zx_min, zx_max), zy_range = chart.plot.view.view_box.viewRange()
    assert zx_max - zx_min < 0.95 * (x_max - x_min)  # zoomed in on the steps
    assert zy_range == y_range  # the values keep their range
    assert not chart.is_following()


def test_step_ticks_are_whole_steps(qtbot: QtBot) -> None:
    axis = StepAxis()
    for low, high in ((0.0, 3.0), (10.2, 11.9), (0.0, 120_000.0)):
        levels = axis.tickValues(low, high, 600)
        values = [value for _spacing, level in levels for value in level]
        assert values, (low, high)
        assert all(float(value).is_integer() for value in values), (low, high, values)
        assert all(spacing >= 1 for spacing, _ in levels)
    assert axis.tickStrings([0.0, 2.0, 120000.0], 1.0, 0.5) == ["0", "2", "120,000"]


def test_small_values_need_no_scale_in_the_label(qtbot: QtBot) -> None:
    axis = ValueAxis()
    labels = axis.tickStrings([0.0, 2e-5, 4e-5, 1e-4], 1.0, 2e-5)
    assert labels == ["0", "2e-05", "4e-05", "0.0001"]
    assert axis.tickStrings([0.25, 0.5], 1.0, 0.25) == ["0.25", "0.50"]


def test_the_learning_rate_label_fits_a_short_chart(
        chart: MetricsChart, make_run: RunFactory, qtbot: QtBot) -> None:
    chart.resize(700, 230)
    chart.show_run(make_run(), live=False)
    chart.set_metric("learning_rate")
    qtbot.wait(20)
    label = chart.y_label()
    assert label == "Learning rate"
    assert "(x" not in label  # no SI scale glued on
    axis = chart.plot.view.getPlotItem().getAxis("left")
    height = chart.plot.view.view_box.height()
    assert QFontMetrics(axis.label.font()).horizontalAdvance(label) <= height


def test_a_unit_is_dropped_before_the_label_is_cut(qtbot: QtBot) -> None:
    metrics = QFontMetrics(QApplication.font())
    full, short = "Audio seconds / s (× real time)", "Audio seconds / s"
    assert fit_axis_label(full, short, 2000, metrics) == full
    room = metrics.horizontalAdvance(short) + 2
    assert fit_axis_label(full, short, room, metrics) == short
    assert fit_axis_label(full, short, 40, metrics).endswith("…")
