"""The row above the samples: play / pause, loop, reveal in folder, the time played
and a status line; below it, why nothing can play when no audio output works."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

PLAY, PAUSE = "Play", "Pause"


class SamplesToolbar(QWidget):
    """Widgets only: the Samples view connects and fills them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.play_button = QPushButton(PLAY)
        self.play_button.setObjectName("samplesPlayButton")
        self.play_button.setToolTip("Play or pause the selected sample (Space).")
        self.loop_toggle = QCheckBox("Loop")
        self.loop_toggle.setObjectName("samplesLoop")
        self.loop_toggle.setToolTip("Play the sample again and again.")
        self.reveal_button = QPushButton("Reveal in folder")
        self.reveal_button.setObjectName("samplesReveal")
        self.reveal_button.setToolTip("Open the folder holding the selected sample's WAV.")
        # Filled and followed by ui/samples/checkpoint_promote.py.
        self.promote_button = QPushButton()
        self.promote_button.setObjectName("samplesPromote")
        self.time_label = QLabel("")
        self.time_label.setObjectName("samplesTime")
        self.status = QLabel()
        self.status.setObjectName("samplesStatus")
        self.status.setWordWrap(True)
        self.playback_note = QLabel()
        self.playback_note.setObjectName("samplesPlaybackNote")
        self.playback_note.setVisible(False)
        self.playback_note.setWordWrap(True)
        row = QHBoxLayout()
        for widget in (self.play_button, self.loop_toggle, self.reveal_button,
                       self.promote_button):
            row.addWidget(widget)
        row.addWidget(self.time_label)
        row.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.playback_note)
