"""``musiclab generate``: the same worker from the command line, rows and files kept."""

from __future__ import annotations

import json
from pathlib import Path

from musiclab_desktop.core.library import Library

from generation_kit import is_audible, musiclab, register_adapter


def test_generate_with_an_adapter_stores_takes_and_copies_them_out(
        tmp_path: Path, adapters: list[Path], tiny_model_dir: Path) -> None:
    data = tmp_path / "data"
    adapter_id = register_adapter(data, adapters[1], str(tiny_model_dir))
    done = musiclab(data, "generate", "--adapter", str(adapter_id), "--prompt", "calm tone",
                    "--prompt", "bright tone", "--seconds", "1", "--seed", "9", "--json",
                    "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    takes = json.loads(done.stdout)
    assert [(t["prompt"], t["seed"], t["adapter_id"]) for t in takes] == [
        ("calm tone", 9, adapter_id), ("bright tone", 9, adapter_id)]
    assert all(Path(t["file"]).parent == tmp_path / "out" and is_audible(t["file"])
               for t in takes)
    library = Library.open(data)
    try:
        rows = library.generations.list(adapter_id)
    finally:
        library.close()
    assert sorted(row.prompt for row in rows) == ["bright tone", "calm tone"]
    assert all(row.file.is_file() for row in rows)


def test_generate_refusals_are_sentences_with_the_cli_exit_codes(
        tmp_path: Path, adapters: list[Path], tiny_model_dir: Path) -> None:
    data = tmp_path / "data"
    unknown = musiclab(data, "generate", "--adapter", "42", "--prompt", "x")
    assert unknown.returncode == 3 and b"Adapter 42 does not exist" in unknown.stderr
    too_long = musiclab(data, "generate", "--base", str(tiny_model_dir), "--prompt", "x",
                        "--seconds", "100", "--json")
    assert too_long.returncode == 5, too_long.stderr
    error = json.loads(too_long.stderr.decode().strip().splitlines()[-1])
    assert "positions" in error["error"] and error["kind"] == "validation"
    usage = musiclab(data, "generate", "--prompt", "x")
    assert usage.returncode == 2
