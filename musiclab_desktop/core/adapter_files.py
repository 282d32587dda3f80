"""Shipping an adapter: its folder copied (or zipped) as is, self-contained.

A folder saved by MusicLab holds the weights, adapter_config.json naming the base by
hub id (or folder), the processor files and a model card; older adapters may lack the
last two, which :func:`missing_files` names.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from musiclab_desktop.core.errors import InvalidStateError, NotFoundError

EXPECTED_FILES = ("adapter_config.json", "tokenizer_config.json", "README.md")


def export_adapter(source: Path, destination: Path, *, as_zip: bool = False) -> Path:
    """Copy the adapter folder ``source`` to ``destination`` (a new or empty folder), or
    into ``destination``.zip with the folder inside; what was written."""
    if not source.is_dir():
        raise NotFoundError(f"The adapter folder {source} no longer exists.")
    if as_zip:
        archive = destination if destination.suffix == ".zip" else destination.with_suffix(".zip")
        if archive.exists():
            raise InvalidStateError(f"{archive} already exists; choose another name.")
        archive.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
            for file in sorted(source.rglob("*")):
                if file.is_file():
                    bundle.write(file, Path(source.name) / file.relative_to(source))
        return archive
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise InvalidStateError(f"{destination} is not an empty folder; choose a new one.")
    shutil.copytree(source, destination, dirs_exist_ok=True)
    return destination


def missing_files(source: Path) -> list[str]:
    return [name for name in EXPECTED_FILES if not (source / name).is_file()]
