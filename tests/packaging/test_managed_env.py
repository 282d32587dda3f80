"""The managed training environment's logic, without installing anything (fast)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from musiclab_desktop.core.errors import InvalidStateError
from musiclab_desktop.runner import managed_env
from musiclab_desktop.runner.interpreter import training_interpreter, worker_environment
from musiclab_desktop.runner.managed_env import (
    NOT_SET_UP_MESSAGE,
    OFFLINE_MESSAGE,
    BasePython,
    SetupPlan,
    env_python,
    env_ready,
    failure_message,
    find_base_python,
    run_setup,
    setup_environment,
)
from musiclab_desktop.runner.settings import RunnerSettings
from musiclab_desktop.runner.torch_choice import (
    PYTORCH_INDEX,
    TORCH_ENV_VAR,
    Hardware,
    choose_torch,
    custom_choice,
    detect_hardware,
    torch_options,
    torch_override,
)

# What pip 24 prints when the machine is offline (trimmed).
PIP_OFFLINE = """\
WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after \
connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection \
object at 0x7f>: Failed to establish a new connection: [Errno -3] Temporary failure in name \
resolution')': /whl/cpu/torch/
ERROR: Could not find a version that satisfies the requirement torch (from versions: none)
ERROR: No matching distribution found for torch
"""
PIP_CONFLICT = """\
Collecting transformers>=4.50
ERROR: Cannot install musiclab-desktop because these package versions have conflicting \
dependencies.
"""


def smi_output(cuda: str) -> str:
    return ("+------------------------------------------------------------------+\n"
            f"| NVIDIA-SMI 550.54   Driver Version: 550.54   CUDA Version: {cuda}  |\n")


def fake_run(stdout: str = "", stderr: str = "", code: int = 0):
    def run(argv, **_kwargs):
        return subprocess.CompletedProcess(argv, code, stdout, stderr)
    return run


def linux(**kwargs) -> Hardware:
    return Hardware("Linux", "x86_64", **kwargs)


# --- hardware -> torch build ----------------------------------------------------------

@pytest.mark.parametrize(("cuda", "folder"), [("13.1", "cu130"), ("12.9", "cu128"),
                                              ("12.8", "cu128"), ("12.6", "cu126")])
def test_nvidia_driver_picks_the_newest_cuda_build_it_can_run(cuda: str, folder: str,
                                                             tmp_path: Path) -> None:
    hardware = detect_hardware(run=fake_run(smi_output(cuda)), which=lambda _n: "/usr/bin/x",
                               system="Linux", machine="x86_64", rocm_dir=tmp_path / "none")
    assert hardware.cuda == tuple(int(p) for p in cuda.split("."))
    choice = choose_torch(hardware)
    assert choice.sure
    assert choice.pip_args() == ["torch", "--index-url", f"{PYTORCH_INDEX}/{folder}"]


def test_too_old_a_driver_falls_back_to_cpu_and_asks() -> None:
    choice = choose_torch(linux(nvidia_smi=True, cuda=(11, 4)))
    assert choice.key == "cpu" and not choice.sure
    assert "driver" in choice.reason


def test_a_silent_nvidia_smi_suggests_cuda_but_asks(tmp_path: Path) -> None:
    hardware = detect_hardware(run=fake_run(stderr="NVIDIA-SMI has failed because it "
                                                   "couldn't communicate with the driver", code=9),
                               which=lambda n: "/usr/bin/nvidia-smi" if n == "nvidia-smi" else None,
                               system="Linux", machine="x86_64", rocm_dir=tmp_path / "none")
    assert hardware.nvidia_smi and hardware.cuda is None
    assert "couldn't communicate" in hardware.nvidia_problem
    choice = choose_torch(hardware)
    assert choice.key.startswith("cu") and not choice.sure


def test_no_gpu_on_linux_takes_the_cpu_index(tmp_path: Path) -> None:
    hardware = detect_hardware(run=fake_run(), which=lambda _n: None, system="Linux",
                               machine="x86_64", rocm_dir=tmp_path / "none")
    choice = choose_torch(hardware)
    assert choice.sure and choice.pip_args() == ["torch", "--index-url", f"{PYTORCH_INDEX}/cpu"]


def test_apple_silicon_takes_the_default_build_with_metal() -> None:
    choice = choose_torch(Hardware("Darwin", "arm64"))
    assert choice.sure and choice.pip_args() == ["torch"]
    assert not choose_torch(Hardware("Darwin", "x86_64")).sure  # no current Intel-Mac builds


def test_rocm_is_offered_but_asked_about(tmp_path: Path) -> None:
    (tmp_path / "rocm").mkdir()
    hardware = detect_hardware(run=fake_run(), which=lambda _n: None, system="Linux",
                               machine="x86_64", rocm_dir=tmp_path / "rocm")
    choice = choose_torch(hardware)
    assert hardware.rocm and choice.key.startswith("rocm") and not choice.sure


def test_options_put_the_override_then_the_recommendation_first() -> None:
    options = torch_options(linux(), override="torch==2.13.0")
    assert [o.key for o in options[:2]] == ["custom", "cpu"]
    assert len({o.key for o in options}) == len(options)
    assert options[0].pip_args() == ["torch==2.13.0"]


def test_override_comes_from_the_environment_before_the_setting(monkeypatch) -> None:
    monkeypatch.delenv(TORCH_ENV_VAR, raising=False)
    assert torch_override("torch==2.9.0") == "torch==2.9.0"
    monkeypatch.setenv(TORCH_ENV_VAR, "torch==2.13.0 --index-url https://example.org/whl")
    assert torch_override("torch==2.9.0").startswith("torch==2.13.0")
    choice = custom_choice(torch_override())
    assert choice is not None
    assert choice.pip_args() == ["torch==2.13.0", "--index-url", "https://example.org/whl"]
    assert custom_choice("  ") is None


# --- the plan -----------------------------------------------------------------------------

def plan_for(tmp_path: Path, pip_wheel: Path | None = None) -> SetupPlan:
    return SetupPlan(env_dir=tmp_path / "training-env",
                     torch=custom_choice("torch==2.13.0"),  # type: ignore[arg-type]
                     app_requirement="/bundle/wheels/musiclab_desktop-0.1.0-py3-none-any.whl"
                                     "[train]",
                     base_python="/usr/bin/python3", pip_wheel=pip_wheel)


def test_torch_is_installed_before_the_app_and_its_train_extra(tmp_path: Path) -> None:
    steps = plan_for(tmp_path).steps()
    commands = [step.argv for step in steps]
    python = str(env_python(tmp_path / "training-env"))
    assert commands[0] == ["/usr/bin/python3", "-m", "venv", str(tmp_path / "training-env")]
    assert commands[1] == [python, "-m", "pip", "install", "torch==2.13.0"]
    assert commands[2] == [python, "-m", "pip", "install",
                           "/bundle/wheels/musiclab_desktop-0.1.0-py3-none-any.whl[train]"]
    assert commands[3] == [python, "-c", "import torch, transformers, peft"]


def test_a_bundled_pip_wheel_bootstraps_pip_without_ensurepip(tmp_path: Path) -> None:
    wheel = tmp_path / "pip-24.0-py3-none-any.whl"
    steps = plan_for(tmp_path, pip_wheel=wheel).steps()
    assert "--without-pip" in steps[0].argv
    assert steps[1].argv[1:] == [f"{wheel}/pip", "install", "--no-index", str(wheel)]
    assert [s.title for s in steps].index("Install pip") < 2


def test_pip_network_failure_reads_as_offline() -> None:
    step = plan_for(Path("/tmp")).steps()[1]
    assert failure_message(step, PIP_OFFLINE, 1) == OFFLINE_MESSAGE
    other = failure_message(step, PIP_CONFLICT, 1)
    assert other.startswith("Install PyTorch") and "conflicting" in other
    assert "disk is full" in failure_message(step, "OSError: [Errno 28] No space left on "
                                                   "device", 1)


# --- running it: resumable ------------------------------------------------------------

class FakeInstaller:
    """Stands in for the processes: creates the venv's python, fails where told."""

    def __init__(self, fail_on: str = "") -> None:
        self.fail_on = fail_on
        self.commands: list[list[str]] = []

    def __call__(self, argv, env, on_output) -> int:
        self.commands.append(argv)
        if "venv" in argv:
            python = env_python(Path(argv[-1]))
            python.parent.mkdir(parents=True)
            python.write_text("#!/bin/sh\n")
        if self.fail_on and self.fail_on in " ".join(argv):
            on_output(PIP_OFFLINE.encode())
            return 1
        on_output(b"Successfully installed\n")
        return 0


