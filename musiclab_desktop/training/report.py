"""One voice for both audiences: every event also shows in the terminal, worded the same."""

from __future__ import annotations

from typing import Any

from musiclab_desktop.core.protocol import (
    CancelledEvent,
    CheckpointEvent,
    CompletedEvent,
    DiskFullEvent,
    ErrorEvent,
    ErrorKind,
    EvalEvent,
    Event,
    MetricEvent,
    Phase,
    PhaseEvent,
    SampleEvent,
    step_mark,
)
from musiclab_desktop.training.events import EventChannel
from musiclab_desktop.training.terminal import Terminal, paint


class Reporter:
    """Writes protocol events (when a channel is attached) and terminal lines.

    Lines that belong to an optimizer step carry its step mark (core/protocol.py): a
    click on that step in the chart finds them.
    """

    def __init__(self, terminal: Terminal, channel: EventChannel | None = None) -> None:
        self.terminal = terminal
        self.channel = channel
        self._bar: Any = None

    def _emit(self, event: Event) -> None:
        if self.channel is not None:
            self.channel.emit(event)

    def phase(self, phase: Phase, message: str) -> None:
        self.terminal.phase(phase, message)
        self._emit(PhaseEvent(phase, message))

    def warning(self, message: str) -> None:
        self.terminal.warning(message)

    def info(self, message: str) -> None:
        self.terminal.info(message)

    def start_progress(self, total_steps: int, done: int = 0) -> None:
        self._bar = self.terminal.progress(total_steps, done)

    def step_done(self) -> None:
        if self._bar is not None:
            self._bar.update(1)

    def end_progress(self) -> None:
        self.terminal.close_progress()
        self._bar = None

    def metric(self, step: int, total_steps: int, epoch: float, values: dict[str, float]) -> None:
        if self._bar is not None:
            self._bar.set_postfix_str(
                f"loss {values['loss']:.4f} lr {values['learning_rate']:.2e} "
                f"{values['audio_s_per_s']:.1f} audio-s/s",
                refresh=False,
            )
        self._emit(MetricEvent(step=step, values=dict(values), total_steps=total_steps,
                               epoch=epoch))

    def epoch_done(self, epoch: int, epochs: int, step: int, loss: float | None) -> None:
        """A line per epoch that stays in the log (the bar redraws in place)."""
        shown = "" if loss is None else f"  loss {loss:.4f}"
        self.terminal.line(paint("epoch", "bold") + f" {epoch}/{epochs} done  "
                           f"{step_mark(step)}{shown}")

    def eval(self, step: int, epoch: float, eval_loss: float) -> None:
        self.terminal.line(
            paint("eval", "bold", "cyan") + f"  {step_mark(step)}  epoch {epoch:.2f}  "
            f"eval_loss {eval_loss:.4f}"
        )
        self._emit(EvalEvent(step=step, values={"eval_loss": eval_loss}, epoch=epoch))

    def checkpoint(self, step: int, path: str) -> None:
        self.terminal.info(f"checkpoint saved: {path}")
        self._emit(CheckpointEvent(step, path))

    def sample(self, event: SampleEvent) -> None:
        """One line per sample: when (the base reference, or the step's mark), which
        prompt with its seed, and the file (relative to the run folder)."""
        when = "base model" if event.reference else step_mark(event.step)
        self.terminal.line(
            paint("sample", "bold", "magenta") + f"  {when}  prompt {event.prompt_index + 1} "
            f"{event.prompt!r}  seed {event.seed}  {event.seconds:.1f} s  {event.path}"
        )
        self._emit(event)

    def completed(self, adapter_dir: str, final_loss: float | None, steps: int) -> None:
        shown = "n/a" if final_loss is None else f"{final_loss}"
        self.terminal.success(
            f"Training complete: {steps} steps, final loss {shown}; adapter saved to {adapter_dir}"
        )
        self._emit(CompletedEvent(adapter_dir, final_loss, steps))

    def cancelled(self, step: int, checkpoint_dir: str | None, *, reason: str | None = None,
                  message: str | None = None) -> None:
        """``reason``: why it stopped when nobody asked ("owner_gone"); ``message``: what
        could not be kept (a save given up on a full disk)."""
        where = f"; checkpoint saved to {checkpoint_dir}" if checkpoint_dir else ""
        self.terminal.warning(f"Training cancelled after {step_mark(step)}{where}.")
        if message:
            self.terminal.warning(message)
        self._emit(CancelledEvent(step, checkpoint_dir, reason or None, message or None))

    def disk_full(self, message: str, path: str, retry_s: float) -> None:
        self.terminal.warning(message)
        self._emit(DiskFullEvent(message, path, retry_s))

    def error(self, message: str, kind: ErrorKind) -> None:
        self.terminal.error(message)
        self._emit(ErrorEvent(message, kind))
