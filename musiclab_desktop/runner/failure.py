"""Turning how a worker ended into one honest sentence for the runs table.

The runner owns the process, so it knows the exit code or the signal; the worker's
``error`` event says why when the worker could; otherwise the end of its terminal
output (a traceback's last frame, or the last lines) says what happened.
"""

from __future__ import annotations

import re
import signal
from collections import deque
from pathlib import PurePath

from musiclab_desktop.core.protocol import ErrorEvent, ErrorKind
from musiclab_desktop.runner.interpreter import missing_packages_message
from musiclab_desktop.runner.training_probe import TRAINING_PACKAGES

OUT_OF_MEMORY_HINT = (
    "Lower the batch size (raise gradient accumulation to keep the effective batch), "
    "shorten the segment length, or turn on gradient checkpointing."
)
# CUDA ("CUDA out of memory", torch.OutOfMemoryError), MPS and the host (MemoryError,
# "Cannot allocate memory").
_OOM_PATTERN = re.compile(
    r"out of memory|OutOfMemoryError|MemoryError|Cannot allocate memory", re.IGNORECASE
)
_MISSING_PACKAGE = re.compile(
    r"No module named '(" + "|".join(TRAINING_PACKAGES) + r")(?:\.[\w.]+)?'"
)
_ANSI = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
_FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+), in (?P<func>.+)$')
TAIL_BYTES = 64 * 1024
_MAX_REASON = 400


class TerminalTail:
    """The last bytes a worker printed, kept to explain a failure."""

    def __init__(self, limit: int = TAIL_BYTES) -> None:
        self._chunks: deque[bytes] = deque()
        self._size = 0
        self._limit = limit

    def add(self, data: bytes) -> None:
        self._chunks.append(data)
        self._size += len(data)
        while self._size - len(self._chunks[0]) >= self._limit:
            self._size -= len(self._chunks.popleft())

    def text(self) -> str:
        return screen_text(b"".join(self._chunks)[-self._limit:])


def screen_text(data: bytes) -> str:
    """What a terminal shows for ``data``: no escape codes, a \\r-rewritten line's last state."""
    plain = _ANSI.sub(b"", data).decode("utf-8", errors="replace")
    lines = (line.rstrip("\r").split("\r")[-1] for line in plain.split("\n"))
    return "\n".join(lines)


def signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def last_traceback_reason(text: str) -> str | None:
    """'ValueError: bad (in load, loop.py:42)' from the last Python traceback in ``text``."""
    start = text.rfind("Traceback (most recent call last):")
    if start < 0:
        return None
    lines = text[start:].splitlines()[1:]
    frame = None
    for index, line in enumerate(lines):
        match = _FRAME.match(line)
        if match:
            frame = match
            continue
        if line and not line[0].isspace():
            # The first unindented line after the frames is the exception itself.
            where = ""
            if frame is not None:
                name = PurePath(frame["file"]).name
                where = f" (in {frame['func']}, {name}:{frame['line']})"
            exception = " ".join(part.strip() for part in [line, *_continuation(lines, index)])
            return _shorten(exception) + where
    return None


def _continuation(lines: list[str], index: int) -> list[str]:
    # A multi-line exception message goes on until a blank line or the next block.
    rest = []
    for line in lines[index + 1:index + 4]:
        if not line.strip() or line.startswith(("Traceback", "During handling", "The above")):
            break
        rest.append(line)
    return rest


def last_lines(text: str, count: int = 3) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return _shorten(" | ".join(lines[-count:]))


def _shorten(text: str) -> str:
    return text if len(text) <= _MAX_REASON else "…" + text[-_MAX_REASON:]


def describe_failure(
    *,
    exit_code: int,
    crashed: bool,
    error_event: ErrorEvent | None,
    terminal: str,
    python: str,
) -> str:
    """The error stored on a FAILED run whose worker ended on its own (not cancelled)."""
    reported = error_event.message if error_event is not None else ""
    missing = _MISSING_PACKAGE.search(reported) or _MISSING_PACKAGE.search(terminal)
    if missing:
        return missing_packages_message(python, f"No module named '{missing[1]}'")
    if error_event is not None:
        return _from_error_event(error_event)
    how = _how_it_ended(exit_code, crashed)
    reason = last_traceback_reason(terminal) or last_lines(terminal)
    if _OOM_PATTERN.search(terminal):
        return f"Training ran out of memory ({how}): {reason}. {OUT_OF_MEMORY_HINT}"
    if crashed and signal_name(exit_code) == "SIGKILL":
        # The kernel's OOM killer sends SIGKILL and leaves no message of its own.
        how += (" (if nobody killed it, the system probably ran out of memory: try a "
                "smaller batch size or gradient checkpointing)")
    return f"{how}. Last output: {reason}" if reason else f"{how}, with no output."


def _how_it_ended(exit_code: int, crashed: bool) -> str:
    if crashed:
        return f"The training process was killed by {signal_name(exit_code)}"
    if exit_code == 0:
        return "The training process exited (code 0) without reporting a result"
    return f"The training process exited with code {exit_code}"


def _from_error_event(event: ErrorEvent) -> str:
    message = event.message or "The training process reported an error."
    if event.kind != ErrorKind.OUT_OF_MEMORY and not _OOM_PATTERN.search(message):
        return message
    if "memory" not in message.lower():
        message = f"Training ran out of memory: {message}"
    if "batch size" not in message.lower():
        message = f"{message.rstrip()} {OUT_OF_MEMORY_HINT}"
    return message
