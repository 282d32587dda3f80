"""A continued run's chart: the parent's curve first (muted, at its own steps), the run's
own points after it on a step axis that counts on, and a toggle that hides the parent."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox
from pytestqt.qtbot import QtBot

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.services.resume import prepare_continue
from musiclab_desktop.ui.runs.runs_page import RunsPage

from runs_page_kit import reload
from shared_kit import finish_run

PARENT_STEPS = 40
CHILD_STEPS = 20


def continued_pair(library: Library, experiment_id: int) -> tuple[int, int]:
    """A finished run with 40 steps of loss, and a run continued from it with 20."""
    parent = library.runs.prepare_start(experiment_id)
    library.telemetry.append_metrics(
        parent.id,
        [
            (step, "loss", 3.0 - step / 40, 1_700_000_000.0 + step)
            for step in range(1, PARENT_STEPS + 1)
        ],
    )
    finish_run(library, parent.id, 2.0)
    child = prepare_continue(library, parent.id)
    library.telemetry.append_metrics(
        child.id,
        [
            (step, "loss", 1.0 - step / 100, 1_700_001_000.0 + step)
            for step in range(1, CHILD_STEPS + 1)
        ],
    )
    finish_run(library, child.id, 0.8)
    return parent.id, child.id


def test_the_parent_curve_goes_before_the_continued_run(
    qtbot: QtBot, page: RunsPage, library: Library, experiment_with_dataset
) -> None:
    parent_id, child_id = continued_pair(library, experiment_with_dataset.id)
    reload(page, library, experiment_with_dataset)
    chart = page.chart
    page.select_run(child_id)
    qtbot.waitUntil(lambda: chart.parent_shown() is not None, timeout=10_000)

    overlay = chart.plot.parent_overlay
    parent = chart.parent_shown()
    assert parent is not None and parent.run_id == parent_id
    assert library.runs.get(parent_id).name in overlay.boundary.label.toPlainText()
    # The parent at its own steps, ending where the run's own begin: the run's points
    # keep their coordinates and the axis labels them from step 41 on.
    x, y = overlay.curve.getData()
    assert x[0] == 1 - PARENT_STEPS and x[-1] == 0
    np.testing.assert_allclose(y, [3.0 - step / 40 for step in range(1, PARENT_STEPS + 1)])
    assert overlay.curve.opts["pen"].color().alpha() < 255  # muted
    child_x, _ = chart.drawn_points(child_id)
    assert child_x[0] == 1 and child_x[-1] == CHILD_STEPS
    axis = chart.plot.view.getPlotItem().getAxis("bottom")
    assert axis.tickStrings([1 - PARENT_STEPS, 0.0, 10.0], 1.0, 10.0) == ["1", "40", "50"]
    x_range = chart.plot.view.view_box.viewRange()[0]
    assert x_range[0] < 1 - PARENT_STEPS and x_range[1] > CHILD_STEPS
    assert (chart.hover_text_at(5) or "").startswith("Step 5 (45 counting the parent's)")
    toggle = chart.findChild(QCheckBox, "showParentToggle")
    assert toggle is not None
    assert toggle.isVisibleTo(chart) and toggle.isChecked()

    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)  # hide the parent

    assert chart.parent_shown() is None and not overlay.curve.isVisible()
    assert axis.tickStrings([10.0], 1.0, 10.0) == ["10"]
    assert chart.plot.view.view_box.viewRange()[0][0] > -1
    assert (chart.hover_text_at(5) or "").startswith("Step 5\n")

    chart.show_parent_curve(True)
    assert chart.parent_shown() is not None and overlay.curve.isVisible()
    page.select_run(parent_id)  # a run without a parent: no toggle, no offset
    qtbot.waitUntil(lambda: chart.drawn_points(parent_id)[0].size > 0, timeout=10_000)
    assert not toggle.isVisibleTo(chart) and chart.parent_shown() is None
    assert axis.step_offset == 0 and not overlay.boundary.isVisible()


def test_compared_runs_never_draw_a_parent(
    qtbot: QtBot, page: RunsPage, library: Library, experiment_with_dataset
) -> None:
    parent_id, child_id = continued_pair(library, experiment_with_dataset.id)
    reload(page, library, experiment_with_dataset)
    page.select_run(child_id)
    qtbot.waitUntil(lambda: page.chart.parent_shown() is not None, timeout=10_000)
    for run_id in (parent_id, child_id):
        page.model.set_checked(run_id, True)
    assert page.request_compare()
    qtbot.waitUntil(lambda: len(page.chart.run_colours()) == 2, timeout=10_000)
    assert page.chart.parent_shown() is None
    toggle = page.chart.findChild(QCheckBox, "showParentToggle")
    assert toggle is not None
    assert not toggle.isVisibleTo(page.chart)
