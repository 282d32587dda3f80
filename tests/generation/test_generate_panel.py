"""The Generate window driven like a person would: File > Generate, prompts, A/B against
the base, takes listed, drawn and exported; the Adapters tab's Export and Merge."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.models import Adapter
from musiclab_desktop.ui.main_window import MainWindow

from generation_kit import AnsweringPrompts, read_wav

WAIT_MS = 240_000


def test_generate_window_makes_an_ab_pair_and_exports_it(
        qtbot: QtBot, library: Library, adapters: list[Path], tiny_model_dir: Path,
        tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MUSICLAB_GENERATION_IDLE_S", "0")
    experiment = library.experiments.create("tiny")
    with library.transaction() as session:
        row = Adapter(name="tiny-run-1", path=str(adapters[0]), base_model=str(tiny_model_dir),
                      lora_r=4, lora_alpha=8, lora_targets="q_proj", final_loss=3.0,
                      experiment_id=experiment.id)
        session.add(row)
        session.flush()
        adapter_id = row.id
    prompts = AnsweringPrompts()
    window = MainWindow(library, settings=QSettings(str(tmp_path / "s.ini"),
                                                    QSettings.Format.IniFormat), prompts=prompts)
    qtbot.addWidget(window)
    window.show()

    window.generate_action.trigger()
    dialog = window.generate_actions.dialog
    assert dialog is not None and dialog.isVisible()
    panel = dialog.panel
    assert panel.objectName() == "generatePanel"
    qtbot.waitUntil(lambda: panel.target_combo.count() == 1)
    assert panel.target_combo.currentData() == adapter_id
    assert not panel.generate_button.isEnabled()  # no prompt yet
    panel.prompts_edit.setPlainText("calm low sine tone\n")
    panel.seconds_spin.setValue(1.0)
    panel.seed_spin.setValue(11)
    panel.ab_check.setChecked(True)
    qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    assert panel.busy() and panel.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: not panel.busy(), timeout=WAIT_MS)

    takes = panel.model.takes()
    assert sorted(take.source for take in takes) == ["base", "tiny-run-1"], panel.status.text()
    assert "2 take(s) ready" in panel.status.text()
    by_source = {take.source: take.record for take in takes}
    assert by_source["tiny-run-1"].adapter_id == adapter_id
    assert by_source["base"].adapter_id is None
    assert by_source["base"].seed == by_source["tiny-run-1"].seed == 11
    assert not np.array_equal(read_wav(by_source["base"].file),
                              read_wav(by_source["tiny-run-1"].file))
    assert len(library.generations.list()) == 2
    qtbot.waitUntil(lambda: not panel.audio_plot.showing_message())  # the first take drawn

    prompts.save_path = str(tmp_path / "export" / "take.wav")
    assert panel.export_button.isEnabled()
    qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    exported = Path(prompts.save_path)
    assert exported.read_bytes() == panel.current_take().record.file.read_bytes()

    tab = window.detail.adapters_tab
    tab.set_adapters(library.adapters.list(experiment.id))
    prompts.folder = str(tmp_path / "shared")
    assert tab.share_button.isEnabled()
    tab.export_action.trigger()
    shipped = tmp_path / "shared" / "tiny-run-1"
    assert (shipped / "adapter_config.json").is_file() and (shipped / "README.md").is_file()
    assert prompts.errors == []
    actions = window.generate_actions
    tab.merge_action.trigger()  # off the GUI thread, in the training interpreter
    qtbot.waitUntil(lambda: actions.last_merged is not None or bool(prompts.errors),
                    timeout=WAIT_MS)
    assert prompts.errors == []
    assert actions.last_merged == tmp_path / "shared" / "tiny-run-1-merged"
    assert (actions.last_merged / "config.json").is_file()
    assert not (actions.last_merged / "adapter_config.json").exists()

    client = window.generate_actions.client
    assert client.is_running()  # warm for the next request
    window.close()
    assert not client.is_running()
