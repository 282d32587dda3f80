"""The training loop: epochs of bucketed batches, logging windows, eval, checkpoints, cancel."""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from musiclab_desktop.core.config import TrainingConfig
from musiclab_desktop.training.batching import Batch, BatchBuilder
from musiclab_desktop.training.cancel import CancelFlag
from musiclab_desktop.training.hardware import peak_memory_gb
from musiclab_desktop.training.report import Reporter
from musiclab_desktop.training.segments import (
    Segment,
    bucket_batches,
    count_segments,
    epoch_segments,
)
from musiclab_desktop.training.step import StepOutcome, TrainStep


@dataclass(frozen=True)
class StepPlan:
    batches_per_epoch: int
    steps_per_epoch: int
    total_steps: int


def plan_steps(segments: int, config: TrainingConfig) -> StepPlan:
    batches = math.ceil(segments / config.batch_size)
    per_epoch = math.ceil(batches / config.gradient_accumulation_steps)
    total = per_epoch * config.num_epochs
    if config.max_steps > 0:
        total = min(total, config.max_steps)
    return StepPlan(batches, per_epoch, total)


@dataclass
class LoopResult:
    steps: int
    final_loss: float | None
    cancelled: bool = False
    checkpoint_dir: Path | None = None


@dataclass
class _Window:
    """What happened since the last metric event."""

    outcomes: list[StepOutcome] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """Leave eval and checkpoint time out of the training speed."""
        began = time.perf_counter()
        try:
            yield
        finally:
            self.started += time.perf_counter() - began


