"""The Start run dialog: a name, and the experiment's config to override field by field."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from musiclab_desktop.core.config import field_spec
from musiclab_desktop.core.display import printable
from musiclab_desktop.core.records import ExperimentRecord
from musiclab_desktop.core.services.runs import RUN_NAME_MAX_LENGTH
from musiclab_desktop.ui.config_form import ConfigForm


class StartRunDialog(QDialog):
    """Shows the experiment's config as defaults; only changed fields become the override."""

    def __init__(self, experiment: ExperimentRecord, default_name: str,
                 parent: QWidget | None = None, *, targets: list[str] | None = None,
                 chosen_target: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("startRunDialog")
        self.setWindowTitle(f"Start a run of “{printable(experiment.name)}”")
        self.resize(860, 720)
        self.name_edit = QLineEdit(default_name, self)
        self.name_edit.setObjectName("runNameEdit")
        self.name_edit.setMaxLength(RUN_NAME_MAX_LENGTH)
        self.name_edit.setPlaceholderText(default_name)
        # Where the run trains: this machine or a run target (File > Run targets...);
        # preselected: the experiment's last choice.
        self.target_combo = QComboBox(self)
        self.target_combo.setObjectName("targetCombo")
        self.target_combo.addItem("This machine", None)
        for name in targets or []:
            self.target_combo.addItem(printable(name), name)
        chosen = self.target_combo.findData(chosen_target) if chosen_target else 0
        self.target_combo.setCurrentIndex(max(0, chosen))
        self.override_form = ConfigForm(experiment.config, read_only=False, parent=self)
        self.override_form.setObjectName("overrideConfigForm")
        self.override_form.set_baseline(experiment.config)
        self.summary = QLabel(self)
        self.summary.setObjectName("overrideSummary")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.start_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.start_button.setText("Start run")
        self.start_button.setObjectName("confirmStartRunButton")
        self.buttons.accepted.connect(self._accept_if_valid)
        self.buttons.rejected.connect(self.reject)
        self.override_form.changed.connect(self._update_summary)
        self._layout()
        self._update_summary()

    def _layout(self) -> None:
        header = QFormLayout()
        header.addRow("Run name", self.name_edit)
        header.addRow("Train on", self.target_combo)
        title = QLabel("<b>Override Configuration</b>", self)
        title.setObjectName("overrideSectionTitle")
        hint = QLabel(
            "The experiment's settings are filled in. Change only what this run should do "
            "differently: changed fields are marked and can be reset one by one.", self)
        hint.setWordWrap(True)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.override_form)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addSpacing(6)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

    def target_name(self) -> str | None:
        """The chosen run target's name; None: this machine."""
        data = self.target_combo.currentData()
        return str(data) if data else None

    def run_name(self) -> str:
        return self.name_edit.text().strip()

    def override(self) -> dict[str, Any] | None:
        """Only the fields that differ from the experiment's config; None when none do."""
        return self.override_form.changed_values() or None

    def _update_summary(self) -> None:
        changed = self.override_form.changed_fields()
        self.summary.setText(
            "No override: the run uses the experiment's configuration." if not changed
            else f"Overriding {len(changed)} setting(s): "
            f"{', '.join(field_spec(name).label for name in changed)}.")
        self.start_button.setEnabled(self.override_form.is_valid())

    def _accept_if_valid(self) -> None:
        if not self.override_form.validate():
            self.accept()
