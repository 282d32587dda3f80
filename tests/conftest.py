"""Shared test set-up: Qt offscreen, every test against its own data folder."""

from __future__ import annotations

import os
import sys

# Before any Qt import: widgets render offscreen, and nothing reaches the user's settings.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from musiclab_desktop.core.library import Library

from shared_kit import write_tone

ClipMaker = Callable[..., Path]


@pytest.fixture
def make_clips(tmp_path: Path) -> ClipMaker:
    """Make a dataset folder of ``count`` captioned tones (captions in metadata.csv)."""

    def make(name: str = "clips", count: int = 3, seconds: float = 2.0) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        rows = ["file_name,text"]
        for i in range(count):
            write_tone(folder / f"tone{i}.wav", seconds, frequency=220.0 * (i + 1))
            rows.append(f"tone{i}.wav,a steady tone number {i}")
        (folder / "metadata.csv").write_text("\n".join(rows) + "\n")
        return folder

    return make


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = Library.open(tmp_path / "data")
    yield lib
    # A background op of a GUI test may still read the database: let it finish first
    # (closing a connection another thread uses can crash SQLite). Only when the GUI
    # ran at all, so core tests never import Qt.
    ops = sys.modules.get("musiclab_desktop.ui.ops")
    if ops is not None:
        ops.wait_for_ops()
    lib.close()


@pytest.fixture
def experiment_with_dataset(library: Library, make_clips: ClipMaker):
    """An experiment linked to a three-clip dataset."""
    report = library.datasets.import_folder(make_clips(), name="tones")
    return library.experiments.create("tones experiment", dataset_id=report.dataset.id)
