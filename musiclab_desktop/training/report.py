"""One voice for both audiences: every event also shows in the terminal, worded the same."""

from __future__ import annotations

from typing import Any

from musiclab_desktop.core import protocol
from musiclab_desktop.training.events import EventChannel
from musiclab_desktop.training.terminal import Terminal, paint


class Reporter:
    """Writes protocol events (when a channel is attached) and terminal lines."""

    def __init__(self, terminal: Terminal, channel: EventChannel | None = None) -> None:
        self.terminal = terminal
        self.channel = channel
        self._bar: Any = None

    def _emit(self, event_type: str, **data: Any) -> None:
        if self.channel is not None:
            self.channel.emit(event_type, **data)

    def phase(self, phase: str, message: str) -> None:
        self.terminal.phase(phase, message)
        self._emit(protocol.PHASE, phase=phase, message=message)

    def warning(self, message: str) -> None:
        self.terminal.warning(message)

    def info(self, message: str) -> None:
        self.terminal.info(message)

    def start_progress(self, total_steps: int) -> None:
        self._bar = self.terminal.progress(total_steps)

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
        self._emit(protocol.METRIC, step=step, total_steps=total_steps, epoch=epoch, values=values)

    def epoch_done(self, epoch: int, epochs: int, step: int, loss: float | None) -> None:
        """A line per epoch that stays in the log (the bar redraws in place): it also lets
        the chart find "step N" in the terminal when a point is clicked."""
        shown = "" if loss is None else f"  loss {loss:.4f}"
        self.terminal.line(paint("epoch", "bold") + f" {epoch}/{epochs} done  step {step}{shown}")

    def eval(self, step: int, epoch: float, eval_loss: float) -> None:
        self.terminal.line(
            paint("eval", "bold", "cyan") + f"  step {step}  epoch {epoch:.2f}  "
            f"eval_loss {eval_loss:.4f}"
        )
        self._emit(protocol.EVAL, step=step, epoch=epoch, values={"eval_loss": eval_loss})

    def sample(self, index: int, prompt: str, path: str, seconds: float) -> None:
        self.terminal.info(f"sample {index + 1}: {path}  ({prompt!r}, {seconds:.1f} s)")
        self._emit(protocol.SAMPLE, index=index, prompt=prompt, path=path, seconds=seconds)

    def completed(self, adapter_dir: str, final_loss: float | None, steps: int) -> None:
        shown = "n/a" if final_loss is None else f"{final_loss}"
        self.terminal.success(
            f"Training complete: {steps} steps, final loss {shown}; adapter saved to {adapter_dir}"
        )
        self._emit(protocol.COMPLETED, adapter_dir=adapter_dir, final_loss=final_loss, steps=steps)

    def cancelled(self, step: int, checkpoint_dir: str | None, *, reason: str | None = None,
                  message: str | None = None) -> None:
        """``reason``: why it stopped when nobody asked ("owner_gone"); ``message``: what
        could not be kept (a save given up on a full disk)."""
        where = f"; checkpoint saved to {checkpoint_dir}" if checkpoint_dir else ""
        self.terminal.warning(f"Training cancelled after step {step}{where}.")
        if message:
            self.terminal.warning(message)
        extra = {key: value for key, value in (("reason", reason), ("message", message))
                 if value}
        self._emit(protocol.CANCELLED, step=step, checkpoint_dir=checkpoint_dir, **extra)

    def disk_full(self, message: str, path: str, retry_s: float) -> None:
        self.terminal.warning(message)
        self._emit(protocol.DISK_FULL, message=message, path=path, retry_s=retry_s)

    def error(self, message: str, kind: str) -> None:
        self.terminal.error(message)
        self._emit(protocol.ERROR, message=message, kind=kind)
