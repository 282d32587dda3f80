"""The scenes that ``python -m musiclab_desktop.ui.screenshots`` photographs."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QStyleFactory, QWidget

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import RunRecord
from musiclab_desktop.ui.datasets_dialog import DatasetsDialog
from musiclab_desktop.ui.detail.view import ADAPTERS, CONFIG, RUNS
from musiclab_desktop.ui.main_window import MainWindow
from musiclab_desktop.ui.ops import wait_for_ops
from musiclab_desktop.ui.prompts import Prompts
from musiclab_desktop.ui.runs.start_run_dialog import StartRunDialog
from musiclab_desktop.ui.sample_data import populate
from musiclab_desktop.ui.window_factory import application, create_main_window

if TYPE_CHECKING:
    from musiclab_desktop.ui.runs.runs_page import RunsPage

FEATURED = "Lo-fi piano, 30 s clips"


class _AlwaysYes(Prompts):
    def confirm(self, parent: QWidget | None, box: QMessageBox) -> bool:
        box.deleteLater()
        return True


def _settle(rounds: int = 6) -> None:
    app = QApplication.instance()
    assert app is not None
    for _ in range(rounds):
        app.processEvents()


def _save(widget: QWidget, path: Path) -> Path:
    _settle()
    pixmap: QPixmap = widget.grab()
    pixmap.save(str(path))
    return path


def _save_and_close(window: QWidget, path: Path) -> Path:
    _save(window, path)
    window.close()
    return path


def _shoot_dialog(dialog: QDialog, window: MainWindow, path: Path) -> Path:
    dialog.show()
    _save(dialog, path)
    dialog.reject()
    window.close()
    return path


def _window(library: Library, root: Path, size: QSize) -> MainWindow:
    settings = QSettings(str(root / f"settings-{size.width()}.ini"), QSettings.Format.IniFormat)
    window = create_main_window(library, settings=settings, prompts=_AlwaysYes())
    window.resize(size)
    window.splitter.setSizes([max(320, size.width() // 4), size.width()])
    window.show()
    _settle()
    return window


def _dialog_size(window: QSize, wanted: QSize) -> QSize:
    return wanted.boundedTo(QSize(window.width() - 80, window.height() - 60))


def _dark_palette() -> QPalette:
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#202124", QPalette.ColorRole.WindowText: "#e8eaed",
        QPalette.ColorRole.Base: "#17181a", QPalette.ColorRole.AlternateBase: "#232427",
        QPalette.ColorRole.Text: "#e8eaed", QPalette.ColorRole.Button: "#2b2c30",
        QPalette.ColorRole.ButtonText: "#e8eaed", QPalette.ColorRole.Highlight: "#3b6fd8",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: "#2b2c30",
        QPalette.ColorRole.ToolTipText: "#e8eaed", QPalette.ColorRole.PlaceholderText: "#9aa0a6",
        QPalette.ColorRole.Mid: "#4a4c50", QPalette.ColorRole.Midlight: "#3a3c40",
        QPalette.ColorRole.Light: "#45474b", QPalette.ColorRole.Dark: "#111214",
        QPalette.ColorRole.Link: "#8ab4f8",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7c8086"))
    return palette


Scene = Callable[[Library, Path, QSize, Path], Path]


def scene_empty(_library: Library, root: Path, size: QSize, out: Path) -> Path:
    empty = Library.open(root / f"empty-{size.width()}")
    try:
        window = _window(empty, root, size)
        path = _save(window, out)
        window.close()
        return path
    finally:
        empty.close()


def scene_experiments(library: Library, root: Path, size: QSize, out: Path) -> Path:
    window = _window(library, root, size)
    window.select_experiment(_id(library, FEATURED))
    return _save_and_close(window, out)


def scene_archived(library: Library, root: Path, size: QSize, out: Path) -> Path:
    window = _window(library, root, size)
    window.list_panel.archived_toggle.setChecked(True)
    chops = _id(library, "Vocal chops")
    window.select_experiment(chops)
    record = window.list_panel.current_record()
    assert record is not None  # selected just above
    window.experiment_actions.archive(record)
    window.select_experiment(_id(library, "Synthwave test"))
    path = _save(window, out)
    library.experiments.unarchive(chops)  # as it was, for the next size
    window.close()
    return path


def scene_new_experiment(library: Library, root: Path, size: QSize, out: Path) -> Path:
    window = _window(library, root, size)
    dialog = window.make_new_experiment_dialog()
    dialog.name_edit.setText("Lo-fi piano, rank 32")
    dialog.description_edit.setPlainText("Same clips as the first experiment, a larger adapter.")
    dialog.dataset_picker.select_dataset(library.datasets.list()[-1].id)
    dialog.set_config_expanded(True)
    dialog.config_form.editor("lora_r").setValue(32)  # type: ignore[attr-defined]
    dialog.resize(_dialog_size(size, QSize(1040, 900)))
    return _shoot_dialog(dialog, window, out)


def scene_config_edit(library: Library, root: Path, size: QSize, out: Path) -> Path:
    window = _window(library, root, size)
    window.select_experiment(_id(library, FEATURED))
    window.detail.tabs.setCurrentIndex(CONFIG)
    tab = window.detail.config_tab
    tab.start_edit()
    tab.form.editor("num_epochs").setValue(6)  # type: ignore[attr-defined]
    tab.form.editor("min_segment_seconds").setValue(35.0)  # type: ignore[attr-defined]
    path = _save(window, out)
    tab.cancel()
    window.close()
    return path


def scene_datasets(library: Library, root: Path, size: QSize, out: Path) -> Path:
    window = _window(library, root, size)
    dialog = DatasetsDialog(library, window.prompts, window)
    dialog.resize(_dialog_size(size, QSize(1180, 720)))
    dialog.select_dataset(next(d.id for d in library.datasets.list() if d.name == "lofi-piano"))
    return _shoot_dialog(dialog, window, out)


def scene_config_view(library: Library, root: Path, size: QSize, out: Path) -> Path:
    window = _window(library, root, size)
    window.select_experiment(_id(library, "Ambient pads, rank 32"))
    window.detail.tabs.setCurrentIndex(CONFIG)
    return _save_and_close(window, out)


def scene_no_dataset(library: Library, root: Path, size: QSize, out: Path) -> Path:
    window = _window(library, root, size)
    window.select_experiment(_id(library, "Vocal chops"))
    return _save_and_close(window, out)


def scene_failed(library: Library, root: Path, size: QSize, out: Path) -> Path:
    window = _window(library, root, size)
    window.select_experiment(_id(library, "Drum loops, high LR"))
    return _save_and_close(window, out)


def scene_adapters(library: Library, root: Path, size: QSize, out: Path) -> Path:
    window = _window(library, root, size)
    window.select_experiment(_id(library, FEATURED))
    window.detail.tabs.setCurrentIndex(ADAPTERS)
    return _save_and_close(window, out)


def scene_generate(library: Library, root: Path, size: QSize, out: Path) -> Path:
    """The Generate window over an adapter, with an A/B pair of takes per prompt."""
    from musiclab_desktop.ui.generate.demo_takes import show_demo_takes

    window = _window(library, root, size)
    adapter = library.adapters.list(_id(library, FEATURED))[0]
    dialog = window.generate_actions.open(adapter.id)
    wait_for_ops()
    _settle()
    show_demo_takes(dialog.panel, library, adapter)
    wait_for_ops()
    _settle(12)
    _save(dialog, out)
    dialog.close()
    return _save_and_close(window, out.with_name(out.stem + "_window.png"))


def _runs_tab(library: Library, root: Path, size: QSize) -> MainWindow:
    window = _window(library, root, size)
    window.select_experiment(_id(library, FEATURED))
    window.detail.tabs.setCurrentIndex(RUNS)
    _settle()
    return window


def _show_run(window: MainWindow, run_name: str) -> None:
    page = window.runs_page
    run = next(r for r in page.model.runs() if r.name == run_name)
    page.select_run(run.id)
    wait_for_ops()
    _settle(12)


def scene_runs_history(library: Library, root: Path, size: QSize, out: Path) -> Path:
    window = _runs_tab(library, root, size)
    _show_run(window, "run-2")
    return _save_and_close(window, out)


def scene_runs_live(library: Library, root: Path, size: QSize, out: Path) -> Path:
    window = _runs_tab(library, root, size)
    _show_run(window, "run-4 (rank 8)")
    return _save_and_close(window, out)


def _compare_first_three(window: MainWindow) -> RunsPage:
    """Check the first three finished runs and compare them; the page once read."""
    page = window.runs_page
    finished = sorted((run for run in page.model.runs() if run.is_terminal), key=lambda r: r.id)
    for run in finished[:3]:
        page.model.set_checked(run.id, True)
    page.request_compare()
    wait_for_ops()
    return page


def scene_runs_compare(library: Library, root: Path, size: QSize, out: Path) -> Path:
    window = _runs_tab(library, root, size)
    _compare_first_three(window)
    _settle(12)
    return _save_and_close(window, out)


SAMPLE_PROMPTS = ["lo-fi piano with rain", "slow jazz piano, tape hiss"]


def _with_samples(library: Library) -> list[RunRecord]:
    """The featured experiment's finished runs, each with samples at five steps."""
    from musiclab_desktop.ui.samples.demo_samples import record_demo_samples

    runs = [run for run in library.runs.list(_id(library, FEATURED)) if run.is_terminal]
    for run in runs:
        if not library.samples.list(run.id):
            record_demo_samples(library, run, SAMPLE_PROMPTS)
    return runs


