"""Running the real ``musiclab`` command in a subprocess against a test's data folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

MUSICLAB = str(Path(sys.executable).with_name("musiclab"))
FAKE_WORKER = Path(__file__).parents[1] / "runner" / "fake_worker.py"


def musiclab(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    full_env = {**os.environ, "MUSICLAB_DATA_DIR": str(data_dir), **env}
    return subprocess.run([MUSICLAB, *args], capture_output=True, env=full_env, timeout=60)


def json_error(result: subprocess.CompletedProcess[bytes]) -> dict[str, Any]:
    """The one JSON object a failed ``--json`` command wrote on stderr."""
    assert result.stdout == b""
    (line,) = result.stderr.decode().splitlines()
    return json.loads(line)


def fake_interpreter(folder: Path, mode: str) -> Path:
    """A 'training interpreter' that runs the fake worker in ``mode`` (no torch)."""
    interpreter = folder / f"python-{mode}"
    interpreter.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE_WORKER}" {mode} "$3"\n')
    interpreter.chmod(0o755)
    return interpreter
