"""The CLI as a MusicGen / LoRA practitioner uses it: config files under --set, HF names,
notes and tags, runs found across experiments, a run exported whole, readable `show`
pages, a missing base model reported with its kind, and datasets exported and imported."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from musiclab_desktop.core.library import Library

from cli_kit import musiclab
from shared_kit import fake_interpreter, finish_run, two_finished_runs, write_tone


@pytest.fixture
def empty_hub(tmp_path: Path) -> dict[str, str]:
    """A Hugging Face cache holding nothing, whatever this machine's cache holds."""
    (tmp_path / "hub").mkdir()
    return {"HF_HUB_CACHE": str(tmp_path / "hub")}


def run_ok(root: Path, *args: str, **env: str) -> str:
    result = musiclab(root, *args, **env)
    assert result.returncode == 0, (args, result.stderr)
    return result.stdout.decode()


def test_config_file_under_set_with_hf_names_and_a_base_model_warning(
    library: Library, tmp_path: Path, empty_hub: dict[str, str]
) -> None:
    root = library.root
    library.close()
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(
        "num_train_epochs: 7\nr: 32\nlr: 1e-4\n"
        "target_modules: [q_proj, v_proj, lm_heads]\nmax_steps: -1\n"
    )

    result = musiclab(
        root,
        "experiments",
        "create",
        "--name",
        "recipe",
        "--config",
        str(recipe),
        "--set",
        "r=4",
        "--tag",
        "musicgen",
        "--json",
        **empty_hub,
    )

    assert result.returncode == 0, result.stderr
    created = json.loads(result.stdout)
    config = created["config"]
    assert (config["num_epochs"], config["lora_r"], config["learning_rate"]) == (7, 4, 1e-4)
    assert config["lora_target_modules"] == "q_proj,v_proj,lm_heads"
    assert config["max_steps"] == 0 and created["tags"] == ["musicgen"]
    assert (
        "warning: The base model facebook/musicgen-small is not in the local Hugging Face cache"
    ) in result.stderr.decode()
    assert "`hf download facebook/musicgen-small`" in result.stderr.decode()

    short = musiclab(
        root,
        "experiments",
        "update",
        str(created["id"]),
        "--set",
        "base_model=musicgen-small",
        "--add-tag",
        "small",
        "--remove-tag",
        "MUSICGEN",
        "--json",
        **empty_hub,
    )
    assert short.returncode == 0, short.stderr
    assert json.loads(short.stdout)["tags"] == ["small"]
    assert "did you mean 'facebook/musicgen-small'?" in short.stderr.decode()

    typo = musiclab(root, "experiments", "update", str(created["id"]), "--set", "num_train_epoch=3")
    assert typo.returncode == 5
    assert "did you mean 'num_epochs'?" in typo.stderr.decode()


def test_runs_start_takes_a_config_file_under_set(
    library: Library, experiment_with_dataset, tmp_path: Path
) -> None:
    root = library.root
    library.close()
    recipe = tmp_path / "try.json"
    recipe.write_text(json.dumps({"r": 8, "num_train_epochs": 2}))
    python = fake_interpreter(tmp_path, "complete")

    result = musiclab(
        root,
        "runs",
        "start",
        str(experiment_with_dataset.id),
        "--config",
        str(recipe),
        "--set",
        "lora_r=4",
        MUSICLAB_TRAINING_PYTHON=str(python),
    )

    assert result.returncode == 0, result.stderr
    shown = json.loads(run_ok(root, "runs", "show", "1", "--json"))
    assert shown["config_override"] == {"lora_r": 4, "num_epochs": 2}


def test_config_defaults_writes_a_file_that_loads_back(tmp_path: Path) -> None:
    root = tmp_path / "data"
    target = tmp_path / "defaults.toml"

    run_ok(root, "config", "defaults", "--format", "toml", "--output", str(target))
    target.write_text(target.read_text().replace("lora_r = 16", "lora_r = 12"))
    created = json.loads(
        run_ok(root, "experiments", "create", "--name", "x", "--config", str(target), "--json")
    )

    assert created["config"]["lora_r"] == 12
    assert "# Rank (r):" in target.read_text()
    again = musiclab(root, "config", "defaults", "--format", "toml", "--output", str(target))
    assert again.returncode == 5 and b"already exists" in again.stderr


@pytest.fixture
def finished_runs(library: Library, experiment_with_dataset):
    first, second = two_finished_runs(library, experiment_with_dataset)
    root = library.root
    library.close()
    return root, first, second


def test_notes_tags_and_filters_through_the_cli(finished_runs) -> None:
    root, first, second = finished_runs

    run_ok(
        root,
        "runs",
        "update",
        str(second),
        "--notes",
        "baseline at rank 8",
        "--add-tag",
        "baseline",
        "--add-tag",
        "keep",
    )
    run_ok(root, "runs", "update", str(first), "--add-tag", "keep")

    def listed(*args: str) -> list[int]:
        return [r["id"] for r in json.loads(run_ok(root, "runs", "list", *args, "--json"))]

    assert listed() == [first, second]
    assert listed("--filter", "final_loss<7.5 and lora_r=16") == [first]
    assert listed("--tag", "keep", "--sort=-final_loss") == [second, first]
    assert listed("--sort", "final_loss", "--desc") == [second, first]
    assert listed("--tag", "baseline") == [second]
    assert listed("--filter", "notes~rank", "--status", "completed") == [second]
    assert listed("--sort", "final_loss", "--limit", "1") == [first]
    table = run_ok(root, "runs", "list", "--filter", "lora_r>=8", "--sort", "lora_r")
    header, *rows = table.splitlines()
    assert header.split()[:7] == ["ID", "EXPERIMENT", "NAME", "STATUS", "STEP", "FINAL", "LOSS"]
    assert "LORA_R" in header and "TAGS" in header
    assert rows[0].split()[0] == str(second) and " 8 " in rows[0]
    bad = musiclab(root, "runs", "list", "--filter", "final_los<7")
    assert bad.returncode == 5 and b"did you mean 'final_loss'" in bad.stderr


