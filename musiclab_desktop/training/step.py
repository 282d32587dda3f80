"""One optimizer step: forward and backward over an accumulation window, then update.

This is the code the benchmark times against a bare transformers + peft loop.
It never forces a device sync: losses and norms stay tensors until someone logs them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import torch

from musiclab_desktop.training import distributed
from musiclab_desktop.training.batching import Batch
from musiclab_desktop.training.hardware import Precision


@dataclass(frozen=True)
class StepOutcome:
    loss: torch.Tensor  # token-weighted mean over the window, on the device
    grad_norm: torch.Tensor
    learning_rate: float
    frames: int


class TrainStep:
    """Holds what a step needs; ``run`` performs one optimizer step."""

    def __init__(
        self,
        model: Any,
        optimizer: torch.optim.Optimizer,
        scheduler: torch.optim.lr_scheduler.LRScheduler,
        precision: Precision,
        max_grad_norm: float,
        device: torch.device,
        compile_model: bool = False,
    ) -> None:
        self.model = model
        self.optimizer = optimizer
        self.scheduler = scheduler
        self.precision = precision
        self.device = device
        self.max_grad_norm = max_grad_norm if max_grad_norm > 0 else math.inf
        self.parameters = [p for p in model.parameters() if p.requires_grad]
        self.text_encoder = model.get_base_model().text_encoder
        self.scaler = torch.amp.GradScaler(device.type) if precision.needs_grad_scaler else None
        self.forward: Callable[..., Any] = torch.compile(model) if compile_model else model

    def loss(self, batch: Batch) -> torch.Tensor:
        """The model's own loss (mean over codebooks of per-codebook cross-entropy)."""
        with self.precision.autocast():
            with torch.no_grad():  # the text encoder is frozen: keep no graph for it
                states = self.text_encoder(
                    input_ids=batch.input_ids, attention_mask=batch.attention_mask
                ).last_hidden_state
            mask = batch.attention_mask
            if batch.unconditional:
                # MusicGen multiplies the text states by this mask: zeros give exactly the
                # null condition that guidance uses at generation.
                mask = torch.zeros_like(mask)
            output = self.forward(
                encoder_outputs=(states,), attention_mask=mask, labels=batch.labels
            )
        return output.loss

    def run(self, batches: Sequence[Batch]) -> StepOutcome:
        # Weighting each micro-batch by its share of counted tokens makes the window's
        # gradient that of one big batch (not accumulation-count times it).
        total_tokens = max(1, sum(batch.tokens for batch in batches))
        window_loss = torch.zeros((), device=self.device)
        for batch in batches:
            # Under torchrun: this rank's rows, weighted so the ranks' sum is the batch.
            part, share = distributed.shard(batch)
            if part is None:
                continue
            on_device = part.to(self.device)
            loss = self.loss(on_device)
            weighted = loss * (batch.tokens / total_tokens * share)
            (self.scaler.scale(weighted) if self.scaler else weighted).backward()
            window_loss += weighted.detach().float()
        window_loss = distributed.sum_gradients(self.parameters, window_loss)
        return StepOutcome(
            loss=window_loss,
            grad_norm=self._update(),
            learning_rate=self.optimizer.param_groups[0]["lr"],
            frames=sum(batch.frames for batch in batches),
        )

    def _update(self) -> torch.Tensor:
        if self.scaler is not None:
            self.scaler.unscale_(self.optimizer)
        norm = torch.nn.utils.clip_grad_norm_(self.parameters, self.max_grad_norm)
        if self.scaler is not None:
            self.scaler.step(self.optimizer)
            self.scaler.update()
        else:
            self.optimizer.step()
        self.scheduler.step()
        self.optimizer.zero_grad(set_to_none=True)
        return norm.detach()

    def state_dict(self) -> dict[str, Any]:
        """Optimizer, schedule and loss-scaler state, for a resumable checkpoint."""
        return {
            "optimizer": self.optimizer.state_dict(),
            "scheduler": self.scheduler.state_dict(),
            "scaler": self.scaler.state_dict() if self.scaler is not None else None,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Take back what :meth:`state_dict` gave: the next step is the one that would
        have followed it."""
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])
        if self.scaler is not None and state.get("scaler") is not None:
            self.scaler.load_state_dict(state["scaler"])

    @torch.no_grad()
    def evaluate(self, batches: Sequence[Batch]) -> float:
        """Token-weighted mean loss over held-out batches, with dropout off."""
        self.model.eval()
        total, tokens = 0.0, 0
        try:
            for batch in batches:
                total += float(self.loss(batch.to(self.device))) * batch.tokens
                tokens += batch.tokens
        finally:
            set_train_mode(self.model)
        return total / max(1, tokens)


def set_train_mode(model: Any) -> None:
    """Train the decoder; the frozen encoders stay in eval mode (no dropout noise)."""
    model.train()
    base = model.get_base_model()
    # The KV cache only serves generation; in training it clashes with checkpointing.
    base.decoder.config.use_cache = False
    base.text_encoder.eval()
    base.audio_encoder.eval()
