"""Samples during a real run of the tiny model: schedule, seeds, audio, adapter copies,
and a training that goes exactly as it would without them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile

from musiclab_desktop.core import protocol
from musiclab_desktop.training.sample_schedule import prompt_seed

from training_kit import CAPTIONS, FAST_CONFIG, WorkerResult, run_worker, write_dataset, write_spec

pytestmark = pytest.mark.slow

SEED = 7
CONFIG = {
    **FAST_CONFIG,
    "max_steps": 8,
    "seed": SEED,
    "validation_split": 0.25,  # the prompts come from the held-out clip first
    "sample_every_steps": 3,
    "sample_seconds": 0.5,
}


@pytest.fixture(scope="module")
def runs(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory
         ) -> dict[str, tuple[WorkerResult, Path]]:
    folder = tmp_path_factory.mktemp("samples")
    dataset = write_dataset(folder / "clips", count=4, seconds=2.5)
    results = {}
    for name, extra in (("on", {}), ("off", {"sample_enabled": False})):
        config = {**CONFIG, **extra, "base_model": str(tiny_model_dir)}
        spec = write_spec(folder / name, dataset, config)
        results[name] = (run_worker(spec, timeout=300), folder / name / "output")
    return results


def test_the_base_then_every_n_steps_then_the_end(runs: dict) -> None:
    result, _ = runs["on"]
    assert result.returncode == protocol.EXIT_OK, result.terminal[-3000:]
    samples = result.of_type(protocol.SampleEvent)
    assert [(s.step, s.prompt_index) for s in samples] == [
        (step, index) for step in (0, 3, 6, 8) for index in (0, 1)]
    assert [s.reference for s in samples] == [True, True] + [False] * 6
    # The reference comes before the first step, each round after its step's metric.
    kinds = [(e.type, getattr(e, "step", None)) for e in result.events]
    assert kinds.index(("sample", 0)) < kinds.index(("metric", 1))
    assert kinds.index(("metric", 3)) < kinds.index(("sample", 3)) < kinds.index(("metric", 4))


def test_prompts_are_dataset_captions_with_a_fixed_seed_each(runs: dict) -> None:
    result, _ = runs["on"]
    samples = result.of_type(protocol.SampleEvent)
    prompts = {s.prompt_index: s.prompt for s in samples}
    assert set(prompts.values()) <= set(CAPTIONS) and len(set(prompts.values())) == 2
    for sample in samples:
        assert sample.prompt == prompts[sample.prompt_index]
        assert sample.seed == prompt_seed(SEED, sample.prompt_index)  # same at every step
    assert f"seed {prompt_seed(SEED, 1)}" in result.terminal


def test_each_sample_is_a_non_silent_wav_where_the_event_says(runs: dict) -> None:
    result, output = runs["on"]
    for sample in result.of_type(protocol.SampleEvent):
        assert not Path(sample.path).is_absolute()
        audio, rate = soundfile.read(str(output / sample.path))
        assert rate == sample.sample_rate == 32_000
        assert len(audio) / rate == pytest.approx(sample.seconds, abs=0.01)
        assert np.sqrt(np.mean(audio**2)) > 1e-3
        assert f"{sample.path}" in result.terminal  # one terminal line per sample


def test_the_adapter_learned_and_the_base_reference_did_not_use_it(runs: dict) -> None:
    result, output = runs["on"]
    by_step = {(s.step, s.prompt_index): output / s.path
               for s in result.of_type(protocol.SampleEvent)}
    base = soundfile.read(str(by_step[(0, 0)]))[0]
    end = soundfile.read(str(by_step[(8, 0)]))[0]
    assert base.shape == end.shape and not np.array_equal(base, end)


def test_the_end_round_is_copied_into_the_adapter_and_its_card(runs: dict) -> None:
    result, output = runs["on"]
    adapter = output / protocol.ADAPTER_DIR
    last = [s for s in result.of_type(protocol.SampleEvent) if s.step == 8]
    copies = sorted((adapter / protocol.SAMPLES_DIR).glob("*.wav"))
    assert [p.name for p in copies] == [Path(s.path).name for s in last]
    for sample, copy in zip(last, copies, strict=True):
        assert copy.read_bytes() == (output / sample.path).read_bytes()
    card = (adapter / "README.md").read_text(encoding="utf-8")
    assert all(s.prompt in card and f"samples/{Path(s.path).name}" in card for s in last)


def test_samples_do_not_change_the_training(runs: dict) -> None:
    on, on_output = runs["on"]
    off, off_output = runs["off"]
    assert off.returncode == protocol.EXIT_OK, off.terminal[-3000:]
    assert off.of_type(protocol.SampleEvent) == []
    assert not (off_output / protocol.SAMPLES_DIR).exists()
    losses = [[m.values["loss"] for m in r.of_type(protocol.MetricEvent)] for r in (on, off)]
    assert losses[0] == losses[1] and len(losses[0]) == 8
    evals = [[e.values for e in r.of_type(protocol.EvalEvent)] for r in (on, off)]
    assert evals[0] == evals[1]
    weights = "adapter_model.safetensors"
    assert ((on_output / protocol.ADAPTER_DIR / weights).read_bytes()
            == (off_output / protocol.ADAPTER_DIR / weights).read_bytes())
