"""Samples: the audio runs make while they train, and the ratings listeners give them.

The runner records a row per ``sample`` event; the Samples view, the compare grid and
``musiclab runs samples`` read them. A run's samples go with the run (the final ones
also live on in its adapter folder).
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.dialects.sqlite import insert

from musiclab_desktop.core.errors import NotFoundError, ValidationError
from musiclab_desktop.core.models import Run, Sample
from musiclab_desktop.core.records import SampleRecord

if TYPE_CHECKING:
    from musiclab_desktop.core.library import Library

RATING_RANGE = range(1, 6)


class SampleService:
    def __init__(self, library: Library) -> None:
        self._library = library

    def record(
        self,
        run_id: int,
        *,
        step: int,
        prompt_index: int,
        prompt: str,
        seed: int,
        seconds: float,
        sample_rate: int,
        path: str,
        reference: bool = False,
    ) -> int:
        """Store (or replace, for a step sampled again after a resume) one sample; its id."""
        values = {
            "run_id": run_id, "step": step, "prompt_index": prompt_index, "prompt": prompt,
            "seed": seed, "seconds": seconds, "sample_rate": sample_rate, "path": path,
            "reference": reference, "rating": None,
        }  # fmt: skip
        with self._library.transaction() as session:
            if session.get(Run, run_id) is None:
                raise NotFoundError(f"Run {run_id} does not exist.")
            statement = insert(Sample).values(**values, created_at=func.current_timestamp())
            statement = statement.on_conflict_do_update(
                index_elements=["run_id", "step", "prompt_index"],
                set_={key: statement.excluded[key] for key in values if key != "run_id"},
            )
            session.execute(statement)
            return session.scalars(
                select(Sample.id).where(
                    Sample.run_id == run_id, Sample.step == step,
                    Sample.prompt_index == prompt_index,
                )
            ).one()

    def list(self, run_id: int) -> builtins.list[SampleRecord]:
        """A run's samples by step, then prompt."""
        return self.for_runs([run_id])

    def for_runs(self, run_ids: Iterable[int]) -> builtins.list[SampleRecord]:
        """The samples of several runs, by run, step and prompt (one query)."""
        ids = builtins.list(run_ids)
        query = (
            select(Sample, Run.output_dir)
            .join(Run, Run.id == Sample.run_id)
            .where(Sample.run_id.in_(ids))
            .order_by(Sample.run_id, Sample.step, Sample.prompt_index)
        )
        with self._library.transaction() as session:
            return [SampleRecord.of(row, folder) for row, folder in session.execute(query)]

    def counts(self, run_ids: Iterable[int]) -> dict[int, int]:
        """How many samples each run has (runs without any are left out)."""
        query = (
            select(Sample.run_id, func.count())
            .where(Sample.run_id.in_(builtins.list(run_ids)))
            .group_by(Sample.run_id)
        )
        with self._library.transaction() as session:
            return {run_id: count for run_id, count in session.execute(query)}

    def mean_ratings(self, run_ids: Iterable[int]) -> dict[int, float]:
        """The mean rating of each run's rated samples (unrated runs are left out)."""
        query = (
            select(Sample.run_id, func.avg(Sample.rating))
            .where(Sample.run_id.in_(builtins.list(run_ids)), Sample.rating.is_not(None))
            .group_by(Sample.run_id)
        )
        with self._library.transaction() as session:
            return {run_id: float(mean) for run_id, mean in session.execute(query)}

    def rate(self, sample_id: int, rating: int | None) -> None:
        """Give a sample 1-5 (None clears the rating)."""
        if rating is not None and rating not in RATING_RANGE:
            raise ValidationError(f"A rating is 1 to 5, not {rating}.")
        with self._library.transaction() as session:
            row = session.get(Sample, sample_id)
            if row is None:
                raise NotFoundError(f"Sample {sample_id} does not exist.")
            row.rating = rating
