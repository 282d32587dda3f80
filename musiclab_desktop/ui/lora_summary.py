"""What the form says about a LoRA's size: the trainable-parameter count of the
current settings and each target layer's cost. Qt-free; the sums are core's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from musiclab_desktop.core.config import ALL_LORA_TARGETS, TrainingConfig
from musiclab_desktop.core.errors import MusiclabError
from musiclab_desktop.core.lora_size import lora_parameter_count, model_dims, target_cost

TARGET_WHAT = {
    "q_proj": "attention queries",
    "k_proj": "attention keys",
    "v_proj": "attention values",
    "out_proj": "attention outputs",
    "fc1": "feed-forward, first layer",
    "fc2": "feed-forward, second layer",
    "enc_to_dec_proj": "text-to-decoder projection",
    "lm_heads": "output heads, one per codebook",
    "embed_tokens": "code embeddings, one per codebook",
}


def compact_count(count: int) -> str:
    """2,359,296 -> '2.36 M'; small counts stay whole."""
    for size, unit in ((1_000_000_000, "G"), (1_000_000, "M"), (1_000, "k")):
        if count >= size:
            return f"{count / size:.3g} {unit}"
    return f"{count:,}"


def parameter_summary(values: Mapping[str, Any]) -> tuple[str, str]:
    """(the count line, a tooltip with every target's cost) for the form's values."""
    try:
        config = TrainingConfig.from_dict(dict(values))
    except (MusiclabError, ValueError, TypeError):
        return "Trainable parameters: fix the settings marked above to see the count.", ""
    dims = model_dims(config.base_model)
    if dims is None:
        return (f"Trainable parameters: unknown until {config.base_model} is downloaded "
                "(its sizes are read from its config.json).", "")
    targets = config.lora_targets()
    count = lora_parameter_count(dims, targets, config.lora_r)
    line = (f"Trainable parameters: {compact_count(count)} ({count:,}) at rank "
            f"{config.lora_r} on {len(dict.fromkeys(targets))} target layer kinds.")
    rows = [f"What each target layer trains on {config.base_model} at rank {config.lora_r}:"]
    for target in ALL_LORA_TARGETS:
        mark = "✓" if target in targets else "  "
        cost = target_cost(dims, target, config.lora_r)
        rows.append(f"{mark} {target} ({TARGET_WHAT[target]}): {cost:,}")
    return line, "\n".join(rows)
