"""Terminal colours: pyte's colour names and hex strings to ``#rrggbb``.

Qt-free. Dark background, as terminals are. The 16 ANSI colours are the standard xterm
layout with the values of VS Code's dark terminal theme, which stay readable on a dark
background (xterm's own blue, #0000ee, hardly is). The 256-colour cube and grey ramp
are xterm's (pyte hands them over as hex); truecolor passes through.
"""

from __future__ import annotations

from dataclasses import dataclass

BACKGROUND = "#1e1e1e"
FOREGROUND = "#cccccc"

ANSI_16 = (
    "#000000",  # black
    "#cd3131",  # red
    "#0dbc79",  # green
    "#e5e510",  # yellow
    "#2472c8",  # blue
    "#bc3fbc",  # magenta
    "#11a8cd",  # cyan
    "#e5e5e5",  # white
    "#666666",  # bright black
    "#f14c4c",  # bright red
    "#23d18b",  # bright green
    "#f5f543",  # bright yellow
    "#3b8eea",  # bright blue
    "#d670d6",  # bright magenta
    "#29b8db",  # bright cyan
    "#ffffff",  # bright white
)

_BASE_NAMES = ("black", "red", "green", "brown", "blue", "magenta", "cyan", "white")
# pyte names yellow "brown", and spells bright magenta "bfightmagenta" for backgrounds.
_NAMED = {
    **{name: index for index, name in enumerate(_BASE_NAMES)},
    **{f"bright{name}": index + 8 for index, name in enumerate(_BASE_NAMES)},
    "bfightmagenta": 13,
}


@dataclass(frozen=True)
class TerminalPalette:
    background: str = BACKGROUND
    foreground: str = FOREGROUND
    ansi: tuple[str, ...] = ANSI_16
    selection: str = "#264f78"
    match: str = "#a07c1a"
    current_match: str = "#e2a72e"
    cursor: str = "#aeafad"
    placeholder: str = "#8a8a8a"

    def colour(self, name: str, *, background: bool = False) -> str:
        """``#rrggbb`` for a pyte colour ("default", a name, or six hex digits)."""
        if name == "default":
            return self.background if background else self.foreground
        index = _NAMED.get(name)  # the emulator names 256-colour indexes below 16 too
        if index is not None:
            return self.ansi[index]
        if len(name) == 6:
            return "#" + name
        return self.background if background else self.foreground
