"""The Samples tab of the Runs page: hear what a run learned, step by step.

One run: its samples grouped by step, each row with the prompt and a waveform, and the
selected one drawn large (waveform and spectrogram) with play / pause / seek, a loop
toggle and "Reveal in folder". Space plays or pauses; Up/Down move to the same prompt
one sampled step earlier or later. Runs compared: the compare-by-ear grid instead.

Samples are read and decoded off the GUI thread (ui/ops.py); the view follows the
change notice, so a sample recorded while the run trains appears by itself.
"""

from __future__ import annotations

import random
from pathlib import Path

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QSplitter, QStackedWidget, QVBoxLayout, QWidget

from musiclab_desktop.core.display import printable
from musiclab_desktop.core.records import RunRecord, SampleRecord
from musiclab_desktop.ui.change_notice import Change
from musiclab_desktop.ui.detail.adapters_tab import FolderOpener, open_in_file_manager
from musiclab_desktop.ui.experiments_controller import ExperimentsController
from musiclab_desktop.ui.ops import ChangeOp, QueryOp, describe_error
from musiclab_desktop.ui.samples.audio_plot import AudioPlot
from musiclab_desktop.ui.samples.checkpoint_promote import CheckpointPromote
from musiclab_desktop.ui.samples.compare_grid import CompareByEar, CompareRow, read_comparison
from musiclab_desktop.ui.samples.loading import LoadedSample, read_run_samples
from musiclab_desktop.ui.samples.playback import SamplePlayback
from musiclab_desktop.ui.samples.player import PlaybackState, Player, create_player
from musiclab_desktop.ui.samples.ratings import rated_steps
from musiclab_desktop.ui.samples.samples_model import STEP_ROLE, SamplesModel
from musiclab_desktop.ui.samples.samples_toolbar import PAUSE, PLAY, SamplesToolbar
from musiclab_desktop.ui.samples.samples_tree import SamplesTree

NO_RUN = "Select a run to hear its samples."
NO_SAMPLES = (
    "No samples yet. A run records a sample of the base model before it "
    "trains, more as it trains, and the last ones at the end."
)


