"""Short clips generated with the adapter, so a person can hear what it learned."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import soundfile
import torch

from musiclab_desktop.training.hardware import Precision
from musiclab_desktop.training.model_loading import LoadedModel

GUIDANCE_SCALE = 3.0


@torch.no_grad()
def generate_sample(
    model: Any, loaded: LoadedModel, prompt: str, seconds: float, precision: Precision
) -> np.ndarray:
    """Audio (channels, samples) for ``prompt`` with classifier-free guidance 3.0."""
    base = model.get_base_model()
    device = next(base.decoder.parameters()).device
    inputs = loaded.processor(text=[prompt], padding=True, return_tensors="pt").to(device)
    # The delay pattern costs (codebooks - 1) extra steps at the end of the clip.
    delay = loaded.num_codebooks // loaded.audio_channels - 1
    steps = min(round(seconds * loaded.frame_rate) + delay, loaded.max_positions - 1)
    model.eval()
    with precision.autocast():
        audio = base.generate(
            **inputs, do_sample=True, guidance_scale=GUIDANCE_SCALE, max_new_tokens=steps
        )
    return audio[0].float().cpu().numpy()


def write_wav(audio: np.ndarray, path: Path, sample_rate: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(str(path), np.clip(audio.T, -1.0, 1.0), sample_rate, subtype="PCM_16")
    return path


def sample_file_name(index: int, prompt: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", prompt.lower()).strip("-")[:40] or "sample"
    return f"sample-{index + 1:02d}-{slug}.wav"
