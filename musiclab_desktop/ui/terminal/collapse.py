"""Drop the carriage-return redraws that a terminal overwrites before anyone could see them.

Qt-free. A progress bar redraws its line with ``\\r`` hundreds of times a second; a log of
a long training is mostly such redraws. Within one line, the segments after each ``\\r``
all start at column 0 of the same row, so a segment is invisible when a later one covers
at least as many cells. Dropping it changes nothing on screen, provided that:

- no segment wraps (wider than the screen) or moves the cursor: such a segment is a
  barrier, and only segments between barriers are compared;
- the dropped segment's SGR changes (colours, bold...) and cursor visibility are kept.
  Each of those sequences assigns attributes outright, so of repeated copies only the
  last matters;
- insert mode is off (the caller checks the screen; a piece that sets it is left alone).

The text before a line's first ``\\r`` may continue what is already on screen, so it is
always kept, as is the last segment.
"""

from __future__ import annotations

import re

from pyte.screens import wcwidth

from .emulator import ONE_CELL_TEXT

_PLAIN_ASCII_LINE = re.compile(rb"[\x20-\x7e\r]*")
_TOKEN = re.compile(rb"\x1b\[([0-9;:?]*)([\x40-\x7e])|\x1b")
_KEPT_FROM_DROPPED = re.compile(rb"\x1b\[[0-9;:]*m|\x1b\[\?25[hl]")
_SETS_INSERT_MODE = re.compile(rb"(?:\x1b\[|\xc2\x9b)[0-9;]*h")  # 7-bit or 8-bit CSI
_ERASE_PARAMS = {b"": 0, b"0": 0, b"1": 1, b"2": 2}
_OPAQUE = -1


_UP_THEN_DOWN = re.compile(rb"\x1b\[1?A\n")
# Any escape sequence but colours and cursor visibility, or a C1 control (U+0080-U+009F,
# e.g. an 8-bit CSI): it might move the cursor up.
_MAY_MOVE_UP = re.compile(rb"\x1b(?!\[[0-9;:]*m|\[\?25[hl])|\xc2[\x80-\x9f]")
_SETS_MARGINS = re.compile(rb"(?:\x1b\[|\xc2\x9b)[0-9;]*r")  # 7-bit or 8-bit CSI


def may_set_margins(data: bytes) -> bool:
    """Whether a piece might set a scroll region (DECSTBM)."""
    return _SETS_MARGINS.search(data) is not None


def cancel_up_then_down(data: bytes) -> bytes:
    """Each cursor-up then linefeed that is sure to return to its row, as a carriage return.

    Nested tqdm bars redraw an inner bar as ``\\n\\r<bar>\\x1b[A``, so consecutive
    redraws hold ``\\x1b[A\\n``: up a row and straight back (LNM: to column 0). That is a
    carriage return whenever the cursor is not on the top row, which holds when a linefeed
    came earlier with nothing between that could move the cursor up (text only wraps
    down). The redraws then share one row and collapse_rewrites drops the covered ones.
    The caller makes sure no scroll region is set: a region's top margin stops the
    cursor-up.
    """
    if b"A\n" not in data:
        return data
    parts: list[bytes] = []
    done = 0
    for match in _UP_THEN_DOWN.finditer(data):
        newline = data.rfind(b"\n", 0, match.start())
        if newline == -1 or _MAY_MOVE_UP.search(data, newline, match.start()):
            continue
        parts.append(data[done : match.start()])
        parts.append(b"\r")
        done = match.end()
    if not parts:
        return data
    parts.append(data[done:])
    return b"".join(parts)


def may_set_insert_mode(data: bytes) -> bool:
    """Whether a piece holds a set-mode sequence that might turn insert mode on."""
    return _SETS_INSERT_MODE.search(data) is not None


