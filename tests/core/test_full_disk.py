"""A full disk is a sentence, not a traceback, and loses nothing already stored."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from musiclab_desktop.core.errors import StorageError
from musiclab_desktop.core.library import Library


def fill_the_disk(library: Library) -> None:
    """SQLite's own page cap gives the same SQLITE_FULL error a full disk gives."""
    with library.engine.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar()
    library.engine.dispose()
    event.listen(library.engine, "connect",
                 lambda dbapi, _record: dbapi.execute(f"PRAGMA max_page_count={pages}"))


def test_a_full_disk_is_reported_clearly_and_earlier_data_stays(
    library: Library, experiment_with_dataset
) -> None:
    run = library.runs.prepare_start(experiment_with_dataset.id)
    library.telemetry.append_log(run.id, [b"before the disk filled\n"])
    fill_the_disk(library)
    with pytest.raises(StorageError, match="the disk is full"):
        library.telemetry.append_log(run.id, [b"x" * 2_000_000])
    assert library.telemetry.read_log(run.id) == b"before the disk filled\n"
    assert library.runs.get(run.id).status == "PENDING"
