"""The managed training environment of the packaged app: a venv with torch and the app.

The installer carries the GUI alone; training needs torch, transformers and peft. On
first use the app creates a virtual environment in the data folder
(``DATA/training-env``), installs the torch build that fits the machine and then its
own wheel (shipped inside the bundle) with the ``train`` extra:

1. ``BASE_PYTHON -m venv ENV`` — the frozen app has no ``python -m venv`` of its own,
   so a system Python 3.11+ creates it (found by :func:`find_base_python`). When the
   bundle carries pip's wheel, the venv is made ``--without-pip`` and pip installed
   from that wheel, which also works where the system Python lacks ensurepip.
2. ``ENV/python -m pip install <torch build>`` — FIRST, because the ``train`` extra's
   plain ``torch`` requirement would otherwise resolve to PyPI's multi-GB CUDA build.
3. ``ENV/python -m pip install <app wheel>[train]`` — torch is already satisfied.
4. ``ENV/python -c "import torch, transformers, peft"`` — the runner's own probe
   (:mod:`musiclab_desktop.runner.training_probe`).

Re-running continues where a run stopped: the venv is kept, a step whose result is
there is skipped, and pip skips what is installed. A marker file written last says
the environment is complete and for which app version. This module is plain Python
(subprocess for the blocking runner used by tests); the GUI drives the same steps
through QProcess in :mod:`musiclab_desktop.runner.managed_env_setup`.
"""

from __future__ import annotations

import io
import json
import os
import shlex
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from musiclab_desktop import __version__
from musiclab_desktop.core.data_folder import resolve_data_dir
from musiclab_desktop.core.errors import InvalidStateError
from musiclab_desktop.runner.install_location import (
    bundle_dir,
    is_frozen,
    restore_library_path,
    source_root,
)
from musiclab_desktop.runner.torch_choice import TorchChoice
from musiclab_desktop.runner.training_probe import training_probe_command

ENV_FOLDER = "training-env"
MARKER_NAME = "musiclab-env.json"
MIN_PYTHON = (3, 11)
BASE_PYTHON_ENV_VAR = "MUSICLAB_BASE_PYTHON"  # the Python that creates the venv
APP_WHEEL_ENV_VAR = "MUSICLAB_APP_WHEEL"  # install this wheel instead of the bundled one

OFFLINE_MESSAGE = ("Could not reach the package index; connect to the internet or point "
                   "Settings at an existing Python that has torch, transformers and peft.")
CANCELLED_MESSAGE = ("Set-up cancelled. Everything installed so far is kept: set up again "
                     "to continue where it stopped.")
NOT_SET_UP_MESSAGE = (
    "The training environment is not set up yet. Open File > Training environment… in "
    "MusicLab to create it, or set MUSICLAB_TRAINING_PYTHON to a Python that has torch, "
    "transformers and peft.")
NO_PYTHON_MESSAGE = (
    "Setting up training needs Python {major}.{minor} or newer on this computer to create "
    "the environment, and none was found. Install it (Linux: your package manager, e.g. "
    "sudo apt install python3 python3-venv; macOS and Windows: python.org), or point "
    "Settings at an existing Python that has torch, transformers and peft.")

# pip's words when the index cannot be reached: DNS, refused or dropped connections,
# proxies, TLS interception. Any of them turns a failed step into OFFLINE_MESSAGE.
_NETWORK_SIGNS = (
    "Failed to establish a new connection", "Temporary failure in name resolution",
    "Name or service not known", "nodename nor servname provided", "getaddrinfo failed",
    "Network is unreachable", "No route to host", "Connection refused",
    "NewConnectionError", "ConnectTimeoutError", "Read timed out", "ProxyError",
    "Could not fetch URL", "connection broken by", "CERTIFICATE_VERIFY_FAILED",
    "Max retries exceeded",
)
_DISK_FULL_SIGNS = ("No space left on device", "[Errno 28]")
_NO_ENSUREPIP_SIGNS = ("ensurepip is not available", "No module named ensurepip")


