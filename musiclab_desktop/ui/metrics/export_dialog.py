"""Ask where to save an export, write it there, and say so when that fails."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from musiclab_desktop.core.folder_names import slug
from musiclab_desktop.ui.metrics.series import RunMetrics


def default_file_name(runs: list[RunMetrics], metric: str | None, suffix: str) -> str:
    names = "-vs-".join(run.run_name for run in runs) or "metrics"
    # Cut to a name every file system accepts, however long the run names are.
    return slug(f"{names}-{metric or 'chart'}", "metrics", length=120) + suffix


def ask_and_export(parent: QWidget, title: str, file_name: str, file_filter: str,
                   export: Callable[[str], object]) -> None:
    """``export(path)`` to the path the user picks (nothing when they cancel); an
    OSError is shown as a warning."""
    path, _ = QFileDialog.getSaveFileName(parent, title, file_name, file_filter)
    if not path:
        return
    try:
        export(path)
    except OSError as error:
        QMessageBox.warning(parent, "Export failed", str(error))
