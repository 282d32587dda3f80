"""``musiclab targets setup NAME``: a training environment on a target, over ssh.

The same recipe as the managed environment here (runner/managed_env.py), run on the
target: the app's wheel (built here from a checkout, or the one the bundle carries)
is copied to ``WORK/wheels``, a venv is created in ``WORK/env`` by the target's
Python, the torch build that fits the target's GPU is installed first (chosen by
runner/torch_choice.py from the target's ``nvidia-smi``), then the wheel with the
``train`` extra, and an import check ends it. On success the target's remote Python
becomes the venv's. Every step prints on the terminal as it runs; a step that fails
gives one sentence naming the target and the step.

``--system-site-packages`` lets the venv see the target Python's packages (a cluster
module's torch, say): a torch there that fits is then kept, not installed again.
``--wheelhouse DIR`` installs from a folder of wheels on the target, without an index
(for machines without internet access).
"""

from __future__ import annotations

import dataclasses
import os
import re
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings

from musiclab_desktop.core.errors import InvalidStateError
from musiclab_desktop.runner.install_location import source_root
from musiclab_desktop.runner.managed_env import (
    APP_WHEEL_ENV_VAR,
    SetupResult,
    SetupStep,
    bundled_wheel,
    execute_process,
    failure_message,
    progress_header,
    setup_environment,
)
from musiclab_desktop.runner.targets.model import Target, TargetKind
from musiclab_desktop.runner.targets.ssh import remote_command, run_remote
from musiclab_desktop.runner.torch_choice import (
    CUDA_BUILDS,
    Hardware,
    TorchChoice,
    choose_torch,
    cuda_choice,
    custom_choice,
)

ENV_FOLDER = "env"
WHEELS_FOLDER = "wheels"
_IMPORT_CHECK = ("import torch, transformers, peft, musiclab_desktop; "
                 "print('torch', torch.__version__, 'CUDA', torch.version.cuda, "
                 "'GPUs', torch.cuda.device_count())")
# The target's system, CPU, ROCm and NVIDIA driver, in that order, one per line.
_HARDWARE = ("uname -s; uname -m; "
             "if [ -d /opt/rocm ] || command -v rocminfo >/dev/null 2>&1; then echo rocm; "
             "else echo no-rocm; fi; "
             "if command -v nvidia-smi >/dev/null 2>&1; then echo nvidia-smi; nvidia-smi 2>&1; "
             "else echo no-nvidia-smi; fi")
_PIP_ENV = "PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PYTHONUNBUFFERED=1"
_CUDA_VERSION = re.compile(r"CUDA Version\s*:\s*(\d+)\.(\d+)")  # as torch_choice reads it

Output = Callable[[bytes], None]


@dataclass(frozen=True)
class RemoteStep(SetupStep):
    """A step run on the target over ssh; shown as the remote command, not ssh's own."""

    shown: str = ""

    def display(self) -> str:
        return self.shown or super().display()


