"""A data folder opened for use: its database and the services over it.

Like Anki's ``Collection``: one object that the GUI, the runner and the CLI hold, with
one service per kind of thing (experiments, runs, datasets, adapters, telemetry).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker

from musiclab_desktop.core import db
from musiclab_desktop.core.backups import SourceDamagedError
from musiclab_desktop.core.data_folder import resolve_data_dir
from musiclab_desktop.core.database_health import (
    check_before_open,
    damaged_sentence,
    database_problem,
)
from musiclab_desktop.core.errors import DataFolderError


class Library:
    """The database and folders of one data folder, and the services that use them."""

    def __init__(self, root: Path) -> None:
        from musiclab_desktop.core.services.adapters import AdapterService
        from musiclab_desktop.core.services.datasets import DatasetService
        from musiclab_desktop.core.services.experiments import ExperimentService
        from musiclab_desktop.core.services.generations import GenerationService
        from musiclab_desktop.core.services.runs import RunService
        from musiclab_desktop.core.services.samples import SampleService
        from musiclab_desktop.core.services.telemetry import TelemetryService

        self.root = root
        self.engine = db.create_sqlite_engine(root / db.DATABASE_FILE)
        try:
            db.upgrade(self.engine, data_folder=root)
        except SourceDamagedError as exc:
            self.engine.dispose()
            raise DataFolderError(damaged_sentence(root, str(exc))) from exc
        except DatabaseError as exc:
            self.engine.dispose()
            problem = database_problem(root, exc)
            if problem is None:
                raise
            raise problem from exc
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.experiments = ExperimentService(self)
        self.runs = RunService(self)
        self.datasets = DatasetService(self)
        self.adapters = AdapterService(self)
        self.telemetry = TelemetryService(self)
        self.samples = SampleService(self)
        self.generations = GenerationService(self)

    @classmethod
    def open(cls, root: str | os.PathLike[str] | None = None) -> Library:
        """Open (creating and migrating as needed) the data folder ``root``.

        A database that cannot be used (damaged, lost, a folder, a read-only data
        folder) raises DataFolderError with a sentence that says what to do.
        """
        path = resolve_data_dir(root)
        try:
            path.mkdir(parents=True, exist_ok=True)
            for folder in (cls.runs_folder(path), cls.adapters_folder(path)):
                folder.mkdir(exist_ok=True)
        except OSError as exc:
            raise DataFolderError(
                f"Cannot use {path} as the data folder: {exc.strerror}. Choose a folder "
                "you can write to with --data-dir or MUSICLAB_DATA_DIR.") from exc
        check_before_open(path)
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

        SQLite's own failures become a sentence: a full disk or a database held by
        another process too long a StorageError, damage found by this read (pages the
        open did not touch) a DataFolderError that says how to restore a backup.
        """
        try:
            with self._sessions.begin() as session:
                yield session
        except DatabaseError as exc:
            problem = database_problem(self.root, exc)
            if problem is None:
                raise
            raise problem from exc

    def close(self) -> None:
        self.engine.dispose()