class SamplesView(QWidget):
    """Public API: show_run, compare, play_step, select_sample, toggle_play, step_by, refresh;
    ``stepsChanged`` (run, sampled steps) and ``ratingsChanged`` (run, [(step, rating)])
    for the chart's glyphs and its CSV export."""

    stepsChanged = Signal(int, list)
    ratingsChanged = Signal(int, list)

    def __init__(
        self,
        controller: ExperimentsController,
        player: Player | None = None,
        parent: QWidget | None = None,
        open_folder: FolderOpener = open_in_file_manager,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("samplesView")
        # A tab beside the terminal: it must not widen or heighten the Runs page (the
        # window's smallest size); on a tiny window its toolbars are cut, not the page.
        self.setMinimumSize(1, 1)
        self._controller = controller
        self.open_folder = open_folder
        # The player is made on first need (the tab shown, a glyph clicked): finding the
        # audio device can take a while, and most visits to the Runs tab never play.
        self._player: Player | None = None
        self._playback: SamplePlayback | None = None
        self._run: RunRecord | None = None
        self._compared: list[RunRecord] = []
        self._loading = False
        self._reading: int | None = None  # the run an op is reading the samples of
        self._read_again = False
        self._row_queue: list[SampleRecord] = []
        self._pending_step: int | None = None
        self.model = SamplesModel(self)
        self._build()
        self._connect()
        if player is not None:
            self._adopt(player)
        self.show_run(None)

    # --- building ----------------------------------------------------------------------

    def _build(self) -> None:
        toolbar = SamplesToolbar()
        self.play_button = toolbar.play_button
        self.loop_toggle = toolbar.loop_toggle
        self.reveal_button = toolbar.reveal_button
        self.time_label = toolbar.time_label
        self.status = toolbar.status
        self.playback_note = toolbar.playback_note
        self.tree = SamplesTree(self.model)
        # "Promote this checkpoint": promoteRequested (run, step) goes to the runs page.
        self.promote = CheckpointPromote(toolbar.promote_button, self.tree, self)
        self.plot = AudioPlot()
        self.compare_panel = CompareByEar(self._rate)
        single = QSplitter(Qt.Orientation.Horizontal)
        single.setObjectName("samplesSplitter")
        single.addWidget(self.tree)
        single.addWidget(self.plot)
        single.setStretchFactor(0, 2)
        single.setStretchFactor(1, 3)
        single.setSizes([420, 580])  # room for the prompts and their waveforms
        self._stack = QStackedWidget()
        self._stack.addWidget(single)
        self._stack.addWidget(self.compare_panel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(toolbar)
        layout.addWidget(self._stack, 1)

    def _connect(self) -> None:
        self.play_button.clicked.connect(self.toggle_play)
        self.loop_toggle.toggled.connect(lambda loop: self.player.set_loop(loop))
        self.reveal_button.clicked.connect(self.reveal_selected)
        self.tree.keyAction.connect(self._on_key)
        self.tree.selectionModel().selectionChanged.connect(self._on_selection)
        self.plot.seekRequested.connect(lambda seconds: self.player.seek(seconds))
        self.compare_panel.grid.playRequested.connect(self._play_cell)
        self.compare_panel.play_row_button.clicked.connect(self.play_row)
        self._controller.notice.changed.connect(self._on_change)

    # --- the player ----------------------------------------------------------------

    @property
    def player(self) -> Player:
        if self._player is None:
            self._adopt(create_player(self))
        assert self._player is not None
        return self._player

    @property
    def playback(self) -> SamplePlayback:
        self.player  # noqa: B018 (made with the player)
        assert self._playback is not None
        return self._playback

    def _adopt(self, player: Player) -> None:
        self._player = player
        self._playback = SamplePlayback(player, self)
        player.set_loop(self.loop_toggle.isChecked())
        player.stateChanged.connect(self._on_state)
        player.positionChanged.connect(self._on_position)
        player.finished.connect(self._play_next_in_row)
        self._playback.problem.connect(self._say)
        self.playback_note.setText(player.unavailable_reason())
        self.playback_note.setVisible(not player.available())
        self._sync_buttons()

    def _playing_now(self) -> bool:
        return self._player is not None and self._player.state() is PlaybackState.PLAYING

    def _stop(self) -> None:
        if self._player is not None:
            self._player.stop()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.player  # noqa: B018 (shown: ready to play)
        if any(not sample.drawn for sample in self.model.samples()):
            self.refresh()  # read while hidden: rows only, now their pictures

    # --- what is shown -----------------------------------------------------------------

    def shown_run_id(self) -> int | None:
        return self._run.id if self._run is not None else None

    def is_loading(self) -> bool:
        return self._loading

    def is_comparing(self) -> bool:
        return bool(self._compared)

    def show_run(self, run: RunRecord | None) -> None:
        """Show ``run``'s samples (read and drawn off the GUI thread), or nothing."""
        if self._compared:
            self.compare_panel.set_blind(False)  # the comparison is over: so is blind
        self._compared = []
        self._stack.setCurrentIndex(0)
        same = run is not None and self._run is not None and run.id == self._run.id
        self._run = run
        if not same:
            self._stop()
            self.model.set_samples([])
            self.plot.show_message(NO_RUN if run is None else "Reading samples…")
        if not same:
            self.promote.read(run)
        if run is None:
            self._loading = False
            self.status.setText(NO_RUN)
            self._sync_buttons()
            return
        self.refresh()

    def refresh(self) -> None:
        """Read the shown run's samples again (a new one was recorded, one was rated)."""
        if self._compared:
            self._load_comparison()
            return
        run = self._run
        if run is None:
            return
        self._loading = True
        if self._reading == run.id:
            # One read at a time per run: a burst of new samples (a sampling round)
            # costs one more read when this one is back, not one read each.
            self._read_again = True
            return
        self._reading, self._read_again = run.id, False
        library = self._controller.library
        known = {sample.record.id: sample for sample in self.model.samples()}
        draw = self.isVisible()  # hidden: the rows alone, for the chart; drawn when shown
        op = QueryOp(
            self,
            op=lambda: read_run_samples(library, run.id, known, draw),
            success=lambda samples: self._on_samples(run.id, samples),
        )
        op.failure(lambda exc: self._on_failed(run.id, exc)).keyed("samples").run_in_background()

    def _read_back(self, run_id: int) -> None:
        """A read of ``run_id`` is back: read again if more changed meanwhile."""
        if run_id != self._reading:
            return
        self._reading = None
        if self._read_again and run_id == self.shown_run_id():
            self.refresh()

    def _on_samples(self, run_id: int, samples: list[LoadedSample]) -> None:
        if run_id == self.shown_run_id() and not self._compared:
            self._show_samples(run_id, samples)
        self._read_back(run_id)

    def _show_samples(self, run_id: int, samples: list[LoadedSample]) -> None:
        self._loading = False
        selected = self.selected_sample()
        self.model.set_samples(samples)
        self.tree.expandAll()
        self.promote.read(self._run)  # a run in training keeps new checkpoints
        steps = sorted({sample.record.step for sample in samples})
        self.stepsChanged.emit(run_id, steps)
        self.ratingsChanged.emit(run_id, rated_steps(s.record for s in samples))
        self.status.setText(
            NO_SAMPLES if not samples else f"{len(samples)} samples at {len(steps)} steps"
        )
        if selected is not None and self.select_sample(selected.record.id):
            pass
        elif samples:
            self.select_sample(samples[-1].record.id)
        else:
            self.plot.show_message(NO_SAMPLES)
        if self._pending_step is not None:
            step, self._pending_step = self._pending_step, None
            self.play_step(step)
        self._sync_buttons()

    def _on_failed(self, run_id: int, exc: Exception) -> None:
        if run_id == self.shown_run_id():
            self._loading = False
            self.status.setText(f"Could not read the samples: {describe_error(exc)}")
        self._read_back(run_id)

    def _on_change(self, change: Change) -> None:
        shown = {run.id for run in self._compared} or (
            {self._run.id} if self._run is not None else set()
        )
        if shown & (change.samples | change.runs):
            self.refresh()

    # --- selection and keys ------------------------------------------------------------

    def selected_sample(self) -> LoadedSample | None:
        return self.model.sample_at(self.tree.currentIndex())

    def select_sample(self, sample_id: int) -> bool:
        index = self.model.index_of(sample_id)
        if not index.isValid():
            return False
        self.tree.setCurrentIndex(index)
        self.tree.scrollTo(index)
        return True

    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        sample = self.selected_sample()
        if sample is None:
            self._sync_buttons()
            return
        if not sample.drawn:
            self.plot.show_message("Drawing…")
        elif sample.problem is not None:
            self.plot.show_message(sample.problem)
        elif sample.envelope is not None and sample.spectrogram is not None:
            self.plot.show_sample(sample.envelope, sample.spectrogram)
        if self._player is None:  # hidden so far: nothing plays, nothing to prepare
            self._sync_buttons()
            return
        was_playing = self._playing_now()
        if self.player.loaded_key() != sample.record.id:
            self.player.stop()
            if sample.problem is None:
                # Decode ahead, so Play starts at once; keep playing when the user moves
                # along while listening (that is how the change is heard).
                self.playback.prepare(sample.record, play=was_playing)
        self._sync_buttons()

    def _on_key(self, action: str) -> None:
        if action == "toggle":
            self.toggle_play()
        elif action.startswith("rate:"):
            sample = self.selected_sample()
            if sample is not None:
                self._rate(sample.record, int(action[5:]) or None)
        else:
            self.step_by(-1 if action == "up" else 1)

    def step_by(self, delta: int) -> bool:
        """To the same prompt ``delta`` sampled steps away; on a step row, to its first sample."""
        current = self.tree.currentIndex()
        if self.model.sample_at(current) is None:
            child = (
                self.model.index(0, 0, current.siblingAtColumn(0))
                if current.isValid()
                else QModelIndex()
            )
            target = child if child.isValid() else self.model.index(0, 0, self.model.index(0, 0))
        else:
            target = self.model.same_prompt(current, delta)
        if not target.isValid():
            return False
        self.tree.setCurrentIndex(target)
        return True

    # --- playing -----------------------------------------------------------------------

    def toggle_play(self) -> None:
        if self._compared:
            record = self.compare_panel.current_record()
            if record is not None:
                self._play_cell(record)
            return
        if self.selected_sample() is None:
            self.step_by(1)  # on a step's row: its first sample
        sample = self.selected_sample()
        if sample is None or sample.problem is not None:
            return
        self._row_queue = []
        self.playback.toggle(sample.record)

    def play_step(self, step: int) -> bool:
        """Play the sample at the sampled step nearest ``step`` (a click on the chart's
        glyph), of the prompt selected now (the first prompt when none is)."""
        if self._loading:
            self._pending_step = step
            return False
        nearest = self.model.nearest_step(step)
        if nearest is None:
            return False
        current = self.selected_sample()
        prompt = current.record.prompt_index if current is not None else 0
        index = self.model.index_at(nearest, prompt)
        if not index.isValid():
            index = self.model.index(0, 0, self._step_row(nearest))
        self.tree.setCurrentIndex(index)
        sample = self.selected_sample()
        if sample is None or sample.problem is not None:
            return False
        self.playback.prepare(sample.record, play=True)
        return True

    def _step_row(self, step: int) -> QModelIndex:
        for row in range(self.model.rowCount()):
            index = self.model.index(row, 0)
            if self.model.data(index, Qt.ItemDataRole.UserRole + 2) == step:
                return index
        return QModelIndex()

    def reveal_selected(self) -> None:
        sample = self.selected_sample()
        file = sample.record.file if sample is not None else None
        if file is None:
            return
        folder = file.parent
        if not folder.is_dir() or not self.open_folder(folder):
            self._say(f"The folder {folder} cannot be opened: it was moved or deleted.")

    def _on_state(self, state: PlaybackState) -> None:
        self.play_button.setText(PAUSE if state is PlaybackState.PLAYING else PLAY)

    def _on_position(self, seconds: float) -> None:
        self.plot.set_position(seconds)
        self.time_label.setText(f"{seconds:4.1f} / {self.player.duration():.1f} s")

    def _sync_buttons(self) -> None:
        # The grid plays its selected cell; revealing a folder would name the run, which
        # blind mode hides, so Reveal is for one run's samples only.
        self.reveal_button.setVisible(not self._compared)
        current = self.tree.currentIndex()
        step = None if self._compared or not current.isValid() else current.data(STEP_ROLE)
        self.promote.sync(step if isinstance(step, int) else None)
        self.promote.button.setVisible(not self._compared and self._run is not None)
        if self._compared:
            self.play_button.setEnabled(self._player is None or self._player.available())
            return
        sample = self.selected_sample()
        playable = sample is not None and sample.problem is None
        self.play_button.setEnabled(playable and (self._player is None or self._player.available()))
        self.reveal_button.setEnabled(sample is not None)

    def _say(self, text: str) -> None:
        self.status.setText(text)

    # --- comparing ---------------------------------------------------------------------

    def compare(self, runs: list[RunRecord]) -> None:
        """The compare-by-ear grid of ``runs`` (read off the GUI thread)."""
        self._stop()
        self._compared = list(runs)
        self._stack.setCurrentWidget(self.compare_panel)
        self._sync_buttons()
        self.status.setText("Reading samples…")
        self._load_comparison()

    def _load_comparison(self) -> None:
        runs = list(self._compared)
        ids = [run.id for run in runs]
        library = self._controller.library
        self._loading = True
        op = QueryOp(
            self,
            op=lambda: read_comparison(library, ids),
            success=lambda loaded: self._on_compared(ids, *loaded),
        )
        op.failure(lambda exc: self._on_failed_compare(ids, exc))
        op.keyed("compare").run_in_background()

    def _on_compared(
        self, ids: list[int], rows: list[CompareRow], records: list[SampleRecord]
    ) -> None:
        if ids != [run.id for run in self._compared]:
            return
        self._loading = False
        for run_id in ids:
            self.ratingsChanged.emit(run_id, rated_steps(r for r in records if r.run_id == run_id))
        self.compare_panel.set_grid([printable(run.name) for run in self._compared], rows)
        self.status.setText(f"{len(rows)} prompt(s) across {len(ids)} runs")

    def _on_failed_compare(self, ids: list[int], exc: Exception) -> None:
        if ids == [run.id for run in self._compared]:
            self._loading = False
            self.status.setText(f"Could not read the samples: {describe_error(exc)}")

    def set_blind(self, blind: bool, rng: random.Random | None = None) -> None:
        self.compare_panel.set_blind(blind, rng)

    def _play_cell(self, record: SampleRecord) -> None:
        self._row_queue = []
        self.playback.toggle(record)

    def play_row(self) -> None:
        """Play the selected row's samples in the order shown, one after another."""
        index = self.compare_panel.grid.currentIndex()
        if not index.isValid():
            return
        self._row_queue = self.compare_panel.model.row_records(index.row())
        self._play_next_in_row()

    def _play_next_in_row(self) -> None:
        if not self._row_queue:
            return
        record = self._row_queue.pop(0)
        self.compare_panel.grid.setCurrentIndex(self.compare_panel.model.index_of(record.id))
        self.playback.prepare(record, play=True)

    def row_queue(self) -> list[SampleRecord]:
        return list(self._row_queue)

    # --- rating ------------------------------------------------------------------------

    def _rate(self, record: SampleRecord, rating: int | None) -> None:
        library = self._controller.library
        op = ChangeOp(
            self,
            self._controller.notice,
            op=lambda: library.samples.rate(record.id, rating),
            success=lambda _none: self.compare_panel.show_rating(record.id, rating),
            change=Change.of(samples=[record.run_id]),
        )
        op.failure(lambda exc: self._say(describe_error(exc))).run_in_background()

    def sample_file(self) -> Path | None:
        sample = self.selected_sample()
        return sample.record.file if sample is not None else None

