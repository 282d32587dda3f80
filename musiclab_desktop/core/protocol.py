"""The contract between the application and the training worker process.

The application writes a *run spec* (``run.json``) into the run folder and starts
``python -m musiclab_desktop.training run.json``. The worker writes everything a
person should read to stderr (its fd 1 is redirected there too) and one JSON object
per line to its *event channel* (the original stdout): the event classes below, each
with ``to_json`` and ``Event.from_json``. Plain data only: the worker, the runner and
the CLI all import this module.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import MISSING, asdict, dataclass, fields
from enum import StrEnum
from pathlib import Path
from types import UnionType
from typing import Any, ClassVar, Self, TypeVar, get_args, get_origin, get_type_hints

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


class ErrorKind(StrEnum):
    """Why a worker failed, as its ``error`` event says."""

    MODEL_UNAVAILABLE = "model_unavailable"
    OUT_OF_MEMORY = "out_of_memory"
    DATA = "data"
    CONFIG = "config"
    INTERNAL = "internal"


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


# --- events -------------------------------------------------------------------------
#
# One line of the event channel is ``{"type": NAME, field: value, ..., "time": T}``.
# Every field is written; a reader takes a missing field that has a default as that
# default, ignores fields it does not know, and treats a line that is not JSON, names
# no known type, lacks a required field or holds a value of the wrong kind as no event
# at all (the runner shows such a line in the terminal, so nothing is lost).

E = TypeVar("E", bound="Event")


@dataclass(frozen=True, kw_only=True)
class Event:
    """Base of every event; ``time`` (unix seconds) is stamped by the channel."""

    type: ClassVar[str]
    time: float | None = None

    def to_json(self) -> str:
        """The event as one JSON line, without the newline (NaN kept as a JSON extension)."""
        payload: dict[str, Any] = {"type": self.type}
        payload.update((f.name, getattr(self, f.name)) for f in fields(self) if f.name != "time")
        payload["time"] = self.time
        return json.dumps(payload)

    @classmethod
    def from_json(cls, line: bytes | str) -> Self | None:
        """The event a line carries, or None for a line that is not one (never raises).

        On a subclass, only that kind of event: ``MetricEvent.from_json(line)``.
        """
        if isinstance(line, bytes):
            line = line.decode("utf-8", errors="replace")
        line = line.strip()
        if not line.startswith("{"):
            return None
        try:
            payload = json.loads(line)
        except ValueError:
            return None
        return cls.from_payload(payload) if isinstance(payload, dict) else None

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Self | None:
        """The event of an already decoded JSON object, or None (never raises)."""
        name = payload.get("type")
        decoder = _DECODERS.get(name) if isinstance(name, str) else None
        if decoder is None:
            return None
        event = decoder(payload)
        return event if isinstance(event, cls) else None


class _Malformed(ValueError):
    """A field's value is not of its declared kind."""


_Read = Callable[[Any], Any]
_DECODERS: dict[str, Callable[[dict[str, Any]], Event | None]] = {}


