"""The frozen app, built by packaging/build.sh: it starts, paints, and trains for real.

The training interpreter is made the way the packaged app makes its managed
environment (the same plan and steps): a venv from the bundle's own wheel with the
``train`` extra, torch first (``torch==2.13.0``, the CPU build this machine has on disk;
override with MUSICLAB_TORCH). The frozen CLI then finds that environment by itself.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from musiclab_desktop import __version__
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.status import RunStatus
from musiclab_desktop.runner.managed_env import (
    ENV_FOLDER,
    SetupPlan,
    env_ready,
    find_base_python,
    run_setup,
)
from musiclab_desktop.runner.torch_choice import TORCH_ENV_VAR, custom_choice

from packaging_kit import Built, isolated_env

pytestmark = pytest.mark.slow
SIZE_LIMIT_MB = 250
TRAINING_STACK = ("torch", "transformers", "peft", "tokenizers")
FIRST_PAINT_ENV = "MUSICLAB_EXIT_AFTER_FIRST_PAINT"


def folder_mb(folder: Path) -> float:
    return sum(p.lstat().st_size for p in folder.rglob("*")) / 1e6


def test_the_bundle_carries_the_gui_alone(built: Built) -> None:
    internal = built.bundle / "_internal"
    for package in TRAINING_STACK:
        assert not (internal / package).exists(), f"{package} must stay out of the bundle"
    assert (internal / "musiclab_desktop" / "core" / "migrations" / "versions").is_dir()
    assert list((internal / "musiclab_desktop" / "resources" / "icons").glob("*.svg"))
    assert list(built.wheels.glob(f"musiclab_desktop-{__version__}-*.whl"))
    assert folder_mb(built.bundle) < SIZE_LIMIT_MB


def test_bundled_libraries_need_only_what_the_deb_recommends(built: Built) -> None:
    """Trimming the Qt plugins and their libraries left nothing dangling."""
    internal = built.bundle / "_internal"
    # System libraries the bundle relies on (the .deb Recommends their packages).
    allowed = ("libxcb-icccm", "libxcb-keysyms", "libwayland-", "libEGL", "libGL", "libOpenGL",
               "libxkbcommon", "libvulkan", "libdrm", "libgbm")
    missing: dict[str, str] = {}
    for library in internal.rglob("*.so*"):
        if library.is_symlink() or not library.is_file():
            continue
        result = subprocess.run(["ldd", str(library)], capture_output=True, text=True,
                                env={**os.environ, "LD_LIBRARY_PATH": str(internal)})
        for line in result.stdout.splitlines():
            if "not found" in line:
                name = line.split()[0]
                if not name.startswith(allowed):
                    missing[name] = str(library.relative_to(internal))
    assert not missing, missing


def test_the_frozen_window_paints_and_exits_cleanly(built: Built, tmp_path: Path) -> None:
    env = isolated_env(tmp_path, **{FIRST_PAINT_ENV: "1"})
    began = time.monotonic()
    result = subprocess.run([str(built.executable)], capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    marker = [line for line in result.stdout.splitlines() if line.startswith("first paint ")]
    assert marker, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    # The data folder was created and migrated by Alembic from the bundled scripts.
    assert (tmp_path / "data" / "musiclab.sqlite3").is_file()
    print(f"frozen first paint: {marker[0].split()[-1]} ms (wall {time.monotonic() - began:.2f} s)")


def test_the_frozen_cli_answers(built: Built, tmp_path: Path) -> None:
    env = isolated_env(tmp_path)
    version = subprocess.run([str(built.executable), "--version"], capture_output=True,
                             text=True, env=env, timeout=60)
    assert version.returncode == 0 and version.stdout.strip() == f"musiclab {__version__}"
    listing = subprocess.run([str(built.executable), "experiments", "list", "--json"],
                             capture_output=True, text=True, env=env, timeout=60)
    assert listing.returncode == 0, listing.stderr
    # Training before the environment exists: one sentence that says what to do.
    demo = subprocess.run([str(built.executable), "demo"], capture_output=True, text=True,
                          env=env, timeout=60)
    assert demo.returncode != 0 and "Training environment" in demo.stderr
    assert "Traceback" not in demo.stderr


@pytest.fixture(scope="session")
def managed_env_data(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder whose training-env is set up like the packaged app does it."""
    data = tmp_path_factory.mktemp("managed") / "data"
    wheel = sorted(built.wheels.glob("musiclab_desktop-*.whl"))[-1]
    pip_wheels = sorted(built.wheels.glob("pip-*.whl"))
    torch = custom_choice(os.environ.get(TORCH_ENV_VAR) or "torch==2.13.0")
    assert torch is not None
    plan = SetupPlan(env_dir=data / ENV_FOLDER, torch=torch, app_requirement=f"{wheel}[train]",
                     base_python=find_base_python().path,
                     pip_wheel=pip_wheels[-1] if pip_wheels else None)
    output = bytearray()
    began = time.monotonic()
    result = run_setup(plan, on_output=output.extend)
    assert result.ok, result.message + "\n" + output[-4000:].decode(errors="replace")
    print(f"training environment set up in {time.monotonic() - began:.0f} s")
    assert env_ready(plan.env_dir)
    # Resumable: a second run reuses the venv and pip finds everything installed.
    again = run_setup(plan)
    assert again.ok and "Create the environment" not in again.ran
    return data


def test_the_frozen_app_trains_in_its_managed_environment(built: Built,
                                                         managed_env_data: Path) -> None:
    tmp = managed_env_data.parent
    env = isolated_env(tmp)
    assert env["MUSICLAB_DATA_DIR"] == str(managed_env_data)
    began = time.monotonic()
    demo = subprocess.run([str(built.executable), "demo"], capture_output=True, text=True,
                          env=env, timeout=600)
    assert demo.returncode == 0, demo.stderr[-3000:]
    run = subprocess.run([str(built.executable), "runs", "start", "1", "--wait"],
                         capture_output=True, env=env, timeout=600)
    stderr = run.stderr.decode(errors="replace")
    assert run.returncode == 0, stderr[-3000:]
    assert run.stdout.decode().splitlines()[-1].startswith("Run 1 'run-1': COMPLETED")
    print(f"frozen demo + training: {time.monotonic() - began:.0f} s")

    library = Library.open(managed_env_data)
    try:
        done = library.runs.get(1)
        assert done.status == RunStatus.COMPLETED, done.error
        adapter = library.adapters.get(done.adapter_id)
        assert adapter.run_id == done.id
        assert (Path(adapter.path) / "adapter_config.json").is_file()
    finally:
        library.close()
