"""``musiclab targets setup``: a training environment on a target, over the loopback sshd.

A real install (torch, transformers, PySide6 from an index) takes minutes and needs the
internet, so the loopback tests create the real venv (``--system-site-packages``) and
copy the real wheel, and let pip fail offline (an empty ``--wheelhouse``) or run
stand-in install steps; the plan's choices are checked for the GPUs this machine lacks.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from musiclab_desktop.runner.targets.model import Target, TargetKind
from musiclab_desktop.runner.targets.remote_env import (
    RemoteSetupPlan,
    app_wheel,
    make_remote_plan,
    remote_torch,
    run_remote_setup,
)
from musiclab_desktop.runner.targets.ssh import SSH_CONFIG_ENV_VAR
from musiclab_desktop.runner.targets.store import add_target, find_target
from musiclab_desktop.runner.torch_choice import Hardware

from remote_kit import SSH_ALIAS, Loopback

pytestmark = [pytest.mark.remote]
MUSICLAB = str(Path(sys.executable).with_name("musiclab"))


@pytest.fixture(scope="module")
def wheel() -> Path:
    return app_wheel()  # built from this checkout, once


def test_the_plan_installs_the_torch_build_of_the_targets_gpu(wheel: Path) -> None:
    target = Target(name="gpu-box", kind=TargetKind.SSH, host="me@gpu-box",
                    work_dir="~/musiclab-runs")
    nvidia = Hardware("Linux", "x86_64", nvidia_smi=True, cuda=(12, 9))
    plan = RemoteSetupPlan(target, "/home/me/musiclab-runs", nvidia, remote_torch(target, nvidia),
                           wheel)
    scripts = dict(plan.scripts())
    assert plan.python == "/home/me/musiclab-runs/env/bin/python"
    torch_step = scripts["Install PyTorch (CUDA 12.8 build (NVIDIA GPU))"]
    assert "torch --index-url https://download.pytorch.org/whl/cu128" in torch_step
    # A torch the venv already sees is kept only when it reaches the GPU.
    assert "torch.cuda.is_available()" in torch_step
    assert scripts["Create the environment"].endswith(
        "python3 -m venv /home/me/musiclab-runs/env; fi")
    assert f"/home/me/musiclab-runs/wheels/{wheel.name}[train]" in scripts[
        "Install MusicLab's training packages"]
    # A SLURM login node without a GPU: its GPU nodes' CUDA build, to be confirmed.
    cluster = dataclasses.replace(target, kind=TargetKind.SLURM, gpus=2)
    login = Hardware("Linux", "x86_64")
    assert remote_torch(cluster, login).key.startswith("cu")
    assert not remote_torch(cluster, login).sure
    assert remote_torch(dataclasses.replace(cluster, gpus=0), login).key == "cpu"


def test_setup_creates_the_venv_copies_the_wheel_and_names_the_failed_step(
        loopback: Loopback, tmp_path: Path, wheel: Path) -> None:
    env = {**os.environ, SSH_CONFIG_ENV_VAR: str(loopback.ssh.config),
           "XDG_CONFIG_HOME": str(tmp_path / "settings"),
           "MUSICLAB_DATA_DIR": str(tmp_path / "data"), "MUSICLAB_APP_WHEEL": str(wheel)}
    work = tmp_path / "work"
    empty = tmp_path / "wheelhouse"  # no wheels: pip fails at once, without the network
    empty.mkdir()
    subprocess.run([MUSICLAB, "targets", "add", "loop", "--host", SSH_ALIAS, "--python",
                    sys.executable, "--work-dir", str(work), "--gpus", "0"], env=env,
                   check=True, capture_output=True)
    done = subprocess.run([MUSICLAB, "targets", "setup", "loop", "--system-site-packages",
                           "--wheelhouse", str(empty)], env=env, capture_output=True,
                          text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert done.returncode != 0
    # Streamed step by step, then one sentence naming the target and the step.
    for header in ("[1/5] Copy MusicLab's wheel", "[2/5] Create the environment",
                   "[3/5] Install PyTorch (CPU only)"):
        assert header in done.stderr
    assert "[4/5]" not in done.stderr
    assert "Setting up 'loop': Install PyTorch (CPU only) failed: ERROR: " in done.stderr
    assert (work / "wheels" / wheel.name).read_bytes() == wheel.read_bytes()
    config = (work / "env" / "pyvenv.cfg").read_text()
    assert "include-system-site-packages = true" in config
    assert (work / "env" / "bin" / "python").exists()
    listed = subprocess.run([MUSICLAB, "targets", "list", "--json"], env=env,
                            capture_output=True, text=True, check=True).stdout
    assert f'"python": "{sys.executable}"' in listed  # not pointed at a broken venv


class StandIn(RemoteSetupPlan):
    """The real venv and wheel; in place of the downloads, steps that install nothing."""

    def scripts(self) -> list[tuple[str, str]]:
        real = super().scripts()
        return [real[0], ("Install PyTorch", "echo torch skipped"),
                ("Install MusicLab's training packages", f"{self.python} -m pip --version"),
                ("Check", f"{self.python} -c 'import sys; print(sys.prefix)'")]


def stand_in(target: Target, wheel: Path) -> StandIn:
    plan = make_remote_plan(target, wheel=wheel)
    return StandIn(**{field.name: getattr(plan, field.name) for field in dataclasses.fields(plan)})


def test_a_finished_setup_points_the_target_at_the_venv(
        loopback: Loopback, tmp_path: Path, wheel: Path) -> None:
    store = QSettings(str(tmp_path / "targets.ini"), QSettings.Format.IniFormat)
    target = Target(name="loop", kind=TargetKind.SSH, host=SSH_ALIAS, python=sys.executable,
                    work_dir=str(tmp_path / "work"), gpus=0)
    add_target(target, store)
    plan = stand_in(target, wheel)
    assert plan.hardware.cuda is None and plan.torch.key == "cpu"  # no GPU here
    output = bytearray()
    result = run_remote_setup(plan, output.extend, store)
    assert result.ok, result.message
    assert result.ran == [f"Copy MusicLab's wheel ({wheel.name})", "Create the environment",
                          "Install PyTorch", "Install MusicLab's training packages", "Check"]
    assert f"{plan.env_dir}\n".encode() in output  # the venv's own sys.prefix
    assert find_target("loop", store).python == f"{tmp_path}/work/env/bin/python"


def test_the_dialogs_set_up_button_streams_the_steps_and_shows_the_new_python(
        loopback: Loopback, tmp_path: Path, wheel: Path, qtbot, monkeypatch) -> None:
    from musiclab_desktop.ui import targets_dialog
    from musiclab_desktop.ui.targets_dialog import TargetsDialog

    monkeypatch.setattr(targets_dialog, "make_remote_plan",
                        lambda target: stand_in(target, wheel))
    store = QSettings(str(tmp_path / "targets.ini"), QSettings.Format.IniFormat)
    add_target(Target(name="loop", kind=TargetKind.SSH, host=SSH_ALIAS, python=sys.executable,
                      work_dir=str(tmp_path / "work"), gpus=0), store)
    dialog = TargetsDialog(store=store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.setup_button.click()
    assert not dialog.setup_button.isEnabled()
    qtbot.waitUntil(dialog.setup_button.isEnabled, timeout=120_000)
    venv_python = f"{tmp_path}/work/env/bin/python"
    assert dialog.check_result.text() == (f"The run target 'loop' trains with {venv_python} "
                                          "from now on.")
    shown = dialog.setup_terminal.plain_text()
    assert "[2/5] Create the environment" in shown and "[5/5] Check" in shown
    assert dialog.python_edit.text() == venv_python
