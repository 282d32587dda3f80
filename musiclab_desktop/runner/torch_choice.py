"""Which torch build the managed training environment installs on this machine.

PyTorch publishes one build per accelerator stack, on its own package index: plain
``pip install torch`` on Linux takes a multi-GB CUDA build even on a machine without an
NVIDIA GPU. So the hardware is detected first (``nvidia-smi``, ROCm, Apple silicon)
and the matching index chosen; where the answer is not clear-cut the choice is marked
``sure=False`` and the set-up dialog asks. ``MUSICLAB_TORCH`` (or the setting of the
same meaning) overrides all of it with pip arguments of the user's own.
"""

from __future__ import annotations

import os
import platform
import re
import shlex
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

TORCH_ENV_VAR = "MUSICLAB_TORCH"
PYTORCH_INDEX = "https://download.pytorch.org/whl"
TORCH_REQUIREMENT = "torch"

# The CUDA builds PyTorch publishes, newest first: (CUDA version, index folder). A driver
# runs a build whose CUDA version is at most the one nvidia-smi reports. Update this
# table when PyTorch adds or retires builds.
CUDA_BUILDS: tuple[tuple[tuple[int, int], str], ...] = (
    ((13, 0), "cu130"),
    ((12, 8), "cu128"),
    ((12, 6), "cu126"),
)
ROCM_BUILD = "rocm6.4"

_CUDA_VERSION = re.compile(r"CUDA Version\s*:\s*(\d+)\.(\d+)")


@dataclass(frozen=True)
class Hardware:
    """What decides the torch build: operating system, CPU, NVIDIA driver, ROCm."""

    system: str  # platform.system(): Linux, Windows, Darwin
    machine: str  # platform.machine(): x86_64, AMD64, arm64, aarch64
    nvidia_smi: bool = False  # the NVIDIA driver's tool is installed
    cuda: tuple[int, int] | None = None  # the highest CUDA version the driver supports
    nvidia_problem: str = ""  # nvidia-smi is there but did not answer
    rocm: bool = False

    def describe(self) -> str:
        if self.cuda is not None:
            return f"NVIDIA GPU (driver supports CUDA {self.cuda[0]}.{self.cuda[1]})"
        if self.nvidia_smi:
            return f"NVIDIA driver found, but nvidia-smi failed ({self.nvidia_problem})"
        if self.rocm:
            return "AMD GPU with ROCm"
        if self.system == "Darwin":
            return "Apple silicon (Metal)" if self.machine == "arm64" else "Intel Mac"
        return "No supported GPU found: training uses the CPU"


@dataclass(frozen=True)
class TorchChoice:
    """One way to install torch: a requirement, maybe on PyTorch's index."""

    key: str  # cu128, cpu, rocm6.4, default, custom
    label: str
    requirement: str = TORCH_REQUIREMENT
    index_url: str | None = None
    sure: bool = True  # False: the dialog asks before using it
    reason: str = ""
    custom_args: tuple[str, ...] = ()  # MUSICLAB_TORCH's own pip arguments

    def pip_args(self) -> list[str]:
        """What follows ``pip install`` for this build."""
        if self.custom_args:
            return list(self.custom_args)
        args = [self.requirement]
        if self.index_url:
            # --index-url, not --extra-index-url: PyPI's torch must not win the resolve.
            args += ["--index-url", self.index_url]
        return args


def cuda_choice(folder: str, version: tuple[int, int], sure: bool = True,
                reason: str = "") -> TorchChoice:
    return TorchChoice(folder, f"CUDA {version[0]}.{version[1]} build (NVIDIA GPU)",
                       index_url=f"{PYTORCH_INDEX}/{folder}", sure=sure, reason=reason)


def cpu_choice(hardware: Hardware, sure: bool = True, reason: str = "") -> TorchChoice:
    # Windows' and macOS's default torch is the CPU (or Metal) build already; Linux's
    # is CUDA, so Linux takes PyTorch's CPU index (a ~200 MB download instead of GBs).
    index = f"{PYTORCH_INDEX}/cpu" if hardware.system in ("Linux", "Windows") else None
    return TorchChoice("cpu", "CPU only", index_url=index, sure=sure, reason=reason)


def default_choice(sure: bool = True, reason: str = "") -> TorchChoice:
    return TorchChoice("default", "PyPI default build", sure=sure, reason=reason)


