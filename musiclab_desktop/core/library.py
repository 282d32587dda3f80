"""A data folder opened for use: its database and the services over it.

Like Anki's ``Collection``: one object that the GUI, the runner and the CLI hold, with
one service per kind of thing (experiments, runs, datasets, adapters, telemetry).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from musiclab_desktop.core import db
from musiclab_desktop.core.data_folder import resolve_data_dir
from musiclab_desktop.core.errors import StorageError, ValidationError


def storage_problem(root: Path, exc: OperationalError) -> str:
    reason = str(exc.orig) if exc.orig is not None else str(exc)
    if "full" in reason:
        return (f"Cannot write to the data folder {root}: the disk is full. "
                "Free some space; what could not be written is kept and written then.")
    if "locked" in reason or "busy" in reason:
        return (f"The data folder {root} is busy: another MusicLab process has been "
                "writing to it for too long. Try again in a moment.")
    return f"Cannot use the database in {root}: {reason}."


class Library:
    """The database and folders of one data folder, and the services that use them."""

    def __init__(self, root: Path) -> None:
        from musiclab_desktop.core.services.adapters import AdapterService
        from musiclab_desktop.core.services.datasets import DatasetService
        from musiclab_desktop.core.services.experiments import ExperimentService
        from musiclab_desktop.core.services.runs import RunService
        from musiclab_desktop.core.services.telemetry import TelemetryService

        self.root = root
        self.engine = db.create_sqlite_engine(root / db.DATABASE_FILE)
        db.upgrade(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.experiments = ExperimentService(self)
        self.runs = RunService(self)
        self.datasets = DatasetService(self)
        self.adapters = AdapterService(self)
        self.telemetry = TelemetryService(self)

    @classmethod
    def open(cls, root: str | os.PathLike[str] | None = None) -> Library:
        """Open (creating and migrating as needed) the data folder ``root``."""
        path = resolve_data_dir(root)
        try:
            path.mkdir(parents=True, exist_ok=True)
            for folder in (cls.runs_folder(path), cls.adapters_folder(path)):
                folder.mkdir(exist_ok=True)
        except OSError as exc:
            raise ValidationError(f"Cannot use {path} as the data folder: {exc.strerror}.") from exc
        return cls(path)

    @staticmethod
    def runs_folder(root: Path) -> Path:
        return root / "runs"

    @staticmethod
    def adapters_folder(root: Path) -> Path:
        return root / "adapters"

    @property
    def runs_dir(self) -> Path:
        return self.runs_folder(self.root)

    @property
    def adapters_dir(self) -> Path:
        return self.adapters_folder(self.root)

    @property
    def models_dir(self) -> Path:
        return self.root / "models"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on any error.

        SQLite's own failures (a full disk, a database held by another process too long)
        become a StorageError that says so in a sentence.
        """
        try:
            with self._sessions.begin() as session:
                yield session
        except OperationalError as exc:
            raise StorageError(storage_problem(self.root, exc)) from exc

    def close(self) -> None:
        self.engine.dispose()