@dataclass(frozen=True)
class RemoteSetupPlan:
    """What ``targets setup`` does on ``target``; build it with :func:`make_remote_plan`."""

    target: Target
    root: str  # the target's work folder, absolute
    hardware: Hardware
    torch: TorchChoice
    wheel: Path  # the app's wheel, here
    system_site_packages: bool = False
    wheelhouse: str = ""  # a folder of wheels on the target: install without an index

    @property
    def env_dir(self) -> str:
        return f"{self.root}/{ENV_FOLDER}"

    @property
    def python(self) -> str:
        return f"{self.env_dir}/bin/python"

    @property
    def remote_wheel(self) -> str:
        return f"{self.root}/{WHEELS_FOLDER}/{self.wheel.name}"

    def pip_install(self, *args: str) -> str:
        offline = ["--no-index", "--find-links", self.wheelhouse] if self.wheelhouse else []
        return (f"{_PIP_ENV} {shlex.quote(self.python)} -m pip install "
                + shlex.join([*offline, *args]))

    def scripts(self) -> list[tuple[str, str]]:
        """(title, shell script run on the target), in order; each can run again."""
        python, env = shlex.quote(self.python), shlex.quote(self.env_dir)
        site = " --system-site-packages" if self.system_site_packages else ""
        torch = self.pip_install(*self.torch.pip_args())
        if not self.torch.custom_args:
            # A torch the venv sees already (--system-site-packages) is kept when it fits.
            need_gpu = "torch.cuda.is_available()" if self.torch.index_url and (
                self.torch.key.startswith("cu")) else "True"
            torch = (f'if {python} -c "import torch, sys; sys.exit(0 if {need_gpu} else 1)" '
                     f"2>/dev/null; then echo torch $({python} -c 'import torch; "
                     f"print(torch.__version__)') is there already, and fits; else {torch}; fi")
        return [
            ("Create the environment",
             f"if [ -x {python} ]; then echo {env} exists already; else "
             f"{shlex.quote(self.target.python)} -m venv{site} {env}; fi"),
            (f"Install PyTorch ({self.torch.label})", torch),
            ("Install MusicLab's training packages",
             self.pip_install(f"{self.remote_wheel}[train]")),
            ("Check that torch, transformers and peft import",
             f"{python} -c {shlex.quote(_IMPORT_CHECK)}"),
        ]

    def steps(self) -> list[SetupStep]:
        """The steps as ssh commands (stderr merged into stdout)."""
        host = self.target.ssh_destination[0]
        return [RemoteStep(title, remote_command(self.target, f"({script}) 2>&1"),
                           shown=f"ssh {host}: {script}")
                for title, script in self.scripts()]


# --- making the plan ---------------------------------------------------------------


def make_remote_plan(target: Target, *, torch_args: str = "",
                     system_site_packages: bool = False, wheelhouse: str = "",
                     wheel: Path | None = None) -> RemoteSetupPlan:
    """Look at the target (its work folder, GPU) and build the app's wheel here."""
    root = remote_work_root(target)
    hardware = remote_hardware(target)
    torch = custom_choice(torch_args) or remote_torch(target, hardware)
    return RemoteSetupPlan(target, root, hardware, torch, wheel or app_wheel(),
                           system_site_packages, wheelhouse)


def remote_work_root(target: Target) -> str:
    """The target's work folder as an absolute path (created when missing)."""
    work = target.work_dir
    # A leading ~/ is the remote home: left unquoted so the remote shell expands it.
    quoted = ("~/" + shlex.quote(work[2:])) if work.startswith("~/") else shlex.quote(work)
    result = run_remote(target, f"mkdir -p {quoted}/{WHEELS_FOLDER} && cd {quoted} && pwd")
    if result.code != 0:
        raise InvalidStateError(f"Cannot create the work folder {work} on '{target.name}': "
                                f"{result.stderr.strip()}; choose another work folder.")
    return result.stdout.decode().strip()


def remote_hardware(target: Target) -> Hardware:
    """What decides the target's torch build, as torch_choice.detect_hardware sees it."""
    lines = run_remote(target, _HARDWARE).stdout.decode(errors="replace").splitlines()
    lines += [""] * (4 - len(lines))
    smi_output = "\n".join(lines[4:])
    match = _CUDA_VERSION.search(smi_output)
    cuda = (int(match.group(1)), int(match.group(2))) if match else None
    smi = lines[3] == "nvidia-smi"
    problem = "" if cuda or not smi else (smi_output.strip().splitlines() or ["no output"])[-1]
    return Hardware(lines[0] or "Linux", lines[1], nvidia_smi=smi, cuda=cuda,
                    nvidia_problem=problem, rocm=lines[2] == "rocm")


def remote_torch(target: Target, hardware: Hardware) -> TorchChoice:
    """The torch build for the target. A SLURM login node often has no GPU of its own
    while its GPU nodes do: with GPUs per run set, a CUDA build is assumed there."""
    if (target.kind is TargetKind.SLURM and target.gpus > 0 and hardware.cuda is None
            and not hardware.rocm):
        version, folder = CUDA_BUILDS[1] if len(CUDA_BUILDS) > 1 else CUDA_BUILDS[0]
        return cuda_choice(folder, version, sure=False, reason=(
            "The login node shows no GPU; the cluster's GPU nodes are assumed to be NVIDIA "
            "(choose another build with --torch)."))
    return choose_torch(hardware)


