"""A tiny random MusicGen, built offline, saved like a real checkpoint folder.

Tests, the demo and other engineers' tests train on it: it has the published
structure (T5 text encoder, 32 kHz EnCodec at 50 frames/s with 4 codebooks of 2,048
codes, a MusicGen decoder with cross-attention) at toy sizes, and a tokenizer built
in code with the ``tokenizers`` library. Everything is written with
``save_pretrained`` so the worker loads it through exactly the code that loads
facebook/musicgen-small.

Usage: ``python -m musiclab_desktop.training.tiny_model [--stereo] OUT_DIR`` builds the
model in OUT_DIR and prints the folder.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, cast

import torch
from tokenizers import Tokenizer, pre_tokenizers
from tokenizers.models import Unigram
from tokenizers.trainers import UnigramTrainer
from transformers import (
    EncodecConfig,
    EncodecFeatureExtractor,
    EncodecModel,
    GenerationConfig,
    MusicgenConfig,
    MusicgenDecoderConfig,
    MusicgenForConditionalGeneration,
    MusicgenProcessor,
    T5Config,
    T5Tokenizer,
)

from musiclab_desktop.training.model_loading import quiet_transformers

SAMPLING_RATE = 32_000
CODEBOOK_SIZE = 2048  # as published: pad = bos = decoder start = 2048
SEED = 1234
USAGE = "usage: python -m musiclab_desktop.training.tiny_model [--stereo] OUT_DIR"

# Words a caption is likely to use; anything else still tokenizes through the
# single characters the trainer keeps.
_CORPUS = [
    "calm piano melody with soft strings",
    "upbeat electronic dance track with heavy bass and drums",
    "lofi hip hop beat with vinyl crackle and mellow chords",
    "acoustic guitar folk song, warm and gentle",
    "epic orchestral soundtrack with brass and choir",
    "jazz trio with upright bass, brushed drums and piano solo",
    "ambient synth pad drone, slow and dreamy",
    "80s pop track with bassy drums and synth",
    "90s rock song with loud guitars and heavy drums",
    "sine tone at a low pitch, a high pitch, a chord, a pulse, noise",
    "happy sad dark bright fast slow loud quiet short long",
    "abcdefghijklmnopqrstuvwxyz 0123456789 .,-'!?",
]


def build_tiny_musicgen(out_dir: Path, *, audio_channels: int = 1) -> Path:
    """Create a tiny random MusicGen (mono, or stereo with 2) in ``out_dir``; return it."""
    if audio_channels not in (1, 2):
        raise ValueError("audio_channels must be 1 or 2")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(SEED)
    tokenizer = _build_tokenizer()
    # transformers flags pad = 2048 = vocab size, as it does for the published configs.
    with quiet_transformers():
        model = MusicgenForConditionalGeneration(_build_config(len(tokenizer), audio_channels))
        _initialise_codebooks(model)
        _sharpen_decoder_io(model)
        model.generation_config = _generation_config()
        model.save_pretrained(out_dir)
    feature_extractor = EncodecFeatureExtractor(
        feature_size=audio_channels, sampling_rate=SAMPLING_RATE, padding_value=0.0
    )
    MusicgenProcessor(feature_extractor=feature_extractor, tokenizer=tokenizer).save_pretrained(
        out_dir
    )
    return out_dir


def _build_tokenizer() -> T5Tokenizer:
    """A small Unigram vocabulary trained in code, wrapped as MusicGen's T5 tokenizer."""
    special = ["<pad>", "</s>", "<unk>"]  # T5's ids 0, 1, 2
    backend = Tokenizer(Unigram())
    # The same pre-tokenizer T5Tokenizer uses, so the trained pieces carry its "▁" marks.
    backend.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    trainer = UnigramTrainer(
        vocab_size=256, special_tokens=special, unk_token="<unk>", show_progress=False
    )
    backend.train_from_iterator(_CORPUS, trainer=trainer)
    pieces = json.loads(backend.to_str())["model"]["vocab"]
    vocab = [(str(piece), float(score)) for piece, score in pieces]
    return T5Tokenizer(vocab=vocab, extra_ids=0, model_max_length=512)


