"""The step-axis marks of the run a chart shows alone, kept per run.

Where a run has samples (clickable glyphs), the steps it was resumed from, and the
ratings of its samples (exported with the CSV). They may arrive before the run's
metrics do, so they are kept by run and drawn whenever that run is shown alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal

from musiclab_desktop.ui.metrics.resume_marks import ResumeMarks
from musiclab_desktop.ui.metrics.sample_marks import SampleMarks
from musiclab_desktop.ui.metrics.view import ChartView


class RunMarks(QObject):
    """``sampleClicked`` carries (run_id, step) of a sample glyph of the run shown alone."""

    sampleClicked = Signal(int, int)

    def __init__(self, view: ChartView) -> None:
        super().__init__(view)
        self.samples = SampleMarks(view)
        self.resumes = ResumeMarks(view)
        self.ratings: dict[int, list[tuple[int, int]]] = {}
        self._sample_steps: dict[int, list[int]] = {}
        self._resume_steps: dict[int, list[int]] = {}
        self._alone: int | None = None  # the run shown alone, None when none or comparing
        self._sampled_run: int | None = None
        self.samples.clicked.connect(self._on_sample_clicked)

    def show_alone(self, run_id: int | None) -> None:
        """Draw the marks of ``run_id`` (None: runs compared or none, no marks)."""
        self._alone = run_id
        self._apply_samples()
        self._apply_resumes()

    def set_sample_steps(self, run_id: int, steps: Sequence[int]) -> None:
        self._sample_steps[run_id] = list(steps)
        self._apply_samples()

    def set_resume_steps(self, run_id: int, steps: Sequence[int]) -> None:
        self._resume_steps[run_id] = list(steps)
        self._apply_resumes()

    def set_ratings(self, run_id: int, ratings: Sequence[tuple[int, int]]) -> None:
        self.ratings[run_id] = list(ratings)

    def clear(self) -> None:
        """Forget the samples and ratings and hide every mark; the resume steps stay
        (they come with the run record, not with a read of its samples)."""
        self._alone = self._sampled_run = None
        self.ratings = {}
        self._sample_steps = {}
        self.samples.set_steps([])
        self.resumes.set_steps([])

    def _apply_samples(self) -> None:
        alone = self._alone
        self._sampled_run = alone if alone in self._sample_steps else None
        self.samples.set_steps(self._sample_steps.get(alone, []) if alone is not None else [])

    def _apply_resumes(self) -> None:
        alone = self._alone
        self.resumes.set_steps(self._resume_steps.get(alone, []) if alone is not None else [])

    def _on_sample_clicked(self, step: int) -> None:
        if self._sampled_run is not None:
            self.sampleClicked.emit(self._sampled_run, step)
