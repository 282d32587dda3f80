"""Fixtures for the generation tests: a tiny MusicGen and three adapters of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from generation_kit import make_adapter


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from musiclab_desktop.training.tiny_model import build_tiny_musicgen

    return build_tiny_musicgen(tmp_path_factory.mktemp("tiny-musicgen"))


@pytest.fixture(scope="session")
def adapters(tmp_path_factory: pytest.TempPathFactory, tiny_model_dir: Path) -> list[Path]:
    root = tmp_path_factory.mktemp("adapters")
    return [make_adapter(tiny_model_dir, root / f"adapter-{seed}", seed) for seed in (1, 2, 3)]