def test_show_pages_give_the_facts_at_a_glance(finished_runs) -> None:
    root, _first, second = finished_runs
    run_ok(root, "runs", "update", str(second), "--notes", "line one\nline two")
    run_ok(root, "experiments", "update", "2", "--description", "rank 8 try", "--add-tag", "small")

    page = run_ok(root, "runs", "show", str(second))
    assert f"Run:        {second} 'run-1' of experiment 2 'other'" in page
    assert "Final loss: 8.0000" in page
    assert "Folder:" in page and "Created:" in page and "Finished:" in page
    assert "Notes:\n  line one\n  line two" in page
    assert "Settings that differ from the defaults:\n  lora_r = 8" in page
    experiment_page = run_ok(root, "experiments", "show", "2")
    assert "Best loss:  8.0000 (run 2 'run-1')" in experiment_page
    assert "Tags:       small" in experiment_page
    assert "Notes:\n  rank 8 try" in experiment_page
    assert "lora_r = 8" in experiment_page


def test_runs_export_writes_a_self_contained_folder(
    library: Library, experiment_with_dataset, tmp_path: Path
) -> None:
    run = library.runs.prepare_start(experiment_with_dataset.id, override={"lora_r": 4})
    library.telemetry.append_log(run.id, [b"\x1b[32mstep 1\x1b[0m\r\n"])
    library.telemetry.append_metrics(
        run.id, [(1, "loss", 9.5, 1.0), (2, "loss", 9.0, 2.0), (2, "lr", 1e-4, 2.0)]
    )
    write_tone(Path(run.output_dir) / "sample-0.wav")
    for index, (prompt, path) in enumerate([("calm", "sample-0.wav"), ("gone", "missing.wav")]):
        library.samples.record(
            run.id,
            step=2,
            prompt_index=index,
            prompt=prompt,
            seed=1,
            seconds=2.0,
            sample_rate=16000,
            path=path,
        )
    finish_run(library, run.id, 9.0)
    root = library.root
    library.close()
    out = tmp_path / "export"

    result = json.loads(run_ok(root, "runs", "export", str(run.id), str(out), "--json"))

    assert result["samples"] == 1 and result["adapter"] is True
    assert set(result["files"]) == {
        "run.json",
        "config.toml",
        "config.json",
        "metrics.csv",
        "metrics.json",
        "terminal.log",
        "samples/sample-0.wav",
        "samples/samples.json",
        "adapter/adapter_config.json",
    }
    assert (out / "terminal.log").read_bytes() == b"\x1b[32mstep 1\x1b[0m\r\n"
    rows = list(csv.reader((out / "metrics.csv").open()))
    assert rows == [
        ["step", "name", "value", "wall_time"],
        ["1", "loss", "9.5", "1.0"],
        ["2", "loss", "9.0", "2.0"],
        ["2", "lr", "0.0001", "2.0"],
    ]
    assert json.loads((out / "metrics.json").read_text())["loss"]["values"] == [9.5, 9.0]
    assert json.loads((out / "run.json").read_text())["effective_config"]["lora_r"] == 4
    assert json.loads((out / "config.json").read_text())["lora_r"] == 4
    created = json.loads(
        run_ok(
            root,
            "experiments",
            "create",
            "--name",
            "rerun",
            "--config",
            str(out / "config.toml"),
            "--json",
        )
    )
    assert created["config"]["lora_r"] == 4
    again = musiclab(root, "runs", "export", str(run.id), str(out))
    assert again.returncode == 5 and b"not an empty folder" in again.stderr


def test_a_missing_base_model_fails_with_its_kind_and_the_not_found_code(
    library: Library, experiment_with_dataset, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-model"
    library.experiments.update(
        experiment_with_dataset.id, config={"base_model": str(missing), "device": "cpu"}
    )
    root = library.root
    library.close()

    result = musiclab(root, "runs", "start", str(experiment_with_dataset.id), "--wait")

    assert result.returncode == 3, result.stderr
    shown = json.loads(run_ok(root, "runs", "show", "1", "--json"))
    assert shown["status"] == "FAILED"
    assert shown["error_kind"] == "model_unavailable"
    assert f"The model folder {missing} does not exist" in shown["error"]
    assert "[model_unavailable]" in run_ok(root, "runs", "show", "1")


def test_datasets_export_and_import_through_the_cli(
    library: Library, make_clips, tmp_path: Path
) -> None:
    folder = make_clips(count=3)
    (folder / "metadata.csv").write_text(
        "file_name,text,genre\n" + "".join(f"tone{i}.wav,tone {i},ambient\n" for i in range(3))
    )
    dataset = library.datasets.import_folder(folder, name="tones").dataset
    root = library.root
    library.close()
    out = tmp_path / "ac"

    text = run_ok(
        root,
        "datasets",
        "export",
        str(dataset.id),
        str(out),
        "--format",
        "audiocraft",
        "--valid-split",
        "0.34",
    )
    imported = json.loads(run_ok(root, "datasets", "import", str(out), "--name", "back", "--json"))

    assert "Exported 2 train, 1 valid clip(s) as audiocraft" in text
    assert imported["dataset"]["usable_count"] == 3
    shown = run_ok(root, "datasets", "show", str(imported["dataset"]["id"]))
    assert "METADATA" in shown and "genre=ambient" in shown
