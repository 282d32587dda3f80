"""How many parameters a LoRA adapter trains, from the model's sizes alone (no torch).

LoRA on a ``Linear(n_in, n_out)`` adds ``A (r x n_in)`` and ``B (n_out x r)``: r x
(n_in + n_out) parameters; on an ``Embedding(n_codes, d)`` it adds ``A (r x n_codes)``
and ``B (d x r)``. The sizes come from the model's config.json (a folder, or the local
Hugging Face cache) or, for the published checkpoints, from the table below, so the
form can show the count before anything is downloaded. The training tests check the
figure against peft's own count on the tiny model.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from musiclab_desktop.core.config import ALL_LORA_TARGETS, TrainingConfig

_ATTENTION = ("q_proj", "k_proj", "v_proj", "out_proj")
# Self-attention and cross-attention: each decoder layer holds both, with the same names.
_ATTENTION_BLOCKS_PER_LAYER = 2


@dataclass(frozen=True)
class ModelDims:
    """The sizes of a MusicGen model that LoRA's cost depends on."""

    hidden: int
    ffn: int
    layers: int
    codebooks: int
    vocab: int
    text_hidden: int

    @property
    def has_enc_to_dec_proj(self) -> bool:
        # transformers adds the projection only when the two widths differ.
        return self.text_hidden != self.hidden


_T5_BASE = 768
_PUBLISHED: dict[str, ModelDims] = {
    "facebook/musicgen-small": ModelDims(1024, 4096, 24, 4, 2048, _T5_BASE),
    "facebook/musicgen-medium": ModelDims(1536, 6144, 48, 4, 2048, _T5_BASE),
    "facebook/musicgen-large": ModelDims(2048, 8192, 48, 4, 2048, _T5_BASE),
    "facebook/musicgen-stereo-small": ModelDims(1024, 4096, 24, 8, 2048, _T5_BASE),
    "facebook/musicgen-stereo-medium": ModelDims(1536, 6144, 48, 8, 2048, _T5_BASE),
    "facebook/musicgen-stereo-large": ModelDims(2048, 8192, 48, 8, 2048, _T5_BASE),
}


def dims_from_config(document: dict[str, Any]) -> ModelDims | None:
    """The sizes a MusicGen config.json states; None when it is not one."""
    decoder, text = document.get("decoder"), document.get("text_encoder")
    if not isinstance(decoder, dict) or not isinstance(text, dict):
        return None
    try:
        return ModelDims(
            hidden=int(decoder["hidden_size"]),
            ffn=int(decoder["ffn_dim"]),
            layers=int(decoder["num_hidden_layers"]),
            codebooks=int(decoder["num_codebooks"]),
            vocab=int(decoder["vocab_size"]),
            text_hidden=int(text.get("d_model") or text["hidden_size"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def model_dims(base_model: str) -> ModelDims | None:
    """The sizes of ``base_model`` (a folder or a hub id), or None when unknown here."""
    name = base_model.strip()
    config_file = _config_file(name)
    if config_file is not None:
        try:
            dims = dims_from_config(json.loads(config_file.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            dims = None
        if dims is not None:
            return dims
    return _PUBLISHED.get(name) or _PUBLISHED.get(f"facebook/{name}")


def _config_file(name: str) -> Path | None:
    folder = Path(name).expanduser()
    if (folder / "config.json").is_file():
        return folder / "config.json"
    if name.count("/") != 1:
        return None
    cache = hub_cache_dir() / f"models--{name.replace('/', '--')}"
    try:
        revision = (cache / "refs" / "main").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    candidate = cache / "snapshots" / revision / "config.json"
    return candidate if candidate.is_file() else None


def hub_cache_dir() -> Path:
    # huggingface_hub's own rule, without importing it (the window's env may lack it).
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"]).expanduser()
    home = os.environ.get("HF_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or "~/.cache", "huggingface"
    )
    return Path(home).expanduser() / "hub"


def target_cost(dims: ModelDims, target: str, r: int) -> int:
    """The parameters LoRA of rank ``r`` adds on ``target``, over the whole model."""
    d = dims.hidden
    if target in _ATTENTION:
        return dims.layers * _ATTENTION_BLOCKS_PER_LAYER * r * (d + d)
    if target in ("fc1", "fc2"):
        return dims.layers * r * (d + dims.ffn)
    if target == "enc_to_dec_proj":
        return r * (dims.text_hidden + d) if dims.has_enc_to_dec_proj else 0
    if target == "lm_heads":
        return dims.codebooks * r * (d + dims.vocab)
    if target == "embed_tokens":
        # The decoder embeds vocab + 1 codes: the extra one is the pad / start token.
        return dims.codebooks * r * (dims.vocab + 1 + d)
    raise ValueError(f"unknown LoRA target {target!r}")


def lora_parameter_count(dims: ModelDims, targets: list[str], r: int) -> int:
    return sum(target_cost(dims, target, r) for target in dict.fromkeys(targets))


def trainable_parameters(config: TrainingConfig) -> int | None:
    """What ``config`` trains, or None when the base model's sizes are unknown here."""
    dims = model_dims(config.base_model)
    if dims is None:
        return None
    return lora_parameter_count(dims, config.lora_targets(), config.lora_r)


def target_costs(config: TrainingConfig) -> dict[str, int] | None:
    """Each possible target's cost at the config's rank and model (for tooltips)."""
    dims = model_dims(config.base_model)
    if dims is None:
        return None
    return {target: target_cost(dims, target, config.lora_r) for target in ALL_LORA_TARGETS}