def _build_config(text_vocab_size: int, audio_channels: int) -> MusicgenConfig:
    text_encoder = T5Config(
        vocab_size=text_vocab_size,
        d_model=32,
        d_kv=8,
        d_ff=64,
        num_layers=2,
        num_heads=4,
        relative_attention_num_buckets=8,
        relative_attention_max_distance=32,
        dropout_rate=0.0,
    )
    # 8 * 5 * 4 * 4 = 640 samples per frame: 50 frames/s at 32 kHz, like encodec_32khz.
    # 2.2 kbps at 11 bits per code and 50 frames/s gives 4 codebooks.
    audio_encoder = EncodecConfig(
        sampling_rate=SAMPLING_RATE,
        audio_channels=1,
        upsampling_ratios=[8, 5, 4, 4],
        num_filters=4,
        hidden_size=16,
        codebook_dim=16,
        codebook_size=CODEBOOK_SIZE,
        target_bandwidths=[2.2],
        num_lstm_layers=1,
        use_causal_conv=False,
        use_conv_shortcut=False,
        normalize=False,
    )
    # transformers 5's dataclass configs take extra fields as kwargs; its typing doesn't.
    decoder = MusicgenDecoderConfig(  # type: ignore[call-arg]
        vocab_size=CODEBOOK_SIZE,
        max_position_embeddings=2048,
        num_hidden_layers=2,
        ffn_dim=128,
        num_attention_heads=4,
        hidden_size=64,
        num_codebooks=4 * audio_channels,
        audio_channels=audio_channels,
        pad_token_id=CODEBOOK_SIZE,
        bos_token_id=CODEBOOK_SIZE,
        decoder_start_token_id=CODEBOOK_SIZE,
        dropout=0.0,
    )
    return MusicgenConfig(
        text_encoder=text_encoder.to_dict(),
        audio_encoder=audio_encoder.to_dict(),
        decoder=decoder.to_dict(),
    )


@torch.no_grad()
def _initialise_codebooks(model: MusicgenForConditionalGeneration) -> None:
    """Fill each quantizer's codebook with residuals of real encoder output.

    A random EnCodec has all-zero codebooks, so every frame would get code 0. Picking
    codebook entries from the residuals each quantizer actually sees (on noise and
    tones) makes codes vary with the audio, as they do with trained weights.
    """
    # MusicgenForConditionalGeneration types audio_encoder as any PreTrainedModel.
    codec = cast(EncodecModel, model.audio_encoder)
    seconds = torch.arange(4 * SAMPLING_RATE) / SAMPLING_RATE
    tones = torch.stack([torch.sin(2 * torch.pi * f * seconds) for f in (110, 440, 1760)])
    audio = torch.cat([tones, 0.3 * torch.randn(3, seconds.numel())]).unsqueeze(1)
    residual = codec.encoder(audio).transpose(1, 2).reshape(-1, codec.config.codebook_dim)
    # Each quantizer's codebook tensors are registered buffers, which torch's typing
    # can't see as attributes.
    quantizers: list[Any] = list(codec.quantizer.layers)
    for layer in quantizers:
        picks = torch.randint(0, residual.shape[0], (codec.config.codebook_size,))
        jitter = 0.01 * residual.std() * torch.randn(codec.config.codebook_size, residual.shape[1])
        embed = residual[picks] + jitter
        layer.codebook.embed.copy_(embed)
        layer.codebook.embed_avg.copy_(embed)
        residual = residual - layer.codebook.decode(layer.codebook.encode(residual))


@torch.no_grad()
def _sharpen_decoder_io(model: MusicgenForConditionalGeneration) -> None:
    """Code embeddings, output heads and the text projection at std 0.1, not 0.02.

    At 0.02 the frozen heads give near-uniform logits that a LoRA on a 64-wide decoder
    can barely move, and captions barely reach the decoder; at 0.1 the tiny model's
    loss falls visibly within a few dozen steps, as a pretrained model's does.
    """
    model.enc_to_dec_proj.weight.normal_(0.0, 0.1)
    decoder = model.decoder
    # ModuleLists iterate as plain Modules; these hold Linear heads and Embeddings.
    for head in cast("list[torch.nn.Linear]", list(decoder.lm_heads)):
        head.weight.normal_(0.0, 0.1)
    for embedding in cast("list[torch.nn.Embedding]", list(decoder.model.decoder.embed_tokens)):
        embedding.weight.normal_(0.0, 0.1)


def _generation_config() -> GenerationConfig:
    # The fields facebook/musicgen-small ships in its generation_config.json.
    return GenerationConfig(
        bos_token_id=CODEBOOK_SIZE,
        pad_token_id=CODEBOOK_SIZE,
        decoder_start_token_id=CODEBOOK_SIZE,
        do_sample=True,
        guidance_scale=3.0,
        max_length=1500,
    )


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    stereo = "--stereo" in args
    folders = [arg for arg in args if arg != "--stereo"]
    if len(folders) != 1:
        print(USAGE, file=sys.stderr)
        return 2
    print(build_tiny_musicgen(Path(folders[0]), audio_channels=2 if stereo else 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
