"""The first page of an empty data folder: three ways to begin, each one click away."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QCommandLinkButton, QWidget

from musiclab_desktop.ui.empty_state import centred_column
from musiclab_desktop.ui.resources import icon
from musiclab_desktop.ui.widgets import muted_label, title_label

DEMO_TITLE = "Try the demo (no download, trains in about a minute)"
DEMO_TEXT = ("Builds a tiny MusicGen and eight synthesized clips on this computer, then "
             "an experiment ready to train: a quick tour of runs, the live terminal and "
             "the loss curve.")
IMPORT_TITLE = "Import a dataset"
IMPORT_TEXT = ("Choose a folder of audio clips (wav, flac, ogg, mp3) with captions in "
               "metadata.csv / metadata.jsonl or a .txt file beside each clip.")
CREATE_TITLE = "Create an experiment"
CREATE_TEXT = ("Name it, pick a dataset and the training settings (base model, LoRA rank, "
               "learning rate…); you can change them before each run.")


class WelcomePage(QWidget):
    """Shown while the data folder holds no experiment. It decides nothing: each path
    is a signal the window answers."""

    demoRequested = Signal()
    importRequested = Signal()
    createRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePage")
        # A centred column of bounded width, as the other empty states.
        layout = centred_column(self, max_width=620, weight=6)
        column = layout.parentWidget()
        layout.addStretch(2)
        title = title_label("Welcome to MusicLab", column, factor=1.4)
        title.setObjectName("welcomeTitle")
        layout.addWidget(title)
        intro = muted_label(
            "Fine-tune MusicGen with LoRA on your own clips. An experiment holds a dataset "
            "of captioned clips, training settings, and the runs and adapters made from "
            "them. Choose how to begin:", column)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addSpacing(8)
        self.demo_button = self._path("welcomeDemoButton", "waveform", DEMO_TITLE, DEMO_TEXT)
        self.import_button = self._path("welcomeImportButton", "datasets", IMPORT_TITLE,
                                        IMPORT_TEXT)
        self.create_button = self._path("welcomeCreateButton", "plus", CREATE_TITLE,
                                        CREATE_TEXT)
        for button in (self.demo_button, self.import_button, self.create_button):
            layout.addWidget(button)
        layout.addSpacing(6)
        later = muted_label("The File menu offers the same later: New Experiment (Ctrl+N), "
                            "Datasets (Ctrl+Shift+D) and Try the Demo.", column)
        later.setWordWrap(True)
        layout.addWidget(later)
        layout.addStretch(3)
        self.demo_button.clicked.connect(self.demoRequested)
        self.import_button.clicked.connect(self.importRequested)
        self.create_button.clicked.connect(self.createRequested)
        self.demo_button.setDefault(True)
        # Framed, so the three read as choices rather than as lines of text.
        self.setStyleSheet(
            "QCommandLinkButton { border: 1px solid palette(mid); border-radius: 6px; "
            "padding: 10px 12px; background: palette(base); }"
            "QCommandLinkButton:hover { border-color: palette(highlight); }")

    def _path(self, name: str, icon_name: str, title: str, text: str) -> QCommandLinkButton:
        button = QCommandLinkButton(title, text, self)
        button.setObjectName(name)
        button.setIcon(icon(icon_name))
        button.setIconSize(QSize(28, 28))
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        # Its size hint is the title on one line; a narrow window must not be held wide.
        button.setMinimumWidth(240)
        return button

    def paths(self) -> list[QCommandLinkButton]:
        return [self.demo_button, self.import_button, self.create_button]
