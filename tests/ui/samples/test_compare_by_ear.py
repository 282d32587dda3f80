"""Compare by ear: the prompt x run grid, playing a row in turn, blind rating."""

from __future__ import annotations

import random

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import RunRecord
from musiclab_desktop.ui.samples import SamplesView
from musiclab_desktop.ui.samples.player import PlaybackState

from samples_kit import FakePlayer, add_sample, add_training_samples, wait_until


def compared(qtbot: QtBot, view: SamplesView, runs: list[RunRecord]) -> None:
    view.compare(runs)
    wait_until(qtbot, lambda: not view.is_loading())


def cell_texts(view: SamplesView, row: int) -> list[str]:
    model = view.compare_panel.model
    return [model.index(row, column).data() for column in range(model.columnCount())]


def test_five_runs_make_a_grid_of_their_latest_samples_beside_the_base(
    qtbot: QtBot, view: SamplesView, library: Library, five_runs: list[RunRecord]
) -> None:
    add_training_samples(library, five_runs[0], steps=(10, 20))
    for run in five_runs[1:4]:
        add_training_samples(library, run, steps=(10, 30))
    # The fifth run has only sampled its first prompt, at step 10.
    add_sample(library, five_runs[4], 10, 0)
    compared(qtbot, view, five_runs)
    model = view.compare_panel.model
    assert model.names_shown() == ["Base model", "run-1", "run-2", "run-3", "run-4", "run-5"]
    assert model.rowCount() == 2
    assert model.headerData(0, Qt.Orientation.Vertical) == "calm piano  (seed 1000)"
    assert cell_texts(view, 0) == [
        "base\nnot rated",
        "step 20\nnot rated",
        *["step 30\nnot rated"] * 3,
        "step 10\nnot rated",
    ]
    assert cell_texts(view, 1)[-1] == "—"


def test_play_row_plays_each_cell_in_turn(
    qtbot: QtBot,
    view: SamplesView,
    library: Library,
    five_runs: list[RunRecord],
    player: FakePlayer,
) -> None:
    runs = five_runs[:3]
    for run in runs:
        add_training_samples(library, run, steps=(10,), prompts=1)
    compared(qtbot, view, runs)
    expected = [cell.id for cell in view.compare_panel.model.row_records(0)]
    assert len(expected) == 4  # the base, then the three runs
    view.compare_panel.play_row_button.click()
    for number, sample_id in enumerate(expected):
        wait_until(
            qtbot,
            lambda sample_id=sample_id: (
                player.loaded_key() == sample_id and player.state() is PlaybackState.PLAYING
            ),
        )
        assert view.compare_panel.current_record().id == sample_id
        assert len(view.row_queue()) == len(expected) - number - 1
        player.finish()
    assert player.state() is PlaybackState.STOPPED
    assert player.loaded == expected


def test_blind_hides_and_shuffles_names_until_every_cell_is_rated(
    qtbot: QtBot, view: SamplesView, library: Library, five_runs: list[RunRecord]
) -> None:
    runs = five_runs[:2]
    for run in runs:
        add_training_samples(library, run, steps=(10,), prompts=1)
    compared(qtbot, view, runs)
    view.set_blind(True, random.Random(3))
    model = view.compare_panel.model
    assert model.names_shown() == ["A", "B", "C"]
    assert cell_texts(view, 0) == ["not rated"] * 3  # no step: it would give the base away
    shuffled = [record.run_id if not record.reference else None for record in model.row_records(0)]
    assert shuffled != [None, runs[0].id, runs[1].id]  # this seed's order differs
    grid = view.compare_panel.grid
    grid.setFocus()
    ratings = {}
    for column, rating in enumerate((4, 2, 5)):
        grid.setCurrentIndex(model.index(0, column))
        record = view.compare_panel.current_record()
        ratings[record.id] = rating
        qtbot.keyClick(grid, Qt.Key(Qt.Key.Key_0 + rating))
        wait_until(
            qtbot,
            lambda record=record, rating=rating: (
                model.record_at(model.index_of(record.id)).rating == rating
            ),
        )
        assert view.compare_panel.current_record().id == record.id
        if column < 2:
            assert model.names_shown()[column] == "ABC"[column]
    stored = {s.id: s.rating for run in runs for s in library.samples.list(run.id)}
    assert all(stored[sample_id] == rating for sample_id, rating in ratings.items())
    names = model.names_shown()
    assert sorted(name.split(" · ")[1] for name in names) == ["Base model", "run-1", "run-2"]
    assert view.compare_panel.note.text().startswith("Revealed: A · ")
    assert "★★★★☆" in cell_texts(view, 0)[0] or "★★★★☆" in "".join(cell_texts(view, 0))


def test_ratings_reach_the_runs_table_and_the_csv(
    qtbot: QtBot, view: SamplesView, library: Library, five_runs: list[RunRecord], tmp_path: object
) -> None:
    runs = five_runs[:2]
    samples = [add_sample(library, run, 10) for run in runs]
    compared(qtbot, view, runs)
    view.compare_panel.grid.setCurrentIndex(view.compare_panel.model.index_of(samples[0].id))
    view.compare_panel.rate_buttons[2].click()  # "3"
    wait_until(qtbot, lambda: library.samples.mean_ratings([runs[0].id]) == {runs[0].id: 3.0})
