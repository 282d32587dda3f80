"""Optimizer and learning-rate schedule: linear warm-up, then cosine, linear or constant."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import torch

from musiclab_desktop.core.config import TrainingConfig


def make_optimizer(
    parameters: Iterable[torch.nn.Parameter], config: TrainingConfig, device: torch.device
) -> torch.optim.AdamW:
    # The fused kernel updates all tensors in one launch on CUDA.
    return torch.optim.AdamW(
        list(parameters),
        lr=config.learning_rate,
        betas=(config.adam_beta1, config.adam_beta2),
        weight_decay=config.weight_decay,
        fused=device.type == "cuda",
    )


def warmup_steps(config: TrainingConfig, total_steps: int) -> int:
    return math.ceil(config.warmup_ratio * total_steps)


def lr_factor(kind: str, warmup: int, total: int) -> Callable[[int], float]:
    """Multiplier of the base learning rate for the step with 0-based index ``index``."""

    def factor(index: int) -> float:
        if index < warmup:
            # (index + 1): the first step already learns instead of running at lr 0.
            return (index + 1) / warmup
        if kind == "constant":
            return 1.0
        progress = min(1.0, (index - warmup) / max(1, total - warmup))
        if kind == "linear":
            return 1.0 - progress
        return 0.5 * (1.0 + math.cos(math.pi * progress))

    return factor


def make_scheduler(
    optimizer: torch.optim.Optimizer, config: TrainingConfig, total_steps: int
) -> torch.optim.lr_scheduler.LambdaLR:
    factor = lr_factor(config.lr_scheduler, warmup_steps(config, total_steps), total_steps)
    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)
