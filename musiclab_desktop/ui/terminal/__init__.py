"""The terminal view of a training run: a pyte screen with scrollback, painted by Qt."""

from .panel import TerminalPanel
from .view import TerminalView

__all__ = ["TerminalPanel", "TerminalView"]
