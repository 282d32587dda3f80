"""The Continue training dialog: how much more to train a completed run, and how fast.

The new run starts from the parent's adapter with the parent's settings; the two
things people change when they continue are here (more epochs, another learning
rate), bounded as the Config tab bounds them.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from musiclab_desktop.core.config import field_spec
from musiclab_desktop.core.display import printable
from musiclab_desktop.core.records import RunRecord
from musiclab_desktop.core.services.runs import RUN_NAME_MAX_LENGTH


class ContinueDialog(QDialog):
    def __init__(self, parent_run: RunRecord, settings: dict[str, Any], default_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("continueTrainingDialog")
        self.setWindowTitle(f"Continue training “{printable(parent_run.name)}”")
        self.setMinimumWidth(440)
        self._settings = settings
        self.name_edit = QLineEdit(default_name, self)
        self.name_edit.setObjectName("continueNameEdit")
        self.name_edit.setMaxLength(RUN_NAME_MAX_LENGTH)
        epochs = field_spec("num_epochs")
        self.epochs = QSpinBox(self)
        self.epochs.setObjectName("continueEpochs")
        self.epochs.setRange(int(epochs.minimum or 1), int(epochs.maximum or 1000))
        self.epochs.setValue(int(settings["num_epochs"]))
        self.epochs.setToolTip(epochs.tooltip)
        rate = field_spec("learning_rate")
        self.learning_rate = QDoubleSpinBox(self)
        self.learning_rate.setObjectName("continueLearningRate")
        self.learning_rate.setDecimals(rate.decimals or 7)
        self.learning_rate.setRange(rate.minimum or 0.0, rate.maximum or 1.0)
        self.learning_rate.setSingleStep(rate.step or 1e-5)
        self.learning_rate.setValue(float(settings["learning_rate"]))
        self.learning_rate.setToolTip(rate.tooltip)
        form = QFormLayout()
        form.addRow("New run name", self.name_edit)
        form.addRow("Epochs", self.epochs)
        form.addRow("Learning rate", self.learning_rate)
        hint = QLabel(
            "A new run starts from this run's adapter, with its settings. Its learning "
            "rate schedule starts again (warm-up included) over the epochs set here.", self)
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Continue training")
        ok.setObjectName("confirmContinueButton")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def run_name(self) -> str | None:
        return self.name_edit.text().strip() or None

    def override(self) -> dict[str, Any]:
        """Only what differs from the parent run's settings."""
        chosen = {"num_epochs": self.epochs.value(),
                  "learning_rate": self.learning_rate.value()}
        return {key: value for key, value in chosen.items() if self._settings[key] != value}
