"""Exact resume: a run killed after a checkpoint and resumed trains the same steps,
with the same losses and the same final weights, as a run that was never interrupted."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from safetensors.numpy import load_file

from musiclab_desktop.core import protocol
from musiclab_desktop.core.checkpoints import PARTIAL_PREFIX, latest_checkpoint, list_checkpoints

from training_kit import run_worker, write_dataset

# Mid-epoch at step 10 (4 clips, batch 1: 4 steps an epoch), with caption dropout and
# LoRA dropout drawing from the RNG streams on every step.
RESUME_CONFIG = {
    "max_steps": 24,
    "num_epochs": 100,
    "batch_size": 1,
    "gradient_accumulation_steps": 1,
    "segment_seconds": 2.0,
    "min_segment_seconds": 1.0,
    "learning_rate": 3e-3,
    "log_every_steps": 1,
    "save_every_steps": 5,
    "save_every_minutes": 0.0,
    "keep_last_checkpoints": 2,
    "condition_dropout": 0.3,
    "device": "cpu",
    "precision": "fp32",
    "sample_enabled": False,  # samples keep the random streams as they were: not the point
}
# CPU float32 with the same thread count replays the same operations in the same order:
# the losses match bit for bit, so the test asks for far less than the 1e-6 promised.
TOLERANCE = 1e-6


def spec_for(folder: Path, dataset: Path, model: Path, **extra: str | None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    spec = protocol.RunSpec(
        run_id=1, run_name="run-1", experiment_id=1, experiment_name="tiny",
        config={**RESUME_CONFIG, "base_model": str(model)}, dataset_path=str(dataset),
        output_dir=str(folder), **extra,
    )
    path = folder / protocol.RUN_SPEC_FILE
    spec.save(path)
    return path


def losses(result) -> dict[int, float]:
    return {event.step: event.values["loss"]
            for event in result.of_type(protocol.MetricEvent)}


def adapter_weights(folder: Path) -> dict:
    return load_file(str(folder / protocol.ADAPTER_DIR / "adapter_model.safetensors"))


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory, tiny_model_dir: Path):
    root = tmp_path_factory.mktemp("uninterrupted")
    dataset = write_dataset(root / "clips", count=4)
    result = run_worker(spec_for(root / "run", dataset, tiny_model_dir), timeout=300)
    assert result.returncode == 0, result.terminal[-3000:]
    return dataset, root / "run", result


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory) -> Path:
    from musiclab_desktop.training.tiny_model import build_tiny_musicgen

    return build_tiny_musicgen(tmp_path_factory.mktemp("tiny-musicgen-resume"))


def resume_and_compare(folder: Path, dataset: Path, model: Path, uninterrupted, step: int):
    _, plain_folder, plain = uninterrupted
    kept = latest_checkpoint(folder)
    assert kept is not None and kept.step == step
    resumed = run_worker(spec_for(folder, dataset, model, resume_from=str(kept.path)),
                         timeout=300)
    assert resumed.returncode == 0, resumed.terminal[-3000:]
    assert f"Resuming from the checkpoint of step {step}" in resumed.terminal
    again, expected = losses(resumed), losses(plain)
    assert sorted(again) == list(range(step + 1, 25))
    for number in range(step + 1, 25):
        assert again[number] == pytest.approx(expected[number], abs=TOLERANCE, rel=0)
    final, reference = adapter_weights(folder), adapter_weights(plain_folder)
    assert final.keys() == reference.keys()
    for key, value in reference.items():
        assert abs(final[key] - value).max() <= TOLERANCE, key
    completed = resumed.of_type(protocol.CompletedEvent)[-1]
    assert completed.steps == 24


def test_killed_after_a_checkpoint_resumes_exactly(tmp_path: Path, tiny_model_dir: Path,
                                                    uninterrupted) -> None:
    dataset = uninterrupted[0]
    folder = tmp_path / "run"
    killed = run_worker(spec_for(folder, dataset, tiny_model_dir), timeout=300,
                        MUSICLAB_TEST_KILL_AFTER_CHECKPOINT="10")
    assert killed.returncode == -signal.SIGKILL
    assert max(losses(killed)) == 10
    # Retention kept the last two and the best of the three written (5, 10).
    assert [info.step for info in list_checkpoints(folder)] == [5, 10]

    resume_and_compare(folder, dataset, tiny_model_dir, uninterrupted, step=10)


def test_killed_while_writing_a_checkpoint_resumes_from_the_previous_one(
        tmp_path: Path, tiny_model_dir: Path, uninterrupted) -> None:
    dataset = uninterrupted[0]
    folder = tmp_path / "run"
    killed = run_worker(spec_for(folder, dataset, tiny_model_dir), timeout=300,
                        MUSICLAB_TEST_KILL_DURING_CHECKPOINT="15")
    assert killed.returncode == -signal.SIGKILL
    assert max(losses(killed)) == 15
    root = folder / protocol.CHECKPOINTS_DIR
    assert (root / f"{PARTIAL_PREFIX}step-000015").is_dir()  # cut short: never read
    assert not (root / "step-000015").exists()

    resume_and_compare(folder, dataset, tiny_model_dir, uninterrupted, step=10)
    assert not (root / f"{PARTIAL_PREFIX}step-000015").exists()
