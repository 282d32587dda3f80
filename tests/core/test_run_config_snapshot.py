"""A run keeps the config it started with, whatever happens to the experiment's (issue 11.5)."""

from __future__ import annotations

from pathlib import Path

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.protocol import RunSpec

from shared_kit import finish_run as finish


def test_the_adapter_records_what_the_run_trained_with(
    library: Library, experiment_with_dataset
) -> None:
    experiment = experiment_with_dataset
    run = library.runs.prepare_start(experiment.id, override={"lora_alpha": 12})
    trained_with = RunSpec.load(Path(run.output_dir) / "run.json").config

    # Edited while the run waits or trains.
    library.experiments.update(experiment.id, config={
        **experiment.config, "lora_r": 32, "lora_alpha": 64, "base_model": "elsewhere/model",
        "lora_target_modules": "out_proj",
    })
    finish(library, run.id, 1.0)

    (adapter,) = library.adapters.list(experiment.id)
    recorded = (adapter.base_model, adapter.lora_r, adapter.lora_alpha, adapter.lora_targets)
    assert recorded == (trained_with["base_model"], trained_with["lora_r"], 12,
                        trained_with["lora_target_modules"])
    assert library.runs.effective_config(run.id).to_dict() == trained_with


def test_a_run_started_before_snapshots_falls_back_to_the_experiment_config(
    library: Library, experiment_with_dataset
) -> None:
    run = library.runs.prepare_start(experiment_with_dataset.id, override={"lora_r": 4})
    with library.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE runs SET effective_config = NULL")
    assert library.runs.effective_config(run.id).lora_r == 4
