"""The right-hand side of the main window: the selected experiment as tabs."""

from musiclab_desktop.ui.detail.view import DetailView

__all__ = ["DetailView"]