class TrainingLoop:
    def __init__(
        self,
        step: TrainStep,
        builder: BatchBuilder,
        eval_builder: BatchBuilder | None,
        config: TrainingConfig,
        segment_frames: int,
        frame_rate: int,
        reporter: Reporter,
        cancel: CancelFlag,
        checkpoint: Callable[[int, float], Path | None],
    ) -> None:
        self.step = step
        self.builder = builder
        self.eval_builder = eval_builder
        self.config = config
        self.segment_frames = segment_frames
        self.frame_rate = frame_rate
        self.reporter = reporter
        self.cancel = cancel
        self.checkpoint = checkpoint
        self.plan = plan_steps(count_segments(builder.clips, segment_frames), config)
        self.rng = np.random.default_rng(config.seed)
        self.final_loss: float | None = None
        self.best_loss: float | None = None  # the lowest logged loss, for the model card
        self.done = 0
        self.window = _Window()
        # Called after each step's checkpoint with the step number (the worker's sampler);
        # its time is left out of the training speed like eval and checkpoints.
        self.after_step_hook: Callable[[int], None] | None = None
        # Where training stands, for a checkpoint: the epoch in progress, the state of
        # ``rng`` when that epoch's order was drawn (it rebuilds the order) and how many
        # of its batches are done. ``_resume`` is such a position to start from.
        self.epoch = 0
        self.batches_done = 0
        self._epoch_rng: Mapping[str, Any] = self.rng.bit_generator.state
        self._progress = 0.0
        self._resume: dict[str, Any] | None = None
        self._last_eval: float | None = None
        # A running sum on the device (no sync per step) of the losses since the last
        # checkpoint, and how many: the checkpoint's training loss, for retention.
        self._loss_sum: torch.Tensor | None = None
        self._loss_count = 0
        self._saved_at = time.monotonic()

    def position(self) -> dict[str, Any]:
        """What a checkpoint needs to continue exactly here (see :meth:`resume_from`)."""
        return {
            "done": self.done,
            "epoch": self.epoch,
            "batches_done": self.batches_done,
            "epoch_rng": self._epoch_rng,
            "rng": self.rng.bit_generator.state,
            "progress": self._progress,
            "final_loss": self.final_loss,
            "best_loss": self.best_loss,
            "last_eval": self._last_eval,
        }

    def resume_from(self, position: dict[str, Any]) -> None:
        """Continue after the step a checkpoint was written at: same epoch order, same
        next batch, same caption-dropout draws."""
        self._resume = dict(position)
        self.done = int(position["done"])
        self.final_loss = position.get("final_loss")
        self.best_loss = position.get("best_loss")
        self._last_eval = position.get("last_eval")

    def checkpoint_losses(self) -> tuple[float | None, float | None]:
        """(mean training loss since the previous checkpoint, latest validation loss):
        what retention ranks checkpoints by. Resets the training-loss window."""
        total, count = self._loss_sum, self._loss_count
        self._loss_sum, self._loss_count = None, 0
        mean = float(total) / count if total is not None and count else self.final_loss
        return mean, self._last_eval

    def run(self) -> LoopResult:
        self.reporter.start_progress(self.plan.total_steps, self.done)
        first_epoch = int(self._resume["epoch"]) if self._resume is not None else 0
        try:
            for epoch in range(first_epoch, self.config.num_epochs):
                if self.done >= self.plan.total_steps:
                    break  # resumed from the last step: only the saving is left
                cancelled = self._run_epoch(epoch)
                if cancelled is not None:
                    return cancelled
                if self.done >= self.plan.total_steps:
                    break
        finally:
            self.reporter.end_progress()
        return LoopResult(self.done, self.final_loss)

    def _run_epoch(self, epoch: int) -> LoopResult | None:
        """Train one epoch (or up to the step cap); a result only when cancelled."""
        self.epoch = epoch
        batches = self._epoch_batches()
        accumulation = self.config.gradient_accumulation_steps
        progress = float(epoch)
        start = 0
        if self._resume is not None:  # the rest of the epoch a checkpoint stopped in
            start = self.batches_done = int(self._resume["batches_done"])
            self.rng.bit_generator.state = self._resume["rng"]
            progress = float(self._resume["progress"])
            self._resume = None
        for first in range(start, len(batches), accumulation):
            micro = [self._build(segments) for segments in batches[first : first + accumulation]]
            outcome = self.step.run(micro)
            self.window.outcomes.append(outcome)
            loss = outcome.loss.detach().float()
            self._loss_sum = loss if self._loss_sum is None else self._loss_sum + loss
            self._loss_count += 1
            self.done += 1
            self.batches_done = first + len(micro)
            self.reporter.step_done()
            progress = epoch + min(1.0, (first + len(micro)) / len(batches))
            self._progress = progress
            cancelled = self._after_step(progress)
            if cancelled is not None:
                return cancelled
            if self.done >= self.plan.total_steps:
                break
        with self.window.paused():
            self._evaluate(progress)
        self.reporter.epoch_done(epoch + 1, self.config.num_epochs, self.done, self.final_loss)
        return None

    def _after_step(self, epoch: float) -> LoopResult | None:
        log_due = self.done % self.config.log_every_steps == 0
        if log_due or self.done == self.plan.total_steps or self.cancel.requested:
            self._log(epoch)
        if self.cancel.requested:
            return self._stop_cancelled(epoch)
        if self._checkpoint_due():
            with self.window.paused():
                self.checkpoint(self.done, epoch)
            self._saved_at = time.monotonic()
        if self.after_step_hook is not None:
            with self.window.paused():
                self.after_step_hook(self.done)
        return None

    def _checkpoint_due(self) -> bool:
        """Every ``save_every_steps`` steps, and after ``save_every_minutes`` of training."""
        save_every = self.config.save_every_steps
        if save_every and self.done % save_every == 0:
            return True
        minutes = self.config.save_every_minutes
        return minutes > 0 and time.monotonic() - self._saved_at >= minutes * 60

    def _epoch_batches(self) -> list[list[Segment]]:
        if self._resume is not None:  # draw the interrupted epoch's order again
            self.rng.bit_generator.state = self._resume["epoch_rng"]
        self._epoch_rng = self.rng.bit_generator.state
        self.batches_done = 0
        segments = epoch_segments(self.builder.clips, self.segment_frames, self.rng)
        return bucket_batches(segments, self.config.batch_size, self.rng)

    def _build(self, segments: list[Segment]) -> Batch:
        # Classifier-free guidance needs the model to also learn the caption-less case.
        unconditional = bool(self.rng.random() < self.config.condition_dropout)
        return self.builder.build(segments, unconditional=unconditional)

    def _log(self, epoch: float) -> None:
        """One metric event for the steps since the last one, then a fresh window."""
        window, self.window = self.window, _Window()
        if not window.outcomes:
            return
        losses = torch.stack([o.loss for o in window.outcomes]).float()
        norms = torch.stack([o.grad_norm.float() for o in window.outcomes])
        loss = float(losses.mean())  # syncs the device once per window, not per step
        seconds = max(1e-9, time.perf_counter() - window.started)
        frames_per_s = sum(o.frames for o in window.outcomes) / seconds
        values = {
            "loss": loss,
            "learning_rate": window.outcomes[-1].learning_rate,
            "grad_norm": float(norms.mean()),
            "frames_per_s": frames_per_s,
            "audio_s_per_s": frames_per_s / self.frame_rate,
        }
        memory = peak_memory_gb(self.step.device)
        if memory is not None:
            values["gpu_mem_gb"] = memory
        # Rounded once, so the terminal and the completed event show the same number.
        self.final_loss = round(loss, 4)
        best = math.inf if self.best_loss is None else self.best_loss
        self.best_loss = min(self.final_loss, best)
        self.reporter.metric(self.done, self.plan.total_steps, round(epoch, 4), values)

    def _evaluate(self, epoch: float) -> None:
        if self.eval_builder is None:
            return
        segments = epoch_segments(self.eval_builder.clips, self.segment_frames, None)
        groups = bucket_batches(segments, self.config.batch_size, None)
        loss = self.step.evaluate([self.eval_builder.build(group) for group in groups])
        self._last_eval = loss
        self.reporter.eval(self.done, round(epoch, 4), loss)

    def _stop_cancelled(self, epoch: float) -> LoopResult:
        checkpoint_dir = self.checkpoint(self.done, epoch)
        return LoopResult(self.done, self.final_loss, cancelled=True, checkpoint_dir=checkpoint_dir)
