"""Names made safe to show: control characters escaped, never interpreted.

A name typed into a file, a script or ``--name`` can hold escape sequences; printed
as is, they would move the user's cursor, recolour their terminal or hide text. The
CLI's human output and the window show every user-given name through ``printable``.
"""

from __future__ import annotations

import unicodedata

_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\e", "\\": "\\\\"}


def printable(text: str) -> str:
    """``text`` with every control or format character written as a visible escape.

    Ordinary letters, digits, punctuation and spaces in any script pass through
    unchanged; a backslash is doubled only when the text needs escaping at all, so
    plain names (Windows-style paths included) read exactly as typed.
    """
    if not any(_is_control(char) for char in text):
        return text
    return "".join(_escape(char) for char in text)


def _is_control(char: str) -> bool:
    # Cc: C0/C1 controls and DEL; Cf: bidi overrides and other invisible formatters.
    return unicodedata.category(char) in ("Cc", "Cf")


def _escape(char: str) -> str:
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    if not _is_control(char):
        return char
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
