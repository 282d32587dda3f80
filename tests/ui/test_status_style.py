"""One table gives every run and experiment status its label and colour."""

from __future__ import annotations

from musiclab_desktop.core.status import ExperimentStatus, RunStatus
from musiclab_desktop.ui.status_style import STATUS_STYLES, status_style


def test_every_status_has_a_label_and_a_colour() -> None:
    for status in [*RunStatus, *ExperimentStatus]:
        assert status in STATUS_STYLES, f"{status} has no style in ui/status_style.py"
        style = status_style(status)
        assert style.label and style.colour.startswith("#")


def test_labels_say_what_a_person_sees() -> None:
    assert status_style(RunStatus.PENDING).label == "Queued"
    assert status_style(RunStatus.RUNNING).label == "Training"
    assert status_style("SOMETHING_NEW").label == "Something_New"
