"""Where a user's data lives: the database, run folders, adapters and models."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

ENV_VAR = "MUSICLAB_DATA_DIR"


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--data-dir`` first, then ``$MUSICLAB_DATA_DIR``, then the platform's data folder."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return Path(from_env).expanduser().resolve()
    return Path(user_data_dir("MusicLab", "MusicLab")).resolve()