def test_a_second_setup_reuses_the_venv_and_continues(tmp_path: Path) -> None:
    plan = plan_for(tmp_path)
    offline = FakeInstaller(fail_on="torch==")
    first = run_setup(plan, execute=offline)
    assert not first.ok and first.message == OFFLINE_MESSAGE
    assert not env_ready(plan.env_dir)
    created = env_python(plan.env_dir).stat().st_mtime_ns

    output = bytearray()
    online = FakeInstaller()
    second = run_setup(plan, on_output=output.extend, execute=online)
    assert second.ok, second.message
    assert not any("venv" in argv for argv in online.commands)  # the venv is kept
    assert env_python(plan.env_dir).stat().st_mtime_ns == created
    assert second.ran == [s.title for s in plan.steps()[1:]]
    assert b"Create the environment\x1b[0m: already done" in output
    assert env_ready(plan.env_dir)

    third = run_setup(plan, execute=FakeInstaller())  # again: pip skips what is there
    assert third.ok and "Create the environment" not in third.ran


def test_an_update_of_the_app_asks_for_the_setup_again(tmp_path: Path, monkeypatch) -> None:
    plan = plan_for(tmp_path)
    assert run_setup(plan, execute=FakeInstaller()).ok
    monkeypatch.setattr(managed_env, "__version__", "99.0")
    assert not env_ready(plan.env_dir)


