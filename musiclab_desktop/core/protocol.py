"""The contract between the application and the training worker process.

The application writes a *run spec* (``run.json``) into the run folder and starts
``python -m musiclab_desktop.training run.json``. The worker writes everything a
person should read to stderr (its fd 1 is redirected there too) and one JSON object
per line to its *event channel* (the original stdout): the event classes below, each
with ``to_json`` and ``Event.from_json`` (core/event_channel.py). The generation
worker's requests and events (core/generation_protocol.py) are re-exported here. Plain
data only: the workers, the runner and the CLI all import this module.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar

# The event machinery and the generation worker's side live in their own modules; they
# are re-exported here, so ``protocol.X`` names anything of the contract.
from musiclab_desktop.core.event_channel import DECODERS, event_type
from musiclab_desktop.core.event_channel import ErrorKind as ErrorKind
from musiclab_desktop.core.event_channel import Event as Event
from musiclab_desktop.core.generation_protocol import *  # noqa: F403
from musiclab_desktop.core.generation_protocol import GENERATION_EVENT_TYPES

RUN_SPEC_FILE = "run.json"
DATASET_FILE = "dataset.jsonl"
ADAPTER_DIR = "adapter"
ADAPTER_INFO_FILE = "musiclab_adapter.json"
CHECKPOINTS_DIR = "checkpoints"
# Inside checkpoints/step-NNNNNN: the training state (optimizer, RNG ...) and a small
# JSON (step, losses, code version) that the application reads without torch.
TRAINER_STATE_FILE = "trainer_state.pt"
CHECKPOINT_INFO_FILE = "checkpoint.json"
SAMPLES_DIR = "samples"
# When the process that started the worker dies, nobody reads its pipes any more: the
# worker then writes its terminal and its events to these files in the run folder, and
# whichever MusicLab process reconciles the run stores them (see runner/reconcile.py).
OWNER_GONE_TERMINAL_FILE = "owner_gone.log"
OWNER_GONE_EVENTS_FILE = "owner_gone.events.jsonl"

# Exit codes of the worker process.
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CANCELLED = 3


class Phase(StrEnum):
    """What the worker is doing, in the order it does it."""

    PREPARING_DATA = "preparing_data"
    LOADING_MODEL = "loading_model"
    ENCODING = "encoding"
    TRAINING = "training"
    SAVING = "saving"
    SAMPLING = "sampling"
    DONE = "done"


@dataclass(frozen=True)
class RunSpec:
    """Everything the worker needs to train one run, written as run.json."""

    run_id: int
    run_name: str
    experiment_id: int
    experiment_name: str
    config: dict[str, Any]
    dataset_path: str
    output_dir: str
    # A resumed attempt: the checkpoint folder it continues from (same run, same id).
    resume_from: str | None = None
    # A continued run: the adapter folder of its parent, whose weights it starts from.
    init_adapter: str | None = None

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> RunSpec:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(**data)


# --- the training worker's events (see core/event_channel.py for the line format) -----


@event_type
@dataclass(frozen=True)
class MetricEvent(Event):
    """One optimizer step's training values, e.g. {"loss": 5.1, "learning_rate": 2e-4,
    "grad_norm": 1.3, "frames_per_s": 812.0, "audio_s_per_s": 16.2}. Also the run's
    progress: ``step`` (1-based) of ``total_steps`` (0: not known)."""

    type: ClassVar[str] = "metric"
    step: int
    values: dict[str, float | None]
    total_steps: int = 0
    epoch: float | None = None


@event_type
@dataclass(frozen=True)
class EvalEvent(Event):
    """Validation values at a step: {"eval_loss": ...}."""

    type: ClassVar[str] = "eval"
    step: int
    values: dict[str, float | None]
    epoch: float | None = None


@event_type
@dataclass(frozen=True)
class PhaseEvent(Event):
    type: ClassVar[str] = "phase"
    phase: Phase
    message: str = ""


@event_type
@dataclass(frozen=True)
class SampleEvent(Event):
    """A sample is ready: a WAV file generated from ``prompt`` after ``step`` steps.

    ``path`` is relative to the run folder (the worker's output folder), e.g.
    ``samples/step-000040/sample-01-calm-piano.wav``. ``seed`` is the prompt's fixed
    seed (the same at every step and in every run of the experiment); ``reference``
    marks the base model's sample (adapter disabled, step 0), made before training.
    """

    type: ClassVar[str] = "sample"
    prompt: str
    path: str
    seconds: float
    step: int = 0
    prompt_index: int = 0
    seed: int = 0
    sample_rate: int = 0
    reference: bool = False


@event_type
@dataclass(frozen=True)
class CheckpointEvent(Event):
    """A checkpoint of ``step`` is fully written to the folder ``path``."""

    type: ClassVar[str] = "checkpoint"
    step: int
    path: str


@event_type
@dataclass(frozen=True)
class CompletedEvent(Event):
    """Training is done and the adapter is saved in ``adapter_dir``."""

    type: ClassVar[str] = "completed"
    adapter_dir: str
    final_loss: float | None = None
    steps: int | None = None


@event_type
@dataclass(frozen=True)
class ErrorEvent(Event):
    """The worker failed; ``message`` is one sentence a person can act on."""

    type: ClassVar[str] = "error"
    message: str
    kind: ErrorKind = ErrorKind.INTERNAL


@event_type
@dataclass(frozen=True)
class CancelledEvent(Event):
    """Training stopped after ``step``, keeping a checkpoint in ``checkpoint_dir`` if any.

    ``reason``: why, when nobody asked ("owner_gone": the process that started the worker
    died); ``message``: what could not be kept (an adapter never saved on a full disk).
    """

    type: ClassVar[str] = "cancelled"
    step: int
    checkpoint_dir: str | None = None
    reason: str | None = None
    message: str | None = None


@event_type
@dataclass(frozen=True)
class DiskFullEvent(Event):
    """A save found the disk full: the worker keeps the weights in memory and tries
    again every ``retry_s`` seconds until there is room or the user cancels."""

    type: ClassVar[str] = "disk_full"
    message: str
    path: str
    retry_s: float


# The training worker's event types (the channel's decoders hold the generation worker's too).
EVENT_TYPES = frozenset(DECODERS) - GENERATION_EVENT_TYPES


# --- the step mark ------------------------------------------------------------------
#
# The worker names the optimizer step a terminal line belongs to with step_mark(N);
# a click on a point of the chart scrolls the terminal to the line of that step (or of
# the last step marked before it) with STEP_MARK. The mark reads "step N", the words
# earlier versions printed, so the logs they stored are found too.

STEP_MARK = re.compile(r"\bstep (\d+)\b")


def step_mark(step: int) -> str:
    return f"step {step}"


def step_mark_pattern(step: int) -> re.Pattern[str]:
    """Matches the mark of ``step`` exactly (not "step 12" in "step 120")."""
    return re.compile(rf"\b{re.escape(step_mark(step))}\b")


def nearest_marked_step(text: str, step: int) -> int | None:
    """The largest N <= ``step`` that ``text`` holds the mark of, if any."""
    below = [n for match in STEP_MARK.finditer(text) if (n := int(match[1])) <= step]
    return max(below) if below else None
