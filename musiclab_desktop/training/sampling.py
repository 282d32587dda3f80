"""Samples during training: clips generated with fixed seeds so a person hears what
the adapter learned, step by step (when: training/sample_schedule.py).

Sampling never changes how the run trains: every round runs inside a saved and restored
random state (torch on the CPU and the device, numpy, Python), and the model goes back
to training mode after it. A run with samples trains exactly as one without.
"""

from __future__ import annotations

import contextlib
import random
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import soundfile
import torch

from musiclab_desktop.core import protocol
from musiclab_desktop.core.config import TrainingConfig
from musiclab_desktop.core.protocol import Phase
from musiclab_desktop.training.cancel import CancelFlag
from musiclab_desktop.training.hardware import Precision
from musiclab_desktop.training.model_loading import LoadedModel
from musiclab_desktop.training.report import Reporter
from musiclab_desktop.training.sample_schedule import (
    SAMPLING_SHARE,
    SampleSchedule,
    prompt_seed,
    sample_file_name,
    sample_path,
)
from musiclab_desktop.training.step import set_train_mode

__all__ = ["GenerationSettings", "Sampler", "generate_sample", "sample_file_name", "write_wav"]


@dataclass(frozen=True)
class GenerationSettings:
    seconds: float
    guidance_scale: float = 3.0
    top_k: int = 250
    temperature: float = 1.0

    @classmethod
    def of(cls, config: TrainingConfig) -> GenerationSettings:
        return cls(config.sample_seconds, config.sample_guidance_scale, config.sample_top_k,
                   config.sample_temperature)


@torch.no_grad()
def generate_sample(
    model: Any,
    loaded: LoadedModel,
    prompt: str,
    settings: GenerationSettings,
    precision: Precision,
    *,
    seed: int | None = None,
    base_only: bool = False,
) -> np.ndarray:
    """Audio (channels, samples) for ``prompt``; ``base_only``: with the adapter
    disabled (the base model's reference). Leaves the model in eval mode."""
    base = model.get_base_model()
    device = next(base.decoder.parameters()).device
    inputs = loaded.processor(text=[prompt], padding=True, return_tensors="pt").to(device)
    # The delay pattern costs (codebooks - 1) extra steps at the end of the clip.
    delay = loaded.num_codebooks // loaded.audio_channels - 1
    steps = min(round(settings.seconds * loaded.frame_rate) + delay, loaded.max_positions - 1)
    model.eval()
    if seed is not None:
        torch.manual_seed(seed)  # CPU and every CUDA device
    adapter_off = model.disable_adapter() if base_only else contextlib.nullcontext()
    with adapter_off, precision.autocast():
        audio = base.generate(
            **inputs, do_sample=True, guidance_scale=settings.guidance_scale,
            top_k=settings.top_k, temperature=settings.temperature, max_new_tokens=steps,
            use_cache=True,  # training turns the decoder's cache off; generation wants it
        )
    return audio[0].float().cpu().numpy()


def write_wav(audio: np.ndarray, path: Path, sample_rate: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(str(path), np.clip(audio.T, -1.0, 1.0), sample_rate, subtype="PCM_16")
    return path


@contextlib.contextmanager
def random_state_kept(device: torch.device) -> Iterator[None]:
    """Run the block and put every random generator back as it was before it."""
    python_state, numpy_state = random.getstate(), np.random.get_state()
    devices = [device.index or 0] if device.type in ("cuda", "mps") else []
    device_type = device.type if device.type in ("cuda", "mps") else None
    try:
        with torch.random.fork_rng(devices=devices, device_type=device_type):
            yield
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)


@dataclass(frozen=True)
class Written:
    """A sample on disk: its prompt and where it is, relative to the run folder."""

    prompt_index: int
    prompt: str
    path: str


