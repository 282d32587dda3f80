"""What the packaging tests share: the built artefacts and a frozen app's environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Built:
    dist: Path
    bundle: Path  # dist/musiclab
    executable: Path  # dist/musiclab/musiclab
    deb: Path | None
    build_seconds: float

    @property
    def wheels(self) -> Path:
        return self.bundle / "_internal" / "wheels"


def isolated_env(tmp: Path, **extra: str) -> dict[str, str]:
    """The environment of a frozen-app process: own data folder, own settings, offline HF."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("MUSICLAB_TRAINING_PYTHON", "MUSICLAB_DATA_DIR", "PYTHONPATH")}
    env.update(MUSICLAB_DATA_DIR=str(tmp / "data"), XDG_CONFIG_HOME=str(tmp / "config"),
               QT_QPA_PLATFORM="offscreen", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    env.update(extra)
    return env
