"""File > Run targets...: the SSH hosts and SLURM clusters runs can train on.

A list of the stored targets beside a form for the selected one. "Check" connects in
the background (ui/ops.py) and reports the remote Python, torch, CUDA, GPUs and the
train extra. "Set up" creates a training environment on the target
(runner/targets/remote_env.py) with its steps streamed into a terminal view, and
points the target's remote Python at it. Host keys are the user's ssh's business: an
unknown host is reported with the command that shows its fingerprint
(``musiclab targets trust NAME``).
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from musiclab_desktop.core.display import printable
from musiclab_desktop.core.errors import MusiclabError
from musiclab_desktop.runner.managed_env import SetupResult
from musiclab_desktop.runner.targets.check import CheckReport, check_target
from musiclab_desktop.runner.targets.model import Target, TargetKind
from musiclab_desktop.runner.targets.remote_env import make_remote_plan, run_remote_setup
from musiclab_desktop.runner.targets.store import add_target, load_targets, remove_target
from musiclab_desktop.ui.ops import QueryOp, describe_error
from musiclab_desktop.ui.terminal import TerminalView

_KINDS = [("SSH host", TargetKind.SSH), ("SLURM cluster (login node over SSH)", TargetKind.SLURM)]


class TargetsDialog(QDialog):
    """Add, edit, check and remove run targets (stored in ``store``: the app's settings)."""

    # The set-up's terminal bytes, emitted off the GUI thread, shown on it (queued).
    setupOutput = Signal(bytes)

    def __init__(self, parent: QWidget | None = None, store: QSettings | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("targetsDialog")
        self.setWindowTitle("Run targets")
        self.resize(820, 520)
        self._store = store
        self.list = QListWidget(self)
        self.list.setObjectName("targetList")
        self.list.currentItemChanged.connect(lambda item, _old: self._show(item))
        self._build_form()
        self.check_result = QLabel(self)
        self.check_result.setObjectName("targetCheckResult")
        self.check_result.setWordWrap(True)
        self.check_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setup_terminal = TerminalView(self)
        self.setup_terminal.setObjectName("targetSetupTerminal")
        self.setup_terminal.setMinimumHeight(160)
        self.setup_terminal.hide()
        self.setupOutput.connect(self.setup_terminal.feed)
        self._layout()
        self._reload()

    # --- building -------------------------------------------------------------

    def _build_form(self) -> None:
        self.name_edit = QLineEdit(self)
        self.kind_combo = QComboBox(self)
        for label, kind in _KINDS:
            self.kind_combo.addItem(label, kind)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.host_edit = QLineEdit(self)
        self.host_edit.setPlaceholderText("an ssh config alias, or user@host[:port]")
        self.python_edit = QLineEdit("python3", self)
        self.work_edit = QLineEdit("musiclab-runs", self)
        self.gpus_spin = QSpinBox(self)
        self.gpus_spin.setRange(0, 64)
        self.gpus_spin.setValue(1)
        self.gpus_spin.setToolTip("Above 1, the worker runs under torchrun (one process per GPU).")
        self.partition_edit = QLineEdit(self)
        self.time_edit = QLineEdit(self)
        self.time_edit.setPlaceholderText("e.g. 4:00:00")
        self.sbatch_edit = QPlainTextEdit(self)
        self.sbatch_edit.setPlaceholderText("--account=mylab\n--constraint=a100")
        self.sbatch_edit.setFixedHeight(64)
        self.modules_edit = QLineEdit(self)
        self.modules_edit.setPlaceholderText("cuda/12.1, python/3.11")
        self.form = QFormLayout()
        for label, widget in (("Name", self.name_edit), ("Kind", self.kind_combo),
                              ("Host", self.host_edit), ("Remote Python", self.python_edit),
                              ("Work folder", self.work_edit), ("GPUs per run", self.gpus_spin),
                              ("Partition", self.partition_edit),
                              ("Time limit", self.time_edit),
                              ("Extra #SBATCH lines", self.sbatch_edit),
                              ("Modules to load", self.modules_edit)):
            self.form.addRow(label, widget)
        self._kind_changed()

    def _layout(self) -> None:
        self.new_button = QPushButton("New", self)
        self.new_button.clicked.connect(self._new)
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.clicked.connect(self._remove)
        self.save_button = QPushButton("Save", self)
        self.save_button.setObjectName("saveTargetButton")
        self.save_button.clicked.connect(self._save)
        self.check_button = QPushButton("Check", self)
        self.check_button.setObjectName("checkTargetButton")
        self.check_button.clicked.connect(self._check)
        self.setup_button = QPushButton("Set up…", self)
        self.setup_button.setObjectName("setupTargetButton")
        self.setup_button.setToolTip("Create a training environment in the work folder: a venv "
                                     "with the torch build for the target's GPU and MusicLab's "
                                     "train extra; the target then trains with it.")
        self.setup_button.clicked.connect(self._setup)
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        row = QHBoxLayout()
        row.addWidget(self.new_button)
        row.addWidget(self.remove_button)
        left.addLayout(row)
        right = QVBoxLayout()
        hint = QLabel("Runs can train on a machine you reach with ssh, or on a SLURM cluster "
                      "through its login node. Your own ssh (agent, keys, ~/.ssh/config) "
                      "connects; no password is stored.", self)
        hint.setWordWrap(True)
        right.addWidget(hint)
        right.addLayout(self.form)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.setup_button)
        buttons.addWidget(self.save_button)
        right.addLayout(buttons)
        right.addWidget(self.check_result)
        right.addWidget(self.setup_terminal, 1)
        right.addStretch(1)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addLayout(right, 2)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(close)

    # --- reading and writing the form -------------------------------------------

    def _reload(self, select: str | None = None) -> None:
        try:
            targets = load_targets(self._store)
        except MusiclabError as exc:
            targets = []
            self.check_result.setText(str(exc))
        self.list.clear()
        for target in targets:
            item = QListWidgetItem(f"{printable(target.name)}  ({target.kind.value})")
            item.setData(Qt.ItemDataRole.UserRole, target)
            self.list.addItem(item)
            if target.name == select:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)

    def _show(self, item: QListWidgetItem | None) -> None:
        target = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if not isinstance(target, Target):
            return
        self.name_edit.setText(target.name)
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(target.kind))
        self.host_edit.setText(target.host)
        self.python_edit.setText(target.python)
        self.work_edit.setText(target.work_dir)
        self.gpus_spin.setValue(target.gpus)
        self.partition_edit.setText(target.partition)
        self.time_edit.setText(target.time_limit)
        self.sbatch_edit.setPlainText("\n".join(target.sbatch_lines))
        self.modules_edit.setText(", ".join(target.modules))
        self.check_result.clear()

    def target(self) -> Target:
        """The form as a target (ValidationError when a field is not valid)."""
        return Target(
            name=self.name_edit.text().strip(), kind=self.kind_combo.currentData(),
            host=self.host_edit.text().strip(), python=self.python_edit.text().strip(),
            work_dir=self.work_edit.text().strip(), gpus=self.gpus_spin.value(),
            partition=self.partition_edit.text().strip(),
            time_limit=self.time_edit.text().strip(),
            sbatch_lines=[line.strip() for line in self.sbatch_edit.toPlainText().splitlines()
                          if line.strip()],
            modules=[m.strip() for m in self.modules_edit.text().split(",") if m.strip()])

    def _kind_changed(self) -> None:
        slurm = self.kind_combo.currentData() is TargetKind.SLURM
        for widget in (self.partition_edit, self.time_edit, self.sbatch_edit,
                       self.modules_edit):
            widget.setEnabled(slurm)

    # --- actions ----------------------------------------------------------------

    def _new(self) -> None:
        self.list.clearSelection()
        self.list.setCurrentRow(-1)
        for edit in (self.name_edit, self.host_edit, self.partition_edit, self.time_edit,
                     self.modules_edit):
            edit.clear()
        self.sbatch_edit.clear()
        self.python_edit.setText("python3")
        self.work_edit.setText("musiclab-runs")
        self.gpus_spin.setValue(1)
        self.check_result.clear()
        self.name_edit.setFocus()

    def _save(self) -> None:
        try:
            target = self.target()
            add_target(target, self._store, replace=True)
        except MusiclabError as exc:
            self.check_result.setText(str(exc))
            return
        self.check_result.setText(f"Saved the run target '{printable(target.name)}'.")
        self._reload(select=target.name)

    def _remove(self) -> None:
        item = self.list.currentItem()
        target = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if not isinstance(target, Target):
            return
        remove_target(target.name, self._store)
        self._reload()
        self.check_result.setText(f"Removed '{printable(target.name)}' (its remote files stay).")

    def _check(self) -> None:
        try:
            target = self.target()
        except MusiclabError as exc:
            self.check_result.setText(str(exc))
            return
        self.check_button.setEnabled(False)
        self.check_result.setText(f"Connecting to {printable(target.host)}...")
        QueryOp(self, op=lambda: check_target(target), success=self._checked).failure(
            self._check_failed).run_in_background()

    def _setup(self) -> None:
        try:
            target = self.target()
            add_target(target, self._store, replace=True)  # set up what the form shows
        except MusiclabError as exc:
            self.check_result.setText(str(exc))
            return
        self.setup_button.setEnabled(False)
        self.check_button.setEnabled(False)
        self.setup_terminal.clear()
        self.setup_terminal.show()
        self.check_result.setText(f"Setting up a training environment on "
                                  f"{printable(target.name)}...")
        store, emit = self._store, self.setupOutput.emit

        def work() -> SetupResult:
            plan = make_remote_plan(target)
            emit(f"{target.name}: {plan.hardware.describe()}; torch: {plan.torch.label}\n"
                 .encode())
            return run_remote_setup(plan, emit, store)

        QueryOp(self, op=work, success=lambda result: self._set_up(target, result)).failure(
            self._setup_failed).run_in_background()

    def _set_up(self, target: Target, result: SetupResult) -> None:
        self.setup_button.setEnabled(True)
        self.check_button.setEnabled(True)
        self.check_result.setText(printable(result.message))
        if result.ok:
            self._reload(select=target.name)
            self.check_result.setText(printable(result.message))

    def _setup_failed(self, exc: Exception) -> None:
        self.setup_button.setEnabled(True)
        self.check_button.setEnabled(True)
        self.check_result.setText(describe_error(exc))

    def _checked(self, report: CheckReport) -> None:
        self.check_button.setEnabled(True)
        self.check_result.setText(report_text(report))

    def _check_failed(self, exc: Exception) -> None:
        self.check_button.setEnabled(True)
        self.check_result.setText(describe_error(exc))


def report_text(report: CheckReport) -> str:
    lines = [f"Python {report.python} ({report.executable}) on {report.host}",
             f"torch {report.torch or 'not installed'}"
             + (f", CUDA {report.cuda}" if report.cuda else ", no CUDA"),
             "GPUs: " + (", ".join(report.gpus) if report.gpus else "none"),
             "Train extra: " + ("installed" if report.train_extra_installed else "missing")]
    if report.scheduler:
        lines.append(report.scheduler)
    lines += report.problems
    return "\n".join(printable(line) for line in lines)
