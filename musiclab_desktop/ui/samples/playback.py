"""Play a sample by its record: decode it off the GUI thread, hand it to the player.

Both the Samples view and the compare grid play through one of these, so the one
player never plays two things and a second request supersedes a first still decoding.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from musiclab_desktop.core.audio_view import AudioClip
from musiclab_desktop.core.records import SampleRecord
from musiclab_desktop.ui.ops import QueryOp, describe_error
from musiclab_desktop.ui.samples.loading import clip_of
from musiclab_desktop.ui.samples.player import PlaybackState, Player


def playable_clip(record: SampleRecord) -> AudioClip:
    """Decoded and converted to the device's PCM, both on the pool thread."""
    clip = clip_of(record)
    _ = clip.pcm16
    return clip


class SamplePlayback(QObject):
    """``problem`` carries the sentence when a sample cannot be played."""

    problem = Signal(str)

    def __init__(self, player: Player, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.player = player
        self._decoding: int | None = None

    def playing_id(self) -> int | None:
        key = self.player.loaded_key()
        playing = self.player.state() is PlaybackState.PLAYING
        return key if playing and isinstance(key, int) else None

    def is_decoding(self) -> bool:
        return self._decoding is not None

    def prepare(self, record: SampleRecord, *, play: bool) -> None:
        """Load ``record`` into the player (decoding off the loop) and play it if asked."""
        if self.player.loaded_key() == record.id and self._decoding is None:
            if play:
                self.player.play()
            return
        self._decoding = record.id
        op = QueryOp(
            self,
            op=lambda: playable_clip(record),
            success=lambda clip: self._loaded(record.id, clip, play),
        )
        op.failure(lambda exc: self._failed(record.id, exc)).keyed("clip").run_in_background()

    def toggle(self, record: SampleRecord) -> None:
        """Space: pause what plays, or play ``record`` (from where it was paused)."""
        if self.player.loaded_key() == record.id and self._decoding is None:
            self.player.toggle()
        else:
            self.prepare(record, play=True)

    def _loaded(self, sample_id: int, clip: AudioClip, play: bool) -> None:
        if self._decoding != sample_id:
            return
        self._decoding = None
        self.player.load(sample_id, clip)
        if play:
            self.player.play()

    def _failed(self, sample_id: int, exc: Exception) -> None:
        if self._decoding == sample_id:
            self._decoding = None
            self.problem.emit(describe_error(exc))
