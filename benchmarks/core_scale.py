"""How the core behaves at scale. Prints figures; asserts nothing.

    python benchmarks/core_scale.py [--experiments 1000] [--runs 10000]
                                    [--points 1000000] [--series-points 100000]

A fresh database in a temporary folder gets ``--experiments`` draft experiments and
``--runs`` failed runs in the first of them, inserted in bulk (not timed). What is
timed, in this process, with no GUI:

- list experiments: ``library.experiments.list()``, the fastest of 5 calls;
- list runs: ``library.runs.list(experiment_id)`` of the experiment holding the runs,
  the fastest of 5 calls;
- append: ``--points`` loss points through ``library.telemetry.append_metrics`` in
  batches of 10,000, each batch its own transaction, commits included;
- read back: ``library.telemetry.series(run_id, "loss")`` of another run holding
  ``--series-points`` points, the fastest of 3 calls.

Targets (issue 2): list 1,000 experiments and 10,000 runs in under 50 ms each, append
at least 200,000 metric points/s, read a 100,000-point series back in under 200 ms.
"""

from __future__ import annotations

import argparse
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


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], epilog="See the module docstring for what is timed.")
    parser.add_argument("--experiments", type=int, default=1_000,
                        help="experiments to list (default 1000)")
    parser.add_argument("--runs", type=int, default=10_000,
                        help="runs in one experiment to list (default 10000)")
    parser.add_argument("--points", type=int, default=1_000_000,
                        help="metric points to append (default 1000000)")
    parser.add_argument("--series-points", type=int, default=100_000,
                        help="points in the series read back (default 100000)")
    args = parser.parse_args()
    if args.experiments < 1 or args.runs < 2 or args.points < 1 or args.series_points < 1:
        parser.error("need at least 1 experiment, 2 runs and 1 point")
    return args


def main() -> None:
    args = parse_args()
    with tempfile.TemporaryDirectory() as folder:
        library = Library.open(Path(folder))
        experiment_id = seed_experiments(library, args.experiments)
        seed_runs(library, experiment_id, args.runs)
        run_id = library.runs.list(experiment_id)[0].id

        list_experiments = best_of(5, library.experiments.list)
        list_runs = best_of(5, lambda: library.runs.list(experiment_id))

        total, batch = args.points, 10_000
        start = time.perf_counter()
        for offset in range(0, total, batch):
            library.telemetry.append_metrics(run_id, [
                (step, "loss", 1.0 / (step + 1), 1.7e9 + step)
                for step in range(offset, min(offset + batch, total))
            ])
        append_rate = total / (time.perf_counter() - start)

        series_run = library.runs.list(experiment_id)[1].id
        library.telemetry.append_metrics(series_run, [
            (step, "loss", 1.0, None) for step in range(args.series_points)])
        read_back = best_of(3, lambda: library.telemetry.series(series_run, "loss"))
        library.close()

    print(f"list {args.experiments:,} experiments:".ljust(31)
          + f"{list_experiments * 1000:8.1f} ms  (target < 50 for 1,000)")
    print(f"list {args.runs:,} runs:".ljust(31)
          + f"{list_runs * 1000:8.1f} ms  (target < 50 for 10,000)")
    print(f"append {total:,} metric points:".ljust(31)
          + f"{append_rate:10,.0f} points/s  (target >= 200,000)")
    print(f"read a {args.series_points:,}-point series:".ljust(31)
          + f"{read_back * 1000:8.1f} ms  (target < 200 for 100,000)")


if __name__ == "__main__":
    main()
