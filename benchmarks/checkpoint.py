"""Checkpoint cost: write time and size of a resumable checkpoint, and resume start-up.

    python benchmarks/checkpoint.py                                # tiny and musicgen-small
    python benchmarks/checkpoint.py --shape tiny --repeats 5

For each model shape (``tiny``: the test model; ``musicgen-small``: facebook/musicgen-
small's architecture with random weights, nothing downloaded) it adds LoRA r16 on the
attention and feed-forward layers (the default targets), takes one optimiser step on
random gradients so AdamW holds its moment estimates, then times, into a temporary
folder on the disk that holds ``--folder`` (default: the system temp folder):

- write: ``training/saving.save_checkpoint`` as the worker calls it: adapter weights
  (safetensors), optimiser, schedule, scaler, every RNG state, the loop's position,
  checkpoint.json, fsyncs and the atomic rename, and retention (keep-last 3). Median
  of ``--repeats`` writes of successive steps. The processor files (tokenizer,
  about 2 MB, written once per checkpoint in real runs) are left out: no shape here has
  a real tokenizer.
- size: bytes of one checkpoint folder.
- resume start-up: what a resumed attempt does beyond a fresh start: reading the
  training state, setting the adapter weights, optimiser and schedule, and the RNG
  streams (model building and loading are the same either way and not timed).

Prints figures only: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCHMARKS = Path(__file__).resolve().parent


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], epilog="See the module docstring for what is timed.")
    parser.add_argument("--shape", choices=("tiny", "musicgen-small", "all"), default="all")
    parser.add_argument("--repeats", type=int, default=3, help="checkpoints written per shape")
    parser.add_argument("--folder", type=Path, default=None,
                        help="where to write (default: the system temp folder)")
    return parser.parse_args()


def build(shape: str, work: Path) -> tuple[Any, Any]:
    """The LoRA model of ``shape`` and a TrainStep whose AdamW has taken one step."""
    import torch

    from musiclab_desktop.core.config import TrainingConfig
    from musiclab_desktop.training.hardware import pick_precision
    from musiclab_desktop.training.model_loading import add_lora
    from musiclab_desktop.training.schedule import make_optimizer, make_scheduler
    from musiclab_desktop.training.step import TrainStep
    from musiclab_desktop.training.tiny_model import build_tiny_musicgen

    sys.path.insert(0, str(BENCHMARKS))
    from train_throughput import build_model  # the shapes the throughput benchmark uses

    device = torch.device("cpu")
    tiny_dir = build_tiny_musicgen(work / "tiny") if shape == "tiny" else work
    torch.manual_seed(0)
    config = TrainingConfig(lora_r=16, lora_alpha=16, gradient_checkpointing=False)
    model = add_lora(build_model(shape, tiny_dir, device), config)
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = make_optimizer(iter(trainable), config, device)
    scheduler = make_scheduler(optimizer, config, 1000)
    step = TrainStep(model, optimizer, scheduler, pick_precision("fp32", device),
                     config.max_grad_norm, device)
    for parameter in trainable:
        parameter.grad = torch.randn_like(parameter)
    optimizer.step()
    scheduler.step()
    return model, step


def loop_position() -> dict[str, Any]:
    import numpy as np

    rng = np.random.default_rng(0)
    return {"done": 1, "epoch": 0, "batches_done": 1, "epoch_rng": rng.bit_generator.state,
            "rng": rng.bit_generator.state, "progress": 0.1, "final_loss": 5.0,
            "best_loss": 5.0, "last_eval": None}


def measure(shape: str, repeats: int, folder: Path | None) -> None:
    from musiclab_desktop.core.checkpoints import folder_size, size_text
    from musiclab_desktop.training.saving import (
        load_adapter_weights,
        load_training_state,
        restore_rng,
        save_checkpoint,
    )

    with tempfile.TemporaryDirectory(dir=folder) as scratch:
        work = Path(scratch)
        started = time.perf_counter()
        model, step = build(shape, work)
        built = time.perf_counter() - started
        trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
        output = work / "run"
        times = []
        kept = output
        for number in range(1, repeats + 1):
            state = {**step.state_dict(), "epoch": 0.1, "loop": loop_position()}
            began = time.perf_counter()
            kept = save_checkpoint(model, output, number, {"run_id": 1}, state,
                                   {"loss": 5.0, "eval_loss": None})
            times.append(time.perf_counter() - began)
        size = folder_size(kept)
        began = time.perf_counter()
        loaded = load_training_state(kept)
        load_adapter_weights(model, kept)
        step.load_state_dict(loaded)
        restore_rng(loaded["rng"])
        resume = time.perf_counter() - began
    print(f"{shape}: {trainable:,} LoRA parameters (built in {built:.1f} s)")
    print(f"  checkpoint write  median {statistics.median(times) * 1000:8.1f} ms "
          f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}, {repeats} writes)")
    print(f"  checkpoint size   {size_text(size):>10} ({size:,} bytes)")
    print(f"  resume start-up   {resume * 1000:8.1f} ms (state, weights, optimiser, RNG)")


def main() -> None:
    args = parse_args()
    shapes = ("tiny", "musicgen-small") if args.shape == "all" else (args.shape,)
    for shape in shapes:
        measure(shape, max(1, args.repeats), args.folder)


if __name__ == "__main__":
    main()
