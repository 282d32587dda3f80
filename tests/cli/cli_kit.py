"""Running the real ``musiclab`` command in a subprocess against a test's data folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

MUSICLAB = str(Path(sys.executable).with_name("musiclab"))


def musiclab(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    full_env = {**os.environ, "MUSICLAB_DATA_DIR": str(data_dir), **env}
    return subprocess.run([MUSICLAB, *args], capture_output=True, env=full_env, timeout=60)


def json_error(result: subprocess.CompletedProcess[bytes]) -> dict[str, Any]:
    """The one JSON object a failed ``--json`` command wrote on stderr."""
    assert result.stdout == b""
    (line,) = result.stderr.decode().splitlines()
    return json.loads(line)


