"""Training throughput: the worker's step code against a bare transformers + peft loop.

Both loops train the same model shape on the same random EnCodec codes and captions
with the same batch, segment length, precision, LoRA settings and checkpointing, one
after the other in this process, and the script prints audio seconds per second for
each, the worker/bare ratio, and peak memory (GPU: allocator peak; CPU: peak RSS).

    python benchmarks/train_throughput.py                         # tiny model, CPU
    python benchmarks/train_throughput.py --shape musicgen-small  # published shapes, GPU

``musicgen-small`` builds facebook/musicgen-small's architecture with random weights
(nothing is downloaded). Prints figures only: nothing here asserts a speed.

What is timed: per loop, ``--steps`` optimiser steps after ``--warmup`` untimed ones,
from the first timed step to a device synchronise after the last. A step is building
the batch from the in-memory codes and captions (tokenising included), forward,
backward, gradient clipping, the optimiser step (and, in the worker, its scheduler).
Model building, loading and LoRA set-up are not timed; nothing is read from disk or
saved while timing. Audio seconds are the segment frames trained (50 a second) times
the batch size; ``--rounds`` alternates the two loops and the best round counts.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from peft import LoraConfig, get_peft_model
from transformers import (
    AutoProcessor,
    EncodecConfig,
    MusicgenConfig,
    MusicgenDecoderConfig,
    MusicgenForConditionalGeneration,
    T5Config,
)

from musiclab_desktop.core.config import LORA_TARGETS, TrainingConfig
from musiclab_desktop.training.batching import BatchBuilder
from musiclab_desktop.training.codes_cache import EncodedClip
from musiclab_desktop.training.hardware import Precision, pick_device, pick_precision
from musiclab_desktop.training.manifest import Clip
from musiclab_desktop.training.model_loading import add_lora, prepare_musicgen
from musiclab_desktop.training.schedule import make_optimizer, make_scheduler
from musiclab_desktop.training.segments import Segment
from musiclab_desktop.training.step import TrainStep, set_train_mode
from musiclab_desktop.training.tiny_model import build_tiny_musicgen

CAPTIONS = [
    "upbeat electronic dance track with heavy bass and drums",
    "calm piano melody with soft strings",
    "lofi hip hop beat with vinyl crackle and mellow chords",
    "epic orchestral soundtrack with brass and choir",
]
DEFAULTS = {  # shape: (batch size, segment seconds, timed steps, warm-up steps)
    "tiny": (4, 10.0, 10, 2),
    "musicgen-small": (8, 30.0, 10, 3),
}


@dataclass
class Figures:
    name: str
    seconds_per_step: float
    audio_s_per_s: float
    peak_memory_gb: float | None


def musicgen_small_config() -> MusicgenConfig:
    """facebook/musicgen-small's published shapes: T5-base, EnCodec 32 kHz, 24-layer decoder."""
    text = T5Config(
        vocab_size=32128,
        d_model=768,
        d_kv=64,
        d_ff=3072,
        num_layers=12,
        num_heads=12,
        relative_attention_num_buckets=32,
        dropout_rate=0.1,
        feed_forward_proj="relu",
    )
    codec = EncodecConfig(
        sampling_rate=32_000,
        audio_channels=1,
        upsampling_ratios=[8, 5, 4, 4],
        num_filters=64,
        hidden_size=128,
        codebook_size=2048,
        codebook_dim=128,
        target_bandwidths=[2.2],
        num_lstm_layers=2,
        use_causal_conv=False,
        use_conv_shortcut=False,
        normalize=False,
    )
    decoder = MusicgenDecoderConfig(
        vocab_size=2048,
        max_position_embeddings=2048,
        num_hidden_layers=24,
        ffn_dim=4096,
        num_attention_heads=16,
        hidden_size=1024,
        num_codebooks=4,
        dropout=0.1,
        pad_token_id=2048,
        bos_token_id=2048,
    )
    return MusicgenConfig(
        text_encoder=text.to_dict(), audio_encoder=codec.to_dict(), decoder=decoder.to_dict()
    )


def build_model(
    shape: str, tiny_dir: Path, device: torch.device
) -> MusicgenForConditionalGeneration:
    if shape == "tiny":
        return MusicgenForConditionalGeneration.from_pretrained(str(tiny_dir)).to(device)
    with torch.device(device):  # random weights made in place: no 2 GB host round trip
        return MusicgenForConditionalGeneration(musicgen_small_config())