class Sampler:
    """Makes the run's sampling rounds and reports each sample as it is written."""

    def __init__(
        self,
        model: Any,
        loaded: LoadedModel,
        config: TrainingConfig,
        prompts: list[str],
        output_dir: Path,
        precision: Precision,
        reporter: Reporter,
        cancel: CancelFlag,
        schedule: SampleSchedule,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.model = model
        self.loaded = loaded
        self.prompts = prompts
        self.seeds = [prompt_seed(config.seed, index) for index in range(len(prompts))]
        self.settings = GenerationSettings.of(config)
        self.output_dir = output_dir
        self.precision = precision
        self.reporter = reporter
        self.cancel = cancel
        self.schedule = schedule
        self.clock = clock
        self.automatic = config.sample_every_steps == 0
        self._told_skips = False

    def reference(self) -> list[Written]:
        """The base model's round (adapter disabled), at step 0 before training."""
        self.reporter.phase(
            Phase.SAMPLING,
            f"Sampling the base model: {len(self.prompts)} prompt(s) of "
            f"{self.settings.seconds:g} s")
        written = self._round(0, reference=True)
        if self.schedule.round_seconds is not None:
            rule = (f"automatic: at checkpoints and epoch ends while sampling stays under "
                    f"{SAMPLING_SHARE:.0%} of the run's time" if self.automatic
                    else f"every {self.schedule.every_steps} steps")
            self.reporter.info(
                f"One sampling round takes about {self.schedule.round_seconds:.1f} s; samples "
                f"during training: {rule}; seeds {', '.join(map(str, self.seeds))}")
        return written

    def after_step(self, step: int) -> None:
        """The loop's hook: a round when one is due after ``step``."""
        if self.cancel.requested:
            return
        if self.schedule.due(step):
            self._round(step, reference=False)
        elif self.schedule.skipped and not self._told_skips:
            self._told_skips = True
            self.reporter.info(f"Skipped the samples of {protocol.step_mark(step)} and spaced "
                               f"the next ones to keep sampling under {SAMPLING_SHARE:.0%} "
                               "of the run's time.")

    def final(self, step: int) -> list[Written]:
        """The end round, with the saved adapter."""
        self.reporter.phase(
            Phase.SAMPLING, f"Generating {len(self.prompts)} sample(s) of "
            f"{self.settings.seconds:g} s")
        return self._round(step, reference=False)

    def summary(self) -> str:
        """What sampling cost this run, for its last lines (benchmarks/samples.py reads
        it too)."""
        plan = self.schedule
        total = max(1e-9, self.clock() - plan.started)
        return (f"Sampling took {plan.spent:.1f} s of the run's {total:.1f} s "
                f"({100 * plan.spent / total:.1f} %); during training "
                f"{plan.spent_in_training:.1f} s ({100 * plan.spent_in_training / total:.1f} %)")

    def _round(self, step: int, *, reference: bool) -> list[Written]:
        began = self.clock()
        was_training = bool(getattr(self.model, "training", False))
        device = next(self.model.parameters()).device
        written: list[Written] = []
        last = 0.0  # the last prompt's time: warm, unlike the first of the first round
        try:
            with random_state_kept(device):
                for index, prompt in enumerate(self.prompts):
                    if self.cancel.requested:
                        self.reporter.warning("Sampling skipped: cancel requested.")
                        break
                    one_began = self.clock()
                    sample = self._one(step, index, prompt, reference)
                    last = self.clock() - one_began
                    if sample is not None:
                        written.append(sample)
        finally:
            if was_training:
                set_train_mode(self.model)
        took = self.clock() - began
        warm = last * len(self.prompts) if len(self.prompts) > 1 and last > 0 else None
        self.schedule.note_round(step, took, None if warm is None else min(took, warm))
        return written

    def _one(self, step: int, index: int, prompt: str, reference: bool) -> Written | None:
        seed = self.seeds[index]
        try:
            audio = generate_sample(self.model, self.loaded, prompt, self.settings,
                                    self.precision, seed=seed, base_only=reference)
        except Exception as error:  # a sample is a bonus: never lose a run to it
            self.reporter.warning(f"Could not generate a sample for {prompt!r}: {error}")
            return None
        relative = sample_path(step, index, prompt, protocol.SAMPLES_DIR)
        rate = self.loaded.sampling_rate
        try:
            write_wav(audio, self.output_dir / relative, rate)
        except OSError as error:  # e.g. a full disk: the weights matter more
            self.reporter.warning(f"Could not write the sample {relative}: {error}")
            return None
        self.reporter.sample(protocol.SampleEvent(
            prompt=prompt, path=relative, seconds=round(audio.shape[-1] / rate, 3), step=step,
            prompt_index=index, seed=seed, sample_rate=rate, reference=reference))
        return Written(index, prompt, relative)


def copy_to_adapter(output_dir: Path, adapter_dir: Path, written: list[Written]
                    ) -> list[tuple[str, str]]:
    """Copy the end round into ``adapter_dir/samples/`` (it moves with the adapter and
    outlives the run); (prompt, file relative to the adapter folder) of each copy."""
    copies = []
    for sample in written:
        relative = f"{protocol.SAMPLES_DIR}/{sample_file_name(sample.prompt_index, sample.prompt)}"
        target = adapter_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(output_dir / sample.path, target)
        copies.append((sample.prompt, relative))
    return copies
