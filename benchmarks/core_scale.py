"""How the core behaves at scale. Prints figures; asserts nothing.

    python benchmarks/core_scale.py

Targets (issue 2): list 1,000 experiments and 10,000 runs in under 50 ms each, append
at least 200,000 metric points/s, read a 100,000-point series back in under 200 ms.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from musiclab_desktop.core.config import default_config
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.models import Experiment, Run, utcnow


def best_of(repeats: int, action: Callable[[], Any]) -> float:
    """Fastest of a few runs, in seconds: the figure least disturbed by the machine."""
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return min(timings)


def seed_experiments(library: Library, count: int) -> int:
    config, now = default_config(), utcnow()
    rows = [{"name": f"experiment {i:05d}", "description": "", "config": config,
             "status": "DRAFT", "created_at": now, "updated_at": now} for i in range(count)]
    with library.transaction() as session:
        session.execute(insert(Experiment), rows)
        return session.query(Experiment.id).order_by(Experiment.id).first()[0]


def seed_runs(library: Library, experiment_id: int, count: int) -> None:
    now = utcnow()
    rows = [{"experiment_id": experiment_id, "name": f"run-{i + 1}", "status": "FAILED",
             "created_at": now, "current_step": 0} for i in range(count)]
    with library.transaction() as session:
        session.execute(insert(Run), rows)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        library = Library.open(Path(folder))
        experiment_id = seed_experiments(library, 1_000)
        seed_runs(library, experiment_id, 10_000)
        run_id = library.runs.list(experiment_id)[0].id

        list_experiments = best_of(5, library.experiments.list)
        list_runs = best_of(5, lambda: library.runs.list(experiment_id))

        total, batch = 1_000_000, 10_000
        start = time.perf_counter()
        for offset in range(0, total, batch):
            library.telemetry.append_metrics(run_id, [
                (step, "loss", 1.0 / (step + 1), 1.7e9 + step)
                for step in range(offset, offset + batch)
            ])
        append_rate = total / (time.perf_counter() - start)

        series_run = library.runs.list(experiment_id)[1].id
        library.telemetry.append_metrics(series_run, [
            (step, "loss", 1.0, None) for step in range(100_000)])
        read_back = best_of(3, lambda: library.telemetry.series(series_run, "loss"))
        library.close()

    print(f"list 1,000 experiments:        {list_experiments * 1000:8.1f} ms  (target < 50)")
    print(f"list 10,000 runs:              {list_runs * 1000:8.1f} ms  (target < 50)")
    print(f"append 1,000,000 metric points: {append_rate:10,.0f} points/s  (target >= 200,000)")
    print(f"read a 100,000-point series:   {read_back * 1000:8.1f} ms  (target < 200)")


if __name__ == "__main__":
    main()
