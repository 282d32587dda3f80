"""What the runs table's filter box means, Qt-free.

Plain words match a run's name, notes and tags (every word, any case, a leading '#'
ignored). Text with a comparison (``final_loss<2.3 and lora_r=16``, ``tag=baseline``)
is the CLI's ``--filter`` language (core/run_filter.py), checked against each run's
fields and the settings it trained with.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from musiclab_desktop.core.records import RunRecord
from musiclab_desktop.core.run_filter import parse_run_filter

_EXPRESSION_CHARS = set("=<>~!()")

Settings = Mapping[str, Any]


@dataclass(frozen=True)
class RunMatcher:
    """``matches(run, settings)``; ``needs_settings``: the settings must be read first."""

    matches: Callable[[RunRecord, Settings], bool]
    needs_settings: bool


def is_expression(text: str) -> bool:
    return any(char in _EXPRESSION_CHARS for char in text)


def run_matcher(text: str) -> RunMatcher | None:
    """None for an empty box; a ValidationError (one sentence) for a bad expression."""
    text = text.strip()
    if not text:
        return None
    if is_expression(text):
        parsed = parse_run_filter(text)
        return RunMatcher(parsed.matches, needs_settings=True)
    words = [word.lstrip("#").casefold() for word in text.split()]
    words = [word for word in words if word]

    def matches(run: RunRecord, _settings: Settings) -> bool:
        haystack = " ".join([run.name, run.notes, *run.tags]).casefold()
        return all(word in haystack for word in words)

    return RunMatcher(matches, needs_settings=False)
