"""The generation worker's side of the protocol: its requests and its events.

Re-exported by core/protocol.py, so ``protocol.GenerationRequest`` and the like read as
the rest of the contract does.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from typing import Any, ClassVar

from musiclab_desktop.core.event_channel import ErrorKind, Event, event_type

__all__ = [
    "EXIT_IDLE",
    "GENERATION_EVENT_TYPES",
    "GENERATION_MODULE",
    "MERGE_MODULE",
    "OP_CANCEL",
    "OP_GENERATE",
    "OP_QUIT",
    "AdapterLoadedEvent",
    "BaseLoadedEvent",
    "GenerationCancelledEvent",
    "GenerationDoneEvent",
    "GenerationErrorEvent",
    "GenerationExitEvent",
    "GenerationProgressEvent",
    "GenerationReadyEvent",
    "GenerationRequest",
    "TakeReadyEvent",
    "cancel_request",
    "quit_request",
]

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


@event_type
@dataclass(frozen=True)
class GenerationReadyEvent(Event):
    """The worker is up and reads requests; it exits after ``idle_timeout_s`` idle."""

    type: ClassVar[str] = "generation_ready"
    idle_timeout_s: float
    pid: int = 0


@event_type
@dataclass(frozen=True)
class BaseLoadedEvent(Event):
    """A base model is loaded (``loads``: how many this worker loaded, this one included)."""

    type: ClassVar[str] = "base_loaded"
    base_model: str
    path: str
    seconds: float
    loads: int
    device: str = ""


@event_type
@dataclass(frozen=True)
class AdapterLoadedEvent(Event):
    """An adapter was added to the loaded base (once per adapter; later uses switch)."""

    type: ClassVar[str] = "adapter_loaded"
    adapter_dir: str
    seconds: float


@event_type
@dataclass(frozen=True)
class GenerationProgressEvent(Event):
    """``tokens`` of ``total_tokens`` decoded for take ``index`` (0-based) of ``count``."""

    type: ClassVar[str] = "generation_progress"
    request_id: str
    tokens: int
    total_tokens: int
    index: int
    count: int


@event_type
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


@event_type
@dataclass(frozen=True)
class GenerationDoneEvent(Event):
    """Every take of the request is written."""

    type: ClassVar[str] = "generation_done"
    request_id: str
    takes: int
    seconds: float


@event_type
@dataclass(frozen=True)
class GenerationCancelledEvent(Event):
    """The request stopped on a cancel; ``takes`` were written before it."""

    type: ClassVar[str] = "generation_cancelled"
    request_id: str
    takes: int


@event_type
@dataclass(frozen=True)
class GenerationErrorEvent(Event):
    """A request failed (``message``: one sentence); the worker keeps serving."""

    type: ClassVar[str] = "generation_error"
    message: str
    request_id: str | None = None
    kind: ErrorKind = ErrorKind.INTERNAL


@event_type
@dataclass(frozen=True)
class GenerationExitEvent(Event):
    """The worker stops: ``reason`` is "idle", "eof" (stdin closed) or "quit"."""

    type: ClassVar[str] = "generation_exit"
    reason: str


GENERATION_EVENT_TYPES = frozenset(
    cls.type
    for cls in (GenerationReadyEvent, BaseLoadedEvent, AdapterLoadedEvent,
                GenerationProgressEvent, TakeReadyEvent, GenerationDoneEvent,
                GenerationCancelledEvent, GenerationErrorEvent, GenerationExitEvent)
)
