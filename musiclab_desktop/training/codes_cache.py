"""EnCodec codes for every clip, computed once and cached in the run folder.

Each clip is encoded whole (in fixed chunks to bound memory) and stored as int16
codes of shape (codebooks, frames); epochs crop segments from the cached codes,
so no epoch ever runs EnCodec again, and a resumed run reuses the files.

``MUSICLAB_CODES_CACHE`` names a folder shared by runs instead (a run target sets it to
its ``WORK/cache/codes``, beside its content-addressed clip cache): a clip's codes are
keyed by its path, size and modification time plus the codec's identity, and a staged
clip's path holds its content's sha256, so a second run on the same dataset on that
target encodes nothing.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np
import torch
from transformers.models.encodec.modeling_encodec import EncodecEncoderOutput

from musiclab_desktop.training.audio import load_audio
from musiclab_desktop.training.manifest import Clip, Warn
from musiclab_desktop.training.model_loading import LoadedModel, codec_config

if TYPE_CHECKING:
    from transformers import EncodecModel

CACHE_DIR = "codes_cache"
CACHE_DIR_ENV_VAR = "MUSICLAB_CODES_CACHE"
CHUNK_SECONDS = 30


def cache_folder(output_dir: Path) -> Path:
    """Where the codes are cached: the shared folder the environment names, else the run's."""
    shared = os.environ.get(CACHE_DIR_ENV_VAR, "").strip()
    return Path(shared) if shared else output_dir / CACHE_DIR


@dataclass(frozen=True)
class EncodedClip:
    clip: Clip
    codes: np.ndarray  # int16, (num_codebooks, frames)

    @property
    def frames(self) -> int:
        return int(self.codes.shape[1])


def encode_clips(
    clips: list[Clip],
    loaded: LoadedModel,
    cache_dir: Path,
    min_frames: int,
    warn: Warn,
    should_stop: Callable[[], bool] = lambda: False,
) -> tuple[list[EncodedClip], int]:
    """The usable clips with their codes, and how many had to be encoded (not cached)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    identity = _codec_identity(loaded)
    encoded: list[EncodedClip] = []
    fresh = 0
    for clip in clips:
        if should_stop():
            break
        cache_file = cache_dir / f"{_clip_key(clip, identity)}.npy"
        codes = _read_cache(cache_file)
        if codes is None:
            try:
                audio = load_audio(clip.path, loaded.sampling_rate, loaded.audio_channels)
            except Exception as error:  # a file can pass the header check and still fail
                warn(f"Cannot decode audio file {clip.path} ({error}); skipped.")
                continue
            codes = encode_audio(audio, loaded)
            _write_cache(cache_file, codes)
            fresh += 1
        if codes.shape[1] < min_frames:
            seconds = codes.shape[1] / loaded.frame_rate
            warn(f"{clip.path} is {seconds:.1f} s long, under the minimum clip length; skipped.")
            continue
        encoded.append(EncodedClip(clip, codes))
    return encoded, fresh


@torch.inference_mode()
def encode_audio(audio: np.ndarray, loaded: LoadedModel) -> np.ndarray:
    """EnCodec codes (num_codebooks, frames) for audio of shape (channels, samples).

    Stereo models see each channel encoded on its own, with the two channels'
    codebooks interleaved (L0, R0, L1, R1, ...) as MusicGen's stereo decoder expects.
    """
    # MusicgenForConditionalGeneration types audio_encoder as any PreTrainedModel.
    codec = cast("EncodecModel", loaded.model.audio_encoder)
    device = next(codec.parameters()).device
    hop = int(np.prod(codec.config.upsampling_ratios))
    chunk = CHUNK_SECONDS * loaded.sampling_rate // hop * hop
    pieces = []
    for start in range(0, audio.shape[1], chunk):
        # Channels go in as a batch of mono signals: EnCodec 32 kHz is a mono codec.
        window = torch.from_numpy(audio[:, start : start + chunk]).unsqueeze(1).to(device)
        codes = _encode(codec, window)  # (channels, quantizers, frames)
        pieces.append(codes.transpose(0, 1).reshape(-1, codes.shape[-1]))
    codes = torch.cat(pieces, dim=1)
    if codes.shape[0] != loaded.num_codebooks:
        raise RuntimeError(
            f"EnCodec gives {codes.shape[0]} codebooks but the decoder expects "
            f"{loaded.num_codebooks}; the model folder is inconsistent."
        )
    return codes.cpu().numpy().astype(np.int16)


def _encode(codec: EncodecModel, window: torch.Tensor) -> torch.Tensor:
    output = codec.encode(window.float())
    # transformers types this as a tuple or an output with optional fields; MusicGen's
    # EnCodec config returns the output object with codes.
    assert isinstance(output, EncodecEncoderOutput) and output.audio_codes is not None
    return output.audio_codes[0]


def _codec_identity(loaded: LoadedModel) -> str:
    codec = codec_config(loaded.model)
    return f"{loaded.model.name_or_path}|{codec.to_json_string()}|{loaded.audio_channels}"


def _clip_key(clip: Clip, identity: str) -> str:
    stat = clip.path.stat()
    text = f"{clip.path}|{stat.st_size}|{stat.st_mtime_ns}|{identity}"
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _read_cache(path: Path) -> np.ndarray | None:
    try:
        return np.load(path)
    except (OSError, ValueError):
        return None


def _write_cache(path: Path, codes: np.ndarray) -> None:
    # Write then rename, so a run killed mid-write never leaves a torn cache file.
    partial = path.with_name(f"{path.stem}.{os.getpid()}.partial.npy")
    np.save(partial, codes)
    partial.replace(path)