def fake_clips(batch: int, frames: int, codebooks: int, seed: int) -> list[EncodedClip]:
    rng = np.random.default_rng(seed)
    return [
        EncodedClip(
            Clip(Path(f"/bench/{i}.wav"), CAPTIONS[i % len(CAPTIONS)], frames / 50, 32_000, 1),
            rng.integers(0, 2048, size=(codebooks, frames)).astype(np.int16),
        )
        for i in range(batch)
    ]


def time_steps(
    run_step: Callable[[], None],
    args: argparse.Namespace,
    device: torch.device,
    frames_per_step: int,
    name: str,
) -> Figures:
    for _ in range(args.warmup):
        run_step()
    synchronize(device)
    reset_peak_memory(device)
    started = time.perf_counter()
    for _ in range(args.steps):
        run_step()
    synchronize(device)
    elapsed = time.perf_counter() - started
    audio_seconds = frames_per_step * args.steps / 50
    return Figures(name, elapsed / args.steps, audio_seconds / elapsed, peak_memory(device))


def worker_loop(
    args: argparse.Namespace, tiny_dir: Path, device: torch.device, precision: Precision
) -> Figures:
    """The worker's own code: prepare_musicgen, add_lora, BatchBuilder, TrainStep."""
    config = TrainingConfig(
        batch_size=args.batch_size,
        gradient_accumulation_steps=1,
        lora_r=16,
        lora_alpha=16,
        gradient_checkpointing=args.gradient_checkpointing,
        compile_model=args.compile,
        condition_dropout=0.0,
    )
    processor = AutoProcessor.from_pretrained(str(tiny_dir))
    loaded = prepare_musicgen(
        build_model(args.shape, tiny_dir, device), processor, device, precision
    )
    torch.manual_seed(0)
    model = add_lora(loaded.model, config)
    set_train_mode(model)
    optimizer = make_optimizer((p for p in model.parameters() if p.requires_grad), config, device)
    scheduler = make_scheduler(optimizer, config, args.warmup + args.steps)
    step = TrainStep(
        model, optimizer, scheduler, precision, config.max_grad_norm, device, config.compile_model
    )
    frames = int(args.seconds * 50)
    clips = fake_clips(args.batch_size, frames, loaded.num_codebooks, seed=1)
    builder = BatchBuilder(
        clips, processor.tokenizer, model.get_base_model().decoder, loaded.pad_token_id
    )
    segments = [Segment(i, 0, frames) for i in range(args.batch_size)]

    def run_step() -> None:
        step.run([builder.build(segments)])

    return time_steps(run_step, args, device, frames * args.batch_size, "worker")


