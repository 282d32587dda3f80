"""Dataset reading, segment windows, batching by length and the code cache."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from musiclab_desktop.core.config import TrainingConfig
from musiclab_desktop.training.audio import load_audio
from musiclab_desktop.training.codes_cache import EncodedClip, encode_clips
from musiclab_desktop.training.errors import DataError
from musiclab_desktop.training.hardware import Precision
from musiclab_desktop.training.loop import plan_steps
from musiclab_desktop.training.manifest import Clip, dataset_fingerprint, read_manifest
from musiclab_desktop.training.model_loading import load_musicgen
from musiclab_desktop.training.segments import bucket_batches, count_segments, epoch_segments

from training_kit import synth_clip, write_dataset


def fake_clip(frames: int) -> EncodedClip:
    clip = Clip(Path(f"/clips/{frames}.wav"), "caption", frames / 50, 32_000, 1)
    return EncodedClip(clip, np.zeros((4, frames), dtype=np.int16))


def test_manifest_skips_broken_lines_and_unreadable_files(tmp_path: Path) -> None:
    dataset = write_dataset(tmp_path, count=2, corrupt=1)
    with dataset.open("a", encoding="utf-8") as handle:
        handle.write("not json\n")
        handle.write(json.dumps({"path": str(tmp_path / "gone.wav"), "description": "x"}) + "\n")
    warnings: list[str] = []

    clips = read_manifest(dataset, warnings.append)

    assert [clip.path.name for clip in clips] == ["clip-0.wav", "clip-1.wav"]
    assert clips[1].channels == 2 and clips[0].duration == pytest.approx(2.5)
    assert len(warnings) == 3
    assert any("corrupt-0.wav" in w for w in warnings)
    assert any("gone.wav" in w for w in warnings)
    assert any("line 4" in w for w in warnings)


def test_missing_manifest_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="does not exist"):
        read_manifest(tmp_path / "nope.jsonl", print)


def test_fingerprint_follows_captions(tmp_path: Path) -> None:
    clips = read_manifest(write_dataset(tmp_path, count=2), print)
    renamed = [clips[0], Clip(clips[1].path, "other caption", 2.5, 22_050, 2)]
    assert dataset_fingerprint(clips) == dataset_fingerprint(list(clips))
    assert dataset_fingerprint(clips) != dataset_fingerprint(renamed)


def test_audio_is_resampled_and_mixed_to_the_model_layout(tmp_path: Path) -> None:
    stereo_file = synth_clip(tmp_path / "stereo.wav", 0, 1.0, stereo=True)

    mono = load_audio(stereo_file, 32_000, 1)
    stereo = load_audio(stereo_file, 32_000, 2)

    assert mono.shape == (1, 32_000) and stereo.shape == (2, 32_000)
    np.testing.assert_allclose(mono[0], stereo.mean(axis=0), atol=1e-5)


def test_long_clips_give_full_windows_at_a_random_offset() -> None:
    clips = [fake_clip(350), fake_clip(60)]
    rng = np.random.default_rng(0)

    offsets = set()
    for _ in range(20):
        segments = epoch_segments(clips, 100, rng)
        long = [s for s in segments if s.clip_index == 0]
        assert len(long) == 3 and all(s.length == 100 for s in long)
        assert 0 <= long[0].start <= 50 and long[-1].start + 100 <= 350
        offsets.add(long[0].start)
        assert [s for s in segments if s.clip_index == 1] == [segments[-1]]
        assert segments[-1].length == 60 and segments[-1].start == 0
    assert len(offsets) > 5
    assert count_segments(clips, 100) == 4


def test_batches_group_similar_lengths() -> None:
    clips = [fake_clip(length) for length in (100, 40, 100, 45, 100, 100)]
    segments = epoch_segments(clips, 100, None)

    batches = bucket_batches(segments, 2, np.random.default_rng(1))

    assert sorted(len(batch) for batch in batches) == [2, 2, 2]
    assert sorted(sorted(s.length for s in batch) for batch in batches) == [
        [40, 45],
        [100, 100],
        [100, 100],
    ]


def test_step_plan_counts_accumulation_and_caps_at_max_steps() -> None:
    config = TrainingConfig(batch_size=2, gradient_accumulation_steps=3, num_epochs=4)
    plan = plan_steps(13, config)  # 7 batches per epoch -> 3 steps per epoch
    assert (plan.batches_per_epoch, plan.steps_per_epoch, plan.total_steps) == (7, 3, 12)
    capped = TrainingConfig(batch_size=2, gradient_accumulation_steps=3, num_epochs=4, max_steps=5)
    assert plan_steps(13, capped).total_steps == 5


def test_codes_are_encoded_once_then_read_from_the_cache(
    tmp_path: Path, tiny_model_dir: Path
) -> None:
    clips = read_manifest(write_dataset(tmp_path / "clips", count=3, seconds=2.0), print)
    clips.append(Clip(synth_clip(tmp_path / "short.wav", 0, 0.5), "too short", 0.5, 22_050, 1))
    loaded = load_musicgen(tiny_model_dir, torch.device("cpu"), Precision("fp32", "cpu"))
    warnings: list[str] = []

    first, fresh = encode_clips(clips, loaded, tmp_path / "cache", 50, warnings.append)
    again, fresh_again = encode_clips(clips, loaded, tmp_path / "cache", 50, print)

    assert (fresh, fresh_again) == (4, 0)
    assert len(first) == 3 and [c.frames for c in first] == [100, 100, 100]
    assert any("short.wav" in w for w in warnings)
    for one, other in zip(first, again, strict=True):
        np.testing.assert_array_equal(one.codes, other.codes)
