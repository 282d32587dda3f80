"""The Windows installer script compiles (makensis runs on Linux; the bundle is a dummy)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from musiclab_desktop import __version__

from packaging_kit import ROOT

SCRIPT = ROOT / "packaging" / "windows" / "musiclab.nsi"


@pytest.mark.skipif(shutil.which("makensis") is None,
                    reason="makensis is not installed (apt-get install nsis)")
def test_the_nsis_script_compiles_around_a_bundle(tmp_path: Path) -> None:
    bundle = tmp_path / "musiclab"
    (bundle / "_internal").mkdir(parents=True)
    for name in ("musiclab.exe", "musiclab-gui.exe", "_internal/python311.dll"):
        (bundle / name).write_bytes(b"MZ placeholder")
    installer = tmp_path / "MusicLab-setup.exe"
    result = subprocess.run(["makensis", "-V2", f"-DVERSION={__version__}",
                             f"-DBUNDLE_DIR={bundle}", f"-DOUTFILE={installer}", str(SCRIPT)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert installer.read_bytes()[:2] == b"MZ"
