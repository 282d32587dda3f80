"""The real player says honestly whether this machine can play, and the view says so."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from PySide6.QtCore import QIODevice, QObject
from pytestqt.qtbot import QtBot

from musiclab_desktop.core.audio_view import load_audio
from musiclab_desktop.ui.experiments_controller import ExperimentsController
from musiclab_desktop.ui.samples import SamplesView, create_player
from musiclab_desktop.ui.samples.player import (
    NO_DEVICE,
    NO_MULTIMEDIA,
    PcmSource,
    PlaybackState,
    QtAudioPlayer,
    UnavailablePlayer,
)

from samples_kit import write_wav


def default_output_exists() -> bool | None:
    """None: Qt Multimedia cannot even be imported here."""
    if importlib.util.find_spec("PySide6.QtMultimedia") is None:
        return None
    try:
        from PySide6.QtMultimedia import QMediaDevices
    except ImportError:
        return None
    return not QMediaDevices.defaultAudioOutput().isNull()


def test_the_player_matches_what_this_machine_has(qapp: object) -> None:
    player = create_player()
    device = default_output_exists()
    if device is None:
        assert isinstance(player, UnavailablePlayer)
        assert player.unavailable_reason() == NO_MULTIMEDIA
    elif not device:
        assert isinstance(player, UnavailablePlayer)
        assert player.unavailable_reason() == NO_DEVICE
    else:
        assert isinstance(player, QtAudioPlayer) and player.available()


def test_without_playback_the_view_says_so_and_play_does_nothing(
    qtbot: QtBot, controller: ExperimentsController, tmp_path: Path
) -> None:
    player = UnavailablePlayer(NO_DEVICE)
    view = SamplesView(controller, player)
    qtbot.addWidget(view)
    view.show()
    assert view.playback_note.isVisibleTo(view)
    assert view.playback_note.text() == NO_DEVICE
    player.load(1, load_audio(write_wav(tmp_path / "a.wav", 440.0)))
    player.play()
    assert player.state() is PlaybackState.STOPPED
    assert player.duration() == 1.0


def test_the_pcm_source_hands_out_frames_seeks_and_loops(qapp: object, tmp_path: Path) -> None:
    clip = load_audio(write_wav(tmp_path / "a.wav", 440.0, seconds=0.01, rate=1000, channels=2))
    pcm = clip.pcm16
    assert len(pcm) == 10 * 2 * 2  # 10 frames, 2 channels, 16 bit
    owner = QObject()
    source = PcmSource(pcm, 4, owner)
    source.open(QIODevice.OpenModeFlag.ReadOnly | QIODevice.OpenModeFlag.Unbuffered)
    assert source.read(6).data() == pcm[:4]  # whole frames only
    source.seek_frame(8)
    assert source.read(100).data() == pcm[32:]
    assert source.at_end()
    source.loop = True
    source.seek_frame(9)
    assert source.read(8).data() == pcm[36:] + pcm[:4]
    assert not source.at_end()
    assert source.first_read_at is not None
