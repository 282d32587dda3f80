"""Failures the worker reports as an ``error`` event, each with its protocol kind."""

from __future__ import annotations

from musiclab_desktop.core.protocol import ErrorKind


class WorkerError(Exception):
    """A failure with a one-sentence message a person can act on."""

    kind = ErrorKind.INTERNAL

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ModelUnavailableError(WorkerError):
    kind = ErrorKind.MODEL_UNAVAILABLE


class DataError(WorkerError):
    kind = ErrorKind.DATA


class ConfigError(WorkerError):
    kind = ErrorKind.CONFIG


class OutOfMemoryError(WorkerError):
    kind = ErrorKind.OUT_OF_MEMORY


OUT_OF_MEMORY_HINT = (
    "Training ran out of memory. Lower the batch size (raise gradient accumulation to keep "
    "the effective batch), shorten the segment length, or turn on gradient checkpointing."
)


def is_out_of_memory(error: BaseException) -> bool:
    """Host MemoryError or a device out-of-memory error (without importing torch)."""
    if isinstance(error, MemoryError) or type(error).__name__ == "OutOfMemoryError":
        return True
    return isinstance(error, RuntimeError) and "out of memory" in str(error).lower()
