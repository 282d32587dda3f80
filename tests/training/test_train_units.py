"""Small pieces: the learning-rate schedule, device choice, error kinds, model lookup."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import torch

from musiclab_desktop.core import protocol
from musiclab_desktop.training.errors import ModelUnavailableError, is_out_of_memory
from musiclab_desktop.training.events import EventChannel
from musiclab_desktop.training.hardware import pick_device, pick_precision
from musiclab_desktop.training.model_source import resolve_model_dir
from musiclab_desktop.training.report import Reporter
from musiclab_desktop.training.schedule import lr_factor
from musiclab_desktop.training.terminal import Terminal


def test_warmup_then_cosine_decay() -> None:
    factor = lr_factor("cosine", warmup=4, total=20)
    ramp = [factor(i) for i in range(4)]
    decay = [factor(i) for i in range(4, 20)]
    assert ramp == [0.25, 0.5, 0.75, 1.0]
    assert decay[0] == 1.0 and decay == sorted(decay, reverse=True) and decay[-1] > 0


def test_linear_and_constant_schedules() -> None:
    linear = lr_factor("linear", warmup=0, total=10)
    assert [round(linear(i), 2) for i in (0, 5, 9)] == [1.0, 0.5, 0.1]
    assert {lr_factor("constant", warmup=2, total=10)(i) for i in range(2, 10)} == {1.0}


def test_cpu_machine_trains_in_fp32() -> None:
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    device = pick_device("auto")
    assert device.type in ("cpu", "mps")
    assert pick_precision("auto", torch.device("cpu")).name == "fp32"


def test_out_of_memory_is_recognised() -> None:
    assert is_out_of_memory(MemoryError())
    assert is_out_of_memory(torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate"))
    assert is_out_of_memory(RuntimeError("MPS backend out of memory"))
    assert not is_out_of_memory(RuntimeError("shape mismatch"))


def test_folder_that_is_not_musicgen_is_refused(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "bert"}))
    with pytest.raises(ModelUnavailableError, match="not a MusicGen"):
        resolve_model_dir(str(tmp_path))


def test_model_folder_resolves(tiny_model_dir: Path) -> None:
    assert resolve_model_dir(str(tiny_model_dir)) == tiny_model_dir.resolve()


def test_event_channel_writes_protocol_lines(tmp_path: Path) -> None:
    path = tmp_path / "events"
    with path.open("wb") as stream:
        EventChannel(stream).emit(protocol.PhaseEvent(protocol.Phase.TRAINING, "go"))
    event = protocol.PhaseEvent.from_json(path.read_bytes())
    assert event is not None and event.phase == "training"
    assert event.time is not None and event.time > 0


def test_step_lines_carry_the_step_mark_the_chart_looks_for() -> None:
    out = io.StringIO()
    reporter = Reporter(Terminal(out))
    reporter.epoch_done(1, 3, 12, 1.5)
    reporter.eval(20, 0.5, 1.25)
    text = out.getvalue()
    assert protocol.step_mark_pattern(12).search(text)
    assert protocol.step_mark_pattern(20).search(text)
    assert protocol.nearest_marked_step(text, 19) == 12