# --- plugged into the runner -----------------------------------------------------------

def test_the_frozen_app_trains_with_the_managed_environment(tmp_path: Path,
                                                            monkeypatch) -> None:
    monkeypatch.setenv("MUSICLAB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    with pytest.raises(InvalidStateError, match="not set up"):
        training_interpreter(RunnerSettings())
    plan = SetupPlan(env_dir=managed_env.default_env_dir(), torch=plan_for(tmp_path).torch,
                     app_requirement="musiclab-desktop[train]", base_python=sys.executable)
    assert plan.env_dir == (tmp_path / "data").resolve() / "training-env"
    assert run_setup(plan, execute=FakeInstaller()).ok
    assert training_interpreter(RunnerSettings()) == str(env_python(plan.env_dir))
    chosen = RunnerSettings(training_interpreter="/opt/conda/bin/python")
    assert training_interpreter(chosen) == "/opt/conda/bin/python"
    assert "Training environment" in NOT_SET_UP_MESSAGE


def test_from_source_the_current_python_trains(monkeypatch) -> None:
    monkeypatch.delattr(sys, "frozen", raising=False)
    assert training_interpreter(RunnerSettings()) == sys.executable


def test_children_of_the_frozen_app_get_the_users_library_path(monkeypatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    env = {"LD_LIBRARY_PATH": "/opt/musiclab/_internal", "LD_LIBRARY_PATH_ORIG": "/usr/local/lib",
           "PYTHONPATH": "/somewhere", "PATH": "/usr/bin"}
    cleaned = setup_environment(env)
    assert cleaned["LD_LIBRARY_PATH"] == "/usr/local/lib" and "LD_LIBRARY_PATH_ORIG" not in cleaned
    assert "PYTHONPATH" not in cleaned and cleaned["PATH"] == "/usr/bin"
    worker = worker_environment({"LD_LIBRARY_PATH": "/opt/musiclab/_internal"})
    assert "LD_LIBRARY_PATH" not in worker


def test_the_first_python_new_enough_creates_the_venv() -> None:
    versions = {"python3.13": None, "python3.12": (3, 10), "python3": (3, 12)}

    def probe(command: list[str]) -> BasePython | None:
        version = versions[command[0]]
        return BasePython(f"/usr/bin/{command[0]}", version) if version else None

    found = find_base_python([[name] for name in versions], probe=probe)
    assert found.path == "/usr/bin/python3"
    with pytest.raises(InvalidStateError, match=r"Python 3\.11 or newer"):
        find_base_python([["python3.12"]], probe=probe)
