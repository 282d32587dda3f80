"""The Training environment dialog: set up the managed environment, or use your own Python.

Training runs in a separate Python with torch, transformers and peft. The packaged app
installs them into a managed environment (a venv in the data folder) with the torch
build that fits the machine, showing pip's output live; or the person points it at a
Python they already have, which is checked with the runner's import probe first.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from musiclab_desktop.runner.generation_client import (
    IDLE_TIMEOUT_ENV_VAR,
    generation_idle_timeout,
    idle_timeout_overridden,
    save_generation_idle_timeout,
)
from musiclab_desktop.runner.interpreter_check import InterpreterCheck
from musiclab_desktop.runner.managed_env import SetupPlan, default_env_dir, make_plan
from musiclab_desktop.runner.managed_env_setup import ManagedEnvSetup
from musiclab_desktop.runner.settings import (
    RunnerSettings,
    load_torch_spec,
    save_settings,
    save_torch_spec,
    user_store,
)
from musiclab_desktop.runner.torch_choice import (
    Hardware,
    TorchChoice,
    custom_choice,
    detect_hardware,
    torch_options,
    torch_override,
)
from musiclab_desktop.ui.ops import QueryOp, describe_error
from musiclab_desktop.ui.prompts import Prompts
from musiclab_desktop.ui.resources import icon
from musiclab_desktop.ui.terminal import TerminalView
from musiclab_desktop.ui.training_env.questions import stop_setup_question, unsure_build_question
from musiclab_desktop.ui.training_env.status import current_status
from musiclab_desktop.ui.widgets import (
    Card,
    error_label,
    heading_label,
    muted_label,
    title_label,
)

DIALOG_SIZE = QSize(780, 760)
TERMINAL_HEIGHT = 210
OTHER_BUILD = "other"  # the combo item that asks for pip arguments
MAX_IDLE_S = 24 * 3600


class TrainingEnvDialog(QDialog):
    """``environmentChanged`` fires when training would now use another (or a new) Python."""

    environmentChanged = Signal()

    def __init__(self, settings: RunnerSettings, prompts: Prompts | None = None,
                 parent: QWidget | None = None, *, env_dir: Path | None = None,
                 hardware: Hardware | None = None, store: QSettings | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainingEnvDialog")
        self.setWindowTitle("Training environment")
        self.settings = settings
        self.env_dir = env_dir or default_env_dir()
        self._prompts = prompts or Prompts()
        self._store = store if store is not None else user_store()
        self._hardware: Hardware | None = None
        self._options: list[TorchChoice] = []
        self._setup: ManagedEnvSetup | None = None
        self._preparing: QueryOp[SetupPlan] | None = None
        self._check: InterpreterCheck | None = None
        self._cancel_requested = False  # cancelled while the plan was being prepared
        self._start_when_detected = False
        self._build()
        self._connect()
        self.resize(DIALOG_SIZE)
        self.refresh_status()
        if hardware is not None:
            self._on_hardware(hardware)
        else:
            self._detect_hardware()

    # --- building ---------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(12)
        layout.addWidget(title_label("Training environment", self))
        intro = muted_label(
            "Training runs in a separate Python that has PyTorch, transformers and peft. "
            "MusicLab can install them into an environment of its own, with the PyTorch "
            "build that fits this computer, or use a Python you already have.", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("trainingEnvStatus")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_icon = QLabel(self)
        self.status_icon.setFixedSize(QSize(20, 20))
        status_row = QHBoxLayout()
        status_row.setSpacing(8)
        status_row.addWidget(self.status_icon, 0, Qt.AlignmentFlag.AlignVCenter)
        status_row.addWidget(self.status_label, 1, Qt.AlignmentFlag.AlignVCenter)
        layout.addLayout(status_row)
        # The managed card (and its terminal) takes the height the dialog has to spare.
        layout.addWidget(self._build_managed_card(), 1)
        layout.addWidget(self._build_existing_card())
        self.auto_resume_box = QCheckBox(
            "When MusicLab opens after a crash, offer to resume the runs it interrupted", self)
        self.auto_resume_box.setObjectName("autoResumeCheck")
        self.auto_resume_box.setToolTip(
            "Runs stopped by a crash of MusicLab or the computer train on from their last "
            "checkpoint; MusicLab asks once, when it next opens. Off by default.")
        self.auto_resume_box.setChecked(self.settings.auto_resume)
        self.auto_resume_box.toggled.connect(self._set_auto_resume)
        layout.addWidget(self.auto_resume_box)
        layout.addLayout(self._build_gpus_row())
        layout.addLayout(self._build_idle_row())
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        layout.addWidget(self.buttons)

    def _build_managed_card(self) -> Card:
        card = Card(self)
        card.setObjectName("managedEnvCard")
        card.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        card.body.addWidget(heading_label("Managed environment (recommended)", card))
        self.hardware_label = muted_label("Detecting this computer's GPU…", card)
        self.hardware_label.setObjectName("trainingEnvHardware")
        self.hardware_label.setWordWrap(True)
        card.body.addWidget(self.hardware_label)
        row = QHBoxLayout()
        row.addWidget(QLabel("PyTorch build:", card))
        self.build_combo = QComboBox(card)
        self.build_combo.setObjectName("torchBuildCombo")
        self.build_combo.setEnabled(False)
        self.build_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        row.addWidget(self.build_combo, 1)
        self.setup_button = QPushButton("Set up", card)
        self.setup_button.setObjectName("setupEnvButton")
        self.setup_button.setDefault(True)
        self.setup_button.setEnabled(False)
        self.cancel_button = QPushButton("Cancel set-up", card)
        self.cancel_button.setObjectName("cancelSetupButton")
        self.cancel_button.setEnabled(False)
        row.addWidget(self.setup_button)
        row.addWidget(self.cancel_button)
        card.body.addLayout(row)
        self.build_note = muted_label("", card)
        self.build_note.setObjectName("torchBuildNote")
        self.build_note.setWordWrap(True)
        card.body.addWidget(self.build_note)
        where = muted_label(f"Installs into {self.env_dir} (a few GB with a GPU build). "
                            "Cancel at any time: setting up again continues where it stopped.",
                            card)
        where.setWordWrap(True)
        card.body.addWidget(where)
        self.terminal = TerminalView(card)
        self.terminal.setObjectName("setupTerminal")
        self.terminal.setMinimumHeight(TERMINAL_HEIGHT)
        self.terminal.set_placeholder("The installer's output appears here.")
        card.body.addWidget(self.terminal, 1)
        self.setup_result = QLabel(card)
        self.setup_result.setObjectName("setupResult")
        self.setup_result.setWordWrap(True)
        self.setup_result.hide()
        self.setup_error = error_label(card, "setupError")
        self.setup_error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        card.body.addWidget(self.setup_result)
        card.body.addWidget(self.setup_error)
        return card

    def _build_existing_card(self) -> Card:
        card = Card(self)
        card.setObjectName("existingPythonCard")
        card.body.addWidget(heading_label("Use an existing Python", card))
        hint = muted_label("A Python (conda, venv…) with PyTorch, transformers and peft, e.g. "
                           "after pip install 'musiclab-desktop[train]'.", card)
        hint.setWordWrap(True)
        card.body.addWidget(hint)
        row = QHBoxLayout()
        self.interpreter_edit = QLineEdit(self.settings.training_interpreter, card)
        self.interpreter_edit.setObjectName("interpreterEdit")
        self.interpreter_edit.setPlaceholderText("/path/to/python")
        self.browse_button = QPushButton(icon("folder"), "Browse…", card)
        self.browse_button.setObjectName("browseInterpreterButton")
        self.use_button = QPushButton(icon("check-circle"), "Check and use", card)
        self.use_button.setObjectName("useInterpreterButton")
        row.addWidget(self.interpreter_edit, 1)
        row.addWidget(self.browse_button)
        row.addWidget(self.use_button)
        card.body.addLayout(row)
        self.clear_button = QPushButton("Use the managed environment instead", card)
        self.clear_button.setObjectName("clearInterpreterButton")
        self.clear_button.setFlat(True)
        card.body.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.interpreter_result = QLabel(card)
        self.interpreter_result.setObjectName("interpreterResult")
        self.interpreter_result.setWordWrap(True)
        self.interpreter_result.hide()
        self.interpreter_error = error_label(card, "interpreterError")
        card.body.addWidget(self.interpreter_result)
        card.body.addWidget(self.interpreter_error)
        return card

    def _connect(self) -> None:
        self.buttons.rejected.connect(self.reject)
        self.setup_button.clicked.connect(self.start_setup)
        self.cancel_button.clicked.connect(self.cancel_setup)
        self.build_combo.activated.connect(self._on_build_activated)
        self.build_combo.currentIndexChanged.connect(self._show_build_note)
        self.browse_button.clicked.connect(self._browse)
        self.use_button.clicked.connect(self.check_and_use)
        self.interpreter_edit.returnPressed.connect(self.check_and_use)
        self.clear_button.clicked.connect(self.use_managed)

    # --- state -----------------------------------------------------------------------------

    def refresh_status(self) -> None:
        status = current_status(self.settings, self.env_dir)
        self.status_label.setText(status.text)
        self.status_icon.setPixmap(icon("check-circle" if status.ready else "warning")
                                   .pixmap(QSize(18, 18)))
        self.setup_button.setText("Update or repair" if status.managed_exists else "Set up")
        self.clear_button.setVisible(bool(self.settings.training_interpreter.strip()))

    def is_busy(self) -> bool:
        return self._preparing is not None or (self._setup is not None
                                               and self._setup.is_running())

    def _set_busy(self, busy: bool) -> None:
        self.setup_button.setEnabled(not busy and bool(self._options))
        self.build_combo.setEnabled(not busy and bool(self._options))
        self.cancel_button.setEnabled(busy)
        self.use_button.setEnabled(not busy)

    # --- hardware and the torch build ---------------------------------------------------------

    def _detect_hardware(self) -> None:
        QueryOp(self, op=detect_hardware, success=self._on_hardware).failure(
            lambda exc: self.hardware_label.setText(
                f"Could not look at the hardware ({describe_error(exc)}); choose a build "
                "below.")).run_in_background()

    def _on_hardware(self, hardware: Hardware) -> None:
        self._hardware = hardware
        self.hardware_label.setText(f"Detected: {hardware.describe()}.")
        self._fill_builds(torch_override(load_torch_spec(self._store)))
        if self._start_when_detected:
            self._start_when_detected = False
            self.start_setup()

    def _fill_builds(self, override: str) -> None:
        assert self._hardware is not None
        self._options = torch_options(self._hardware, override)
        recommended = 1 if self._options[0].key == "custom" else 0
        self.build_combo.blockSignals(True)
        self.build_combo.clear()
        for index, option in enumerate(self._options):
            suffix = " (recommended)" if index == recommended and option.sure else ""
            self.build_combo.addItem(option.label + suffix, option.key)
            self.build_combo.setItemData(index, option.reason, Qt.ItemDataRole.ToolTipRole)
        self.build_combo.addItem("Other pip arguments…", OTHER_BUILD)
        self.build_combo.setCurrentIndex(0)
        self.build_combo.blockSignals(False)
        self._show_build_note()
        self._set_busy(self.is_busy())

    def selected_build(self) -> TorchChoice | None:
        index = self.build_combo.currentIndex()
        return self._options[index] if 0 <= index < len(self._options) else None

    def select_build(self, key: str) -> None:
        index = self.build_combo.findData(key)
        if index >= 0:
            self.build_combo.setCurrentIndex(index)

    def _show_build_note(self, *_args: object) -> None:
        choice = self.selected_build()
        if choice is None:
            self.build_note.setText("")
            return
        args = " ".join(choice.pip_args())
        prefix = "" if choice.sure else "Please check: "
        self.build_note.setText(f"{prefix}{choice.reason} Installs with: pip install {args}")

    def _on_build_activated(self, index: int) -> None:
        if self.build_combo.itemData(index) != OTHER_BUILD:
            return
        current = torch_override(load_torch_spec(self._store))
        text = self._prompts.ask_text(
            self, "PyTorch build", "pip arguments for torch, e.g. torch==2.8.0 --index-url "
                                   "https://download.pytorch.org/whl/cu126", current)
        if text is not None and custom_choice(text) is not None:
            save_torch_spec(text, self._store)
            self._fill_builds(text)
        else:
            self.build_combo.setCurrentIndex(0)

    # --- set-up ---------------------------------------------------------------------------

    def start_setup_when_ready(self) -> None:
        """Start setting up as soon as the hardware is known (at once if it is)."""
        if self._options:
            self.start_setup()
        else:
            self._start_when_detected = True

    def start_setup(self) -> bool:
        """Begin (or continue) setting up with the chosen build; False if not started."""
        choice = self.selected_build()
        if choice is None or self.is_busy():
            return False
        if not choice.sure and not self._confirm_unsure(choice):
            return False
        self.setup_result.hide()
        self.setup_error.hide()
        self.terminal.clear()
        self.terminal.feed(b"Preparing: looking for a Python to create the environment...\n")
        env_dir = self.env_dir
        self._set_busy(True)
        self._preparing = QueryOp(self, op=lambda: make_plan(choice, env_dir),
                                  success=self._run_plan)
        self._preparing.failure(self._on_prepare_failed).run_in_background()
        return True

    def _confirm_unsure(self, choice: TorchChoice) -> bool:
        return self._prompts.confirm(self, unsure_build_question(self, choice))

    def _on_prepare_failed(self, exc: Exception) -> None:
        self._preparing = None
        self._show_setup_outcome(False, describe_error(exc))

    def _run_plan(self, plan: SetupPlan) -> None:
        self._preparing = None
        if self._cancel_requested:
            self._show_setup_outcome(False, "Set-up cancelled.")
            return
        self._setup = ManagedEnvSetup(plan, self)
        self._setup.output.connect(self.terminal.feed)
        self._setup.finished.connect(self._show_setup_outcome)
        self._setup.start()

    def cancel_setup(self) -> None:
        if self._setup is not None and self._setup.is_running():
            self._setup.cancel()
        elif self._preparing is not None:
            self._cancel_requested = True  # the plan is dropped when it arrives

    def _show_setup_outcome(self, ok: bool, message: str) -> None:
        self._cancel_requested = False
        self._set_busy(self._preparing is not None)
        label = self.setup_result if ok else self.setup_error
        (self.setup_error if ok else self.setup_result).hide()
        label.setText(message)
        label.show()
        self.refresh_status()
        if ok:
            self.environmentChanged.emit()

    # --- an existing Python ------------------------------------------------------------------

    def _browse(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, "Choose a Python",
                                                    self.interpreter_edit.text())
        if path:
            self.interpreter_edit.setText(path)
            self.check_and_use()

    def check_and_use(self) -> None:
        python = self.interpreter_edit.text().strip()
        self.interpreter_error.hide()
        if not python:
            self._show_interpreter_outcome("Enter the path of a Python first.")
            return
        self.interpreter_result.setText(f"Checking {python} (importing torch takes a few "
                                        "seconds)…")
        self.interpreter_result.show()
        self.use_button.setEnabled(False)
        self._check = InterpreterCheck(python, self)
        self._check.finished.connect(lambda problem: self._on_checked(python, problem))
        self._check.start()

    def _on_checked(self, python: str, problem: str) -> None:
        self._check = None
        self.use_button.setEnabled(not self.is_busy())
        if problem:
            self._show_interpreter_outcome(problem)
            return
        self.settings.training_interpreter = python
        save_settings(self.settings, self._store)
        self.interpreter_result.setText(f"Training now uses {python}.")
        self.interpreter_result.show()
        self.refresh_status()
        self.environmentChanged.emit()

    def _show_interpreter_outcome(self, problem: str) -> None:
        self.interpreter_result.hide()
        self.interpreter_error.setText(problem)
        self.interpreter_error.show()

    def _build_gpus_row(self) -> QHBoxLayout:
        """GPUs per run on this machine: above 1, torchrun starts one process per GPU."""
        self.gpus_spin = QSpinBox(self)
        self.gpus_spin.setObjectName("gpusPerRunSpin")
        self.gpus_spin.setRange(1, 64)
        self.gpus_spin.setValue(self.settings.gpus_per_run)
        self.gpus_spin.setToolTip(
            "Above 1, each run trains under torchrun with one process per GPU, each on its "
            "share of every batch (keep the batch size a multiple of it).")
        self.gpus_spin.valueChanged.connect(self._set_gpus)
        row = QHBoxLayout()
        row.addWidget(QLabel("GPUs per run on this computer", self))
        row.addWidget(self.gpus_spin)
        row.addStretch(1)
        return row

    def _build_idle_row(self) -> QHBoxLayout:
        """How long the Generate window's worker keeps the model in memory between uses."""
        self.idle_spin = QSpinBox(self)
        self.idle_spin.setObjectName("generationIdleSpin")
        self.idle_spin.setRange(0, MAX_IDLE_S)
        self.idle_spin.setSingleStep(60)
        self.idle_spin.setSuffix(" s")
        self.idle_spin.setSpecialValueText("never")  # 0: the worker stays until MusicLab quits
        self.idle_spin.setValue(round(generation_idle_timeout(self._store)))
        tip = ("After this long without a request, the generation worker exits and frees the "
               "memory of the model it loaded; the next Generate starts it again (a cold "
               "start reloads the model). \"never\" keeps it until MusicLab quits. Applies "
               "from the next start of the worker.")
        if idle_timeout_overridden():
            self.idle_spin.setEnabled(False)
            tip += f" Set by the environment variable {IDLE_TIMEOUT_ENV_VAR} now."
        self.idle_spin.setToolTip(tip)
        self.idle_spin.valueChanged.connect(self._set_idle_timeout)
        label = QLabel("Unload the generation model after", self)
        label.setToolTip(tip)
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.idle_spin)
        row.addWidget(QLabel("without a request", self))
        row.addStretch(1)
        return row

    def _set_idle_timeout(self, seconds: int) -> None:
        save_generation_idle_timeout(seconds, self._store)

    def _set_gpus(self, gpus: int) -> None:
        self.settings.gpus_per_run = gpus
        save_settings(self.settings, self._store)

    def _set_auto_resume(self, on: bool) -> None:
        self.settings.auto_resume = on
        save_settings(self.settings, self._store)

    def use_managed(self) -> None:
        self.settings.training_interpreter = ""
        save_settings(self.settings, self._store)
        self.interpreter_edit.clear()
        self.interpreter_result.setText("Training uses the managed environment again.")
        self.interpreter_result.show()
        self.interpreter_error.hide()
        self.refresh_status()
        self.environmentChanged.emit()

    # --- closing -------------------------------------------------------------------------

    def reject(self) -> None:
        if self.is_busy() and not self._confirm_stop():
            return
        self.cancel_setup()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.is_busy() and not self._confirm_stop():
            event.ignore()
            return
        self.cancel_setup()
        super().closeEvent(event)

    def _confirm_stop(self) -> bool:
        return self._prompts.confirm(self, stop_setup_question(self))
