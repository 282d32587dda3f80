"""The .deb installs, puts ``musiclab`` on PATH with a valid desktop entry, and uninstalls
without leaving a file behind. Needs root and dpkg (CI runs as root)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from musiclab_desktop import __version__

from packaging_kit import Built, isolated_env

pytestmark = pytest.mark.slow
PACKAGE = "musiclab"


def _exists(path: str) -> bool:
    return os.path.lexists(path)


@pytest.fixture
def installable(built: Built) -> Iterator[Path]:
    if shutil.which("dpkg") is None or shutil.which("dpkg-deb") is None:
        pytest.skip("dpkg is not installed: the .deb test runs on Debian and Ubuntu")
    if os.geteuid() != 0:
        pytest.skip("installing a .deb needs root (CI runs as root)")
    if built.deb is None:
        pytest.skip("build.sh made no .deb")
    status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", PACKAGE],
                            capture_output=True, text=True)
    if "installed" in status.stdout and "not-installed" not in status.stdout:
        pytest.skip(f"{PACKAGE} is installed on this machine already; not touching it")
    yield built.deb
    subprocess.run(["dpkg", "--purge", PACKAGE], capture_output=True)  # after a failure


def test_deb_installs_runs_and_removes_cleanly(installable: Path, tmp_path: Path) -> None:
    contents = subprocess.run(["dpkg-deb", "--contents", str(installable)], check=True,
                              capture_output=True, text=True).stdout
    paths = ["/" + line.split()[5].removeprefix("./").rstrip("/") for line in
             contents.splitlines() if len(line.split()) >= 6]
    existed_before = {path for path in paths if _exists(path)}

    install = subprocess.run(["dpkg", "-i", str(installable)], capture_output=True, text=True)
    assert install.returncode == 0, install.stdout + install.stderr
    listed = subprocess.run(["dpkg", "-L", PACKAGE], check=True, capture_output=True,
                            text=True).stdout.split("\n")
    listed = [path for path in listed if path and path != "/."]
    for expected in ("/opt/musiclab/musiclab", "/usr/bin/musiclab",
                     "/usr/share/applications/musiclab.desktop",
                     "/usr/share/icons/hicolor/scalable/apps/musiclab.svg"):
        assert expected in listed

    on_path = shutil.which("musiclab", path="/usr/bin")
    assert on_path == "/usr/bin/musiclab"
    env = isolated_env(tmp_path)
    env["PATH"] = "/usr/bin:/bin"
    version = subprocess.run(["musiclab", "--version"], capture_output=True, text=True,
                             env=env, timeout=60)
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"musiclab {__version__}"
    # A fresh data folder: Alembic runs the migration scripts under /opt as root, which
    # must not leave compiled files behind for dpkg -r to trip over.
    listing = subprocess.run(["musiclab", "experiments", "list"], capture_output=True,
                             text=True, env=env, timeout=60)
    assert listing.returncode == 0, listing.stderr

    if shutil.which("desktop-file-validate") is None:
        pytest.fail("desktop-file-validate is missing: apt-get install desktop-file-utils")
    validate = subprocess.run(["desktop-file-validate",
                               "/usr/share/applications/musiclab.desktop"],
                              capture_output=True, text=True)
    assert validate.returncode == 0 and not validate.stdout.strip(), validate.stdout

    remove = subprocess.run(["dpkg", "-r", PACKAGE], capture_output=True, text=True)
    assert remove.returncode == 0, remove.stdout + remove.stderr
    left = [path for path in listed if _exists(path) and path not in existed_before]
    assert not left, left[:20]
    assert not _exists("/opt/musiclab")
