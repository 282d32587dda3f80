"""Promote this checkpoint, from the Samples view: the step that sounds best becomes an
adapter of its own.

A run samples at its checkpoints, so the step a person picked by ear usually has a
kept checkpoint (retention may have removed older ones). The button and the tree's
right-click menu act on the selected step (its row or one of its samples) when the run
still keeps that step's checkpoint; the promotion itself is the runs table's
(``promoteRequested`` goes to ui/runs/run_recovery.py, which asks core).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPoint, Qt, Signal
from PySide6.QtWidgets import QMenu, QPushButton, QTreeView

from musiclab_desktop.core.checkpoints import CheckpointInfo, list_checkpoints
from musiclab_desktop.core.records import RunRecord
from musiclab_desktop.ui.ops import QueryOp
from musiclab_desktop.ui.samples.samples_model import STEP_ROLE

PROMOTE_TEXT = "Promote this checkpoint"


def promote_tip(step: int | None, kept: dict[int, CheckpointInfo]) -> str:
    """Why the action is there or not, for the step selected."""
    if step is None:
        return "Select a step (or one of its samples) whose checkpoint the run still keeps."
    info = kept.get(step)
    if info is None:
        steps = ", ".join(str(s) for s in sorted(kept)) or "none"
        return (
            f"Step {step} has no kept checkpoint (kept: {steps}); the checkpoint "
            "settings choose how many are kept."
        )
    loss = f" (loss {info.score:.4f})" if info.score is not None else ""
    return (
        f"Register the checkpoint of step {step}{loss} as an adapter of its own, "
        "with this step's samples."
    )


class CheckpointPromote(QObject):
    """``promoteRequested`` carries (run id, step)."""

    promoteRequested = Signal(int, int)

    def __init__(self, button: QPushButton, tree: QTreeView, parent: QObject) -> None:
        super().__init__(parent)
        self.button = button
        self._tree = tree
        self._run: RunRecord | None = None
        self._kept: dict[int, CheckpointInfo] = {}
        self._step: int | None = None
        button.setText(PROMOTE_TEXT)
        button.clicked.connect(self.promote_selected)
        tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        tree.customContextMenuRequested.connect(self._show_menu)
        self.sync(None)

    def read(self, run: RunRecord | None) -> None:
        """Read which checkpoints ``run`` keeps (off the GUI thread; they come and go
        while it trains)."""
        self._run = run
        if run is None:
            self._kept = {}
            self.sync(None)
            return
        output_dir = run.output_dir
        QueryOp(
            self,
            op=lambda: list_checkpoints(output_dir),
            success=lambda kept: self._on_kept(run.id, kept),
        ).failure(lambda _exc: self._on_kept(run.id, [])).keyed("checkpoints").run_in_background()

    def sync(self, step: int | None) -> None:
        """The selection moved to ``step`` (None: nothing, or runs compared)."""
        self._step = step
        self.button.setEnabled(self.can_promote(step))
        self.button.setToolTip(promote_tip(step, self._kept))

    def can_promote(self, step: int | None) -> bool:
        return self._run is not None and step is not None and step in self._kept

    def kept_steps(self) -> list[int]:
        return sorted(self._kept)

    def promote_selected(self) -> None:
        if self._run is not None and self.can_promote(self._step):
            assert self._step is not None
            self.promoteRequested.emit(self._run.id, self._step)

    def menu_for(self, index: QModelIndex) -> QMenu | None:
        """The right-click menu of a row (None when its step cannot be promoted)."""
        step = index.data(STEP_ROLE) if index.isValid() else None
        if self._run is None or not isinstance(step, int):
            return None
        menu = QMenu(self._tree)
        action = menu.addAction(f"{PROMOTE_TEXT} (step {step})")
        action.setEnabled(self.can_promote(step))
        action.setToolTip(promote_tip(step, self._kept))
        run_id = self._run.id
        action.triggered.connect(lambda: self.promoteRequested.emit(run_id, step))
        menu.setToolTipsVisible(True)
        return menu

    def _show_menu(self, pos: QPoint) -> None:
        menu = self.menu_for(self._tree.indexAt(pos))
        if menu is not None:
            menu.exec(self._tree.viewport().mapToGlobal(pos))
            menu.deleteLater()

    def _on_kept(self, run_id: int, kept: list[CheckpointInfo]) -> None:
        if self._run is None or self._run.id != run_id:
            return
        self._kept = {info.step: info for info in kept}
        self.sync(self._step)
