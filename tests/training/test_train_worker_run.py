"""A whole worker run on the tiny model: events, terminal, adapter, samples, checkpoints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import soundfile
import torch

from musiclab_desktop.core import protocol

from training_kit import FAST_CONFIG, WorkerResult, run_worker, write_dataset, write_spec

pytestmark = pytest.mark.slow

# Sampling twice: the base model's reference before training, the end round after saving.
PHASES = ["preparing_data", "loading_model", "encoding", "sampling", "training", "saving",
          "sampling", "done"]


@pytest.fixture(scope="module")
def run(
    tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[WorkerResult, Path]:
    folder = tmp_path_factory.mktemp("worker-run")
    dataset = write_dataset(folder / "clips", count=4, seconds=2.5, corrupt=1)
    config = {
        **FAST_CONFIG,
        "base_model": str(tiny_model_dir),
        "validation_split": 0.25,
        "save_every_steps": 5,
        "sample_prompts": "calm low sine tone",
        "sample_seconds": 1.0,
    }
    spec = write_spec(folder / "run", dataset, config)
    return run_worker(spec), folder / "run" / "output"


def test_run_completes_and_every_event_line_is_json(run: tuple[WorkerResult, Path]) -> None:
    result, _ = run
    assert result.returncode == protocol.EXIT_OK, result.terminal[-3000:]
    assert result.raw_events, "no events written"
    for line in result.raw_events:
        payload = json.loads(line)
        assert payload["type"] in protocol.EVENT_TYPES
        assert isinstance(payload["time"], float)


def test_events_are_ordered(run: tuple[WorkerResult, Path]) -> None:
    result, _ = run
    kinds = [event.type for event in result.events]
    phases = [event.phase for event in result.of_type(protocol.PhaseEvent)]
    assert phases == PHASES
    assert kinds[-1] == protocol.CompletedEvent.type
    assert protocol.ErrorEvent.type not in kinds
    training_at = next(
        i
        for i, e in enumerate(result.events)
        if e.type == protocol.PhaseEvent.type and e.phase == "training"
    )
    saving_at = next(
        i
        for i, e in enumerate(result.events)
        if e.type == protocol.PhaseEvent.type and e.phase == "saving"
    )
    metric_positions = [i for i, e in enumerate(result.events)
                        if isinstance(e, protocol.MetricEvent)]
    assert (
        metric_positions and training_at < min(metric_positions) < max(metric_positions) < saving_at
    )


def test_metrics_carry_step_epoch_and_values(run: tuple[WorkerResult, Path]) -> None:
    result, _ = run
    metrics = result.of_type(protocol.MetricEvent)
    assert [m.step for m in metrics] == list(range(1, 11))
    assert all(m.total_steps == 10 for m in metrics)
    epochs = [m.epoch for m in metrics]
    assert epochs == sorted(epochs) and epochs[-1] > 1
    for metric in metrics:
        values = metric.values
        assert set(values) >= {
            "loss",
            "learning_rate",
            "grad_norm",
            "frames_per_s",
            "audio_s_per_s",
        }
        assert values["loss"] > 0 and values["frames_per_s"] > 0
    evals = result.of_type(protocol.EvalEvent)
    assert evals and all(e.values["eval_loss"] > 0 for e in evals)


def test_final_loss_is_the_last_window_and_printed_the_same(run: tuple[WorkerResult, Path]) -> None:
    result, output = run
    completed = result.of_type(protocol.CompletedEvent)[0]
    last_loss = result.of_type(protocol.MetricEvent)[-1].values["loss"]
    assert completed.final_loss == round(last_loss, 4)
    assert completed.steps == 10
    assert completed.adapter_dir == str(output / protocol.ADAPTER_DIR)
    assert f"final loss {completed.final_loss}" in result.terminal


def test_terminal_shows_banner_bar_and_the_skipped_clip(run: tuple[WorkerResult, Path]) -> None:
    result, _ = run
    terminal = result.terminal
    assert "Effective configuration" in terminal and "trainable" in terminal
    assert "10/10" in terminal and "\r" in terminal  # a live tqdm bar
    assert "warning" in terminal and "corrupt-0.wav" in terminal


@pytest.mark.filterwarnings("ignore:.*is_gradient_checkpointing:FutureWarning")
def test_adapter_loads_with_plain_peft_and_changes_logits(
    run: tuple[WorkerResult, Path], tiny_model_dir: Path
) -> None:
    from peft import PeftModel
    from transformers import AutoProcessor, MusicgenForConditionalGeneration

    _, output = run
    processor = AutoProcessor.from_pretrained(str(tiny_model_dir))
    inputs = processor(text=["calm low sine tone"], return_tensors="pt")
    decoder_ids = torch.arange(4 * 12).reshape(4, 12) % 2048

    def logits(model: torch.nn.Module) -> torch.Tensor:
        model.eval()
        with torch.no_grad():
            return model(**inputs, decoder_input_ids=decoder_ids).logits

    base = MusicgenForConditionalGeneration.from_pretrained(str(tiny_model_dir))
    before = logits(base)
    adapted = PeftModel.from_pretrained(base, str(output / protocol.ADAPTER_DIR))
    after = logits(adapted)

    assert before.shape == after.shape
    assert (after - before).abs().max() > 1e-4


def test_adapter_info_describes_what_produced_it(
    run: tuple[WorkerResult, Path], tiny_model_dir: Path
) -> None:
    _, output = run
    info = json.loads((output / protocol.ADAPTER_DIR / protocol.ADAPTER_INFO_FILE).read_text())
    assert info["base_model"] == str(tiny_model_dir)
    assert info["steps"] == 10
    assert info["lora_r"] == 16 and info["lora_alpha"] == 16
    assert len(info["dataset_fingerprint"]) == 16
    assert info["config"]["max_steps"] == 10


def test_samples_checkpoints_and_code_cache_are_written(run: tuple[WorkerResult, Path]) -> None:
    result, output = run
    samples = result.of_type(protocol.SampleEvent)
    # The reference and the end always; between them only what the time budget allows.
    assert (samples[0].step, samples[0].reference) == (0, True)
    assert (samples[-1].step, samples[-1].reference) == (10, False)
    assert all(s.prompt == "calm low sine tone" and s.prompt_index == 0 for s in samples)
    wav = output / samples[-1].path
    assert wav.parent == output / protocol.SAMPLES_DIR / "step-000010"
    info = soundfile.info(str(wav))
    assert info.samplerate == 32_000 and info.duration == pytest.approx(1.0, abs=0.05)
    checkpoints = sorted(p.name for p in (output / protocol.CHECKPOINTS_DIR).iterdir())
    assert checkpoints == ["step-000005", "step-000010"]
    assert (output / protocol.CHECKPOINTS_DIR / "step-000005" / "trainer_state.pt").is_file()
    assert len(list((output / "codes_cache").glob("*.npy"))) == 4
