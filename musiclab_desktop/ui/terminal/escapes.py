"""Byte-level facts about escape sequences in a raw log: where it is safe to cut, and
rewriting the colon-form SGR that pyte misparses.

Qt-free, and pure functions on bytes so the log can be cut and re-fed at any width.
"""

from __future__ import annotations

import re

ESC = 0x1B
_CSI_FINAL = range(0x40, 0x7F)
_LOOKBACK = 512  # an escape sequence longer than this is not one a log needs

# SGR with at least one colon, e.g. ESC[38:2:255:128:0m or ESC[4:3m (curly underline).
_COLON_SGR = re.compile(rb"\x1b\[([0-9;]*:[0-9;:]*)m")


def normalise_sgr(data: bytes) -> bytes:
    """Rewrite colon-form SGR parameters into the semicolon form pyte understands."""
    if b":" not in data:
        return data
    return _COLON_SGR.sub(_rewrite_sgr, data)


def _rewrite_sgr(match: re.Match[bytes]) -> bytes:
    params: list[bytes] = []
    for group in match.group(1).split(b";"):
        params.extend(_semicolon_form(group.split(b":")))
    return b"\x1b[" + b";".join(params) + b"m"


def _semicolon_form(parts: list[bytes]) -> list[bytes]:
    head = parts[0] or b"0"
    if len(parts) == 1:
        return [head]
    rest = [part or b"0" for part in parts[1:]]
    if head in (b"38", b"48"):
        if rest[0] == b"5" and len(rest) >= 2:
            return [head, b"5", rest[1]]
        if rest[0] == b"2" and len(rest) >= 4:
            # ITU T.416 puts a colour-space id before r:g:b; the common form leaves it out.
            return [head, b"2", *rest[-3:]]
        return []
    if head == b"58":
        return []  # underline colour: pyte has no such attribute
    if head == b"4":
        return [b"24" if rest[0] == b"0" else b"4"]  # 4:n picks an underline style
    return [head]


def safe_end(data: bytes | bytearray, start: int, end: int) -> int:
    """The largest cut <= end that splits neither an escape sequence nor a UTF-8 character.

    Bytes past the cut wait for the rest of their sequence; pyte would cope, but the
    carriage-return collapse and the SGR rewrite look at whole sequences.
    """
    floor = max(start, end - _LOOKBACK)
    escape = data.rfind(b"\x1b", floor, end)
    if escape != -1 and not _complete_escape(data, escape, end):
        return escape
    return _utf8_boundary(data, max(start, end - 3), end)


def _complete_escape(data: bytes | bytearray, at: int, end: int) -> bool:
    if at + 1 >= end:
        return False
    kind = data[at + 1]
    if kind == 0x5B:  # CSI: parameters, then a final byte
        return any(data[i] in _CSI_FINAL for i in range(at + 2, end))
    if kind == 0x5D:  # OSC: ends with BEL or ST (an ST's ESC would be the last ESC)
        return data.find(b"\x07", at + 2, end) != -1
    if kind in b"()#%":
        return at + 2 < end
    return True


def _utf8_boundary(data: bytes | bytearray, floor: int, end: int) -> int:
    for i in range(end - 1, floor - 1, -1):
        byte = data[i]
        if byte < 0x80:
            return end
        if byte >= 0xC0:  # a lead byte: is its character complete?
            needed = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return end if end - i >= needed else i
    return end


def line_cut(data: bytes | bytearray, start: int, end: int) -> int:
    """A cut in (start, end] just after a newline or carriage return, else a safe cut."""
    newline = max(data.rfind(b"\n", start, end), data.rfind(b"\r", start, end))
    if newline != -1:
        return newline + 1
    return safe_end(data, start, end)


def tail_start(data: bytes | bytearray, end: int, rows: int, max_bytes: int | None) -> int:
    """Where to start replaying so that ``rows`` lines before ``end`` are rebuilt.

    The cut sits just after a newline. When ``max_bytes`` caps the region before enough
    newlines are found (a progress bar can redraw one line for megabytes), the cut falls
    on the first newline or carriage return inside the cap, where the cursor is at
    column 0 anyway.
    """
    floor = 0 if max_bytes is None else max(0, end - max_bytes)
    position = end
    for _ in range(rows + 1):  # the cut newline itself, then ``rows`` lines after it
        newline = data.rfind(b"\n", floor, position)
        if newline == -1:
            break
        position = newline
    else:
        return position + 1
    if floor == 0:
        return 0
    for boundary in (b"\n", b"\r"):
        found = data.find(boundary, floor, end)
        if found != -1:
            return found + 1 if boundary == b"\n" else found
    return _skip_continuation_bytes(data, floor, end)


def _skip_continuation_bytes(data: bytes | bytearray, start: int, end: int) -> int:
    while start < end and 0x80 <= data[start] < 0xC0:
        start += 1
    return start
