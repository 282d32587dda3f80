"""The frozen bundle and the .deb, built once per test session by packaging/build.sh.

Set MUSICLAB_PACKAGING_DIST to a dist/ folder that build.sh filled earlier to test that
build instead (quick iterations on the tests themselves).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from packaging_kit import ROOT, Built

BUILD_TIMEOUT_S = 900


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    if not sys.platform.startswith("linux"):
        pytest.skip("the bundle test builds the Linux bundle; other systems follow "
                    "packaging/windows and packaging/macos")
    given = os.environ.get("MUSICLAB_PACKAGING_DIST")
    began = time.monotonic()
    if given:
        dist = Path(given).resolve()
    else:
        dist = tmp_path_factory.mktemp("dist")
        work = tmp_path_factory.mktemp("build")
        env = {**os.environ, "PYTHON": sys.executable, "MUSICLAB_DIST": str(dist),
               "MUSICLAB_BUILD_DIR": str(work / "packaging"),
               # Fast to pack and unpack; the compression does not change what is tested.
               "MUSICLAB_DEB_COMPRESSION": "gzip"}
        if not _have("dpkg-deb"):
            env["MUSICLAB_SKIP_DEB"] = "1"
        result = subprocess.run(["bash", str(ROOT / "packaging" / "build.sh")], env=env,
                                capture_output=True, text=True, timeout=BUILD_TIMEOUT_S)
        assert result.returncode == 0, (result.stdout[-4000:] + result.stderr[-4000:])
    debs = sorted(dist.glob("musiclab_*.deb"))
    bundle = dist / "musiclab"
    assert (bundle / "musiclab").is_file(), f"no bundle in {dist}"
    return Built(dist, bundle, bundle / "musiclab", debs[-1] if debs else None,
                 time.monotonic() - began)


def _have(tool: str) -> bool:
    from shutil import which

    return which(tool) is not None
