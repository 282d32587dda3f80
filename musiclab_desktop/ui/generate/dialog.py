"""The Generate window and the adapter actions around it (generate, export, merge).

One :class:`GenerateActions` per main window: it owns the generation client (one warm
worker, stopped when the window closes) and the Generate window, which the File menu,
the Adapters tab and the runs table's adapter cell all open.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from musiclab_desktop.core.adapter_files import export_adapter, missing_files
from musiclab_desktop.core.display import printable
from musiclab_desktop.core.folder_names import slug, unused_path
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import AdapterRecord
from musiclab_desktop.runner.generation_client import (
    GenerationClient,
    generation_idle_timeout,
    merge_adapter,
)
from musiclab_desktop.runner.interpreter import training_interpreter
from musiclab_desktop.runner.settings import RunnerSettings
from musiclab_desktop.ui.generate.panel import GeneratePanel
from musiclab_desktop.ui.ops import QueryOp, describe_error
from musiclab_desktop.ui.prompts import Prompts
from musiclab_desktop.ui.toast import show_toast


class GenerateDialog(QDialog):
    """A window of its own (not modal): generate while the main window stays usable."""

    def __init__(self, panel: GeneratePanel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("generateDialog")
        self.setWindowTitle("Generate")
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        self.panel = panel
        panel.setParent(self)
        layout = QVBoxLayout(self)
        layout.addWidget(panel)
        self.resize(760, 820)


class GenerateActions(QObject):
    def __init__(self, window: QWidget, library: Library, prompts: Prompts,
                 settings: RunnerSettings, client: GenerationClient | None = None, *,
                 store: QSettings | None = None) -> None:
        super().__init__(window)
        self._window = window
        self._library = library
        self._prompts = prompts
        self._settings = settings
        self._store = store  # None: the user's settings (where the Training dialog writes)
        self._client = client
        self.dialog: GenerateDialog | None = None
        self.last_merged: Path | None = None

    @property
    def client(self) -> GenerationClient:
        if self._client is None:
            store = self._store
            self._client = GenerationClient(
                self._library, self._settings, parent=self,
                idle_timeout_source=lambda: generation_idle_timeout(store))
        return self._client

    def open(self, adapter_id: int | None = None) -> GenerateDialog:
        """Show the Generate window, on ``adapter_id`` when given."""
        if self.dialog is None:
            panel = GeneratePanel(self._library, self.client, self._prompts)
            self.dialog = GenerateDialog(panel, self._window)
        dialog = self.dialog
        library = self._library
        QueryOp(self, op=library.adapters.list,
                success=lambda adapters: dialog.panel.set_adapters(adapters, adapter_id)) \
            .failure(lambda exc: self._prompts.error(self._window, "Cannot list the adapters",
                                                     describe_error(exc))) \
            .keyed("adapters").run_in_background()
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def export(self, adapter: AdapterRecord) -> Path | None:
        """Copy the adapter's folder into a folder the person picks (a subfolder of it)."""
        chosen = self._prompts.choose_folder(self._window, f"Export adapter “{adapter.name}” to")
        if not chosen:
            return None
        destination = unused_path(Path(chosen), slug(adapter.name, "adapter"))
        written = self._prompts.attempt(self._window, "Cannot export the adapter",
                                        lambda: export_adapter(Path(adapter.path), destination))
        if written is None:
            return None
        missing = missing_files(Path(adapter.path))
        note = f" (it lacks {', '.join(missing)})" if missing else ""
        show_toast(self._window, f"Adapter “{printable(adapter.name)}” exported to "
                                 f"{written}{note}")
        return written

    def merge(self, adapter: AdapterRecord) -> None:
        """Write a full checkpoint with the LoRA merged in, off the GUI thread."""
        chosen = self._prompts.choose_folder(self._window,
                                             f"Write “{adapter.name}” merged into its base to")
        if not chosen:
            return
        destination = unused_path(Path(chosen), f"{slug(adapter.name, 'adapter')}-merged")
        python = training_interpreter(self._settings)
        show_toast(self._window, f"Merging “{printable(adapter.name)}”…")
        QueryOp(self, op=lambda: merge_adapter(python, Path(adapter.path), destination),
                success=lambda path: self._merged(adapter, path)) \
            .failure(lambda exc: self._prompts.error(self._window, "Cannot merge the adapter",
                                                     describe_error(exc))) \
            .run_in_background()

    def _merged(self, adapter: AdapterRecord, path: Path) -> None:
        self.last_merged = path
        show_toast(self._window, f"“{printable(adapter.name)}” merged: {path} loads with "
                                 "MusicgenForConditionalGeneration.from_pretrained")

    def shutdown(self) -> None:
        if self.dialog is not None:
            self.dialog.panel.shutdown()
        if self._client is not None:
            self._client.shutdown()
