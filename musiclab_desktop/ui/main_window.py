"""MainWindow: the experiment list on the left, the selected experiment on the right."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from musiclab_desktop import __version__
from musiclab_desktop.core.display import printable
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import ExperimentRecord
from musiclab_desktop.runner.interpreter import training_interpreter
from musiclab_desktop.runner.manager import RunManager
from musiclab_desktop.ui.demo_progress import DemoProgressDialog
from musiclab_desktop.ui.detail import DetailView
from musiclab_desktop.ui.detail.view import RUNS
from musiclab_desktop.ui.empty_state import EmptyState
from musiclab_desktop.ui.experiment_actions import ExperimentActions
from musiclab_desktop.ui.experiment_list import ExperimentListPanel
from musiclab_desktop.ui.experiments_controller import ExperimentsController
from musiclab_desktop.ui.formatting import plural
from musiclab_desktop.ui.generate.dialog import GenerateActions
from musiclab_desktop.ui.ops import ProgressRelay, describe_error
from musiclab_desktop.ui.prompts import Prompts, close_while_training_question
from musiclab_desktop.ui.resources import app_icon, icon
from musiclab_desktop.ui.runs.lazy_tab import LazyRunsTab
from musiclab_desktop.ui.toast import show_toast
from musiclab_desktop.ui.training_env import TrainingEnvGate
from musiclab_desktop.ui.welcome_page import WelcomePage
from musiclab_desktop.ui.widgets import LineSplitter, mute
from musiclab_desktop.ui.window_state import WindowState, default_settings

if TYPE_CHECKING:
    from musiclab_desktop.core.demo import DemoResult
    from musiclab_desktop.ui.datasets_dialog import DatasetsDialog
    from musiclab_desktop.ui.new_experiment_dialog import NewExperimentDialog
    from musiclab_desktop.ui.runs.runs_page import RunsPage

NO_EXPERIMENTS, NO_SELECTION, DETAIL = range(3)
DEFAULT_SIZE = (1280, 800)
LIST_WIDTH = 340
RUNS_SPLITTER_KEY = "runsSplitter"


class MainWindow(QMainWindow):
    """Pass ``settings`` (e.g. an ini file under a temporary folder) and ``prompts`` (a
    fake that answers at once) to drive the window from tests."""

    def __init__(self, library: Library, *, settings: QSettings | None = None,
                 prompts: Prompts | None = None, run_manager: RunManager | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("MusicLab")
        self.setWindowIcon(app_icon())
        self.library = library
        self.prompts = prompts or Prompts()
        self._reverting_selection = False
        self.state = WindowState(settings or default_settings(), str(library.root))
        self.run_manager = run_manager or RunManager(library, parent=self)
        self.controller = ExperimentsController(library, self.run_manager, self)
        # Not `actions`: that would hide QWidget.actions().
        self.experiment_actions = ExperimentActions(self.controller, self.prompts, self)
        # The Generate window and the warm generation worker behind it (ui/generate/).
        self.generate_actions = GenerateActions(self, library, self.prompts,
                                                self.run_manager.settings)
        self._demo_running = False
        self.demo_progress: DemoProgressDialog | None = None
        self._build()
        self._build_menus()
        self._connect()
        self.training_env = TrainingEnvGate(self, self.runs_tab, self.run_manager.settings,
                                            self.prompts)
        self.resize(*DEFAULT_SIZE)
        self.splitter.setSizes([LIST_WIDTH, DEFAULT_SIZE[0] - LIST_WIDTH])
        self.state.restore_window(self, self.splitter)
        self._load()

    # --- building ------------------------------------------------------------

    def _build(self) -> None:
        self.splitter = LineSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.list_panel = ExperimentListPanel(self.controller.model, self.splitter)
        self.list_panel.setMinimumWidth(260)
        panel_layout = self.list_panel.layout()
        assert panel_layout is not None  # the panel lays itself out in its constructor
        panel_layout.addWidget(self._build_list_footer())
        self.detail = DetailView(self.controller, self.prompts, self.splitter)
        self.runs_tab = LazyRunsTab(self.controller, self.prompts, self.detail)
        self.detail.set_runs_page(self.runs_tab)
        self.runs_tab.pageBuilt.connect(self._on_runs_page_built)
        self.right = QStackedWidget(self.splitter)
        self.right.setObjectName("detailStack")
        # No experiment yet: three ways to begin (demo, import a dataset, create one).
        self.welcome = WelcomePage(self.right)
        self.no_selection = EmptyState("overview", "No experiment selected",
                                       "Choose an experiment in the list to see its overview, "
                                       "configuration, runs and adapters.", parent=self.right)
        self.no_selection.setObjectName("noSelectionState")
        self.right.addWidget(self.welcome)
        self.right.addWidget(self.no_selection)
        self.right.addWidget(self.detail)
        self.splitter.addWidget(self.list_panel)
        self.splitter.addWidget(self.right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.setCentralWidget(self.splitter)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("experimentCount")
        self.folder_label = QLabel(str(self.library.root), self)
        self.folder_label.setObjectName("dataFolderLabel")
        self.folder_label.setToolTip("The data folder: database, runs and adapters")
        mute(self.folder_label)
        for label in (self.count_label, self.folder_label):
            label.setContentsMargins(8, 0, 8, 0)
        self.statusBar().addWidget(self.count_label)
        self.statusBar().addPermanentWidget(self.folder_label)

    def _build_list_footer(self) -> QWidget:
        footer = QWidget(self.list_panel)
        layout = QVBoxLayout(footer)
        layout.setContentsMargins(0, 4, 0, 8)
        self.datasets_button = QPushButton(icon("datasets"), "Datasets…", footer)
        self.datasets_button.setObjectName("datasetsButton")
        self.datasets_button.setToolTip("Import folders of clips and inspect your datasets")
        self.datasets_button.setFlat(True)
        layout.addWidget(self.datasets_button, 0, Qt.AlignmentFlag.AlignLeft)
        return footer

    def _action(self, text: str, slot: object,
                shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
                icon_name: str = "", name: str = "") -> QAction:
        action = QAction(text, self)
        if icon_name:
            action.setIcon(icon(icon_name))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if name:
            action.setObjectName(name)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work even with the menu bar hidden
        return action

    def _build_menus(self) -> None:
        self.new_action = self._action("&New Experiment…", self.new_experiment,
                                       QKeySequence.StandardKey.New, "plus", "newExperimentAction")
        self.datasets_action = self._action("&Datasets…", self.open_datasets, "Ctrl+Shift+D",
                                            "datasets", "datasetsAction")
        self.demo_action = self._action("Try the &Demo", self.try_demo, icon_name="waveform",
                                        name="tryDemoAction")
        self.training_env_action = self._action("&Training environment…",
                                                self.open_training_environment,
                                                icon_name="sliders", name="trainingEnvAction")
        self.targets_action = self._action("Run &targets…", self.open_run_targets,
                                           name="runTargetsAction")
        quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.find_action = self._action("&Find Experiment", self.list_panel.focus_search,
                                        QKeySequence.StandardKey.Find, "search", "findAction")
        self.refresh_action = self._action("&Refresh", self.refresh, "F5", "refresh",
                                           "refreshAction")
        self.show_archived_action = QAction("Show &Archived", self)
        self.show_archived_action.setCheckable(True)
        self.show_archived_action.toggled.connect(self.list_panel.archived_toggle.setChecked)
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addActions([self.new_action, self.datasets_action])
        self.generate_action = self._action("&Generate…", lambda: self.generate_actions.open(),
                                            "Ctrl+G", "waveform", "generateAction")
        file_menu.addAction(self.generate_action)
        file_menu.addSeparator()
        file_menu.addAction(self.demo_action)
        file_menu.addAction(self.training_env_action)
        file_menu.addAction(self.targets_action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        experiment_menu = menu.addMenu("&Experiment")
        experiment_menu.addAction(self.list_panel.archive_action)
        experiment_menu.addAction(self.list_panel.unarchive_action)
        view_menu = menu.addMenu("&View")
        view_menu.addActions([self.find_action, self.show_archived_action])
        view_menu.addSeparator()
        view_menu.addAction(self.refresh_action)
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self._action("&About MusicLab", self.show_about))

    def _connect(self) -> None:
        self.run_manager.storageProblem.connect(self._on_storage_problem)
        panel = self.list_panel
        panel.currentExperimentChanged.connect(self._on_current_changed)
        panel.archiveRequested.connect(self.archive)
        panel.unarchiveRequested.connect(self.experiment_actions.unarchive)
        panel.newRequested.connect(self.new_experiment)
        panel.searchChanged.connect(self.controller.set_search)
        panel.showArchivedChanged.connect(self._on_show_archived)
        self.detail.unarchiveRequested.connect(self.experiment_actions.unarchive)
        self.detail.datasetsRequested.connect(self.open_datasets)
        adapters = self.detail.adapters_tab
        adapters.generateRequested.connect(self.generate_actions.open)
        adapters.exportRequested.connect(self.generate_actions.export)
        adapters.mergeRequested.connect(self.generate_actions.merge)
        self.controller.listReloaded.connect(self._sync)
        self.controller.model.rowsRemoved.connect(self._sync)
        self.welcome.demoRequested.connect(self.try_demo)
        self.welcome.importRequested.connect(self.import_dataset)
        self.welcome.createRequested.connect(self.new_experiment)
        self.datasets_button.clicked.connect(lambda: self.open_datasets())

    def _load(self) -> None:
        self.controller.reload()
        last = self.state.last_experiment()
        if last is None or not self.list_panel.select_experiment(last):
            self.list_panel.select_first()
        self._sync()

    # --- commands ------------------------------------------------------------

    def new_experiment(self) -> ExperimentRecord | None:
        dialog = self.make_new_experiment_dialog()
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.created is None:
            return None
        return self.on_experiment_created(dialog.created)

    def make_new_experiment_dialog(self) -> NewExperimentDialog:
        # Imported here, like the Datasets dialog: neither is needed for the first paint.
        from musiclab_desktop.ui.new_experiment_dialog import NewExperimentDialog

        return NewExperimentDialog(self.controller, self.prompts, self)

    def on_experiment_created(self, record: ExperimentRecord) -> ExperimentRecord:
        if not self.list_panel.select_experiment(record.id):
            # Hidden by the search filter: clear it so the new experiment shows.
            self.list_panel.search_edit.clear()
            self.list_panel.apply_search()
            self.list_panel.select_experiment(record.id)
        show_toast(self, f"Created “{printable(record.name)}”")
        return record

    def open_datasets(self, dataset_id: int | None = None) -> None:
        dialog = self.make_datasets_dialog()
        if dataset_id is not None:
            dialog.select_dataset(dataset_id)
        dialog.exec()  # an import announces itself: the detail view follows the notice

    def make_datasets_dialog(self) -> DatasetsDialog:
        from musiclab_desktop.ui.datasets_dialog import DatasetsDialog

        return DatasetsDialog(self.library, self.prompts, self)

    def import_dataset(self) -> DatasetsDialog:
        """The welcome page's path: the Datasets dialog, asking for a folder at once."""
        dialog = self.make_datasets_dialog()
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()  # window-modal, not blocking: the import's progress shows above it
        dialog.start_import()
        return dialog

    def try_demo(self) -> bool:
        """Make the offline demo (tiny model, synthesized clips, an experiment), then show it."""
        if not self.training_env.ready_to_start():
            return False
        if self._demo_running:
            return False
        self._demo_running = True
        from musiclab_desktop.core.demo import DEMO_STEPS

        python = training_interpreter(self.run_manager.settings)
        self.demo_progress = DemoProgressDialog(DEMO_STEPS, self)
        # No parent: the pool thread reports through it, so it must outlive the dialog
        # and the window (the op's closure keeps it alive until the build returns).
        relay = ProgressRelay()
        relay.progressed.connect(self.demo_progress.on_step)
        self.controller.make_demo(self, python, self._on_demo_ready,
                                  lambda index: relay.report(index, len(DEMO_STEPS))).failure(
            self._on_demo_failed).run_in_background()
        self.demo_action.setEnabled(False)
        self.welcome.demo_button.setEnabled(False)
        self.statusBar().showMessage("Preparing the demo: building a tiny MusicGen…")
        self.demo_progress.show()
        return True

    def _demo_done(self) -> None:
        self._demo_running = False
        self.demo_action.setEnabled(True)
        self.welcome.demo_button.setEnabled(True)
        self.statusBar().clearMessage()
        if self.demo_progress is not None:
            self.demo_progress.hide()
            self.demo_progress.deleteLater()
            self.demo_progress = None

    def _on_demo_ready(self, result: DemoResult) -> None:
        self._demo_done()
        self.controller.reload()  # the notice follows; the list must hold it now
        self.select_experiment(result.experiment.id)
        self.detail.tabs.setCurrentIndex(RUNS)
        show_toast(self, "Demo ready: press Start run to train it (about half a minute)",
                   "waveform")

    def _on_demo_failed(self, exc: Exception) -> None:
        self._demo_done()
        self.prompts.error(self, "Cannot prepare the demo", describe_error(exc))

    def open_training_environment(self) -> None:
        self.training_env.open_dialog()

    def open_run_targets(self) -> None:
        from musiclab_desktop.ui.targets_dialog import TargetsDialog

        self.prompts.run_dialog(TargetsDialog(self))

    def refresh(self) -> None:
        self.controller.reload()
        self.detail.refresh()
        show_toast(self, "Refreshed", "refresh")

    def show_about(self) -> None:
        QMessageBox.about(
            self, "About MusicLab",
            f"<b>MusicLab {__version__}</b><p>Fine-tune MusicGen with LoRA on your own "
            f"machine.</p><p>Data folder: {self.library.root}</p>")

    def select_experiment(self, experiment_id: int) -> bool:
        return self.list_panel.select_experiment(experiment_id)

    def archive(self, record: ExperimentRecord) -> ExperimentRecord | None:
        """Archive after settling a Config edit of it: archived, it is read-only."""
        shown = self.detail.experiment()
        if shown is not None and shown.id == record.id and (
                not self.detail.config_tab.resolve_unsaved_changes()):
            return None
        return self.experiment_actions.archive(record)

    # --- reacting ------------------------------------------------------------

    def _on_current_changed(self, record: ExperimentRecord | None) -> None:
        if self._reverting_selection:
            return
        shown = self.detail.experiment()
        leaving = shown is not None and (record is None or record.id != shown.id)
        if leaving and not self.detail.config_tab.resolve_unsaved_changes():
            assert shown is not None
            self._stay_on(shown)
            return
        self.detail.set_experiment(record)
        self.setWindowTitle(f"{printable(record.name)} — MusicLab" if record else "MusicLab")
        if record is not None:
            self.state.set_last_experiment(record.id)
        self._sync()

    def _stay_on(self, shown: ExperimentRecord) -> None:
        """The person chose to keep editing: the list goes back to the edited experiment."""
        self._reverting_selection = True
        try:
            self.list_panel.select_experiment(shown.id)
        finally:
            self._reverting_selection = False
        self._sync()

    def _on_show_archived(self, show: bool) -> None:
        self.show_archived_action.setChecked(show)
        self.controller.set_show_archived(show)

    def _sync(self, *_args: object) -> None:
        """Which page the right side shows, the list's empty text and the count."""
        rows = self.controller.model.rowCount()
        searching = bool(self.controller.search)
        # Only an empty, unfiltered list needs the (one) extra query.
        anything = rows > 0 or searching or self.controller.has_any_experiment()
        if not anything:
            self.right.setCurrentIndex(NO_EXPERIMENTS)
        elif self.list_panel.current_record() is None:
            self.right.setCurrentIndex(NO_SELECTION)
        else:
            self.right.setCurrentIndex(DETAIL)
        self.list_panel.set_empty_text(self._empty_list_text(searching, anything))
        suffix = ", archived included" if self.controller.show_archived else ""
        self.count_label.setText(plural(rows, "experiment") + suffix)

    def _empty_list_text(self, searching: bool, anything: bool) -> str:
        if searching:
            return f"No experiment matches “{self.controller.search}”."
        if anything and not self.controller.show_archived:
            return "Every experiment is archived.\nTurn on “Show archived” to see them."
        return "No experiments yet.\nCreate one with New (Ctrl+N)."

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.detail.config_tab.resolve_unsaved_changes() or (
                not self._stop_training_before_close()):
            event.ignore()
            return
        if self.runs_tab.is_built():
            self.state.save_splitter(RUNS_SPLITTER_KEY, self.runs_page.splitter)
        self.state.save_window(self, self.splitter)
        self.generate_actions.shutdown()
        super().closeEvent(event)

    def _on_runs_page_built(self, page: RunsPage) -> None:
        """The Runs tab's table / terminal / chart sizes, as the person left them."""
        page.generateRequested.connect(self.generate_actions.open)
        state = self.state.splitter_state(RUNS_SPLITTER_KEY)
        if state is not None:
            page.restore_layout(state)

    @property
    def runs_page(self) -> RunsPage:
        """The Runs tab's page (built now if the tab was never shown)."""
        return self.runs_tab.page

    def _on_storage_problem(self, message: str) -> None:
        """A full disk while training: say it where it stays visible; the runner keeps
        the output and writes it when there is room."""
        self.statusBar().showMessage(message)
        show_toast(self, message, "warning")

    def _stop_training_before_close(self) -> bool:
        """Ask before closing over training runs; on yes, stop them keeping all output."""
        active = len(self.run_manager.active_run_ids())
        if not active:
            return True
        if not self.prompts.confirm(self, close_while_training_question(self, active)):
            return False
        self.run_manager.shutdown(cancel_running=True)
        return True

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        # Keyboard users land in the list, ready for arrows, Delete and Ctrl+F.
        QTimer.singleShot(0, self.list_panel.view.setFocus)
