"""Folder names built from user names, and folders that are always new.

Names may be up to 200 characters of any script; file systems allow 255 bytes per
name (ext4, APFS, NTFS counts UTF-16 units) and Windows refuses some characters and
trailing dots. Folder names therefore keep only ASCII letters, digits, ``.``, ``_``
and ``-``, each part is cut to a fixed length, and the id at the end keeps them
unique: ``SLUG_LENGTH * 2 + 2 + digits`` stays far below every limit.

A folder that holds a run or an adapter is never reused: a name already on disk (a
leftover of an older version or of a crash) gets a numbered variant instead, so
nothing is ever written into another run's files.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import unicodedata
from pathlib import Path

SLUG_LENGTH = 60
_NOT_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_VARIANTS = 1000


def slug(text: str, fallback: str, length: int = SLUG_LENGTH) -> str:
    """``text`` as a short, portable piece of a file name ("Café Lo-Fi" -> "Cafe-Lo-Fi")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cut = _NOT_SAFE.sub("-", ascii_text)[:length]
    return cut.strip("-.") or fallback


def adapter_folder_name(experiment_name: str, run_name: str, run_id: int) -> str:
    return f"{slug(experiment_name, 'experiment')}-{slug(run_name, 'run')}-{run_id}"


def _variants(parent: Path, name: str) -> list[Path]:
    return [parent / name] + [parent / f"{name}-{n}" for n in range(2, _MAX_VARIANTS)]


def make_new_folder(parent: Path, name: str) -> Path:
    """Create and return ``parent/name``, or ``name-2``, ``name-3``... when it exists.

    ``mkdir`` claims the name atomically, so two processes never get the same folder.
    """
    parent.mkdir(parents=True, exist_ok=True)
    for candidate in _variants(parent, name):
        try:
            candidate.mkdir()
        except FileExistsError:
            continue
        return candidate
    raise FileExistsError(errno.EEXIST, "every variant of the name is taken", str(parent / name))


def unused_path(parent: Path, name: str) -> Path:
    """``parent/name``, or the first numbered variant of it that does not exist."""
    for candidate in _variants(parent, name):
        if not os.path.lexists(candidate):
            return candidate
    raise FileExistsError(errno.EEXIST, "every variant of the name is taken", str(parent / name))


def move_folder_to_new_path(source: Path, destination: Path) -> None:
    """Move the folder ``source`` to ``destination``, which must not exist.

    Unlike ``shutil.move``, never moves into an existing folder: a rename onto a
    non-empty folder fails, and the copy across file systems refuses an existing one.
    """
    if os.path.lexists(destination):
        raise FileExistsError(errno.EEXIST, "the destination already exists", str(destination))
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.rename(source, destination)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        shutil.copytree(source, destination)
        shutil.rmtree(source)