def collapse_rewrites(data: bytes, columns: int) -> bytes:
    """``data`` with the carriage-return segments that cannot be seen left out."""
    if b"\r" not in data:
        return data
    # In LNM a linefeed returns the carriage anyway, so CR LF is LF.
    data = data.replace(b"\r\n", b"\n")
    carriage = data.find(b"\r")
    if carriage == -1:
        return data
    parts: list[bytes] = []
    done = 0
    while carriage != -1:
        start = data.rfind(b"\n", 0, carriage) + 1
        end = data.find(b"\n", carriage)
        if end == -1:
            end = len(data)
        line = data[start:end]
        if line.count(b"\r") >= 2:
            parts.append(data[done:start])
            parts.append(_collapse_line(line, columns))
            done = end
        carriage = data.find(b"\r", end)
    parts.append(data[done:])
    return b"".join(parts)


def _collapse_line(line: bytes, columns: int) -> bytes:
    segments = line.split(b"\r")
    if _PLAIN_ASCII_LINE.fullmatch(line):
        covers = [len(segment) for segment in segments]
        covers = [cover if cover <= columns else _OPAQUE for cover in covers]
    else:
        covers = [_cover(segment, columns) for segment in segments]
    covers[0] = _OPAQUE  # the head may continue earlier output: never compared
    kept = _visible_segments(covers)
    if len(kept) == len(segments):
        return line
    return _join_kept(segments, kept)


def _visible_segments(covers: list[int]) -> set[int]:
    """Indexes of segments not fully covered by a later one before the next barrier."""
    kept = {0, len(covers) - 1}
    best = -1  # widest cover after this segment, up to the next barrier
    for index in range(len(covers) - 2, 0, -1):
        cover = covers[index]
        if cover == _OPAQUE:
            kept.add(index)
            best = -1
            continue
        following = covers[index + 1]
        best = -1 if following == _OPAQUE else max(best, following)
        if cover > best:
            kept.add(index)
    return kept


def _join_kept(segments: list[bytes], kept: set[int]) -> bytes:
    out = [segments[0]]
    residue: list[bytes] = []
    for index in range(1, len(segments)):
        segment = segments[index]
        if index not in kept:
            residue.extend(_KEPT_FROM_DROPPED.findall(segment))
            continue
        out.append(b"\r")
        if residue:
            out.extend(_last_copies(residue))
            residue = []
        out.append(segment)
    return b"".join(out)


def _last_copies(sequences: list[bytes]) -> list[bytes]:
    """Each distinct sequence once, at its last position: an assignment repeated is once."""
    last = {sequence: index for index, sequence in enumerate(sequences)}
    return sorted(last, key=last.__getitem__)


def _cover(segment: bytes, columns: int) -> int:
    """Cells [0, n) a segment overwrites from column 0, or _OPAQUE when that is unknown."""
    cover = 0
    x = 0
    position = 0
    for match in _TOKEN.finditer(segment):
        width = _text_width(segment[position : match.start()])
        if width == _OPAQUE:
            return _OPAQUE
        x += width
        position = match.end()
        erased = _erase_cover(match, x, columns)
        if erased == _OPAQUE:
            return _OPAQUE
        cover = max(cover, erased)
    width = _text_width(segment[position:])
    if width == _OPAQUE:
        return _OPAQUE
    x += width
    if x > columns:
        return _OPAQUE  # it wraps onto the next row
    return max(cover, x)


def _erase_cover(match: re.Match[bytes], x: int, columns: int) -> int:
    """What an allowed sequence erases: 0 for attribute changes, _OPAQUE for the rest."""
    params, final = match.group(1), match.group(2)
    if final is None:
        return _OPAQUE
    if final == b"m" and b"?" not in params:
        return 0
    if final in (b"h", b"l") and params == b"?25":
        return 0
    if final == b"K" and params in _ERASE_PARAMS:
        how = _ERASE_PARAMS[params]
        return min(x + 1, columns) if how == 1 else columns
    return _OPAQUE


def _text_width(text: bytes) -> int:
    if not text:
        return 0
    if text.isascii():
        return len(text) if text.decode("ascii").isprintable() else _OPAQUE
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError:
        return _OPAQUE
    if ONE_CELL_TEXT.fullmatch(decoded):
        return len(decoded)
    total = 0
    for char in decoded:
        width = wcwidth(char)
        if width < 0:
            return _OPAQUE
        total += width
    return total
