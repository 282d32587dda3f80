"""When a run makes samples, and with which prompts and seeds (no torch: plain rules).

A *round* is one sample per prompt. Every run with samples on makes:

- the base model's reference round (adapter disabled) at step 0, before training;
- rounds during training (below);
- the end round, once the adapter is saved.

The reference and the end round are always made: they are what a listener compares.
During training, ``sample_every_steps = N > 0`` makes a round every N steps, as asked.
The automatic default (``0``) offers a round at every checkpoint and every epoch end,
and takes one only when it fits the budget: the rounds made during training take at
most :data:`SAMPLING_SHARE` (15 %) of the run's wall-clock time. At each offer the
schedule projects the run's time (time so far, plus the remaining steps at the measured
step time, plus one more round for the end), and counts how many more rounds of the
last measured round time fit in the share after what training-time rounds already
took; none: skipped. Those rounds are spread evenly over the remaining steps, so a long
run hears its adapter at regular points instead of only at its first epochs. A short
run whose rounds are cheap therefore gets one per epoch; a run whose rounds are dear
gets few or none between the reference and the end.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence

SAMPLING_SHARE = 0.15
DATASET_PROMPTS = 2  # captions taken from the dataset when the user gave no prompts
_SEED_MIX = 1_000_003  # a prime: seeds of neighbouring prompts and run seeds stay apart


def choose_prompts(
    given: Sequence[str], held_out: Sequence[str], training: Sequence[str]
) -> list[str]:
    """The user's prompts; without any, up to two distinct captions of the dataset,
    held-out clips' first (audio the adapter never trained on), in dataset order."""
    if given:
        return list(given)
    captions = [" ".join(c.split()) for c in (*held_out, *training)]
    return list(dict.fromkeys(c for c in captions if c))[:DATASET_PROMPTS]


def prompt_seed(run_seed: int, prompt_index: int) -> int:
    """The fixed seed of a prompt: the same at every step of the run and in every run
    that shares the run seed (an experiment's runs do, unless one overrides it)."""
    return (run_seed * _SEED_MIX + prompt_index + 1) % 2**31


def sample_path(step: int, prompt_index: int, prompt: str, folder: str = "samples") -> str:
    """Where a sample goes, relative to the run folder: one folder per step."""
    return f"{folder}/step-{step:06d}/{sample_file_name(prompt_index, prompt)}"


def sample_file_name(index: int, prompt: str) -> str:
    slug = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in prompt.lower())
    slug = "-".join(part for part in slug.split("-") if part)[:40].strip("-") or "sample"
    return f"sample-{index + 1:02d}-{slug}.wav"


class SampleSchedule:
    """Decides, after each optimizer step, whether a sampling round is due.

    ``started``: when the run began (its whole wall-clock time counts, loading and
    encoding included); ``clock``: seconds, monotonic (tests pass a fake one).
    """

    def __init__(
        self,
        *,
        every_steps: int,
        save_every_steps: int,
        steps_per_epoch: int,
        total_steps: int,
        started: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.every_steps = every_steps
        self.save_every_steps = save_every_steps
        self.steps_per_epoch = max(1, steps_per_epoch)
        self.total_steps = total_steps
        self.started = started
        self.clock = clock
        self.spent = 0.0  # seconds all rounds took so far
        self.spent_in_training = 0.0  # seconds the rounds between the two ends took
        self.round_seconds: float | None = None  # the last round's time
        self.last_step = 0
        self.skipped: list[int] = []  # offers declined for the budget (told once)
        self._training_from: tuple[float, int] | None = None

    def training_starts(self, step: int = 0) -> None:
        """Training begins at ``step`` (a resumed run starts later): time steps from now."""
        self._training_from = (self.clock(), step)
        self.spent_in_training = 0.0
        self.last_step = step

    def note_round(self, step: int, seconds: float, estimate: float | None = None) -> None:
        """A round after ``step`` took ``seconds``; ``estimate``: what the next ones will
        take, when the sampler knows better (the first round pays a one-time warm-up)."""
        self.spent += seconds
        self.round_seconds = seconds if estimate is None else estimate
        self.last_step = step
        if self._training_from is not None and step < self.total_steps:  # not the end round
            self.spent_in_training += seconds

    def due(self, step: int) -> bool:
        """Is a round due after ``step``? Never at the last step: the end round follows."""
        if step <= 0 or step >= self.total_steps:
            return False
        if self.every_steps > 0:
            return step % self.every_steps == 0
        offered = step % self.steps_per_epoch == 0 or (
            self.save_every_steps > 0 and step % self.save_every_steps == 0)
        if not offered:
            return False
        if self._fits(step):
            return True
        self.skipped.append(step)
        return False

    def affordable_rounds(self, step: int) -> int:
        """How many more rounds during training fit the share."""
        round_s = self.round_seconds
        if not round_s or round_s <= 0:
            return self.total_steps  # nothing measured (or free): no limit from time
        now = self.clock()
        projected = (now - self.started) + (self.total_steps - step) * self._step_seconds(
            step, now) + round_s
        room = SAMPLING_SHARE * projected - self.spent_in_training
        # Each round taken also lengthens the run: x rounds fit when
        # spent_in_training + x*r <= share * (projected + x*r).
        return max(0, math.floor(room / (round_s * (1 - SAMPLING_SHARE))))

    def _fits(self, step: int) -> bool:
        rounds = self.affordable_rounds(step)
        if rounds < 1:
            return False
        # Spread the rounds that fit evenly over the steps left after the last one.
        gap = (self.total_steps - self.last_step) / (rounds + 1)
        return step - self.last_step >= math.floor(gap)

    def _step_seconds(self, step: int, now: float) -> float:
        if self._training_from is None:
            return 0.0
        began, first = self._training_from
        steps = step - first
        if steps <= 0:
            return 0.0
        return max(0.0, now - began - self.spent_in_training) / steps