def _read_int(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise _Malformed(value)


def _read_float(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise _Malformed(value)


def _read_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise _Malformed(value)


def _read_str(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise _Malformed(value)


def _read_values(value: Any) -> dict[str, float | None]:
    """Metric values by name; a value that is not a number is left out (None and NaN
    both mean "not a number this step" and are kept)."""
    if not isinstance(value, dict):
        raise _Malformed(value)
    return {str(name): None if number is None else float(number)
            for name, number in value.items()
            if number is None or isinstance(number, int | float)}


def _reader(hint: Any) -> _Read:
    """How to read a JSON value into a field annotated ``hint``."""
    if hint in (int, float, str, bool):
        return {int: _read_int, float: _read_float, str: _read_str, bool: _read_bool}[hint]
    if isinstance(hint, type) and issubclass(hint, StrEnum):
        enum = hint

        def read_enum(value: Any) -> StrEnum:
            try:
                return enum(value)
            except ValueError:
                raise _Malformed(value) from None
        return read_enum
    options = [arg for arg in get_args(hint) if arg is not type(None)]
    if isinstance(hint, UnionType) and len(options) == 1:
        inner = _reader(options[0])
        return lambda value: None if value is None else inner(value)
    if get_origin(hint) is dict:
        return _read_values
    raise TypeError(f"no reader for a field of type {hint!r}")


def _event(cls: type[E]) -> type[E]:
    """Register an event class under its type name, with a reader per field."""
    hints = get_type_hints(cls)
    readers = [(f.name, _reader(hints[f.name]),
                f.default is MISSING and f.default_factory is MISSING) for f in fields(cls)]

    def decode(payload: dict[str, Any]) -> Event | None:
        values = {}
        try:
            for name, read, required in readers:
                if name in payload:
                    values[name] = read(payload[name])
                elif required:
                    return None
        except _Malformed:
            return None
        return cls(**values)

    _DECODERS[cls.type] = decode
    return cls


@_event
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


@_event
@dataclass(frozen=True)
class EvalEvent(Event):
    """Validation values at a step: {"eval_loss": ...}."""

    type: ClassVar[str] = "eval"
    step: int
    values: dict[str, float | None]
    epoch: float | None = None


@_event
@dataclass(frozen=True)
class PhaseEvent(Event):
    type: ClassVar[str] = "phase"
    phase: Phase
    message: str = ""


@_event
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


@_event
@dataclass(frozen=True)
class CheckpointEvent(Event):
    """A checkpoint of ``step`` is fully written to the folder ``path``."""

    type: ClassVar[str] = "checkpoint"
    step: int
    path: str


@_event
@dataclass(frozen=True)
class CompletedEvent(Event):
    """Training is done and the adapter is saved in ``adapter_dir``."""

    type: ClassVar[str] = "completed"
    adapter_dir: str
    final_loss: float | None = None
    steps: int | None = None


@_event
@dataclass(frozen=True)
class ErrorEvent(Event):
    """The worker failed; ``message`` is one sentence a person can act on."""

    type: ClassVar[str] = "error"
    message: str
    kind: ErrorKind = ErrorKind.INTERNAL


@_event
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


@_event
@dataclass(frozen=True)
class DiskFullEvent(Event):
    """A save found the disk full: the worker keeps the weights in memory and tries
    again every ``retry_s`` seconds until there is room or the user cancels."""

    type: ClassVar[str] = "disk_full"
    message: str
    path: str
    retry_s: float


EVENT_TYPES = frozenset(_DECODERS)


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


# --- the generation worker -----------------------------------------------------------
#
# ``python -m musiclab_desktop.generation`` stays up and serves requests: one JSON object
# per line on its stdin (GenerationRequest below, or {"op": "cancel", "request_id": ID},
# or {"op": "quit"}), answered with the events below on the same event channel as
# training (its stdout), its terminal on stderr. It loads a base model once and switches
# adapters on it; it exits after an idle timeout and when its stdin closes.

GENERATION_MODULE = "musiclab_desktop.generation"
MERGE_MODULE = "musiclab_desktop.generation.merge"
OP_GENERATE = "generate"
OP_CANCEL = "cancel"
OP_QUIT = "quit"
# Exit code of the generation worker when it stopped after its idle timeout.
EXIT_IDLE = 0


@dataclass(frozen=True)
class GenerationRequest:
    """Generate ``takes`` clips for each prompt, with an adapter or with the bare base.

    ``base_model``: a hub id or a folder; with an adapter it may be empty (the adapter
    names its base). ``adapter_off``: generate with the adapter's base, the adapter
    switched off (the B of an A/B: the very base the adapter sits on). Take ``t`` of every
    prompt uses seed ``seed + t``, so a request sent twice gives the same audio and an A/B
    pair of requests compares like with like. The files go to ``out_dir``.
    """

    request_id: str
    prompts: list[str]
    out_dir: str
    base_model: str = ""
    adapter_dir: str | None = None
    seconds: float = 8.0
    guidance_scale: float = 3.0
    temperature: float = 1.0
    top_k: int = 250
    seed: int = 0
    takes: int = 1
    adapter_off: bool = False

    def to_json(self) -> str:
        return json.dumps({"op": OP_GENERATE, **asdict(self)})

    def settings(self) -> dict[str, Any]:
        """What shaped the audio besides prompt, seed and length (stored with each take)."""
        return {"guidance_scale": self.guidance_scale, "temperature": self.temperature,
                "top_k": self.top_k}

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> GenerationRequest:
        """The request a decoded line holds; ValueError with a sentence when it holds none."""
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in payload.items() if key in known}
        missing = {"request_id", "prompts", "out_dir"} - set(values)
        if missing:
            raise ValueError(f"The request lacks {', '.join(sorted(missing))}.")
        prompts = values["prompts"]
        if not isinstance(prompts, list) or not all(isinstance(p, str) for p in prompts):
            raise ValueError("The request's prompts must be a list of texts.")
        for name, kind in (("seconds", float), ("guidance_scale", float),
                           ("temperature", float), ("top_k", int), ("seed", int),
                           ("takes", int)):
            if name in values:
                value = values[name]
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise ValueError(f"The request's {name} must be a number.")
                values[name] = kind(value)
        values["adapter_off"] = bool(values.get("adapter_off", False))
        return cls(**values)


def cancel_request(request_id: str) -> str:
    return json.dumps({"op": OP_CANCEL, "request_id": request_id})


def quit_request() -> str:
    return json.dumps({"op": OP_QUIT})


@_event
@dataclass(frozen=True)
class GenerationReadyEvent(Event):
    """The worker is up and reads requests; it exits after ``idle_timeout_s`` idle."""

    type: ClassVar[str] = "generation_ready"
    idle_timeout_s: float
    pid: int = 0


@_event
@dataclass(frozen=True)
class BaseLoadedEvent(Event):
    """A base model is loaded (``loads``: how many this worker loaded, this one included)."""

    type: ClassVar[str] = "base_loaded"
    base_model: str
    path: str
    seconds: float
    loads: int
    device: str = ""


@_event
@dataclass(frozen=True)
class AdapterLoadedEvent(Event):
    """An adapter was added to the loaded base (once per adapter; later uses switch)."""

    type: ClassVar[str] = "adapter_loaded"
    adapter_dir: str
    seconds: float


@_event
@dataclass(frozen=True)
class GenerationProgressEvent(Event):
    """``tokens`` of ``total_tokens`` decoded for take ``index`` (0-based) of ``count``."""

    type: ClassVar[str] = "generation_progress"
    request_id: str
    tokens: int
    total_tokens: int
    index: int
    count: int


@_event
@dataclass(frozen=True)
class TakeReadyEvent(Event):
    """One take is written: ``path`` (a WAV) for prompt ``prompt_index``, take ``take``."""

    type: ClassVar[str] = "take_ready"
    request_id: str
    prompt_index: int
    prompt: str
    take: int
    seed: int
    path: str
    seconds: float
    sample_rate: int
    base_model: str
    adapter_dir: str | None = None
    tokens: int = 0  # decoder steps of the take
    decode_seconds: float = 0.0  # the generate() call alone (tokens/s = tokens / this)


@_event
@dataclass(frozen=True)
class GenerationDoneEvent(Event):
    """Every take of the request is written."""

    type: ClassVar[str] = "generation_done"
    request_id: str
    takes: int
    seconds: float


@_event
@dataclass(frozen=True)
class GenerationCancelledEvent(Event):
    """The request stopped on a cancel; ``takes`` were written before it."""

    type: ClassVar[str] = "generation_cancelled"
    request_id: str
    takes: int


@_event
@dataclass(frozen=True)
class GenerationErrorEvent(Event):
    """A request failed (``message``: one sentence); the worker keeps serving."""

    type: ClassVar[str] = "generation_error"
    message: str
    request_id: str | None = None
    kind: ErrorKind = ErrorKind.INTERNAL


@_event
@dataclass(frozen=True)
class GenerationExitEvent(Event):
    """The worker stops: ``reason`` is "idle", "eof" (stdin closed) or "quit"."""

    type: ClassVar[str] = "generation_exit"
    reason: str


GENERATION_EVENT_TYPES = frozenset(_DECODERS) - EVENT_TYPES
