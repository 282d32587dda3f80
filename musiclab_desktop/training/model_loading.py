"""Load MusicGen, make its special tokens usable for training, and add LoRA to the decoder."""

from __future__ import annotations

import contextlib
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import torch
from peft import LoraConfig, PeftModel, get_peft_model
from transformers import (
    AutoProcessor,
    EncodecConfig,
    MusicgenDecoderConfig,
    MusicgenForConditionalGeneration,
)
from transformers.utils import logging as hf_logging

from musiclab_desktop.core.config import TrainingConfig
from musiclab_desktop.training.errors import ModelUnavailableError
from musiclab_desktop.training.hardware import Precision


@dataclass
class LoadedModel:
    """The model with what training needs to know about it."""

    model: MusicgenForConditionalGeneration
    processor: Any
    sampling_rate: int
    frame_rate: int
    num_codebooks: int
    audio_channels: int
    max_positions: int
    pad_token_id: int


@contextlib.contextmanager
def quiet_transformers() -> Iterator[None]:
    # Published MusicGen configs put pad = 2048 = vocab size, which transformers flags
    # on every load although the decoder embeds vocab_size + 1 tokens on purpose.
    previous = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    try:
        yield
    finally:
        hf_logging.set_verbosity(previous)


def load_musicgen(model_dir: Path, device: torch.device, precision: Precision) -> LoadedModel:
    """Load the model and processor from a folder (a local path or a hub cache snapshot)."""
    try:
        with quiet_transformers():
            model = MusicgenForConditionalGeneration.from_pretrained(str(model_dir))
            processor = AutoProcessor.from_pretrained(str(model_dir))
    except (OSError, ValueError) as error:
        raise ModelUnavailableError(
            f"Could not load MusicGen from {model_dir}: {error}. Download it again with "
            "`huggingface-cli download` or pick a complete model folder."
        ) from error
    return prepare_musicgen(model, processor, device, precision)


def prepare_musicgen(
    model: MusicgenForConditionalGeneration,
    processor: Any,
    device: torch.device,
    precision: Precision,
) -> LoadedModel:
    """Tokens set, base frozen, frozen weights in the training dtype, on the device."""
    pad = set_special_tokens(model)
    freeze_base(model)
    # EnCodec stays fp32: its nearest-codebook search decides the training targets.
    frozen: list[torch.nn.Module] = [model.text_encoder, model.decoder]
    if hasattr(model, "enc_to_dec_proj"):
        frozen.append(model.enc_to_dec_proj)
    for module in frozen:
        module.to(precision.frozen_weights_dtype)
    _keep_positions_fp32(model)
    _as_module(model).to(device)
    codec = codec_config(model)
    return LoadedModel(
        model=model,
        processor=processor,
        sampling_rate=int(codec.sampling_rate),
        frame_rate=int(codec.frame_rate),
        num_codebooks=int(model.decoder.num_codebooks),
        audio_channels=int(decoder_config(model).audio_channels),
        max_positions=int(decoder_config(model).max_position_embeddings),
        pad_token_id=pad,
    )


def decoder_config(model: MusicgenForConditionalGeneration) -> MusicgenDecoderConfig:
    # MusicgenConfig types its sub-configs as `dict | PreTrainedConfig | None`; a loaded
    # model always holds the config objects.
    return cast(MusicgenDecoderConfig, model.config.decoder)


def codec_config(model: MusicgenForConditionalGeneration) -> EncodecConfig:
    return cast(EncodecConfig, model.config.audio_encoder)


def _as_module(model: MusicgenForConditionalGeneration) -> torch.nn.Module:
    # transformers wraps PreTrainedModel.to with functools.wraps(Module.to), which type
    # checkers read as an unbound function; Module.to is the same call, typed.
    return model


def _keep_positions_fp32(model: MusicgenForConditionalGeneration) -> None:
    # The sinusoid table is a buffer, not a weight: bf16 would blur nearby positions.
    model.decoder.model.decoder.embed_positions.float()


def set_special_tokens(model: MusicgenForConditionalGeneration) -> int:
    """pad = bos = decoder start = codebook size, on the configs and the generation config.

    transformers 5.x leaves decoder_start_token_id unset on MusicgenDecoderConfig,
    and forward with labels needs it to shift the labels right.
    """
    pad = int(decoder_config(model).vocab_size)
    # Three config classes that share these token fields but no base class declaring them.
    configs: tuple[Any, ...] = (
        decoder_config(model), model.decoder.config, model.generation_config
    )
    for config in configs:
        config.pad_token_id = pad
        config.bos_token_id = pad
        config.decoder_start_token_id = pad
    model.config.pad_token_id = pad
    model.config.decoder_start_token_id = pad
    return pad


def freeze_base(model: MusicgenForConditionalGeneration) -> None:
    model.freeze_text_encoder()
    model.freeze_audio_encoder()
    for parameter in model.parameters():
        parameter.requires_grad_(False)


# Where each recipe target lives in MusicgenForConditionalGeneration (module names).
_RECIPE_PATTERNS = {
    "enc_to_dec_proj": r"enc_to_dec_proj",
    "lm_heads": r"decoder\.lm_heads\.\d+",
    "embed_tokens": r"decoder\.model\.decoder\.embed_tokens\.\d+",
}


def lora_target_pattern(targets: list[str]) -> str:
    """One full-match pattern for the chosen targets: the decoder layers' projections,
    and the recipe's extra modules; never T5 or EnCodec."""
    layer_names = [name for name in targets if name not in _RECIPE_PATTERNS]
    alternatives = [_RECIPE_PATTERNS[name] for name in targets if name in _RECIPE_PATTERNS]
    if layer_names:
        names = "|".join(re.escape(name) for name in layer_names)
        alternatives.insert(0, rf"decoder\.model\.decoder\.layers\.\d+\.(?:\w+\.)?(?:{names})")
    return "|".join(f"(?:{alternative})" for alternative in alternatives)


def add_lora(model: MusicgenForConditionalGeneration, config: TrainingConfig) -> PeftModel:
    """LoRA on the chosen targets (see :func:`lora_target_pattern`)."""
    lora = LoraConfig(
        r=config.lora_r,
        lora_alpha=config.lora_alpha,
        lora_dropout=config.lora_dropout,
        target_modules=lora_target_pattern(config.lora_targets()),
        bias="none",
    )
    with warnings.catch_warnings():
        # peft 0.21 reads transformers' deprecated is_gradient_checkpointing: noise a user
        # cannot act on.
        warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing.*")
        peft_model = get_peft_model(model, lora)
    if config.gradient_checkpointing:
        enable_gradient_checkpointing(peft_model)
    return peft_model


def enable_gradient_checkpointing(peft_model: PeftModel) -> None:
    base = cast(MusicgenForConditionalGeneration, peft_model.get_base_model())
    decoder = base.decoder
    kwargs = {"use_reentrant": False}
    if hasattr(decoder, "activation_checkpointing_enable"):
        decoder.activation_checkpointing_enable(activation_checkpointing_kwargs=kwargs)
    else:  # transformers 4.x
        decoder.gradient_checkpointing_enable(gradient_checkpointing_kwargs=kwargs)
    # With frozen embeddings nothing entering a checkpointed block requires grad;
    # this hook makes the inputs carry grad so LoRA weights inside still get theirs.
    base.enable_input_require_grads()


def count_parameters(model: torch.nn.Module) -> tuple[int, int]:
    """(trainable, total) parameter counts."""
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    return trainable, total
