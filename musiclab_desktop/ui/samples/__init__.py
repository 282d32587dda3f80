"""Listening to runs: the Samples view, the compare-by-ear grid and the player seam."""

from musiclab_desktop.ui.samples.compare_grid import CompareByEar
from musiclab_desktop.ui.samples.player import PlaybackState, Player, create_player
from musiclab_desktop.ui.samples.samples_view import SamplesView

__all__ = ["CompareByEar", "PlaybackState", "Player", "SamplesView", "create_player"]
