"""The names the Hugging Face Trainer and peft give our settings, accepted as aliases.

A practitioner arrives with ``num_train_epochs``, ``r`` or ``target_modules`` in their
fingers and in their config files; these map onto the app's own names, and a near miss
gets a "did you mean" instead of a bare refusal.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from musiclab_desktop.core.errors import ValidationError

ALIASES: dict[str, str] = {
    # transformers.TrainingArguments
    "num_train_epochs": "num_epochs",
    "epochs": "num_epochs",
    "per_device_train_batch_size": "batch_size",
    "train_batch_size": "batch_size",
    "lr_scheduler_type": "lr_scheduler",
    "lr": "learning_rate",
    "logging_steps": "log_every_steps",
    "save_steps": "save_every_steps",
    # peft.LoraConfig
    "r": "lora_r",
    "rank": "lora_r",
    "lora_rank": "lora_r",
    "alpha": "lora_alpha",
    "target_modules": "lora_target_modules",
    "lora_targets": "lora_target_modules",
    # audiocraft / MusicGen generation
    "guidance_scale": "sample_guidance_scale",
    "cfg_coef": "sample_guidance_scale",
    "top_k": "sample_top_k",
    "temperature": "sample_temperature",
    "segment_duration": "segment_seconds",
    "model_name_or_path": "base_model",
    "model": "base_model",
}


def canonical_name(name: str, known: Iterable[str]) -> str:
    """The app's name for ``name`` (itself when it is one already or is unknown)."""
    name = name.strip()
    if name in set(known):
        return name
    return ALIASES.get(name, name)


def canonical_value(name: str, value: Any) -> Any:
    """The ecosystem's spellings of a value: ``max_steps = -1`` means no limit (our 0),
    and ``target_modules`` may be a list as peft writes it."""
    if name == "max_steps" and isinstance(value, int) and not isinstance(value, bool) and value < 0:
        return 0
    if name == "lora_target_modules" and isinstance(value, list | tuple):
        return ",".join(str(item).strip() for item in value)
    return value


def canonical_values(values: dict[str, Any], known: Iterable[str]) -> dict[str, Any]:
    """``values`` under the app's names; a setting given twice (say ``r`` and
    ``lora_r``) is a ValidationError, since which one wins would be a guess."""
    known = set(known)
    result: dict[str, Any] = {}
    given_as: dict[str, str] = {}
    for name, value in values.items():
        target = canonical_name(name, known)
        if target in result:
            raise ValidationError(
                f"'{given_as[target]}' and '{name}' both set {target}; keep one.",
                {target: "given twice"},
            )
        result[target] = canonical_value(target, value)
        given_as[target] = name
    return result


def suggestion(name: str, known: Iterable[str]) -> str | None:
    """The closest setting name (or alias, resolved) to a misspelt ``name``."""
    candidates = [*known, *ALIASES]
    close = difflib.get_close_matches(name.strip().lower(), candidates, n=1, cutoff=0.75)
    if not close:
        return None
    return canonical_name(close[0], known)


def unknown_message(name: str, known: Iterable[str]) -> str:
    """The sentence for a name that is no setting, with a suggestion when one is close."""
    guess = suggestion(name, known)
    hint = f"; did you mean '{guess}'?" if guess else ""
    return f"'{name}' is not a training setting{hint}"
