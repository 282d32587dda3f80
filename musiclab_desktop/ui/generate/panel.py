"""The Generate panel: prompts and settings in, takes out, each playable and exportable.

It talks to the generation worker through the runner's GenerationClient (one warm worker
for the whole window) and plays takes with the Samples view's player and audio plot.
With "also generate with the base model" every request goes twice, same prompts and
seeds, once with the adapter and once with it switched off: an A/B by ear.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from musiclab_desktop.core.audio_view import (
    AudioClip,
    Envelope,
    Spectrogram,
    envelope,
    load_audio,
    spectrogram,
)
from musiclab_desktop.core.display import printable
from musiclab_desktop.core.errors import MusiclabError
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import AdapterRecord, GenerationRecord
from musiclab_desktop.core.services.generations import GenerationTarget
from musiclab_desktop.runner.generation_client import GenerationClient
from musiclab_desktop.ui.generate.takes_model import Take, TakesModel
from musiclab_desktop.ui.ops import QueryOp, describe_error
from musiclab_desktop.ui.prompts import Prompts
from musiclab_desktop.ui.resources import icon
from musiclab_desktop.ui.samples.audio_plot import AudioPlot
from musiclab_desktop.ui.samples.loading import SPECTROGRAM_COLUMNS, WAVEFORM_COLUMNS
from musiclab_desktop.ui.samples.player import PlaybackState, Player, create_player
from musiclab_desktop.ui.widgets import heading_label, muted_label

BASE_LABEL = "base"
MAX_PROMPTS = 8


@dataclass(frozen=True)
class _Drawn:
    clip: AudioClip
    envelope: Envelope
    spectrogram: Spectrogram


def _media_icon(widget: QWidget, playing: bool) -> QIcon:
    pixmap = QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
    return widget.style().standardIcon(pixmap)


def _draw(file: Path) -> _Drawn:
    clip = load_audio(file)
    # Drawn as the Samples tab draws a sample: the same plot shows both.
    return _Drawn(clip, envelope(clip, WAVEFORM_COLUMNS), spectrogram(clip, SPECTROGRAM_COLUMNS))


class GeneratePanel(QWidget):
    def __init__(self, library: Library, client: GenerationClient, prompts: Prompts,
                 parent: QWidget | None = None, player: Player | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("generatePanel")
        self.library = library
        self.client = client
        self._prompts = prompts
        self._adapters: list[AdapterRecord] = []
        self._requests: dict[str, str] = {}  # request id -> "adapter name" or "base"
        self._takes_total = 0
        self._takes_done = 0
        self._failures: list[str] = []
        self.model = TakesModel(self)
        self.player = player or create_player(self)
        self._build()
        self._connect()
        self._sync()

    # --- building ---------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(heading_label("Generate", self))
        self.target_combo = QComboBox(self)
        self.target_combo.setObjectName("targetCombo")
        self.target_combo.setToolTip("The adapter to generate with")
        self.prompts_edit = QPlainTextEdit(self)
        self.prompts_edit.setObjectName("promptsEdit")
        self.prompts_edit.setPlaceholderText("One prompt per line, e.g. “lofi hip hop beat with "
                                             "mellow chords”")
        self.prompts_edit.setMaximumHeight(90)
        form = QFormLayout()
        form.addRow("Adapter", self.target_combo)
        form.addRow("Prompts", self.prompts_edit)
        self.seconds_spin = self._number("secondsSpin", 8.0, 0.5, 40.0, 1, 0.5,
                                         "Length of each take")
        self.guidance_spin = self._number(
            "guidanceSpin", 3.0, 0.0, 15.0, 1, 0.5,
            "Classifier-free guidance: how closely the music follows the prompt (3 is "
            "MusicGen's default)")
        self.temperature_spin = self._number("temperatureSpin", 1.0, 0.05, 3.0, 2, 0.05,
                                             "Higher is more varied, lower more predictable")
        self.top_k_spin = self._integer("topKSpin", 250, 0, 2048,
                                        "Sample among the k likeliest tokens (0: all)")
        self.seed_spin = self._integer("seedSpin", 0, 0, 2**31 - 1,
                                       "Take N uses seed + N: the same seed gives the same audio")
        self.takes_spin = self._integer("takesSpin", 1, 1, 16, "Takes per prompt")
        for label, spin in (("Seconds", self.seconds_spin), ("Guidance", self.guidance_spin),
                            ("Temperature", self.temperature_spin), ("Top-k", self.top_k_spin),
                            ("Seed", self.seed_spin), ("Takes", self.takes_spin)):
            form.addRow(label, spin)
        self.ab_check = QCheckBox("Also generate with the base model (A/B)", self)
        self.ab_check.setObjectName("abCheck")
        self.ab_check.setToolTip("The same prompts and seeds with the adapter switched off")
        form.addRow("", self.ab_check)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        self.generate_button = QPushButton(icon("waveform"), "Generate", self)
        self.generate_button.setObjectName("generateButton")
        self.generate_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("cancelGenerationButton")
        buttons.addWidget(self.generate_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("generateProgress")
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        layout.addWidget(self.progress)
        self.status = muted_label("", self)
        self.status.setObjectName("generateStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.results = QListView(self)
        self.results.setObjectName("generationResults")
        self.results.setModel(self.model)
        self.results.setMinimumHeight(110)
        layout.addWidget(self.results, 1)
        self.audio_plot = AudioPlot(self)
        self.audio_plot.show_message("Generated takes appear above; pick one to see and hear it.")
        layout.addWidget(self.audio_plot, 1)
        row = QHBoxLayout()
        self.play_button = QPushButton(_media_icon(self, playing=False), "Play", self)
        self.play_button.setObjectName("playTakeButton")
        self.export_button = QPushButton("Export WAV…", self)
        self.export_button.setObjectName("exportWavButton")
        self.player_note = QLabel(self.player.unavailable_reason(), self)
        self.player_note.setObjectName("playerUnavailable")
        self.player_note.setVisible(not self.player.available())
        row.addWidget(self.play_button)
        row.addWidget(self.export_button)
        row.addWidget(self.player_note, 1)
        layout.addLayout(row)

    def _number(self, name: str, value: float, low: float, high: float, decimals: int,
                step: float, tip: str) -> QDoubleSpinBox:
        spin = QDoubleSpinBox(self)
        spin.setObjectName(name)
        spin.setRange(low, high)
        spin.setDecimals(decimals)
        spin.setSingleStep(step)
        spin.setValue(value)
        spin.setToolTip(tip)
        return spin

    def _integer(self, name: str, value: int, low: int, high: int, tip: str) -> QSpinBox:
        spin = QSpinBox(self)
        spin.setObjectName(name)
        spin.setRange(low, high)
        spin.setValue(value)
        spin.setToolTip(tip)
        return spin

    def _connect(self) -> None:
        self.generate_button.clicked.connect(self.generate)
        self.cancel_button.clicked.connect(self.cancel)
        self.prompts_edit.textChanged.connect(self._sync)
        self.target_combo.currentIndexChanged.connect(self._sync)
        self.results.selectionModel().currentRowChanged.connect(self._on_current)
        self.play_button.clicked.connect(self.toggle_play)
        self.export_button.clicked.connect(self.export_selected)
        self.audio_plot.seekRequested.connect(self.player.seek)
        self.player.positionChanged.connect(self.audio_plot.set_position)
        self.player.stateChanged.connect(self._on_player_state)
        client = self.client
        client.progress.connect(self._on_progress)
        client.takeReady.connect(self._on_take)
        client.requestFinished.connect(self._on_finished)
        client.baseLoaded.connect(lambda event: self._say(
            f"Base model loaded in {event.seconds:.1f} s; generating…"))

    # --- targets --------------------------------------------------------------------

    def set_adapters(self, adapters: list[AdapterRecord], selected: int | None = None) -> None:
        self._adapters = list(adapters)
        self.target_combo.blockSignals(True)
        self.target_combo.clear()
        for adapter in self._adapters:
            self.target_combo.addItem(f"{printable(adapter.name)} (#{adapter.id})", adapter.id)
        at = self.target_combo.findData(selected) if selected is not None else 0
        self.target_combo.setCurrentIndex(max(0, at))
        self.target_combo.blockSignals(False)
        if not self._adapters:
            self._say("No adapters yet: a completed run saves one.")
        self._sync()

    def selected_adapter(self) -> AdapterRecord | None:
        row = self.target_combo.currentIndex()
        return self._adapters[row] if 0 <= row < len(self._adapters) else None

    def prompt_lines(self) -> list[str]:
        lines = self.prompts_edit.toPlainText().splitlines()
        return [line.strip() for line in lines if line.strip()][:MAX_PROMPTS]

    def busy(self) -> bool:
        return bool(self._requests)

    # --- generating -----------------------------------------------------------------

    def generate(self) -> None:
        adapter = self.selected_adapter()
        prompts = self.prompt_lines()
        if adapter is None or not prompts or self.busy():
            return
        target = GenerationTarget(adapter.base_model, adapter.id, adapter.path, adapter.name)
        # The B of an A/B: the very base the adapter sits on, with the adapter switched off.
        halves = [(False, adapter.name)] + ([(True, BASE_LABEL)] if self.ab_check.isChecked()
                                            else [])
        self._failures.clear()
        self._takes_done = 0
        self._takes_total = 0
        for adapter_off, label in halves:
            request = self.library.generations.new_request(
                target, prompts, seconds=self.seconds_spin.value(),
                guidance_scale=self.guidance_spin.value(),
                temperature=self.temperature_spin.value(), top_k=self.top_k_spin.value(),
                seed=self.seed_spin.value(), takes=self.takes_spin.value(),
                adapter_off=adapter_off)
            self._requests[request.request_id] = label
            self._takes_total += len(prompts) * request.takes
            self.client.submit(request, None if adapter_off else adapter.id)
        self.progress.setValue(0)
        self._say("Starting the generation worker…" if not self.client.is_running()
                  else "Generating…")
        self._sync()

    def cancel(self) -> None:
        for request_id in list(self._requests):
            self.client.cancel(request_id)
        self._say("Cancelling…")

    def _on_progress(self, request_id: str, tokens: int, total: int, index: int,
                     count: int) -> None:
        if request_id not in self._requests or total <= 0:
            return
        fraction = (self._takes_done + tokens / total) / max(1, self._takes_total)
        self.progress.setValue(round(1000 * min(1.0, fraction)))
        self._say(f"Generating take {self._takes_done + 1} of {self._takes_total}: "
                  f"{tokens}/{total} tokens")

    def _on_take(self, request_id: str, stored: object) -> None:
        label = self._requests.get(request_id)
        if label is None or not isinstance(stored, GenerationRecord):
            return
        self._takes_done += 1
        row = self.model.add(Take(stored, label))
        if self.results.currentIndex().row() < 0:
            self.results.setCurrentIndex(self.model.index(row))

    def _on_finished(self, request_id: str, outcome: str, message: str) -> None:
        if self._requests.pop(request_id, None) is None:
            return
        if outcome == "failed":
            self._failures.append(message)
        if self._requests:
            return
        self.progress.setValue(1000 if not self._failures and outcome == "done" else 0)
        if self._failures:
            self._say(self._failures[0], error=True)
        elif outcome == "cancelled":
            self._say("Cancelled.")
        else:
            self._say(f"{self._takes_done} take(s) ready, saved under "
                      f"{self.library.generations.folder}.")
        self._sync()

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setProperty("error", error)
        self.status.setStyleSheet("color: #c0392b;" if error else "")

    def _sync(self) -> None:
        busy = self.busy()
        ready = self.selected_adapter() is not None and bool(self.prompt_lines())
        self.generate_button.setEnabled(ready and not busy)
        self.cancel_button.setEnabled(busy)
        self.progress.setVisible(busy or self.progress.value() > 0)
        selected = self.current_take() is not None
        self.play_button.setEnabled(selected and self.player.available())
        self.export_button.setEnabled(selected)

    # --- listening and exporting ------------------------------------------------------

    def current_take(self) -> Take | None:
        return self.model.take_at(self.results.currentIndex().row())

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        take = self.model.take_at(current.row())
        self._sync()
        if take is None:
            return
        record = take.record
        QueryOp(self, op=lambda: _draw(record.file),
                success=lambda drawn: self._show(record, drawn)) \
            .failure(lambda exc: self.audio_plot.show_message(describe_error(exc))) \
            .keyed("take").run_in_background()

    def _show(self, record: GenerationRecord, drawn: _Drawn) -> None:
        current = self.current_take()
        if current is None or current.record.id != record.id:
            return
        self.audio_plot.show_sample(drawn.envelope, drawn.spectrogram)
        if self.player.available():
            self.player.load(("generation", record.id), drawn.clip)

    def toggle_play(self) -> None:
        take = self.current_take()
        if take is not None and self.player.loaded_key() == ("generation", take.record.id):
            self.player.toggle()

    def _on_player_state(self, state: PlaybackState) -> None:
        playing = state is PlaybackState.PLAYING
        self.play_button.setText("Pause" if playing else "Play")
        self.play_button.setIcon(_media_icon(self, playing))

    def export_selected(self) -> Path | None:
        take = self.current_take()
        if take is None:
            return None
        chosen = self._prompts.save_file(self, "Export the take as WAV", take.record.file.name,
                                         "WAV audio (*.wav)")
        if not chosen:
            return None
        try:
            written = self.library.generations.export_wav(take.record.id, Path(chosen))
        except (MusiclabError, OSError) as exc:
            self._prompts.error(self, "Cannot export the take", describe_error(exc))
            return None
        self._say(f"Exported to {written}.")
        return written

    def shutdown(self) -> None:
        self.cancel()
        self.player.stop()

