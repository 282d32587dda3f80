"""The generation worker's idle timeout as a window setting: set in the Training
environment dialog, stored, and used by the next worker the Generate window starts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from musiclab_desktop.core.library import Library
from musiclab_desktop.runner.generation_client import (
    IDLE_TIMEOUT_ENV_VAR,
    IDLE_TIMEOUT_KEY,
    generation_idle_timeout,
)
from musiclab_desktop.runner.settings import RunnerSettings
from musiclab_desktop.runner.torch_choice import Hardware
from musiclab_desktop.ui.generate.dialog import GenerateActions
from musiclab_desktop.ui.training_env.dialog import TrainingEnvDialog

from generation_kit import AnsweringPrompts

LINUX = Hardware("Linux", "x86_64", nvidia_smi=False, cuda=None)
WAIT_MS = 60_000


@pytest.fixture
def store(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def open_dialog(qtbot: QtBot, tmp_path: Path, store: QSettings) -> TrainingEnvDialog:
    dialog = TrainingEnvDialog(
        RunnerSettings(),
        AnsweringPrompts(),
        env_dir=tmp_path / "training-env",
        hardware=LINUX,
        store=store,
    )
    qtbot.addWidget(dialog)
    return dialog


def test_the_dialog_stores_the_timeout_and_the_next_worker_uses_it(
    qtbot: QtBot,
    library: Library,
    tmp_path: Path,
    store: QSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(IDLE_TIMEOUT_ENV_VAR, raising=False)
    dialog = open_dialog(qtbot, tmp_path, store)
    spin = dialog.idle_spin
    assert spin.value() == 600 and spin.isEnabled()  # the default: ten minutes
    assert "frees the memory" in spin.toolTip()
    spin.setValue(0)
    assert spin.text() == "never"
    assert generation_idle_timeout(store) == 0.0
    spin.setValue(2)
    assert float(store.value(IDLE_TIMEOUT_KEY)) == 2.0
    assert open_dialog(qtbot, tmp_path, store).idle_spin.value() == 2  # shown again

    window = QWidget()
    qtbot.addWidget(window)
    actions = GenerateActions(window, library, AnsweringPrompts(), RunnerSettings(), store=store)
    client = actions.client
    stopped: list[tuple[str, bool]] = []
    client.workerStopped.connect(lambda *args: stopped.append(args))
    # A request the worker refuses before loading torch: then it waits 2 s and exits.
    target = library.generations.target(None, "unused")
    request = replace(
        library.generations.new_request(target, ["a tone"]),
        adapter_dir=str(tmp_path / "no-such-adapter"),
    )
    with qtbot.waitSignal(client.workerStopped, timeout=WAIT_MS):
        client.submit(request)
    assert client.idle_timeout_s == 2.0
    assert stopped == [("The generation worker stopped after its idle timeout.", False)]

    spin.setValue(300)  # a change applies to the next worker started
    with qtbot.waitSignal(client.requestFinished, timeout=WAIT_MS):
        client.submit(library.generations.new_request(target, [" "]))
    assert client.idle_timeout_s == 300.0 and client.is_running()
    actions.shutdown()


def test_the_environment_variable_wins_and_the_field_says_so(
    qtbot: QtBot, tmp_path: Path, store: QSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.setValue(IDLE_TIMEOUT_KEY, 120)
    monkeypatch.setenv(IDLE_TIMEOUT_ENV_VAR, "7")
    dialog = open_dialog(qtbot, tmp_path, store)
    assert not dialog.idle_spin.isEnabled()
    assert IDLE_TIMEOUT_ENV_VAR in dialog.idle_spin.toolTip()
    assert dialog.idle_spin.value() == 7
    assert generation_idle_timeout(store) == 7.0
