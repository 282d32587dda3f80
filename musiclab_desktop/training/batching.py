"""Turn a list of segments into the tensors one forward pass needs."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from musiclab_desktop.training.codes_cache import EncodedClip
from musiclab_desktop.training.delay_pattern import IGNORE_INDEX, delayed_labels
from musiclab_desktop.training.segments import Segment

if TYPE_CHECKING:
    from transformers import MusicgenForCausalLM


@dataclass(frozen=True)
class Batch:
    """Text inputs and delayed labels (batch, frames, codebooks) for one forward pass.

    ``unconditional`` batches train classifier-free guidance's null condition: the
    step zeroes their text attention mask (the caption is tokenized all the same).
    """

    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    labels: torch.Tensor
    frames: int  # audio frames covered (for speed figures)
    tokens: int  # label positions that count in the loss (for accumulation weights)
    unconditional: bool

    def to(self, device: torch.device) -> Batch:
        non_blocking = device.type == "cuda"
        return replace(
            self,
            input_ids=self.input_ids.to(device, non_blocking=non_blocking),
            attention_mask=self.attention_mask.to(device, non_blocking=non_blocking),
            labels=self.labels.to(device, non_blocking=non_blocking),
        )


class BatchBuilder:
    """Builds batches from cached codes and captions."""

    def __init__(
        self,
        clips: list[EncodedClip],
        tokenizer: Any,
        decoder: MusicgenForCausalLM,
        pad_token_id: int,
    ) -> None:
        self.clips = clips
        self.tokenizer = tokenizer
        self.decoder = decoder
        self.pad_token_id = pad_token_id

    def build(self, segments: list[Segment], unconditional: bool = False) -> Batch:
        longest = max(segment.length for segment in segments)
        codes = torch.full(
            (len(segments), self.clips[0].codes.shape[0], longest), IGNORE_INDEX, dtype=torch.long
        )
        for row, segment in enumerate(segments):
            window = self.clips[segment.clip_index].codes[
                :, segment.start : segment.start + segment.length
            ]
            codes[row, :, : segment.length] = torch.from_numpy(window.astype(np.int64))
        labels = delayed_labels(self.decoder, codes, self.pad_token_id)
        text = self.tokenizer(
            [self.clips[s.clip_index].clip.description for s in segments],
            padding=True,
            truncation=True,
            return_tensors="pt",
        )
        counted = (labels != IGNORE_INDEX) & (labels != self.pad_token_id)
        return Batch(
            input_ids=text["input_ids"],
            attention_mask=text["attention_mask"],
            labels=labels,
            frames=sum(segment.length for segment in segments),
            tokens=int(counted.sum()),
            unconditional=unconditional,
        )