def _samples_tab(library: Library, root: Path, size: QSize) -> MainWindow:
    _with_samples(library)
    window = _runs_tab(library, root, size)
    page = window.runs_page
    page.detail_tabs.setCurrentWidget(page.samples_view)
    # As a listener would: the splitter dragged to give the samples the chart's room.
    total = sum(page.splitter.sizes())
    page.splitter.setSizes([total // 5, total * 2 // 5, total * 2 // 5])
    return window


def scene_samples_run(library: Library, root: Path, size: QSize, out: Path) -> Path:
    window = _samples_tab(library, root, size)
    _show_run(window, "run-2")
    view = window.runs_page.samples_view
    view.tree.setCurrentIndex(view.model.index_at(150, 0))
    _settle(12)
    return _save_and_close(window, out)


def _compare_samples(window: MainWindow) -> None:
    page = _compare_first_three(window)
    page.detail_tabs.setCurrentWidget(page.samples_view)
    page.detail_scroll.verticalScrollBar().setValue(0)
    total = sum(page.splitter.sizes())  # the grid gets most of the room
    page.splitter.setSizes([total // 5, total * 3 // 5, total // 5])
    _settle(12)


def scene_samples_compare(library: Library, root: Path, size: QSize, out: Path) -> Path:
    window = _samples_tab(library, root, size)
    _compare_samples(window)
    return _save_and_close(window, out)


def scene_samples_blind(library: Library, root: Path, size: QSize, out: Path) -> Path:
    window = _samples_tab(library, root, size)
    _compare_samples(window)
    view = window.runs_page.samples_view
    view.set_blind(True, random.Random(7))
    model = view.compare_panel.model
    first = model.record_at(model.index(0, 0))
    if first is not None:  # one cell rated, the rest still to do
        model.set_rating(first.id, 4)
    _settle(6)
    return _save_and_close(window, out)


def scene_runs_empty(library: Library, root: Path, size: QSize, out: Path) -> Path:
    window = _window(library, root, size)
    window.select_experiment(_id(library, "Jazz trio baseline"))
    window.detail.tabs.setCurrentIndex(RUNS)
    return _save_and_close(window, out)


def scene_start_run(library: Library, root: Path, size: QSize, out: Path) -> Path:
    window = _runs_tab(library, root, size)
    experiment = library.experiments.get(_id(library, FEATURED))
    dialog = StartRunDialog(experiment, library.runs.next_name(experiment.id), window)
    form = dialog.override_form
    form.editor("learning_rate").setValue(1e-4)  # type: ignore[attr-defined]
    form.editor("lora_r").setValue(8)  # type: ignore[attr-defined]
    dialog.resize(_dialog_size(size, QSize(980, 860)))
    return _shoot_dialog(dialog, window, out)


def scene_welcome_demo(_library: Library, root: Path, size: QSize, out: Path) -> Path:
    """The welcome page with the demo's progress dialog at its second step."""
    from musiclab_desktop.core.demo import DEMO_STEPS
    from musiclab_desktop.ui.demo_progress import DemoProgressDialog

    empty = Library.open(root / f"welcome-{size.width()}")
    try:
        window = _window(empty, root, size)
        dialog = DemoProgressDialog(DEMO_STEPS, window)
        dialog.on_step(1)
        dialog.show()
        _settle()
        path = _save(window, out)
        # The dialog is a window of its own: put it over the window's picture, centred
        # as a window manager would.
        picture = QPixmap(str(path))
        painter = QPainter(picture)
        painter.drawPixmap((window.width() - dialog.width()) // 2,
                           (window.height() - dialog.height()) // 2, dialog.grab())
        painter.end()
        picture.save(str(path))
        dialog.close()
        window.close()
        return path
    finally:
        empty.close()


def _annotate_featured(library: Library) -> None:
    runs = library.runs.list(_id(library, FEATURED))
    by_name = {run.name: run.id for run in runs}
    library.runs.annotate(by_name["run-1"], notes="The published recipe, as a baseline.",
                          tags=["baseline"])
    library.runs.annotate(by_name["run-2"], notes="Lower LR: warmer, less hiss.",
                          tags=["keeper", "low lr"])


def scene_runs_filter(library: Library, root: Path, size: QSize, out: Path) -> Path:
    """The filter box with an expression, a setting column, tags and notes."""
    _annotate_featured(library)
    window = _runs_tab(library, root, size)
    page = window.runs_page
    page.finder.set_setting_columns(["learning_rate", "lora_r"])
    page.finder.box.setText("final_loss<2.4 or tag=baseline")
    _show_run(window, "run-2")
    return _save_and_close(window, out)


def scene_runs_chart_maximized(library: Library, root: Path, size: QSize, out: Path) -> Path:
    window = _runs_tab(library, root, size)
    _show_run(window, "run-2")
    window.runs_page.maximize("chart")
    _settle(6)
    return _save_and_close(window, out)


def _sample_targets(root: Path) -> QSettings:
    """Settings holding an SSH host and a SLURM cluster (nothing is contacted)."""
    from musiclab_desktop.runner.targets.model import Target, TargetKind
    from musiclab_desktop.runner.targets.store import save_targets

    store = QSettings(str(root / "targets.ini"), QSettings.Format.IniFormat)
    save_targets([
        Target("gpu-box", TargetKind.SSH, "ana@gpu-box.lan", python="~/venvs/ml/bin/python",
               work_dir="~/musiclab-runs"),
        Target("cluster", TargetKind.SLURM, "login.hpc.example.edu", python="python3",
               work_dir="/scratch/ana/musiclab", gpus=2, partition="gpu", time_limit="4:00:00",
               sbatch_lines=["--account=audio-lab"], modules=["cuda/12.1", "python/3.11"]),
    ], store)
    return store


def scene_run_targets(library: Library, root: Path, size: QSize, out: Path) -> Path:
    """File > Run targets..., with a check's report on the SSH host."""
    from musiclab_desktop.runner.targets.check import CheckReport
    from musiclab_desktop.ui.targets_dialog import TargetsDialog, report_text

    window = _window(library, root, size)
    dialog = TargetsDialog(window, store=_sample_targets(root))
    dialog.check_result.setText(report_text(CheckReport(
        target="gpu-box", python="3.11.9", executable="/home/ana/venvs/ml/bin/python",
        host="gpu-box", torch="2.4.1+cu121", cuda="12.1",
        gpus=["NVIDIA GeForce RTX 4090"])))
    dialog.resize(_dialog_size(size, QSize(860, 560)))
    return _shoot_dialog(dialog, window, out)


def scene_remote_run(library: Library, root: Path, size: QSize, out: Path) -> Path:
    """A run training on an SSH host: same live terminal and chart, its target shown."""
    from musiclab_desktop.runner.targets.run_state import set_run_target

    live = next(r for r in library.runs.list(_id(library, FEATURED))
                if r.name == "run-4 (rank 8)")
    set_run_target(library, live.id, "gpu-box")
    window = _runs_tab(library, root, size)
    _show_run(window, "run-4 (rank 8)")
    return _save_and_close(window, out)


def scene_slurm_queued(library: Library, root: Path, size: QSize, out: Path) -> Path:
    """A run waiting in a SLURM queue: queued, with the scheduler's reason."""
    from musiclab_desktop.runner.targets.run_state import set_run_target

    experiment_id = _id(library, FEATURED)
    run = next((r for r in library.runs.list(experiment_id) if r.name == "run-5 (cluster)"),
               None)
    if run is None:  # the first size shot makes it
        run = library.runs.prepare_start(experiment_id, name="run-5 (cluster)")
        set_run_target(library, run.id, "cluster")  # PENDING: queued
    window = _runs_tab(library, root, size)
    window.runs_page.model.set_target_phase(
        run.id, "preparing_data", "Queued on cluster (SLURM job 41822, PENDING: Resources)")
    _show_run(window, "run-5 (cluster)")
    return _save_and_close(window, out)


SCENES: dict[str, Scene] = {
    "main_empty": scene_empty,
    "welcome_demo_progress": scene_welcome_demo,
    "runs_filter": scene_runs_filter,
    "runs_chart_maximized": scene_runs_chart_maximized,
    "main_experiments": scene_experiments,
    "main_archived_shown": scene_archived,
    "new_experiment_config": scene_new_experiment,
    "config_tab_edit": scene_config_edit,
    "datasets_dialog": scene_datasets,
    # Beyond the list: the other states worth a look.
    "config_tab_view": scene_config_view,
    "overview_no_dataset": scene_no_dataset,
    "overview_failed": scene_failed,
    "adapters_tab": scene_adapters,
    "runs_history": scene_runs_history,
    "runs_live": scene_runs_live,
    "runs_compare": scene_runs_compare,
    "runs_empty": scene_runs_empty,
    "start_run_dialog": scene_start_run,
    "samples_run": scene_samples_run,
    "samples_compare": scene_samples_compare,
    "samples_blind": scene_samples_blind,
    "generate_ab": scene_generate,
    # Run targets (these change the sample library: keep them last).
    "run_targets_dialog": scene_run_targets,
    "remote_run_training": scene_remote_run,
    "slurm_run_queued": scene_slurm_queued,
}


def _id(library: Library, name: str) -> int:
    return next(e.id for e in library.experiments.list(include_archived=True) if e.name == name)


def shoot_everything(root: Path, out_dir: Path, sizes: tuple[tuple[int, int], ...],
                     dark: bool = False) -> list[Path]:
    app = application()
    app.setStyle(QStyleFactory.create("Fusion"))
    app.setEffectEnabled(Qt.UIEffect.UI_AnimateCombo, False)
    library = Library.open(root / "data")
    written: list[Path] = []
    try:
        populate(library, root / "clips")
        for width, height in sizes:
            size = QSize(width, height)
            for name, scene in SCENES.items():
                written.append(scene(library, root, size, out_dir / f"{name}_{width}x{height}.png"))
        if dark:
            app.setPalette(_dark_palette())
            size = QSize(*sizes[0])
            for name in ("main_experiments", "config_tab_edit"):
                out = out_dir / f"{name}_{size.width()}x{size.height()}_dark.png"
                written.append(SCENES[name](library, root, size, out))
    finally:
        library.close()
    return written