def rocm_choice(sure: bool = False, reason: str = "") -> TorchChoice:
    return TorchChoice(ROCM_BUILD, "ROCm build (AMD GPU)",
                       index_url=f"{PYTORCH_INDEX}/{ROCM_BUILD}", sure=sure, reason=reason)


def choose_torch(hardware: Hardware) -> TorchChoice:
    """The build that fits ``hardware``; ``sure=False`` where a person should confirm."""
    if hardware.system == "Darwin":
        if hardware.machine == "arm64":
            return default_choice(reason="Apple silicon: PyPI's torch includes Metal (MPS).")
        return default_choice(sure=False, reason=(
            "PyTorch no longer publishes current builds for Intel Macs; the install may "
            "fail. Consider pointing MusicLab at an existing Python with torch instead."))
    if hardware.cuda is not None:
        for version, folder in CUDA_BUILDS:
            if hardware.cuda >= version:
                return cuda_choice(folder, version, reason=(
                    f"The NVIDIA driver supports CUDA {hardware.cuda[0]}.{hardware.cuda[1]}."))
        oldest = CUDA_BUILDS[-1][0]
        return cpu_choice(hardware, sure=False, reason=(
            f"The NVIDIA driver supports only CUDA {hardware.cuda[0]}.{hardware.cuda[1]}; "
            f"GPU training needs a driver for CUDA {oldest[0]}.{oldest[1]} or newer. "
            "Update the driver, or train on the CPU."))
    if hardware.nvidia_smi:
        version, folder = CUDA_BUILDS[1] if len(CUDA_BUILDS) > 1 else CUDA_BUILDS[0]
        return cuda_choice(folder, version, sure=False, reason=(
            f"nvidia-smi did not answer ({hardware.nvidia_problem}): is the driver loaded?"))
    if hardware.rocm:
        return rocm_choice(reason="ROCm is installed; check that your GPU is supported.")
    return cpu_choice(hardware, reason="No NVIDIA or AMD GPU found.")


def torch_options(hardware: Hardware, override: str = "") -> list[TorchChoice]:
    """Every build worth offering, the recommended one first (the override before it)."""
    recommended = choose_torch(hardware)
    options = [recommended]
    custom = custom_choice(override)
    if custom is not None:
        options.insert(0, custom)
    if hardware.system != "Darwin":
        options += [cuda_choice(folder, version) for version, folder in CUDA_BUILDS]
        if hardware.system == "Linux":
            options.append(rocm_choice())
        options.append(cpu_choice(hardware))
    else:
        options.append(default_choice())
    seen: set[str] = set()
    unique = []
    for option in options:
        if option.key not in seen:
            seen.add(option.key)
            unique.append(option)
    return unique


def custom_choice(value: str) -> TorchChoice | None:
    """``MUSICLAB_TORCH``-style pip arguments (e.g. ``torch==2.13.0 --index-url URL``)."""
    args = tuple(shlex.split(value.strip()))
    if not args:
        return None
    return TorchChoice("custom", f"Custom: {' '.join(args)}", custom_args=args,
                       reason=f"Chosen with {TORCH_ENV_VAR} or the settings.")


def torch_override(stored: str = "") -> str:
    """The user's own torch pip arguments: the environment variable, else the setting."""
    return os.environ.get(TORCH_ENV_VAR, "").strip() or stored.strip()


Runner = Callable[..., subprocess.CompletedProcess[str]]


def detect_hardware(*, run: Runner = subprocess.run,
                    which: Callable[[str], str | None] = shutil.which,
                    system: str | None = None, machine: str | None = None,
                    rocm_dir: Path = Path("/opt/rocm")) -> Hardware:
    """Look at this machine (runs nvidia-smi: call it off the GUI thread)."""
    system = system or platform.system()
    machine = machine or platform.machine()
    smi = which("nvidia-smi")
    cuda: tuple[int, int] | None = None
    problem = ""
    if smi:
        try:
            result = run([smi], capture_output=True, text=True, timeout=15)
            match = _CUDA_VERSION.search(result.stdout or "")
            if match:
                cuda = (int(match.group(1)), int(match.group(2)))
            else:
                lines = (result.stderr or result.stdout or "").strip().splitlines()
                problem = lines[-1] if lines else f"exit code {result.returncode}"
        except (OSError, subprocess.TimeoutExpired) as exc:
            problem = str(exc) or type(exc).__name__
    rocm = system == "Linux" and (which("rocminfo") is not None or rocm_dir.is_dir())
    return Hardware(system, machine, nvidia_smi=bool(smi), cuda=cuda,
                    nvidia_problem=problem, rocm=rocm)