def bare_loop(
    args: argparse.Namespace, tiny_dir: Path, device: torch.device, precision: Precision
) -> Figures:
    """What a careful script does with transformers + peft alone (fp32 weights, autocast)."""
    processor = AutoProcessor.from_pretrained(str(tiny_dir))
    model = build_model(args.shape, tiny_dir, device)
    pad = model.config.decoder.vocab_size
    for config in (model.config.decoder, model.generation_config):
        config.pad_token_id = config.bos_token_id = config.decoder_start_token_id = pad
    model.freeze_text_encoder()
    model.freeze_audio_encoder()
    torch.manual_seed(0)
    model = get_peft_model(
        model, LoraConfig(r=16, lora_alpha=16, lora_dropout=0.05, target_modules=list(LORA_TARGETS))
    )
    if args.gradient_checkpointing:
        model.get_base_model().decoder.gradient_checkpointing_enable()
        model.get_base_model().enable_input_require_grads()
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(
        params, lr=2e-4, betas=(0.9, 0.99), weight_decay=0.1, fused=device.type == "cuda"
    )
    frames = int(args.seconds * 50)
    codebooks = model.get_base_model().decoder.num_codebooks
    clips = fake_clips(args.batch_size, frames, codebooks, seed=1)
    decoder = model.get_base_model().decoder

    def labels_for(codes: np.ndarray) -> torch.Tensor:
        # The dreamboothing recipe: prepend a pad column, delay, drop the first column.
        ids = torch.cat(
            [torch.full((codebooks, 1), pad), torch.from_numpy(codes.astype(np.int64))], 1
        )
        ids, mask = decoder.build_delay_pattern_mask(ids, pad, max_length=ids.shape[-1] + codebooks)
        return decoder.apply_delay_pattern_mask(ids, mask)[:, 1:].T

    def run_step() -> None:
        text = processor.tokenizer(
            [c.clip.description for c in clips], padding=True, return_tensors="pt"
        ).to(device)
        labels = torch.stack([labels_for(c.codes) for c in clips]).to(device)
        with precision.autocast():
            loss = model(**text, labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    return time_steps(run_step, args, device, frames * args.batch_size, "bare")


def synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def reset_peak_memory(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
        return
    # Linux: writing 5 resets the process's peak RSS (VmHWM).
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def peak_memory(device: torch.device) -> float | None:
    if device.type == "cuda":
        return torch.cuda.max_memory_allocated(device) / 2**30
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return None


def release(device: torch.device) -> None:
    gc.collect()
    if device.type == "cuda":
        torch.cuda.empty_cache()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], epilog="See the module docstring for what is timed.")
    parser.add_argument("--shape", choices=sorted(DEFAULTS), default="tiny")
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--seconds", type=float, help="segment length in seconds")
    parser.add_argument("--steps", type=int, help="timed steps per loop")
    parser.add_argument("--warmup", type=int, help="untimed steps first")
    parser.add_argument("--rounds", type=int, default=2, help="alternate the loops; best counts")
    parser.add_argument("--device", default="auto", choices=("auto", "cuda", "mps", "cpu"))
    parser.add_argument("--precision", default="auto", choices=("auto", "bf16", "fp16", "fp32"))
    parser.add_argument("--gradient-checkpointing", action="store_true")
    parser.add_argument("--compile", action="store_true", help="torch.compile the worker's model")
    args = parser.parse_args()
    batch, seconds, steps, warmup = DEFAULTS[args.shape]
    args.batch_size = args.batch_size or batch
    args.seconds = args.seconds or seconds
    args.steps = args.steps or steps
    args.warmup = args.warmup if args.warmup is not None else warmup
    return args


def report(
    args: argparse.Namespace, device: torch.device, precision: Precision, best: dict[str, Figures]
) -> None:
    memory_kind = "GPU peak" if device.type == "cuda" else "peak RSS"
    print(
        f"shape {args.shape} · device {device.type} · {precision.name} · batch "
        f"{args.batch_size} x {args.seconds:g} s · {args.steps} timed steps after "
        f"{args.warmup} warm-up · checkpointing {'on' if args.gradient_checkpointing else 'off'}"
        f"{' · compile' if args.compile else ''} · best of {args.rounds}"
    )
    print(f"{'loop':<8}{'ms/step':>10}{'audio s/s':>12}{memory_kind:>12}")
    for figures in best.values():
        memory = "n/a" if figures.peak_memory_gb is None else f"{figures.peak_memory_gb:.2f} GiB"
        print(
            f"{figures.name:<8}{figures.seconds_per_step * 1000:>10.1f}"
            f"{figures.audio_s_per_s:>12.1f}{memory:>12}"
        )
    ratio = best["worker"].audio_s_per_s / best["bare"].audio_s_per_s
    print(f"ratio worker / bare: {ratio:.3f}")


def main() -> None:
    # Deprecation notices from transformers and peft internals say nothing about speed.
    warnings.filterwarnings("ignore", category=FutureWarning)
    args = parse_args()
    device = pick_device(args.device)
    precision = pick_precision(args.precision, device)
    best: dict[str, Figures] = {}
    loops: dict[str, Any] = {"bare": bare_loop, "worker": worker_loop}
    with tempfile.TemporaryDirectory() as folder:
        tiny_dir = build_tiny_musicgen(Path(folder) / "tiny")  # its tokenizer serves both shapes
        for _ in range(args.rounds):
            for name, loop in loops.items():
                figures = loop(args, tiny_dir, device, precision)
                release(device)
                if name not in best or figures.audio_s_per_s > best[name].audio_s_per_s:
                    best[name] = figures
    report(args, device, precision, best)


if __name__ == "__main__":
    main()
