"""MusicGen's codebook delay pattern, applied to training labels.

transformers' MusicGen loss does not delay the codebooks itself: codebook k must
be shifted right by k frames (as generation does), or the model learns a pattern
it never sees at inference. This follows the musicgen-dreamboothing recipe: prepend
a pad column, build and apply the decoder's delay mask, drop the first column.
Delayed-in positions hold the pad token, which the loss ignores.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import torch

if TYPE_CHECKING:
    from transformers import MusicgenForCausalLM

IGNORE_INDEX = -100


def delayed_labels(
    decoder: MusicgenForCausalLM, codes: torch.Tensor, pad_token_id: int
) -> torch.Tensor:
    """Labels (batch, frames, codebooks) from codes (batch, codebooks, frames).

    ``codes`` may hold -100 after a clip's end (padding); it stays -100, delayed
    like the codes, so every codebook keeps its own last frames.
    """
    batch, num_codebooks, frames = codes.shape
    start = torch.full((batch, num_codebooks, 1), pad_token_id, dtype=torch.long)
    with_start = torch.cat([start, codes.long().cpu()], dim=-1)
    # int64 already; transformers annotates the argument with torch's legacy LongTensor.
    flat = cast(torch.LongTensor, with_start.reshape(batch * num_codebooks, frames + 1))
    ids, pattern = decoder.build_delay_pattern_mask(
        flat, pad_token_id=pad_token_id, max_length=frames + 1 + num_codebooks
    )
    ids = decoder.apply_delay_pattern_mask(ids, pattern)
    # The first column is the start row of pads: the model's own shift re-adds it.
    labels = ids.reshape(batch, num_codebooks, -1)[..., 1 : frames + 1]
    return labels.transpose(1, 2).contiguous()
