"""The event channel of the worker processes: one JSON object per line.

Both workers (training, core/protocol.py; generation, core/generation_protocol.py) write
their events on it: the :class:`Event` base, its JSON line encoding and decoding, and
the decorator that registers an event class under its type name.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import MISSING, dataclass, fields
from enum import StrEnum
from types import UnionType
from typing import Any, ClassVar, Self, TypeVar, get_args, get_origin, get_type_hints


class ErrorKind(StrEnum):
    """Why a worker failed, as its ``error`` event says."""

    MODEL_UNAVAILABLE = "model_unavailable"
    OUT_OF_MEMORY = "out_of_memory"
    DATA = "data"
    CONFIG = "config"
    INTERNAL = "internal"


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
        decoder = DECODERS.get(name) if isinstance(name, str) else None
        if decoder is None:
            return None
        event = decoder(payload)
        return event if isinstance(event, cls) else None


class _Malformed(ValueError):
    """A field's value is not of its declared kind."""


_Read = Callable[[Any], Any]
DECODERS: dict[str, Callable[[dict[str, Any]], Event | None]] = {}


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


def event_type(cls: type[E]) -> type[E]:
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

    DECODERS[cls.type] = decode
    return cls
