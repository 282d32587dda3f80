"""Disk use of runs and experiments: run folders (checkpoints, the encoded-audio
cache, samples) and registered adapters. Walks folders: call it off the GUI thread."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from musiclab_desktop.core.checkpoints import folder_size
from musiclab_desktop.core.models import Adapter, Run

if TYPE_CHECKING:
    from musiclab_desktop.core.library import Library


def experiment_disk_use(library: Library, experiment_id: int) -> int:
    """Bytes of the experiment's run folders and of its adapters' folders."""
    with library.transaction() as session:
        folders = session.scalars(
            select(Run.output_dir).where(Run.experiment_id == experiment_id)).all()
        adapters = session.scalars(
            select(Adapter.path).where(Adapter.experiment_id == experiment_id)).all()
    paths = {Path(folder) for folder in [*folders, *adapters] if folder}
    return sum(folder_size(path) for path in paths)
