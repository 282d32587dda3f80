"""Colours of the chart. Runs use the Okabe-Ito palette, which stays distinguishable for
the common forms of colour blindness; yellow and black are left out because one of them
vanishes on a light background and the other on a dark one."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette

_LIGHT_RUNS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00")
# Okabe-Ito's blue is too dark to read on a dark background; its sky blue takes its place.
_DARK_RUNS = ("#56B4E9", "#D55E00", "#009E73", "#CC79A7", "#E69F00")
SINGLE_RUN_NONFINITE_MARKER = "#E4002B"

# Tooltip colours are fixed rather than taken from the palette: a dark box with light
# text reads the same on light and dark themes and stands out from the plot.
TOOLTIP_STYLE = (
    "QLabel#metricsTooltip { background-color: rgba(32, 33, 36, 235); color: #F5F5F5;"
    " border: 1px solid #9AA0A6; border-radius: 4px; padding: 4px 6px; }"
)


@dataclass(frozen=True)
class PlotTheme:
    background: QColor
    foreground: QColor
    grid_alpha: float
    crosshair: QColor
    runs: tuple[str, ...]


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def plot_theme(palette: QPalette) -> PlotTheme:
    dark = is_dark(palette)
    background = palette.color(QPalette.ColorRole.Base)
    foreground = palette.color(QPalette.ColorRole.Text)
    crosshair = QColor(foreground)
    crosshair.setAlpha(140)
    return PlotTheme(
        background=background,
        foreground=foreground,
        grid_alpha=0.2 if dark else 0.12,
        crosshair=crosshair,
        runs=_DARK_RUNS if dark else _LIGHT_RUNS,
    )
