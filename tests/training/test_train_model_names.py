"""A short model name gets the real repo in the worker's message, not a bad download."""

from __future__ import annotations

from pathlib import Path

import pytest

from musiclab_desktop.training.errors import ModelUnavailableError
from musiclab_desktop.training.model_source import resolve_model_dir


def test_a_short_musicgen_name_suggests_the_facebook_repo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_CACHE", str(tmp_path))

    with pytest.raises(ModelUnavailableError) as caught:
        resolve_model_dir("musicgen-small")

    assert "`hf download facebook/musicgen-small`" in caught.value.message
    assert "download musicgen-small" not in caught.value.message
