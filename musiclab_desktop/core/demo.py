"""``musiclab demo``: a ready-to-train example in the user's data folder.

It synthesizes eight short captioned clips with distinct timbres, imports them as a
dataset, and creates an experiment linked to it whose config trains a tiny random
MusicGen on the CPU in seconds. The tiny model itself is built by the training
interpreter (torch stays out of this process) through the ``build_model`` callback.
Running it again reuses what exists and repairs what is missing.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import DatasetRecord, ExperimentRecord

DEMO_DATASET_NAME = "Demo clips"
DEMO_EXPERIMENT_NAME = "Demo: tiny MusicGen"
DEMO_MODEL_FOLDER = "tiny-musicgen"
SAMPLE_RATE = 32_000
_MODEL_MARKER = "config.json"

ModelBuilder = Callable[[Path], None]
# What create_demo does, in order: a window shows them as a checklist (on_step gets the
# index of the step starting).
DEMO_STEPS: tuple[str, ...] = (
    "Build a tiny MusicGen (random weights, no download)",
    "Synthesize eight captioned clips and import them as a dataset",
    "Create the demo experiment, ready to train",
)


def demo_config(model_dir: Path) -> dict[str, object]:
    """Small enough to finish in seconds on a laptop CPU; every step logged."""
    return {
        "base_model": str(model_dir),
        "segment_seconds": 2.0,
        "min_segment_seconds": 0.5,
        "batch_size": 2,
        "gradient_accumulation_steps": 1,
        "num_epochs": 2,
        "max_steps": 0,
        "log_every_steps": 1,
        "warmup_ratio": 0.0,
        "learning_rate": 1e-3,
        "lora_r": 4,
        "lora_alpha": 4,
        "gradient_checkpointing": False,
        "device": "cpu",
        "precision": "fp32",
        # Samples stay on as everywhere; one second each keeps the demo quick to train.
        # The automatic schedule would skip the middle ones (sampling dwarfs a tiny run's
        # training), so the demo asks for one at the end of each of its epochs (4 steps).
        "sample_seconds": 1.0,
        "sample_every_steps": 4,
    }


@dataclass
class DemoResult:
    experiment: ExperimentRecord
    dataset: DatasetRecord
    model_dir: Path
    created: list[str] = field(default_factory=list)  # what this call made, in words


def _time(seconds: float) -> np.ndarray:
    return np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE


def _envelope(t: np.ndarray, attack: float = 0.02, decay: float | None = None) -> np.ndarray:
    rise = np.clip(t / attack, 0.0, 1.0)
    fall = np.exp(-t / decay) if decay else np.clip((t[-1] - t) / 0.05, 0.0, 1.0)
    return rise * fall


def _clips() -> list[tuple[str, str, np.ndarray]]:
    """(file name, caption, mono signal) for each demo clip."""
    rng = np.random.default_rng(7)
    t2, t25, t3 = _time(2.0), _time(2.5), _time(3.0)
    saw = 2 * ((110 * t25) % 1.0) - 1
    square = np.sign(np.sin(2 * np.pi * 220 * t2))
    chord = sum(np.sin(2 * np.pi * f * t3) for f in (261.6, 329.6, 392.0)) / 3
    pluck = sum(np.sin(2 * np.pi * 196 * k * t2) / k for k in range(1, 8))
    bell = np.sin(2 * np.pi * 440 * t25 + 3 * np.sin(2 * np.pi * 616 * t25))
    beat_phase = (t3 % 0.5) / 0.5
    kick = np.sin(2 * np.pi * 60 * t3) * np.exp(-beat_phase * 12)
    hats = rng.standard_normal(t3.size) * np.exp(-((t3 % 0.25) / 0.25) * 30) * 0.3
    noise = np.convolve(rng.standard_normal(t25.size), np.ones(32) / 32, mode="same")
    vibrato = np.sin(2 * np.pi * 330 * t3 + 2 * np.sin(2 * np.pi * 5 * t3))
    return [
        ("bass_saw.wav", "a low buzzing sawtooth bass note", saw * _envelope(t25)),
        ("square_lead.wav", "a bright square wave synth lead", square * _envelope(t2) * 0.5),
        ("piano_chord.wav", "a calm major chord, soft and warm",
         chord * _envelope(t3, decay=1.2)),
        ("guitar_pluck.wav", "a plucked acoustic guitar string",
         pluck * _envelope(t2, 0.005, 0.4) / 2),
        ("fm_bell.wav", "a shimmering metallic bell", bell * _envelope(t25, 0.005, 0.7)),
        ("drum_loop.wav", "a steady drum beat with kick and hi-hats", kick + hats),
        ("wind_noise.wav", "dark ambient noise like distant wind",
         noise * _envelope(t25, 0.5) * 4),
        ("vibrato_tone.wav", "a slow singing tone with vibrato", vibrato * _envelope(t3, 0.2)),
    ]


def synthesize_clips(folder: Path) -> Path:
    """Write the demo clips and their captions (metadata.csv) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["file_name,text"]
    for file_name, caption, signal in _clips():
        peak = float(np.max(np.abs(signal))) or 1.0
        audio = (0.6 * signal / peak).astype(np.float32)
        soundfile.write(str(folder / file_name), audio, SAMPLE_RATE)
        rows.append(f'{file_name},"{caption}"')
    (folder / "metadata.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def demo_model_dir(library: Library) -> Path:
    return library.models_dir / DEMO_MODEL_FOLDER


def create_demo(library: Library, build_model: ModelBuilder,
                on_step: Callable[[int], None] | None = None) -> DemoResult:
    """Make (or reuse) the demo model, dataset and experiment; ``on_step(i)`` is called
    as step ``DEMO_STEPS[i]`` starts."""
    step = on_step or (lambda _index: None)
    created: list[str] = []
    step(0)
    model_dir = _ensure_model(demo_model_dir(library), build_model, created)
    step(1)
    dataset = _ensure_dataset(library, created)
    step(2)
    experiment = _ensure_experiment(library, dataset, model_dir, created)
    return DemoResult(experiment, dataset, model_dir, created)


def _ensure_model(model_dir: Path, build_model: ModelBuilder, created: list[str]) -> Path:
    if (model_dir / _MODEL_MARKER).is_file():
        return model_dir
    # Built beside and renamed into place, so an interrupted build never looks finished.
    partial = model_dir.with_name(model_dir.name + ".partial")
    if partial.exists():
        shutil.rmtree(partial)
    partial.parent.mkdir(parents=True, exist_ok=True)
    build_model(partial)
    if model_dir.exists():
        shutil.rmtree(model_dir)
    partial.rename(model_dir)
    created.append(f"tiny MusicGen model in {model_dir}")
    return model_dir


def _ensure_dataset(library: Library, created: list[str]) -> DatasetRecord:
    existing = next((d for d in library.datasets.list() if d.name == DEMO_DATASET_NAME), None)
    if existing is not None and Path(existing.folder).is_dir():
        return existing
    folder = library.root / "demo" / "clips"
    synthesize_clips(folder)
    if existing is not None:  # the clips were deleted: written again, same dataset
        return existing
    dataset = library.datasets.import_folder(folder, name=DEMO_DATASET_NAME).dataset
    created.append(f"dataset '{dataset.name}' ({dataset.usable_count} clips in {folder})")
    return dataset


def _ensure_experiment(library: Library, dataset: DatasetRecord, model_dir: Path,
                       created: list[str]) -> ExperimentRecord:
    config = demo_config(model_dir)
    existing = next((e for e in library.experiments.list(include_archived=True)
                     if e.name == DEMO_EXPERIMENT_NAME), None)
    if existing is None:
        experiment = library.experiments.create(
            DEMO_EXPERIMENT_NAME, dataset_id=dataset.id, config=config,
            description="Trains a tiny random MusicGen on synthesized clips: a quick, "
                        "offline tour of runs, the live terminal and the loss curve.",
        )
        created.append(f"experiment '{experiment.name}'")
        return experiment
    if existing.archived:
        existing = library.experiments.unarchive(existing.id)
    if existing.dataset_id != dataset.id or existing.config.get("base_model") != str(model_dir):
        existing = library.experiments.update(
            existing.id, dataset_id=dataset.id, config={**existing.config, **config})
    return existing
