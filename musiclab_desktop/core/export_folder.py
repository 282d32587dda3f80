"""The folder an export writes into: new or empty, never one that holds files already."""

from __future__ import annotations

from pathlib import Path

from musiclab_desktop.core.errors import InvalidStateError, ValidationError


def empty_export_folder(folder: Path) -> Path:
    """Create ``folder`` (``~`` expanded) if need be and return it resolved; a file there
    or a folder with anything in it is refused, so an export never mixes with other files."""
    folder = folder.expanduser()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ValidationError(
            f"{folder} already exists and is not an empty folder; "
            "name a new folder to export into.",
            {"destination": "not empty"},
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidStateError(f"Cannot create {folder}: {exc.strerror}.") from exc
    return folder.resolve()
