"""MetricsChart against each scenario of the Training Metrics Visualization requirement."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QPalette, QWheelEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from musiclab_desktop.ui.metrics import MAX_COMPARED_RUNS, MetricsChart, RunMetrics
from musiclab_desktop.ui.metrics.chart import NO_METRICS_TEXT, WAITING_TEXT

from metrics_kit import START_TIME, RunFactory


def _last_drawn_step(chart: MetricsChart, run_id: int) -> float:
    x, _ = chart.drawn_points(run_id)
    return float(x[-1]) if len(x) else -1.0


def _live_batch(start: int, count: int) -> dict[str, tuple[np.ndarray, ...]]:
    steps = np.arange(start, start + count, dtype=float)
    return {"loss": (steps, np.full(count, 0.3), START_TIME + steps * 1.5)}


# Display loss chart during training


def test_live_points_are_stored_at_once_and_drawn_on_the_refresh_beat(
    chart: MetricsChart, make_run: RunFactory, qtbot: QtBot
) -> None:
    run = make_run(points=50, status="RUNNING")
    chart.show_run(run, live=True)
    assert chart.is_live() and chart.refresh_timer_active()
    assert chart.hint_text() == "● Live"

    assert chart.append_points(1, _live_batch(50, 10))
    assert len(run.series["loss"]) == 60
    assert _last_drawn_step(chart, 1) == 49  # coalesced: not drawn yet

    qtbot.waitUntil(lambda: _last_drawn_step(chart, 1) == 59, timeout=2000)
    (_, x_max), _ = chart.plot.view.view_box.viewRange()
    assert x_max >= 59  # the view follows new points


def test_points_for_a_run_not_shown_are_ignored(chart: MetricsChart, make_run: RunFactory) -> None:
    chart.show_run(make_run(run_id=1, status="RUNNING"), live=True)
    assert not chart.append_points(2, _live_batch(0, 3))


def test_view_stops_following_once_the_user_zooms_and_reset_restores(
    chart: MetricsChart, make_run: RunFactory, qtbot: QtBot
) -> None:
    chart.show_run(make_run(points=100, status="RUNNING"), live=True)
    viewport = chart.plot.view.viewport()
    centre = QPointF(viewport.rect().center())
    zoom = QWheelEvent(
        centre,
        QPointF(viewport.mapToGlobal(centre.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewport, zoom)
    assert not chart.is_following()
    assert "view held" in chart.hint_text()
    zoomed = chart.plot.view.view_box.viewRange()

    chart.append_points(1, _live_batch(100, 50))
    qtbot.waitUntil(lambda: not chart._dirty, timeout=2000)
    assert chart.plot.view.view_box.viewRange() == zoomed  # held where the user zoomed

    qtbot.mouseClick(chart.findChild(QWidget, "resetViewButton"), Qt.MouseButton.LeftButton)
    (_, x_max), _ = chart.plot.view.view_box.viewRange()
    assert chart.is_following() and x_max >= 149


def test_plain_wheel_is_left_to_the_page(chart: MetricsChart, make_run: RunFactory) -> None:
    """Ignored, so Qt hands a real wheel event on to the scrolling page around the chart
    (a synthetic one is never propagated, hence the check on acceptance)."""
    chart.show_run(make_run(), live=False)
    before = chart.plot.view.view_box.viewRange()
    viewport = chart.plot.view.viewport()
    centre = QPointF(viewport.rect().center())
    wheel = QWheelEvent(
        centre,
        QPointF(viewport.mapToGlobal(centre.toPoint())),
        QPoint(0, 0),
        QPoint(0, -120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewport, wheel)
    assert not wheel.isAccepted()
    assert chart.plot.view.view_box.viewRange() == before


# Display loss chart after training completes


def test_completed_run_shows_every_point_and_runs_no_timer(
    chart: MetricsChart, make_run: RunFactory
) -> None:
    run = make_run(points=600)
    chart.show_run(run, live=False)
    assert not chart.is_live() and not chart.refresh_timer_active()
    x, y = chart.drawn_points(1)
    np.testing.assert_array_equal(x, run.series["loss"].steps)
    np.testing.assert_allclose(y, run.series["loss"].values)
    assert chart.message_text() is None
    assert chart.hint_text() == ""


def test_long_completed_run_is_downsampled_without_losing_its_spike_or_end(
    chart: MetricsChart, make_run: RunFactory
) -> None:
    run = make_run(points=200_000, metrics=("loss",))
    run.series["loss"].values[77_777] = 40.0
    chart.show_run(run, live=False)
    x, y = chart.drawn_points(1)
    assert len(x) < 4000
    assert y.max() == 40.0 and 77_777 in x
    assert x[0] == 0 and x[-1] == 199_999


def test_zooming_in_redraws_the_view_at_full_detail(
    chart: MetricsChart, make_run: RunFactory, qtbot: QtBot
) -> None:
    run = make_run(points=200_000, metrics=("loss",))
    chart.show_run(run, live=False)
    chart.plot.view.view_box.setRange(xRange=(50_000, 50_300), padding=0)
    qtbot.waitUntil(lambda: chart.drawn_points(1)[0][0] >= 49_999, timeout=2000)
    x, y = chart.drawn_points(1)
    np.testing.assert_array_equal(x, np.arange(49_999, 50_302))  # clipped, not sampled
    np.testing.assert_allclose(y, run.series["loss"].values[49_999:50_302])


def test_run_finishing_stops_the_timer(chart: MetricsChart, make_run: RunFactory) -> None:
    chart.show_run(make_run(status="RUNNING"), live=True)
    chart.set_status(1, "COMPLETED")
    assert not chart.is_live() and not chart.refresh_timer_active()


# Switch metric


def test_metric_switch_changes_y_label_and_persists_per_run(
    chart: MetricsChart, make_run: RunFactory
) -> None:
    first, second = make_run(run_id=1), make_run(run_id=2)
    chart.show_run(first, live=False)
    selector = chart.findChild(QWidget, "metricSelector")
    assert chart.current_metric() == "loss" and chart.y_label() == "Loss"
    assert chart.metric_names() == ["loss", "learning_rate"]

    selector.setCurrentIndex(selector.findData("learning_rate"))
    assert chart.current_metric() == "learning_rate"
    assert chart.y_label() == "Learning rate"
    np.testing.assert_allclose(chart.drawn_points(1)[1], first.series["learning_rate"].values)

    chart.show_run(second, live=False)
    assert chart.current_metric() == "loss" and chart.y_label() == "Loss"
    chart.show_run(first, live=False)
    assert chart.current_metric() == "learning_rate"
    assert selector.currentData() == "learning_rate"


def test_log_scale_draws_log10_values(chart: MetricsChart, make_run: RunFactory) -> None:
    run = make_run()
    chart.show_run(run, live=False)
    chart.findChild(QWidget, "logScaleToggle").click()
    np.testing.assert_allclose(chart.drawn_points(1)[1], np.log10(run.series["loss"].values))
    assert chart.plot.view.getPlotItem().getAxis("left").logMode is True


def test_smoothing_draws_smoothed_line_over_faint_raw(
    chart: MetricsChart, make_run: RunFactory
) -> None:
    chart.show_run(make_run(), live=False)
    chart.set_smoothing(0.9)
    curve = chart.plot.curves[0]
    assert curve.smooth.isVisible() and curve.smooth.yData is not None
    assert curve.raw.opts["pen"].color().alpha() < 255
    assert np.std(np.diff(curve.smooth.yData)) < np.std(np.diff(curve.raw.yData))
    chart.set_smoothing(0)
    assert not curve.smooth.isVisible()


# Compare metrics across runs


def test_compare_overlays_runs_in_distinct_colours_with_final_values(
    chart: MetricsChart, make_run: RunFactory
) -> None:
    runs = [make_run(run_id=i, seed=i) for i in (1, 2, 3)]
    chart.show_comparison(runs)
    colours = chart.run_colours()
    assert len(set(colours.values())) == 3
    for curve in chart.plot.curves:
        assert curve.raw.opts["pen"].color().name() == colours[curve.run.run_id]
    legend = chart.legend_texts()
    for run, text in zip(runs, legend, strict=True):
        final = f"{run.series['loss'].values[-1]:.5g}"
        assert text == f"{run.run_name} — final {final}"
    legend = chart.findChild(QWidget, "metricsLegend")
    plot = chart.findChild(QWidget, "metricsPlot")
    assert legend.isVisible()
    assert legend.geometry().top() >= plot.geometry().bottom()  # beside, never over, curves


def test_dark_palette_switches_plot_and_run_colours(
    chart: MetricsChart, make_run: RunFactory
) -> None:
    chart.show_comparison([make_run(run_id=1), make_run(run_id=2)])
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Base, QColor("#1E1E1E"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#E8E8E8"))
    chart.setPalette(palette)
    assert chart.run_colours()[1] == "#56b4e9"  # Okabe-Ito sky blue reads on dark
    assert chart.plot.view.backgroundBrush().color().name() == "#1e1e1e"
    assert len(chart.drawn_points(2)[0]) == 200


def test_compare_refuses_a_sixth_run(chart: MetricsChart, make_run: RunFactory) -> None:
    assert MAX_COMPARED_RUNS == 5
    chart.show_comparison([make_run(run_id=i) for i in range(1, 6)])
    with pytest.raises(ValueError, match="Up to 5 runs can be compared at once; 6 were selected"):
        chart.show_comparison([make_run(run_id=i) for i in range(1, 7)])


# Handle runs without metrics


def test_run_without_metrics_shows_a_message(chart: MetricsChart) -> None:
    chart.show_run(RunMetrics(9, "old-run", "COMPLETED"), live=False)
    assert chart.message_text() == NO_METRICS_TEXT
    assert chart.findChild(QWidget, "metricsMessage").isVisible()
    chart.show_message("Select a run")
    assert chart.message_text() == "Select a run"


def test_live_run_without_points_waits_then_draws(chart: MetricsChart, qtbot: QtBot) -> None:
    chart.show_run(RunMetrics(4, "run-4", "RUNNING"), live=True)
    assert chart.message_text() == WAITING_TEXT
    chart.append_points(4, _live_batch(0, 5))
    qtbot.waitUntil(lambda: chart.message_text() is None, timeout=2000)
    assert _last_drawn_step(chart, 4) == 4
    assert chart.metric_names() == ["loss"] and chart.y_label() == "Loss"


# Partial metrics of failed / cancelled runs


@pytest.mark.parametrize("status", ["FAILED", "CANCELLED"])
def test_partial_run_shows_its_curve_and_a_hint(
    chart: MetricsChart, make_run: RunFactory, status: str
) -> None:
    run = make_run(points=421, status=status)
    chart.show_run(run, live=False)
    x, y = chart.drawn_points(1)
    assert len(x) == 421 and np.isfinite(y).all()
    assert chart.hint_text() == f"Partial: run {status.lower()} at step 420"
    assert not chart.refresh_timer_active()


# NaN / Inf


def test_nan_and_inf_are_marked_not_dropped(chart: MetricsChart, make_run: RunFactory) -> None:
    run = make_run(points=300)
    values = run.series["loss"].values
    values[[50, 120]] = np.nan
    values[200] = np.inf
    values[250] = -np.inf
    chart.show_run(run, live=False)
    assert sorted(chart.marker_steps(1)) == [50, 120, 200, 250]
    _, y = chart.drawn_points(1)
    assert np.isnan(y[[50, 120, 200, 250]]).all()  # gaps in the line, not interpolated
    assert "Loss: NaN" in chart.hover_text_at(50)
    assert "Loss: +Inf" in chart.hover_text_at(200)


# Hover and click


def test_tooltip_names_step_value_and_local_time(chart: MetricsChart, make_run: RunFactory) -> None:
    run = make_run(points=400)
    chart.show_run(run, live=False)
    text = chart.hover_at(123.4)
    value = run.series["loss"].values[123]
    when = datetime.fromtimestamp(START_TIME + 123 * 1.5).strftime("%Y-%m-%d %H:%M:%S")
    assert text == f"Step 123\nLoss: {value:.5g}\nTime: {when}"
    tooltip = chart.tooltip_label()
    assert tooltip.isVisible() and tooltip.text() == text
    # Its own colours, so it reads on light and dark palettes alike.
    assert "background-color" in tooltip.styleSheet() and "color: #F5F5F5" in tooltip.styleSheet()
    assert chart.findChild(QWidget, "metricsPlot").geometry().contains(tooltip.geometry())


def test_compare_tooltip_lists_every_run(chart: MetricsChart, make_run: RunFactory) -> None:
    chart.show_comparison([make_run(run_id=1), make_run(run_id=2, points=50)])
    text = chart.hover_text_at(100)
    assert "run-1:" in text and "at step 100" in text
    assert "run-2:" in text and "at step 49" in text


def test_mouse_hover_shows_tooltip_without_taking_focus(qtbot: QtBot, make_run: RunFactory) -> None:
    page = QWidget()
    column = QVBoxLayout(page)
    terminal = QLineEdit(objectName="terminal")
    chart = MetricsChart()
    column.addWidget(terminal)
    column.addWidget(chart)
    qtbot.addWidget(page)
    page.resize(800, 500)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    terminal.setFocus()
    chart.show_run(make_run(), live=False)
    viewport = chart.plot.view.viewport()
    target = _viewport_pos(chart, 100, float(chart.drawn_points(1)[1][100]))
    qtbot.mouseMove(viewport, target)
    qtbot.waitUntil(lambda: chart.tooltip_label().isVisible(), timeout=2000)
    assert "Step 100" in chart.tooltip_label().text()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=target)
    assert QApplication.focusWidget() is terminal


def test_click_near_a_point_emits_run_and_step(
    chart: MetricsChart, make_run: RunFactory, qtbot: QtBot
) -> None:
    chart.show_run(make_run(run_id=7, points=150), live=False)
    target = _viewport_pos(chart, 42, float(chart.drawn_points(7)[1][42]))
    with qtbot.waitSignal(chart.pointClicked, timeout=1000) as blocker:
        qtbot.mouseClick(chart.plot.view.viewport(), Qt.MouseButton.LeftButton, pos=target)
    assert blocker.args == [7, 42]


def _viewport_pos(chart: MetricsChart, x: float, y: float) -> QPoint:
    scene = chart.plot.view.view_box.mapViewToScene(QPointF(x, y))
    return chart.plot.view.mapFromScene(scene)
