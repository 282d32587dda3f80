"""The Samples view of one run, driven through the real widget with a player double."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import RunRecord
from musiclab_desktop.ui.change_notice import Change
from musiclab_desktop.ui.samples import SamplesView
from musiclab_desktop.ui.samples.loading import SPECTROGRAM_COLUMNS, WAVEFORM_COLUMNS
from musiclab_desktop.ui.samples.player import PlaybackState
from musiclab_desktop.ui.samples.samples_model import STEP_ROLE

from samples_kit import FakePlayer, add_sample, add_training_samples, wait_until


def shown(qtbot: QtBot, view: SamplesView, run: RunRecord) -> None:
    view.show_run(run)
    wait_until(qtbot, lambda: not view.is_loading())


def step_titles(view: SamplesView) -> list[str]:
    model = view.model
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def prompts_at(view: SamplesView, row: int) -> list[str]:
    parent = view.model.index(row, 0)
    return [view.model.index(r, 0, parent).data() for r in range(view.model.rowCount(parent))]


def test_rows_are_grouped_by_step_with_the_base_reference_first(
    qtbot: QtBot, view: SamplesView, library: Library, finished_run: RunRecord
) -> None:
    add_training_samples(library, finished_run, steps=(10, 20))
    shown(qtbot, view, finished_run)
    assert step_titles(view) == ["Base model (before training)", "Step 10", "Step 20"]
    assert all(prompts_at(view, row) == ["calm piano", "fast drums"] for row in range(3))
    assert view.status.text() == "6 samples at 3 steps"
    # The last sample is selected and drawn.
    assert view.selected_sample().record.step == 20


def test_waveform_and_spectrogram_come_from_the_wav(
    qtbot: QtBot, view: SamplesView, library: Library, finished_run: RunRecord
) -> None:
    sample = add_sample(library, finished_run, 10, frequency=440.0, seconds=1.0)
    shown(qtbot, view, finished_run)
    assert view.select_sample(sample.id)
    mins, maxs = view.plot.waveform_data()
    assert len(mins) == len(maxs) == WAVEFORM_COLUMNS
    assert np.max(maxs) == np.float32(0.4) or abs(float(np.max(maxs)) - 0.4) < 1e-3
    assert abs(float(np.min(mins)) + 0.4) < 1e-3
    image = view.plot.spectrogram_image()
    loaded = view.selected_sample()
    assert loaded is not None and loaded.spectrogram is not None
    assert image.shape == (len(loaded.spectrogram.band_hz), SPECTROGRAM_COLUMNS)
    thumbnail = loaded.spectrogram_thumbnail
    assert thumbnail is not None and (thumbnail.width(), thumbnail.height()) == (100, 32)
    # The tone's energy sits in the band that holds 440 Hz.
    peak_band = int(np.argmax(image.mean(axis=1)))
    assert peak_band == loaded.spectrogram.band_of(440.0)


def test_space_plays_and_pauses_the_selected_sample_through_the_player(
    qtbot: QtBot, view: SamplesView, library: Library, finished_run: RunRecord, player: FakePlayer
) -> None:
    sample = add_sample(library, finished_run, 10)
    shown(qtbot, view, finished_run)
    view.tree.setFocus()
    qtbot.keyClick(view.tree, Qt.Key.Key_Space)
    wait_until(qtbot, lambda: player.state() is PlaybackState.PLAYING)
    assert player.loaded_key() == sample.id
    assert view.play_button.text() == "Pause"
    qtbot.keyClick(view.tree, Qt.Key.Key_Space)
    assert player.state() is PlaybackState.PAUSED
    assert view.play_button.text() == "Play"
    view.plot.seekRequested.emit(0.5)
    assert player.position() == 0.5
    assert view.plot.position() == 0.5
    view.loop_toggle.click()
    assert player.looping()
    qtbot.keyClick(view.tree, Qt.Key.Key_Space)
    assert player.state() is PlaybackState.PLAYING
    assert player.loaded == [sample.id]  # decoded once


def test_up_and_down_move_between_steps_of_the_same_prompt(
    qtbot: QtBot, view: SamplesView, library: Library, finished_run: RunRecord, player: FakePlayer
) -> None:
    add_training_samples(library, finished_run, steps=(10, 20))
    shown(qtbot, view, finished_run)
    second_prompt_at_10 = view.model.index_at(10, 1)
    view.tree.setCurrentIndex(second_prompt_at_10)
    view.tree.setFocus()
    qtbot.keyClick(view.tree, Qt.Key.Key_Down)
    record = view.selected_sample().record
    assert (record.step, record.prompt_index) == (20, 1)
    qtbot.keyClick(view.tree, Qt.Key.Key_Down)  # the last step: stays
    assert view.selected_sample().record.step == 20
    qtbot.keyClick(view.tree, Qt.Key.Key_Up)
    qtbot.keyClick(view.tree, Qt.Key.Key_Up)
    record = view.selected_sample().record
    assert (record.step, record.prompt_index, record.reference) == (0, 1, True)
    # Moving on while listening keeps playing: the change is heard at once.
    qtbot.keyClick(view.tree, Qt.Key.Key_Space)
    wait_until(qtbot, lambda: player.state() is PlaybackState.PLAYING)
    qtbot.keyClick(view.tree, Qt.Key.Key_Down)
    wait_until(qtbot, lambda: player.loaded_key() == view.selected_sample().record.id)
    assert player.state() is PlaybackState.PLAYING


def test_missing_and_corrupt_wavs_are_shown_as_such(
    qtbot: QtBot, view: SamplesView, library: Library, finished_run: RunRecord, player: FakePlayer
) -> None:
    good = add_sample(library, finished_run, 10, 0)
    missing = add_sample(library, finished_run, 20, 0)
    corrupt = add_sample(library, finished_run, 30, 0)
    missing.file.unlink()
    corrupt.file.write_bytes(b"RIFF....WAVEnot really")
    shown(qtbot, view, finished_run)
    assert step_titles(view) == ["Step 10", "Step 20", "Step 30"]
    view.select_sample(missing.id)
    assert view.plot.showing_message()
    assert view.plot.message.text() == f"The sample file {missing.file.name} is missing."
    assert not view.play_button.isEnabled()
    view.select_sample(corrupt.id)
    assert view.plot.message.text().startswith(
        f"The sample file {corrupt.file.name} cannot be read"
    )
    view.toggle_play()
    assert player.state() is PlaybackState.STOPPED
    # The good one still draws and plays.
    view.select_sample(good.id)
    assert not view.plot.showing_message()
    view.toggle_play()
    wait_until(qtbot, lambda: player.state() is PlaybackState.PLAYING)


def test_a_sample_recorded_while_the_run_trains_appears(
    qtbot: QtBot, view: SamplesView, library: Library, finished_run: RunRecord, controller: object
) -> None:
    add_sample(library, finished_run, 0, reference=True)
    shown(qtbot, view, finished_run)
    assert step_titles(view) == ["Base model (before training)"]
    add_sample(library, finished_run, 40)
    view._controller.notice.notify(Change.of(samples=[finished_run.id]))
    wait_until(qtbot, lambda: step_titles(view) == ["Base model (before training)", "Step 40"])


def test_reveal_opens_the_samples_folder(
    qtbot: QtBot,
    view: SamplesView,
    library: Library,
    finished_run: RunRecord,
    opened_folders: list[Path],
) -> None:
    sample = add_sample(library, finished_run, 10)
    shown(qtbot, view, finished_run)
    view.reveal_button.click()
    assert opened_folders == [sample.file.parent]


def test_play_step_picks_the_nearest_sampled_step(
    qtbot: QtBot, view: SamplesView, library: Library, finished_run: RunRecord, player: FakePlayer
) -> None:
    add_training_samples(library, finished_run, steps=(10, 20), prompts=1)
    shown(qtbot, view, finished_run)
    assert view.play_step(11)
    wait_until(qtbot, lambda: player.state() is PlaybackState.PLAYING)
    assert view.selected_sample().record.step == 10
    assert view.model.data(view.tree.currentIndex(), STEP_ROLE) == 10


def test_no_run_and_no_samples_say_so(
    qtbot: QtBot, view: SamplesView, finished_run: RunRecord
) -> None:
    assert view.status.text() == "Select a run to hear its samples."
    shown(qtbot, view, finished_run)
    assert view.status.text().startswith("No samples yet.")
    assert view.plot.showing_message()


def test_a_reload_decodes_only_what_changed(
    qtbot: QtBot, view: SamplesView, library: Library, finished_run: RunRecord
) -> None:
    first = add_sample(library, finished_run, 10, frequency=440.0)
    shown(qtbot, view, finished_run)
    drawn = view.model.samples()[0]
    # Recorded again at the same step (a resumed run): new audio, new pictures.
    second = add_sample(library, finished_run, 10, frequency=3000.0)
    assert second.id == first.id
    add_sample(library, finished_run, 20)
    view.refresh()
    wait_until(qtbot, lambda: len(view.model.samples()) == 2)
    redrawn = view.model.samples()[0]
    assert redrawn.spectrogram is not drawn.spectrogram
    assert redrawn.spectrogram is not None
    peak = int(np.argmax(redrawn.spectrogram.db.mean(axis=0)))
    assert peak == redrawn.spectrogram.band_of(3000.0)
    # A rating changes the row, not the pictures.
    library.samples.rate(first.id, 4)
    view.refresh()
    wait_until(qtbot, lambda: view.model.samples()[0].record.rating == 4)
    assert view.model.samples()[0].spectrogram is redrawn.spectrogram


def test_digits_rate_the_selected_sample_and_space_on_a_step_plays_its_first(
    qtbot: QtBot, view: SamplesView, library: Library, finished_run: RunRecord, player: FakePlayer
) -> None:
    first, _second = (add_sample(library, finished_run, 10, p) for p in range(2))
    shown(qtbot, view, finished_run)
    view.select_sample(first.id)
    view.tree.setFocus()
    qtbot.keyClick(view.tree, Qt.Key.Key_4)
    wait_until(qtbot, lambda: view.model.samples()[0].record.rating == 4)
    assert library.samples.list(finished_run.id)[0].rating == 4
    assert view.model.index_of(first.id).siblingAtColumn(3).data() == "★★★★☆"
    qtbot.keyClick(view.tree, Qt.Key.Key_0)
    wait_until(qtbot, lambda: view.model.samples()[0].record.rating is None)
    view.tree.setCurrentIndex(view.model.index(0, 0))  # the "Step 10" row
    qtbot.keyClick(view.tree, Qt.Key.Key_Space)
    wait_until(qtbot, lambda: player.state() is PlaybackState.PLAYING)
    assert player.loaded_key() == first.id
