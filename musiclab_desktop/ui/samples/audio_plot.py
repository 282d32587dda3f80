"""The selected sample drawn large: waveform above, log-frequency spectrogram below,
one playhead across both. A click or a drag of the playhead asks to seek there.

It draws arrays computed elsewhere (core/audio_view.py, on a pool thread) and never
decodes anything itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from pyqtgraph.GraphicsScene.mouseEvents import MouseClickEvent
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from musiclab_desktop.core.audio_view import Envelope, Spectrogram

WAVE_COLOUR = "#4a90d9"
PLAYHEAD_COLOUR = "#e0a030"
SPECTROGRAM_LEVELS = (-90.0, -10.0)


def _plot(name: str, height: int) -> pg.PlotWidget:
    plot = pg.PlotWidget()
    plot.setObjectName(name)
    plot.setMinimumHeight(height)
    plot.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    item = plot.getPlotItem()
    item.setMenuEnabled(False, enableViewBoxMenu=False)
    item.hideButtons()
    item.setMouseEnabled(x=False, y=False)
    return plot


class AudioPlot(QWidget):
    """Waveform and spectrogram of one sample, or a sentence in their place."""

    seekRequested = Signal(float)  # seconds

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sampleAudioPlot")
        self._seconds = 0.0
        self.waveform_plot = _plot("sampleWaveform", 90)
        self.waveform_plot.getPlotItem().hideAxis("bottom")
        self.waveform_plot.getPlotItem().getAxis("left").setWidth(48)
        self.waveform_plot.setYRange(-1.0, 1.0, padding=0.1)
        self.waveform_plot.getPlotItem().getAxis("left").setTicks(
            [[(-1.0, "-1"), (0.0, "0"), (1.0, "1")]]
        )
        self._upper = pg.PlotCurveItem(pen=pg.mkPen(WAVE_COLOUR))
        self._lower = pg.PlotCurveItem(pen=pg.mkPen(WAVE_COLOUR))
        self._fill = pg.FillBetweenItem(self._upper, self._lower, brush=pg.mkBrush(WAVE_COLOUR))
        for item in (self._upper, self._lower, self._fill):
            self.waveform_plot.addItem(item)
        self.spectrogram_plot = _plot("sampleSpectrogram", 140)
        self.spectrogram_plot.getPlotItem().setLabel("bottom", "Seconds")
        self.spectrogram_plot.getPlotItem().setLabel("left", "Hz")
        self.spectrogram_plot.getPlotItem().getAxis("left").setWidth(48)
        self._image = pg.ImageItem(axisOrder="row-major")
        self._image.setColorMap(pg.colormap.get("inferno"))
        self.spectrogram_plot.addItem(self._image)
        self._heads = [self._playhead(plot) for plot in (self.waveform_plot, self.spectrogram_plot)]
        self.message = QLabel()
        self.message.setObjectName("sampleProblem")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        plots = QWidget()
        plots_layout = QVBoxLayout(plots)
        plots_layout.setContentsMargins(0, 0, 0, 0)
        plots_layout.setSpacing(2)
        plots_layout.addWidget(self.waveform_plot, 2)
        plots_layout.addWidget(self.spectrogram_plot, 3)
        self._stack = QStackedWidget()
        self._stack.addWidget(plots)
        self._stack.addWidget(self.message)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._stack)
        self.show_message("Select a sample to see and hear it.")

    def _playhead(self, plot: pg.PlotWidget) -> pg.InfiniteLine:
        line = pg.InfiniteLine(0.0, angle=90, movable=True, pen=pg.mkPen(PLAYHEAD_COLOUR, width=2))
        line.setZValue(10)
        line.sigDragged.connect(lambda moved: self.seekRequested.emit(float(moved.value())))
        plot.addItem(line)
        plot.scene().sigMouseClicked.connect(lambda event: self._on_click(plot, event))
        return line

    # --- what the view calls -----------------------------------------------------------

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self._stack.setCurrentWidget(self.message)

    def showing_message(self) -> bool:
        return self._stack.currentWidget() is self.message

    def show_sample(self, envelope: Envelope, spectrogram: Spectrogram) -> None:
        seconds = spectrogram.seconds
        self._seconds = seconds
        x = np.linspace(0.0, seconds, len(envelope.maxs))
        self._upper.setData(x, envelope.maxs)
        self._lower.setData(x, envelope.mins)
        self.waveform_plot.setXRange(0.0, seconds, padding=0)
        self._show_spectrogram(spectrogram)
        self.set_position(0.0)
        self._stack.setCurrentIndex(0)

    def _show_spectrogram(self, spectrogram: Spectrogram) -> None:
        # Bands are log-spaced: the image's rows are drawn evenly, and the axis says
        # which frequency each row holds.
        db = spectrogram.db.T  # rows: bands (low first), columns: time
        self._image.setImage(db, levels=SPECTROGRAM_LEVELS, autoLevels=False)
        bands = len(spectrogram.band_hz)
        self._image.setRect(0.0, 0.0, spectrogram.seconds, float(bands))
        plot_item = self.spectrogram_plot.getPlotItem()
        plot_item.setXRange(0.0, spectrogram.seconds, padding=0)
        plot_item.setYRange(0.0, float(bands), padding=0)
        ticks = [(band + 0.5, _hz_text(hz)) for band, hz in _tick_bands(spectrogram.band_hz)]
        plot_item.getAxis("left").setTicks([ticks])

    def set_position(self, seconds: float) -> None:
        for head in self._heads:
            head.blockSignals(True)
            head.setValue(seconds)
            head.blockSignals(False)

    def position(self) -> float:
        return float(self._heads[0].value())

    def waveform_data(self) -> tuple[np.ndarray, np.ndarray]:
        """(mins, maxs) as drawn (tests read them)."""
        return self._lower.getData()[1], self._upper.getData()[1]

    def spectrogram_image(self) -> np.ndarray | None:
        return self._image.image

    def _on_click(self, plot: pg.PlotWidget, event: MouseClickEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._seconds <= 0:
            return
        view_box = plot.getPlotItem().getViewBox()
        if view_box.sceneBoundingRect().contains(event.scenePos()):
            seconds = view_box.mapSceneToView(event.scenePos()).x()
            self.seekRequested.emit(float(np.clip(seconds, 0.0, self._seconds)))


def _tick_bands(band_hz: Any) -> list[tuple[int, int]]:
    """(band, frequency) for the round frequencies a reader knows (100 Hz, 1 kHz ...),
    each at the band that holds it."""
    marks = [50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000]
    lows, highs = float(band_hz[0]), float(band_hz[-1])
    return [
        (int(np.argmin(np.abs(np.log(band_hz) - np.log(hz)))), hz)
        for hz in marks
        if lows <= hz <= highs
    ]


def _hz_text(hz: float) -> str:
    return f"{hz / 1000:.0f}k" if hz >= 1000 else f"{hz:.0f}"
