"""Folding a clip's metadata into its caption: ``{text}, {genre}, {bpm} bpm``.

``{text}`` is the caption; any other ``{name}`` is a metadata column of the clip
(core/audio_scan.py keeps them). The template is read as comma-separated parts, and a
part naming a column the clip lacks is left out whole, so a clip without a bpm gets
"calm piano, jazz", not "calm piano, jazz,  bpm".
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

CAPTION_FIELDS = ("text", "caption", "description")


def _fields(part: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(part) if name is not None]


def template_problem(template: str) -> str | None:
    """Why ``template`` cannot be used (one phrase), or None when it can."""
    if not template.strip():
        return None
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        return f"is not a valid template ({exc}); write columns as {{name}}"
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier():
            return f"'{{{name}}}' does not name a column; write columns as {{genre}}, {{bpm}}"
        if spec or conversion:
            return f"'{{{name}}}' may not carry a format or conversion; write just {{{name}}}"
    return None


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def render_caption(
    template: str, caption: str | None, extra: Mapping[str, Any] | None
) -> str | None:
    """The caption ``template`` makes for a clip; the plain caption when it is empty."""
    if not template.strip():
        return caption
    values = {key: _text(value) for key, value in (extra or {}).items()}
    for name in CAPTION_FIELDS:
        if caption:
            values[name] = caption.strip()
    parts = []
    for part in template.split(","):
        names = _fields(part)
        if all(values.get(name) for name in names):
            parts.append(part.format_map(values))
    text = ",".join(parts).strip().strip(",").strip()
    return text or caption
