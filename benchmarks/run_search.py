"""How fast runs are found across experiments. Prints figures; asserts nothing.

    python benchmarks/run_search.py [--runs 10000] [--experiments 100]

A fresh database in a temporary folder gets ``--experiments`` experiments and
``--runs`` completed runs spread over them, each with a config snapshot (rank 8 or 16)
and a final loss, inserted in bulk (not timed). What is timed, in this process, the
fastest of 5 calls each:

- all: ``library.runs.search()`` (every run with its effective settings);
- filter + sort: ``search(filter_text="final_loss<7.5 and lora_r=16", sort="final_loss")``,
  which is what ``musiclab runs list --filter ... --sort ...`` runs.
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


def best_of(repeats: int, action: Callable[[], Any]) -> tuple[float, Any]:
    timings, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = action()
        timings.append(time.perf_counter() - start)
    return min(timings), result


def seed(library: Library, experiments: int, runs: int) -> None:
    config, now = default_config(), utcnow()
    with library.transaction() as session:
        session.execute(
            insert(Experiment),
            [
                {
                    "name": f"experiment {i}",
                    "description": "",
                    "config": config,
                    "status": "DRAFT",
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(experiments)
            ],
        )
        session.execute(
            insert(Run),
            [
                {
                    "experiment_id": 1 + i % experiments,
                    "name": f"run-{i + 1}",
                    "status": "COMPLETED",
                    "created_at": now,
                    "current_step": 100,
                    "final_loss": 6.0 + (i % 30) / 10,
                    "effective_config": {**config, "lora_r": 16 if i % 2 else 8},
                }
                for i in range(runs)
            ],
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], epilog="See the module docstring for what is timed."
    )
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--experiments", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        library = Library.open(Path(folder))
        seed(library, args.experiments, args.runs)
        every, found = best_of(5, lambda: library.runs.search())
        print(f"search all {len(found):,} runs: {every * 1000:.0f} ms")
        filtered, found = best_of(
            5,
            lambda: library.runs.search(
                filter_text="final_loss<7.5 and lora_r=16", sort="final_loss"
            ),
        )
        print(f"filter + sort, {len(found):,} of {args.runs:,} runs: {filtered * 1000:.0f} ms")
        library.close()


if __name__ == "__main__":
    main()
