"""The loss chart's sample glyphs: drawn on the step axis, clicked with the mouse."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from pytestqt.qtbot import QtBot

from musiclab_desktop.ui.metrics import MetricsChart
from musiclab_desktop.ui.metrics.series import MetricSeries, RunMetrics


def shown_chart(qtbot: QtBot) -> MetricsChart:
    chart = MetricsChart()
    qtbot.addWidget(chart)
    chart.resize(800, 400)
    steps = np.arange(1, 101, dtype=float)
    run = RunMetrics(
        7,
        "run-7",
        "COMPLETED",
        {"loss": MetricSeries("loss", steps, 5.0 / steps, np.full(100, np.nan))},
    )
    chart.show_run(run, live=False)
    chart.show()
    qtbot.waitExposed(chart)
    return chart


def glyph_position(chart: MetricsChart, step: int) -> QPoint:
    view = chart.plot.view
    (_x0, _x1), (y_min, y_max) = view.view_box.viewRange()
    y = y_min + (y_max - y_min) * 0.04
    scene = view.view_box.mapViewToScene(QPointF(step, y))
    return view.mapFromScene(scene)


def test_glyphs_sit_on_the_step_axis_and_a_click_names_the_step(qtbot: QtBot) -> None:
    chart = shown_chart(qtbot)
    chart.set_sample_steps(7, [0, 50, 100])
    assert chart.sample_steps() == [0, 50, 100]
    xs, ys = chart.sample_marks.item.getData()
    (_x0, _x1), (y_min, y_max) = chart.plot.view.view_box.viewRange()
    assert list(xs) == [0, 50, 100]
    assert all(y_min <= y <= y_min + 0.1 * (y_max - y_min) for y in ys)
    with qtbot.waitSignal(chart.sampleClicked) as clicked:
        qtbot.mouseClick(
            chart.plot.view.viewport(), Qt.MouseButton.LeftButton, pos=glyph_position(chart, 50)
        )
    assert clicked.args == [7, 50]


def test_glyphs_are_for_one_run_shown_alone(qtbot: QtBot) -> None:
    chart = shown_chart(qtbot)
    chart.set_sample_steps(8, [10])  # a run not shown
    assert chart.sample_steps() == []
    chart.set_sample_steps(7, [10])
    assert chart.sample_steps() == [10]
    chart.clear()
    assert chart.sample_steps() == []