def app_wheel() -> Path:
    """The app's wheel: $MUSICLAB_APP_WHEEL, the bundle's, or built from this checkout."""
    chosen = os.environ.get(APP_WHEEL_ENV_VAR, "").strip()
    found = Path(chosen) if chosen else bundled_wheel("musiclab_desktop")
    if found is not None:
        return found
    root = source_root()
    if root is None:
        raise InvalidStateError("This installation carries no wheel of MusicLab to copy to the "
                                f"target; set {APP_WHEEL_ENV_VAR} to one.")
    folder = Path(tempfile.mkdtemp(prefix="musiclab-wheel-"))
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "--no-build-isolation", "-q", "-w", str(folder), str(root)],
                          capture_output=True, text=True, env=setup_environment())
    wheels = sorted(folder.glob("musiclab_desktop-*.whl"))
    if done.returncode != 0 or not wheels:
        last = (done.stderr.strip().splitlines() or ["no wheel written"])[-1]
        raise InvalidStateError(f"Cannot build MusicLab's wheel from {root}: {last}")
    return wheels[-1]


# --- running it ----------------------------------------------------------------------


def run_remote_setup(plan: RemoteSetupPlan, on_output: Output = lambda _data: None,
                     store: QSettings | None = None) -> SetupResult:
    """Copy the wheel, run the steps in order (blocking, streaming their output), and
    on success point the stored target's remote Python at the venv."""
    steps = plan.steps()
    total = len(steps) + 1
    ran: list[str] = []
    copy = RemoteStep(f"Copy MusicLab's wheel ({plan.wheel.name})",
                      remote_command(plan.target, _receive(plan.remote_wheel)),
                      shown=f"ssh {plan.target.ssh_destination[0]}: cat > {plan.remote_wheel}")
    on_output(progress_header(0, total, copy))
    ran.append(copy.title)
    failed = _copy_wheel(plan, copy)
    if failed:
        return SetupResult(False, failed, ran)
    env = setup_environment()
    for index, step in enumerate(steps, start=1):
        on_output(progress_header(index, total, step))
        tail = bytearray()

        def keep(data: bytes, tail: bytearray = tail) -> None:
            on_output(data)
            tail.extend(data)
            del tail[:-65536]

        ran.append(step.title)
        code = execute_process(step.argv, env, keep)
        if code != 0:
            message = failure_message(step, tail.decode(errors="replace"), code)
            if code == 255:
                message = f"{step.title} failed: the connection to the target broke off."
            return SetupResult(False, f"Setting up '{plan.target.name}': {message}", ran)
    _point_target_at(plan, store)
    return SetupResult(True, f"The run target '{plan.target.name}' trains with {plan.python} "
                             "from now on.", ran)


def _receive(path: str) -> str:
    """Shell script storing stdin as ``path``, whole or not at all."""
    quoted, partial = shlex.quote(path), shlex.quote(path + ".partial")
    return f"cat > {partial} && mv -f {partial} {quoted}"


def _copy_wheel(plan: RemoteSetupPlan, step: SetupStep) -> str:
    """Send the wheel; "" when it arrived, else the sentence saying why not."""
    with plan.wheel.open("rb") as wheel:
        done = subprocess.run(step.argv, stdin=wheel, capture_output=True)
    if done.returncode == 0:
        return ""
    stderr = done.stderr.decode(errors="replace").strip()
    return (f"Setting up '{plan.target.name}': copying the wheel failed"
            f"{' (is the disk or quota full?)' if 'space' in stderr or 'quota' in stderr else ''}"
            f": {(stderr.splitlines() or ['no reason given'])[-1]}")


def _point_target_at(plan: RemoteSetupPlan, store: QSettings | None) -> None:
    """The stored target's remote Python becomes the venv's (when it is stored)."""
    from musiclab_desktop.core.errors import NotFoundError
    from musiclab_desktop.runner.targets.store import add_target, find_target

    try:
        stored = find_target(plan.target.name, store)
    except NotFoundError:
        return
    add_target(dataclasses.replace(stored, python=plan.python), store, replace=True)
