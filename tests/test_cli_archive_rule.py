"""`musiclab experiments update` on an archived experiment: refused, exit 4 (issue 11, item 15)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_cli import json_of, musiclab


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def test_updating_an_archived_experiment_exits_4_with_one_sentence(data_dir: Path) -> None:
    created = json_of(musiclab(data_dir, "experiments", "create", "--name", "old", "--json"))
    exp_id = str(created["id"])
    json_of(musiclab(data_dir, "experiments", "archive", exp_id, "--json"))
    refused = musiclab(data_dir, "experiments", "update", exp_id, "--set", "lora_r=32")
    assert refused.returncode == 4
    message = refused.stderr.decode().strip()
    assert "archived; unarchive it to change it" in message
    assert "Traceback" not in message and len(message.splitlines()) == 1
    shown = json.loads(musiclab(data_dir, "experiments", "show", exp_id, "--json").stdout)
    assert shown["config"]["lora_r"] == created["config"]["lora_r"]
    json_of(musiclab(data_dir, "experiments", "unarchive", exp_id, "--json"))
    changed = json_of(musiclab(data_dir, "experiments", "update", exp_id, "--set", "lora_r=32",
                               "--json"))
    assert changed["config"]["lora_r"] == 32
