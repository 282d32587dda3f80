"""A data folder with believable sample content, for screenshots and benchmarks.

Runs are driven through core exactly as the runner would (start, running, complete or
fail), so statuses, best losses and adapters are what the real flow produces.
"""

from __future__ import annotations

import wave
from pathlib import Path

from musiclab_desktop.core.library import Library
from musiclab_desktop.ui.sample_telemetry import give_history

_CAPTIONS = [
    "warm lo-fi piano chords with vinyl crackle, 80 bpm",
    "mellow rhodes loop with soft brushed drums",
    "dusty jazz piano, slow swing, tape hiss",
    "late night piano motif with rain ambience",
    "gentle felt piano arpeggio, intimate and close",
    "lo-fi hip hop piano with side-chained bass",
    "nostalgic upright piano, detuned, lazy groove",
    "minimal piano phrase over sub bass and shaker",
    "bright piano stabs with chopped soul vocal",
    "sleepy piano ballad, wide stereo reverb",
]


def _write_silence(path: Path, seconds: float, rate: int = 16_000) -> None:
    # The scanner reads headers only: a silent WAV made with the standard library is
    # enough, and keeps numpy and soundfile out of the GUI process.
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(b"\x00\x00" * int(seconds * rate))


def make_clip_folder(folder: Path, count: int, captions: list[str],
                     uncaptioned: int = 0) -> Path:
    """``count`` clips, the last ``uncaptioned`` of them without a caption."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["file_name,text"]
    for i in range(count):
        name = f"clip_{i + 1:03d}.wav"
        _write_silence(folder / name, 8.0 + (i * 3.7) % 22)
        if i < count - uncaptioned:
            lines.append(f"{name},\"{captions[i % len(captions)]}\"")
    (folder / "metadata.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _finish(library: Library, run_id: int, loss: float) -> None:
    run = library.runs.mark_running(run_id, pid=None)
    adapter = Path(str(run.output_dir)) / "adapter"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text("{}")
    library.runs.complete(run_id, adapter_dir=adapter, final_loss=loss)


def populate(library: Library, clips_root: Path) -> dict[str, int]:
    """Datasets and experiments in every state; returns experiment ids by name."""
    piano = library.datasets.import_folder(
        make_clip_folder(clips_root / "lofi-piano", 14, _CAPTIONS, uncaptioned=2),
        name="lofi-piano").dataset
    pads = library.datasets.import_folder(
        make_clip_folder(clips_root / "ambient-pads", 8,
                         ["evolving ambient pad, slow attack", "shimmering drone in D"]),
        name="ambient-pads").dataset
    experiments = library.experiments
    ids: dict[str, int] = {}

    def create(name: str, description: str, dataset_id: int | None, **config: object) -> int:
        record = experiments.create(name, description=description, dataset_id=dataset_id,
                                    config=dict(config) or None)
        ids[name] = record.id
        return record.id

    old = create("Synthwave test", "First try with the default recipe.", pads.id)
    create("Guitar riffs v1", "Superseded by the piano experiments.", None)
    drums = create("Drum loops, high LR", "Does a 1e-3 learning rate still converge?",
                   piano.id, learning_rate=1e-3)
    library.runs.mark_running(library.runs.prepare_start(drums).id, pid=None)
    failed = library.runs.list(drums)[0]
    library.runs.fail(failed.id, "CUDA out of memory while training step 212: lower the "
                                 "batch size or enable gradient checkpointing.")
    create("Vocal chops", "", None)
    create("Jazz trio baseline", "Baseline before tuning the LoRA rank.", piano.id,
           lora_r=8, lora_alpha=8)
    pads_exp = create("Ambient pads, rank 32", "Higher rank for the long evolving textures.",
                      pads.id, lora_r=32, lora_alpha=32, segment_seconds=20.0)
    library.runs.mark_running(library.runs.prepare_start(pads_exp).id, pid=None)
    best = create("Lo-fi piano, 30 s clips",
                  "Warm lo-fi piano from the 14-clip set; the first run uses the published "
                  "recipe, the second a lower learning rate.", piano.id,
                  sample_prompts="lo-fi piano with rain\nslow jazz piano, tape hiss")
    for override, loss in ((None, 2.4137), ({"learning_rate": 1e-4}, 2.1862),
                           ({"lora_r": 32, "lora_alpha": 32}, 2.2950)):
        run_id = library.runs.prepare_start(best, override=override).id
        give_history(library, run_id, loss)
        _finish(library, run_id, loss)
    live = library.runs.prepare_start(best, name="run-4 (rank 8)",
                                      override={"lora_r": 8, "lora_alpha": 8})
    library.runs.mark_running(live.id, pid=None)
    give_history(library, live.id, 2.35, finished=False)
    for experiment_id in (old, ids["Guitar riffs v1"]):
        experiments.archive(experiment_id)
    return ids


def populate_many(library: Library, count: int) -> None:
    """``count`` draft experiments in one transaction each batch (for the startup benchmark)."""
    for i in range(count):
        library.experiments.create(f"Experiment {i + 1:04d}",
                                   description=f"Generated experiment number {i + 1}.")