# --- where things are -----------------------------------------------------------

def default_env_dir() -> Path:
    """``training-env`` in the data folder ($MUSICLAB_DATA_DIR or the platform's).

    Not the ``--data-dir`` of one invocation: the environment weighs gigabytes, so all
    the data folders a person opens share the one in their default data folder.
    """
    return resolve_data_dir() / ENV_FOLDER


def env_python(env_dir: Path) -> Path:
    if sys.platform == "win32":
        return env_dir / "Scripts" / "python.exe"
    return env_dir / "bin" / "python"


def env_has_pip(env_dir: Path) -> bool:
    patterns = ("Lib/site-packages/pip/__init__.py", "lib/python3*/site-packages/pip/__init__.py")
    return any(any(env_dir.glob(pattern)) for pattern in patterns)


def read_marker(env_dir: Path) -> dict[str, object] | None:
    try:
        data = json.loads((env_dir / MARKER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def env_ready(env_dir: Path) -> bool:
    """Complete, and made for this version of the app (an update re-runs the set-up)."""
    marker = read_marker(env_dir)
    return (marker is not None and marker.get("app_version") == __version__
            and env_python(env_dir).exists())


def managed_python(env_dir: Path | None = None) -> str:
    """The managed environment's Python; InvalidStateError when it is not ready."""
    env_dir = env_dir or default_env_dir()
    if not env_ready(env_dir):
        raise InvalidStateError(NOT_SET_UP_MESSAGE)
    return str(env_python(env_dir))


def bundled_wheel(prefix: str) -> Path | None:
    """The newest ``wheels/PREFIX-*.whl`` shipped inside the frozen bundle."""
    root = bundle_dir()
    if root is None:
        return None
    wheels = sorted((root / "wheels").glob(f"{prefix}-*.whl"))
    return wheels[-1] if wheels else None


def app_requirement() -> str:
    """What pip installs for the app, with the ``train`` extra, exactly this version.

    The wheel in the bundle (or $MUSICLAB_APP_WHEEL); from a checkout, the checkout
    itself; else the same version from the package index.
    """
    chosen = os.environ.get(APP_WHEEL_ENV_VAR, "").strip()
    wheel = Path(chosen) if chosen else bundled_wheel("musiclab_desktop")
    if wheel is not None:
        return f"{wheel}[train]"
    root = source_root()
    if root is not None:
        return f"{root}[train]"
    return f"musiclab-desktop[train]=={__version__}"


def setup_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of set-up commands: the user's own, as if the app were not there.

    The PyInstaller bootloader points the library search path at the bundle; a system
    Python or pip must not load the bundle's libraries. PYTHONPATH and PYTHONHOME would
    make pip see (and skip) packages that are not in the venv.
    """
    env = dict(os.environ if base is None else base)
    restore_library_path(env)
    for name in ("PYTHONPATH", "PYTHONHOME", "PIP_REQUIRE_VIRTUALENV", "VIRTUAL_ENV"):
        env.pop(name, None)
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env.setdefault("PIP_NO_INPUT", "1")
    return env


# --- the Python that creates the venv ----------------------------------------------

@dataclass(frozen=True)
class BasePython:
    path: str
    version: tuple[int, int]


_PROBE = "import sys, venv; print(sys.version_info[0], sys.version_info[1]); print(sys.executable)"


def base_python_candidates() -> list[list[str]]:
    """Commands that may start a Python able to create the venv, best first."""
    candidates: list[list[str]] = []
    chosen = os.environ.get(BASE_PYTHON_ENV_VAR, "").strip()
    if chosen:
        candidates.append([chosen])
    if not is_frozen():
        candidates.append([sys.executable])  # from source: the Python running the app
    if sys.platform == "win32":
        candidates += [["py", "-3.13"], ["py", "-3.12"], ["py", "-3.11"], ["python"]]
    else:
        candidates += [["python3.13"], ["python3.12"], ["python3.11"], ["python3"], ["python"]]
        if sys.platform == "darwin":  # python.org and Homebrew, when not on PATH
            candidates += [["/Library/Frameworks/Python.framework/Versions/Current/bin/python3"],
                           ["/opt/homebrew/bin/python3"], ["/usr/local/bin/python3"]]
    return candidates


def probe_base_python(command: list[str], timeout_s: float = 20.0) -> BasePython | None:
    try:
        result = subprocess.run([*command, "-c", _PROBE], capture_output=True, text=True,
                                timeout=timeout_s, env=setup_environment())
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = result.stdout.split("\n")
    if result.returncode != 0 or len(lines) < 2:
        return None
    try:
        major, minor = (int(part) for part in lines[0].split())
    except ValueError:
        return None
    return BasePython(lines[1].strip() or command[0], (major, minor))


def find_base_python(candidates: list[list[str]] | None = None,
                     probe: Callable[[list[str]], BasePython | None] = probe_base_python,
                     ) -> BasePython:
    """The first candidate that is Python 3.11+ with venv; InvalidStateError if none is."""
    for command in candidates if candidates is not None else base_python_candidates():
        found = probe(command)
        if found is not None and found.version >= MIN_PYTHON:
            return found
    raise InvalidStateError(NO_PYTHON_MESSAGE.format(major=MIN_PYTHON[0], minor=MIN_PYTHON[1]))


# --- the plan ------------------------------------------------------------------------

@dataclass(frozen=True)
class SetupStep:
    title: str
    argv: list[str]
    needed: Callable[[], bool] = field(default=lambda: True, compare=False)

    def display(self) -> str:
        return shlex.join(self.argv)


@dataclass(frozen=True)
class SetupPlan:
    """Everything a set-up run does; build it with :func:`make_plan`."""

    env_dir: Path
    torch: TorchChoice
    app_requirement: str
    base_python: str | None = None  # None when the venv exists already
    pip_wheel: Path | None = None

    @property
    def python(self) -> Path:
        return env_python(self.env_dir)

    def steps(self) -> list[SetupStep]:
        python = str(self.python)
        venv_args = ["--without-pip"] if self.pip_wheel is not None else []
        steps = [SetupStep(
            "Create the environment",
            [self.base_python or sys.executable, "-m", "venv", *venv_args, str(self.env_dir)],
            needed=lambda: not self.python.exists())]
        if self.pip_wheel is not None:
            wheel = str(self.pip_wheel)
            # pip runs from its own wheel (a zip with __main__) to install itself.
            steps.append(SetupStep(
                "Install pip", [python, f"{wheel}/pip", "install", "--no-index", wheel],
                needed=lambda: not env_has_pip(self.env_dir)))
        steps += [
            SetupStep("Install PyTorch (" + self.torch.label + ")",
                      [python, "-m", "pip", "install", *self.torch.pip_args()]),
            SetupStep("Install MusicLab's training packages",
                      [python, "-m", "pip", "install", self.app_requirement]),
            SetupStep("Check that torch, transformers and peft import",
                      training_probe_command(python)),
        ]
        return steps


def make_plan(torch: TorchChoice, env_dir: Path | None = None,
              base_python: str | None = None) -> SetupPlan:
    """The plan for this machine; finds a base Python only when the venv is missing.

    Runs probe processes: call it off the GUI thread.
    """
    env_dir = env_dir or default_env_dir()
    if base_python is None and not env_python(env_dir).exists():
        base_python = find_base_python().path
    return SetupPlan(env_dir=env_dir, torch=torch, app_requirement=app_requirement(),
                     base_python=base_python, pip_wheel=bundled_wheel("pip"))


def write_marker(plan: SetupPlan) -> None:
    marker = {
        "app_version": __version__,
        "torch": plan.torch.pip_args(),
        "app_requirement": plan.app_requirement,
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    (plan.env_dir / MARKER_NAME).write_text(json.dumps(marker, indent=2), encoding="utf-8")


def clear_marker(env_dir: Path) -> None:
    """A set-up run is starting: until it ends well, the environment is not ready."""
    (env_dir / MARKER_NAME).unlink(missing_ok=True)


def failure_message(step: SetupStep, output: str, exit_code: int) -> str:
    """One sentence for a failed step, from its exit code and the end of its output."""
    if any(sign in output for sign in _NETWORK_SIGNS):
        return OFFLINE_MESSAGE
    if any(sign in output for sign in _DISK_FULL_SIGNS):
        return ("The disk is full: the training environment needs a few GB free in the "
                "data folder's disk; free some space, then set up again.")
    if any(sign in output for sign in _NO_ENSUREPIP_SIGNS):
        return ("This Python cannot create environments with pip (on Debian and Ubuntu: "
                "sudo apt install python3-venv), then set up again.")
    errors = [line.strip() for line in output.splitlines() if line.strip()]
    flagged = [line for line in errors if line.startswith(("ERROR:", "error:"))]
    last = (flagged or errors or [f"exit code {exit_code}"])[-1]
    return f"{step.title} failed: {last}"


def progress_header(index: int, total: int, step: SetupStep) -> bytes:
    """The line the terminal shows before a step's output (bold, like a shell prompt)."""
    return f"\x1b[1m[{index + 1}/{total}] {step.title}\x1b[0m\n$ {step.display()}\n".encode()


def skipped_line(index: int, total: int, step: SetupStep) -> bytes:
    return f"\x1b[1m[{index + 1}/{total}] {step.title}\x1b[0m: already done\n".encode()


# --- running it without Qt (tests, scripts) ---------------------------------------------

@dataclass
class SetupResult:
    ok: bool
    message: str
    ran: list[str] = field(default_factory=list)  # titles of the steps that ran


Execute = Callable[[list[str], dict[str, str], Callable[[bytes], None]], int]


def execute_process(argv: list[str], env: dict[str, str],
                    on_output: Callable[[bytes], None]) -> int:
    """Run ``argv`` with stdout and stderr merged, streaming them to ``on_output``."""
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          stdin=subprocess.DEVNULL, env=env) as process:
        # Buffered by default (bufsize -1): read1 returns what is there, not a full block.
        assert isinstance(process.stdout, io.BufferedReader)
        while chunk := process.stdout.read1(65536):
            on_output(chunk)
        return process.wait()


def run_setup(plan: SetupPlan, on_output: Callable[[bytes], None] = lambda _data: None,
              execute: Execute = execute_process) -> SetupResult:
    """Run the plan's steps in order (blocking), skipping those already done."""
    steps = plan.steps()
    plan.env_dir.parent.mkdir(parents=True, exist_ok=True)
    if plan.env_dir.exists():
        clear_marker(plan.env_dir)
    env = setup_environment()
    ran: list[str] = []
    for index, step in enumerate(steps):
        if not step.needed():
            on_output(skipped_line(index, len(steps), step))
            continue
        on_output(progress_header(index, len(steps), step))
        tail = bytearray()

        def keep(data: bytes, tail: bytearray = tail) -> None:
            on_output(data)
            tail.extend(data)
            del tail[:-65536]  # the end of the output is what explains a failure

        ran.append(step.title)
        try:
            code = execute(step.argv, env, keep)
        except OSError as exc:
            return SetupResult(False, f"{step.title} failed: {exc}", ran)
        if code != 0:
            return SetupResult(False, failure_message(step, tail.decode(errors="replace"),
                                                      code), ran)
    write_marker(plan)
    return SetupResult(True, f"The training environment is ready: {plan.python}", ran)
