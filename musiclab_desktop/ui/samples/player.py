"""Playback behind one seam: the Samples view and the compare grid talk to a
:class:`Player`, never to Qt Multimedia directly.

The real player hands decoded PCM (soundfile decodes it, as it does to draw the sample)
to a ``QAudioSink`` in pull mode: no media pipeline, exact seeking and looping, and the
time from Play to the first buffer is one read. Why this and not ``QMediaPlayer``: the
sink needs only libQt6Multimedia and its bindings (about 2.6 MB unpacked); the media
player needs Qt's FFmpeg backend plugin, which brings FFmpeg (about 20 MB) and QtQuick,
QtQml and QtNetwork (about 19 MB more) into the installer, to play WAV files we decode
ourselves anyway. Other stacks (sounddevice/PortAudio, simpleaudio) would add a native
library and a thread outside Qt's event loop for no gain.

Qt Multimedia comes with PySide6-Addons and needs an audio device (on Linux, libpulse:
PulseAudio or PipeWire's pulse server); without either (a headless box, CI)
:func:`create_player` returns an :class:`UnavailablePlayer` that says why, and the view
shows everything else.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Hashable
from typing import Any

from PySide6.QtCore import QIODevice, QObject, QTimer, Signal

from musiclab_desktop.core.audio_view import AudioClip

NO_MULTIMEDIA = (
    "Playback is unavailable: Qt Multimedia (PySide6-Addons) or its audio libraries are missing."
)
NO_DEVICE = "Playback is unavailable: there is no audio output device."
POSITION_INTERVAL_MS = 50
BUFFER_SECONDS = 0.06


class PlaybackState(enum.Enum):
    STOPPED = "stopped"
    PLAYING = "playing"
    PAUSED = "paused"


class Player(QObject):
    """What the views need of playback. ``key`` names what is loaded (a sample id)."""

    stateChanged = Signal(object)  # PlaybackState
    positionChanged = Signal(float)  # seconds
    loadedChanged = Signal(object)  # the key loaded, or None
    finished = Signal()  # played to the end (not when stopped or paused)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state = PlaybackState.STOPPED
        self._key: Hashable | None = None
        self._clip: AudioClip | None = None
        self._loop = False

    # --- what every player shares ------------------------------------------------------

    def available(self) -> bool:
        return True

    def unavailable_reason(self) -> str:
        return ""

    def state(self) -> PlaybackState:
        return self._state

    def loaded_key(self) -> Hashable | None:
        return self._key

    def duration(self) -> float:
        return self._clip.seconds if self._clip is not None else 0.0

    def looping(self) -> bool:
        return self._loop

    def set_loop(self, loop: bool) -> None:
        self._loop = loop

    def load(self, key: Hashable, clip: AudioClip) -> None:
        """Make ``clip`` the one played (stops what played before)."""
        self.stop()
        self._key, self._clip = key, clip
        self._load(clip)
        self.loadedChanged.emit(key)
        self.positionChanged.emit(0.0)

    def toggle(self) -> None:
        if self._state is PlaybackState.PLAYING:
            self.pause()
        else:
            self.play()

    def play(self) -> None:
        if self._clip is None or not self.available():
            return
        self._play()
        self._set_state(PlaybackState.PLAYING)

    def pause(self) -> None:
        if self._state is PlaybackState.PLAYING:
            self._pause()
            self._set_state(PlaybackState.PAUSED)

    def stop(self) -> None:
        if self._state is not PlaybackState.STOPPED:
            self._stop()
            self._set_state(PlaybackState.STOPPED)

    def seek(self, seconds: float) -> None:
        if self._clip is None:
            return
        seconds = min(max(0.0, seconds), self._clip.seconds)
        self._seek(seconds)
        self.positionChanged.emit(seconds)

    def position(self) -> float:
        return 0.0

    def _set_state(self, state: PlaybackState) -> None:
        if state is not self._state:
            self._state = state
            self.stateChanged.emit(state)

    # --- what an implementation does ---------------------------------------------------

    def _load(self, clip: AudioClip) -> None:
        pass

    def _play(self) -> None:
        pass

    def _pause(self) -> None:
        pass

    def _stop(self) -> None:
        pass

    def _seek(self, seconds: float) -> None:
        pass


class UnavailablePlayer(Player):
    """No playback here; ``reason`` says why. Loading still works, so the view can
    select and seek, but Play does nothing."""

    def __init__(self, reason: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reason = reason

    def available(self) -> bool:
        return False

    def unavailable_reason(self) -> str:
        return self._reason


class PcmSource(QIODevice):
    """The clip's PCM as a readable device: the sink pulls from it; seek and loop move
    the read offset. ``first_read_at`` is when the sink first took a buffer (perf_counter)."""

    def __init__(self, pcm: bytes, frame_bytes: int, parent: QObject) -> None:
        super().__init__(parent)
        self._pcm = pcm
        self._frame_bytes = frame_bytes
        self.offset = 0
        self.loop = False
        self.first_read_at: float | None = None

    def seek_frame(self, frame: int) -> None:
        self.offset = min(len(self._pcm), frame * self._frame_bytes)

    def at_end(self) -> bool:
        return self.offset >= len(self._pcm) and not self.loop

    def readData(self, maxlen: int) -> bytes:
        if self.first_read_at is None:
            self.first_read_at = time.perf_counter()
        maxlen -= maxlen % self._frame_bytes
        chunk = self._pcm[self.offset : self.offset + maxlen]
        self.offset += len(chunk)
        if self.loop and len(chunk) < maxlen and self._pcm:
            self.offset = maxlen - len(chunk)
            chunk += self._pcm[: self.offset]
        return chunk

    def writeData(self, data: bytes | bytearray | memoryview, length: int, /) -> int:
        return -1

    def bytesAvailable(self) -> int:
        return len(self._pcm) - self.offset + super().bytesAvailable()

    def isSequential(self) -> bool:
        return True


class QtAudioPlayer(Player):
    """Plays through ``QAudioSink`` on the default output device."""

    def __init__(self, device: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._device = device
        self._sink: Any = None
        self._source: PcmSource | None = None
        self._started = False
        self.play_requested_at: float | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(POSITION_INTERVAL_MS)
        self._timer.timeout.connect(self._tick)

    def set_loop(self, loop: bool) -> None:
        super().set_loop(loop)
        if self._source is not None:
            self._source.loop = loop

    def position(self) -> float:
        clip, source = self._clip, self._source
        if clip is None or source is None:
            return 0.0
        frame_bytes = 2 * clip.channels
        queued = (
            0 if self._sink is None else max(0, self._sink.bufferSize() - self._sink.bytesFree())
        )
        return max(0, source.offset - queued) / frame_bytes / clip.sample_rate

    def first_buffer_delay(self) -> float | None:
        """Seconds from the last Play to the sink's first read (None before it read)."""
        source = self._source
        if source is None or source.first_read_at is None or self.play_requested_at is None:
            return None
        return source.first_read_at - self.play_requested_at

    def _load(self, clip: AudioClip) -> None:
        from PySide6.QtMultimedia import QAudioFormat, QAudioSink

        audio_format = QAudioFormat()
        audio_format.setSampleRate(clip.sample_rate)
        audio_format.setChannelCount(clip.channels)
        audio_format.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        self._release()
        # (Its stateChanged signal carries a QtAudio::State that PySide 6.11 cannot
        # convert, so the position timer also notices the end.)
        self._sink = QAudioSink(self._device, audio_format, self)
        # A short device buffer: Play is heard within about this long (Qt's default, a
        # quarter of a second, is a noticeable lag when stepping through samples).
        self._sink.setBufferSize(int(BUFFER_SECONDS * clip.sample_rate) * 2 * clip.channels)
        self._source = PcmSource(clip.pcm16, 2 * clip.channels, self)
        self._source.loop = self._loop
        self._source.open(QIODevice.OpenModeFlag.ReadOnly | QIODevice.OpenModeFlag.Unbuffered)
        self._started = False

    def _release(self) -> None:
        if self._sink is not None:
            self._sink.stop()
            self._sink.deleteLater()
        if self._source is not None:
            self._source.close()
            self._source.deleteLater()
        self._sink = self._source = None

    def _play(self) -> None:
        if self._sink is None or self._source is None:
            return
        self.play_requested_at = time.perf_counter()
        self._source.first_read_at = None
        if self._source.at_end():
            self._source.seek_frame(0)
        if self._started:
            self._sink.resume()
        else:
            self._sink.start(self._source)
            self._started = True
        self._timer.start()

    def _pause(self) -> None:
        if self._sink is not None:
            self._sink.suspend()
        self._timer.stop()

    def _stop(self) -> None:
        if self._sink is not None:
            self._sink.stop()
        if self._source is not None:
            self._source.seek_frame(0)
        self._started = False
        self._timer.stop()
        self.positionChanged.emit(0.0)

    def _seek(self, seconds: float) -> None:
        clip = self._clip
        if self._source is not None and clip is not None:
            self._source.seek_frame(int(seconds * clip.sample_rate))

    def _tick(self) -> None:
        source = self._source
        if (
            source is not None
            and source.at_end()
            and self._sink is not None
            and (self._sink.state().name == "IdleState")
        ):
            # Played to the end: the device took the last bytes and drained its buffer
            # (a looping source never ends).
            self._stop()
            self._set_state(PlaybackState.STOPPED)
            self.finished.emit()
            return
        self.positionChanged.emit(self.position())


def create_player(parent: QObject | None = None) -> Player:
    """The real player when Qt Multimedia and an output device are there, else one that
    says playback is unavailable."""
    try:
        from PySide6.QtMultimedia import QMediaDevices
    except ImportError:  # PySide6-Addons missing, or libpulse on Linux
        return UnavailablePlayer(NO_MULTIMEDIA, parent)
    device = QMediaDevices.defaultAudioOutput()
    if device.isNull():
        return UnavailablePlayer(NO_DEVICE, parent)
    return QtAudioPlayer(device, parent)
