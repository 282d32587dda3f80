"""The contract between the application and the training worker process.

The application writes a *run spec* (``run.json``) into the run folder and starts
``python -m musiclab_desktop.training run.json``. The worker writes everything a
person should read to stderr (its fd 1 is redirected there too) and one JSON object
per line to its *event channel* (the original stdout). Plain data only: the worker,
the runner and the CLI all import this module.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

RUN_SPEC_FILE = "run.json"
DATASET_FILE = "dataset.jsonl"
ADAPTER_DIR = "adapter"
ADAPTER_INFO_FILE = "musiclab_adapter.json"
CHECKPOINTS_DIR = "checkpoints"
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

# Kinds of `error` event.
ERROR_KINDS = ("model_unavailable", "out_of_memory", "data", "config", "internal")

# Kinds of event.
METRIC = "metric"
PHASE = "phase"
EVAL = "eval"
SAMPLE = "sample"
COMPLETED = "completed"
ERROR = "error"
CANCELLED = "cancelled"
DISK_FULL = "disk_full"
EVENT_TYPES = (METRIC, PHASE, EVAL, SAMPLE, COMPLETED, ERROR, CANCELLED, DISK_FULL)


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

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> RunSpec:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(**data)


@dataclass(frozen=True)
class Event:
    """One line of the event channel: a type plus its fields."""

    type: str
    data: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


def encode_event(event_type: str, **data: Any) -> bytes:
    """One event as a newline-terminated JSON line (NaN/Inf kept as JSON extensions)."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    return (json.dumps({"type": event_type, **data}) + "\n").encode("utf-8")


def parse_event(line: bytes | str) -> Event | None:
    """The event a line carries, or None for a line that is not one (never raises)."""
    if isinstance(line, bytes):
        line = line.decode("utf-8", errors="replace")
    line = line.strip()
    if not line.startswith("{"):
        return None
    try:
        payload = json.loads(line)
    except ValueError:
        return None
    if not isinstance(payload, dict) or payload.get("type") not in EVENT_TYPES:
        return None
    event_type = payload.pop("type")
    return Event(event_type, payload)


# Metric events carry: step (optimizer step, 1-based), total_steps, epoch (float),
# time (unix seconds), and a ``values`` mapping of metric name -> float, e.g.
# {"loss": 5.1, "learning_rate": 0.0002, "grad_norm": 1.3, "frames_per_s": 812.0,
#  "audio_s_per_s": 16.2}. Eval events: step, values {"eval_loss": ...}.
# Completed: adapter_dir, final_loss, steps. Error: message, kind (ERROR_KINDS).
# Phase: phase (loading_model, preparing_data, encoding, training, saving, sampling,
# done), message. Cancelled: step, checkpoint_dir, and optionally ``reason`` ("user",
# or "owner_gone": the process that started the worker died) and ``message`` (what
# was kept when a save could not finish). Disk_full: message (one sentence), path,
# retry_s: a save found the disk full; the worker keeps the weights in memory and tries
# again every retry_s seconds until there is room or the user cancels.
