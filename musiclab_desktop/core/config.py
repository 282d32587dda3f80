"""The training configuration: every parameter of a run, with what a form needs to show it.

A plain dataclass with no torch, so the GUI, the CLI and the worker share one
definition. Each field's metadata holds a :class:`FieldSpec` (group, label, tooltip,
bounds or choices); forms, ``musiclab config defaults`` and validation are all
generated from it.

Defaults follow the published LoRA recipe for MusicGen on facebook/musicgen-small.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

from musiclab_desktop.core.caption_template import template_problem
from musiclab_desktop.core.config_aliases import (
    canonical_name,
    canonical_value,
    canonical_values,
    suggestion,
    unknown_message,
)
from musiclab_desktop.core.errors import ValidationError

GROUPS: tuple[str, ...] = ("Training", "LoRA", "Hardware")

DEFAULT_BASE_MODEL = "facebook/musicgen-small"
LORA_TARGETS: tuple[str, ...] = ("q_proj", "k_proj", "v_proj", "out_proj", "fc1", "fc2")
# Beyond the decoder layers, the published MusicGen recipe may also adapt the projection of
# the text encoder's output, the per-codebook output heads and the code embeddings.
RECIPE_TARGETS: tuple[str, ...] = ("enc_to_dec_proj", "lm_heads", "embed_tokens")
ALL_LORA_TARGETS: tuple[str, ...] = LORA_TARGETS + RECIPE_TARGETS
# EnCodec at 32 kHz runs at 50 frames/s; MusicGen's decoder holds 2,048 positions.
MAX_SEGMENT_SECONDS = 40.0
# The shortest minimum clip length a run may set: a clip shorter than this can never be
# trained on, so an import flags it at once instead of letting a run find out.
MIN_CLIP_SECONDS = 0.1


@dataclass(frozen=True)
class FieldSpec:
    """How one configuration field is shown, bounded and explained."""

    group: str
    label: str
    tooltip: str
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    decimals: int | None = None
    choices: tuple[str, ...] = ()
    multiline: bool = False


def _field(default: Any, spec: FieldSpec) -> Any:
    return field(default=default, metadata={"spec": spec})


@dataclass(frozen=True)
class TrainingConfig:
    """Every parameter of a MusicGen + LoRA training run."""

    # --- Training -------------------------------------------------------------
    base_model: str = _field(DEFAULT_BASE_MODEL, FieldSpec(
        "Training", "Base model",
        "The MusicGen checkpoint to adapt: a Hugging Face id already in your local cache "
        "(e.g. facebook/musicgen-small) or a folder on disk holding the model files."))
    learning_rate: float = _field(2e-4, FieldSpec(
        "Training", "Learning rate",
        "How big each update step is. Too high and the loss jumps around or explodes; "
        "too low and training barely moves. 2e-4 suits LoRA on MusicGen.",
        minimum=1e-7, maximum=1e-2, step=1e-5, decimals=7))
    num_epochs: int = _field(4, FieldSpec(
        "Training", "Epochs",
        "How many times training goes over the whole dataset. More epochs fit your clips "
        "more closely but can make the model forget how to vary.",
        minimum=1, maximum=1000, step=1))
    max_steps: int = _field(0, FieldSpec(
        "Training", "Max steps",
        "Stop after this many optimizer steps even if epochs remain. 0 means no limit: "
        "the epoch count decides.",
        minimum=0, maximum=1_000_000, step=10))
    batch_size: int = _field(2, FieldSpec(
        "Training", "Batch size",
        "Clips processed together in one forward pass. Larger batches need more GPU "
        "memory; lower it first when you run out of memory.",
        minimum=1, maximum=256, step=1))
    gradient_accumulation_steps: int = _field(8, FieldSpec(
        "Training", "Gradient accumulation",
        "Batches whose gradients are added up before one update, so the effective batch "
        "is batch size times this without the memory cost.",
        minimum=1, maximum=256, step=1))
    lr_scheduler: str = _field("cosine", FieldSpec(
        "Training", "LR schedule",
        "How the learning rate changes after warm-up: cosine decays smoothly to zero, "
        "linear decays in a straight line, constant keeps it fixed.",
        choices=("cosine", "linear", "constant")))
    warmup_ratio: float = _field(0.05, FieldSpec(
        "Training", "Warm-up fraction",
        "Share of all steps during which the learning rate ramps up from zero. A short "
        "warm-up keeps the first updates from damaging the pretrained model.",
        minimum=0.0, maximum=0.5, step=0.01, decimals=3))
    adam_beta1: float = _field(0.9, FieldSpec(
        "Training", "Adam beta 1",
        "AdamW's momentum: how much of the previous gradient direction each step keeps.",
        minimum=0.0, maximum=0.9999, step=0.01, decimals=4))
    adam_beta2: float = _field(0.99, FieldSpec(
        "Training", "Adam beta 2",
        "AdamW's smoothing of squared gradients. 0.99 reacts faster than the usual 0.999, "
        "which suits short fine-tunes.",
        minimum=0.0, maximum=0.99999, step=0.001, decimals=5))
    weight_decay: float = _field(0.1, FieldSpec(
        "Training", "Weight decay",
        "Pulls the adapter's weights gently towards zero each step, which limits "
        "overfitting on small datasets.",
        minimum=0.0, maximum=1.0, step=0.01, decimals=3))
    max_grad_norm: float = _field(1.0, FieldSpec(
        "Training", "Max gradient norm",
        "Gradients larger than this are scaled down before the update, so one odd batch "
        "cannot throw training off course. 0 disables clipping.",
        minimum=0.0, maximum=100.0, step=0.1, decimals=2))
    segment_seconds: float = _field(30.0, FieldSpec(
        "Training", "Segment length (s)",
        "Clips are cut into pieces of this many seconds. 30 s is MusicGen's native "
        "length; shorter segments use less memory. At most 40 s (the model's limit).",
        minimum=1.0, maximum=MAX_SEGMENT_SECONDS, step=1.0, decimals=1))
    min_segment_seconds: float = _field(1.0, FieldSpec(
        "Training", "Minimum clip length (s)",
        "Clips or leftover pieces shorter than this are skipped: they teach the model "
        "little and waste padding.",
        minimum=MIN_CLIP_SECONDS, maximum=MAX_SEGMENT_SECONDS, step=0.5, decimals=1))
    condition_dropout: float = _field(0.2, FieldSpec(
        "Training", "Caption dropout",
        "Chance that a batch is trained without its captions. This keeps classifier-free "
        "guidance working when you generate with the adapter.",
        minimum=0.0, maximum=1.0, step=0.05, decimals=2))
    caption_template: str = _field("", FieldSpec(
        "Training", "Caption template",
        "How each clip's caption is written from its metadata, e.g. '{text}, {genre}, {bpm} "
        "bpm': {text} is the caption, any other {name} a metadata column of the dataset "
        "(genre, bpm, key, mood, ...). A comma-separated part naming a column a clip "
        "lacks is left out. Empty uses the caption as it is."))
    validation_split: float = _field(0.0, FieldSpec(
        "Training", "Validation split",
        "Share of clips held out to measure loss on audio the model never trains on. "
        "0 trains on everything.",
        minimum=0.0, maximum=0.5, step=0.05, decimals=2))
    log_every_steps: int = _field(1, FieldSpec(
        "Training", "Log every (steps)",
        "How often the loss, learning rate and speed are recorded for the chart.",
        minimum=1, maximum=10_000, step=1))
    save_every_steps: int = _field(0, FieldSpec(
        "Training", "Checkpoint every (steps)",
        "Also write a resumable checkpoint every this many steps (each also holds the "
        "adapter at that step, which you can promote). 0: by time only.",
        minimum=0, maximum=1_000_000, step=100))
    save_every_minutes: float = _field(10.0, FieldSpec(
        "Training", "Checkpoint every (minutes)",
        "Write a resumable checkpoint after this many minutes of training, so a crash, "
        "a cancel or a reboot loses at most that much work. 0 turns timed checkpoints "
        "off (a cancel still writes one).",
        minimum=0.0, maximum=1440.0, step=1.0, decimals=1))
    keep_last_checkpoints: int = _field(3, FieldSpec(
        "Training", "Keep last checkpoints",
        "How many of the most recent checkpoints to keep on disk; older ones are "
        "removed as new ones are written (see Keep best checkpoint).",
        minimum=1, maximum=1000, step=1))
    keep_best_checkpoint: bool = _field(True, FieldSpec(
        "Training", "Keep best checkpoint",
        "Also keep the checkpoint with the lowest validation loss (training loss "
        "without a validation split), even when it is older than the last ones."))
    sample_enabled: bool = _field(True, FieldSpec(
        "Training", "Make samples",
        "Generate short clips while the run trains (the base model first, then the "
        "adapter as it learns, and at the end) so you can hear what it learned. Turn off "
        "to train without them."))
    sample_prompts: str = _field("", FieldSpec(
        "Training", "Sample prompts",
        "One caption per line. Leave empty to use up to two captions of the run's own "
        "dataset (held-out ones when there is a validation split).",
        multiline=True))
    sample_every_steps: int = _field(0, FieldSpec(
        "Training", "Sample every (steps)",
        "Make samples this often. 0 is automatic: at each checkpoint or epoch end, but "
        "only as many times as fit in about 15 % of the run's time (measured while it "
        "trains), spread evenly; the base model's reference and the end are always sampled.",
        minimum=0, maximum=1_000_000, step=100))
    sample_seconds: float = _field(8.0, FieldSpec(
        "Training", "Sample length (s)",
        "Length of each generated sample clip. Longer clips take longer to generate.",
        minimum=0.5, maximum=30.0, step=1.0, decimals=1))
    sample_guidance_scale: float = _field(3.0, FieldSpec(
        "Training", "Sample guidance scale",
        "How strongly samples follow their prompt (classifier-free guidance). 3 is "
        "MusicGen's default; 1 turns guidance off, higher values follow the text harder.",
        minimum=1.0, maximum=20.0, step=0.5, decimals=2))
    sample_top_k: int = _field(250, FieldSpec(
        "Training", "Sample top-k",
        "Each generated code is drawn from this many most likely ones. 250 is MusicGen's "
        "default; lower is safer and duller.",
        minimum=1, maximum=2048, step=10))
    sample_temperature: float = _field(1.0, FieldSpec(
        "Training", "Sample temperature",
        "Randomness of sampling: below 1 is more predictable, above 1 more adventurous.",
        minimum=0.05, maximum=5.0, step=0.05, decimals=2))
    seed: int = _field(42, FieldSpec(
        "Training", "Seed",
        "Fixes the random choices (crops, dropout, order, and each sample prompt's seed) so "
        "the same settings give the same run.",
        minimum=0, maximum=2**31 - 1, step=1))

    # --- LoRA -----------------------------------------------------------------
    lora_r: int = _field(16, FieldSpec(
        "LoRA", "Rank (r)",
        "Size of the low-rank update added to each targeted layer. Higher ranks can learn "
        "more but train slower and make bigger adapters.",
        minimum=1, maximum=256, step=1))
    lora_alpha: int = _field(16, FieldSpec(
        "LoRA", "Alpha",
        "Scales the adapter's effect (alpha / r). Keeping alpha equal to r is a safe start.",
        minimum=1, maximum=1024, step=1))
    lora_dropout: float = _field(0.05, FieldSpec(
        "LoRA", "Dropout",
        "Randomly drops part of the adapter's input during training to reduce overfitting.",
        minimum=0.0, maximum=0.5, step=0.01, decimals=2))
    lora_target_modules: str = _field(",".join(LORA_TARGETS), FieldSpec(
        "LoRA", "Target layers",
        "Comma-separated layers that get an adapter. Trained parameters each adds on "
        "musicgen-small: the decoder's attention projections q_proj, k_proj, v_proj, "
        "out_proj (self- and cross-attention, r x 98,304 each) and feed-forward layers "
        "fc1, fc2 (r x 122,880 each). The published recipe may add enc_to_dec_proj (the "
        "text-to-decoder projection, r x 1,792), lm_heads (the output heads, one per "
        "codebook, r x 12,288) and embed_tokens (the code embeddings, r x 12,292)."))

    # --- Hardware -------------------------------------------------------------
    device: str = _field("auto", FieldSpec(
        "Hardware", "Device",
        "Where training runs. Auto picks an NVIDIA GPU (CUDA), then Apple Silicon (MPS), "
        "then the CPU.",
        choices=("auto", "cuda", "mps", "cpu")))
    precision: str = _field("auto", FieldSpec(
        "Hardware", "Precision",
        "Number format for the math. Auto uses bf16 where the GPU supports it, fp16 on "
        "older GPUs and fp32 on the CPU; lower precision is faster and lighter.",
        choices=("auto", "bf16", "fp16", "fp32")))
    gradient_checkpointing: bool = _field(True, FieldSpec(
        "Hardware", "Gradient checkpointing",
        "Recomputes activations instead of storing them: much less GPU memory for about "
        "a third more time per step."))
    compile_model: bool = _field(False, FieldSpec(
        "Hardware", "Compile model",
        "Uses torch.compile to speed up steps after a slow first one. Worth it for long "
        "runs on a GPU."))

    # --------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any] | None) -> TrainingConfig:
        """Build a validated config; missing keys take their defaults."""
        values = canonical_values(dict(values or {}), _SPECS)
        errors = validate_values(values)
        if errors:
            raise ValidationError.from_fields(errors)
        coerced = {name: _coerce(name, value) for name, value in values.items()}
        return cls(**coerced)

    def lora_targets(self) -> list[str]:
        return [name.strip() for name in self.lora_target_modules.split(",") if name.strip()]

    def prompts(self) -> list[str]:
        return [line.strip() for line in self.sample_prompts.splitlines() if line.strip()]


@dataclass(frozen=True)
class ConfigField:
    """One field of TrainingConfig as a form or the CLI sees it."""

    name: str
    type: type
    default: Any
    spec: FieldSpec


def config_fields() -> list[ConfigField]:
    """Every field in declaration order."""
    return [
        ConfigField(f.name, _FIELD_TYPES[f.name], f.default, f.metadata["spec"])
        for f in dataclasses.fields(TrainingConfig)
    ]


_FIELD_TYPES: dict[str, type] = {
    f.name: {"str": str, "int": int, "float": float, "bool": bool}[str(f.type)]
    for f in dataclasses.fields(TrainingConfig)
}
_SPECS: dict[str, FieldSpec] = {
    f.name: f.metadata["spec"] for f in dataclasses.fields(TrainingConfig)
}


def field_spec(name: str) -> FieldSpec:
    return _SPECS[name]


def default_config() -> dict[str, Any]:
    return TrainingConfig().to_dict()


def _coerce(name: str, value: Any) -> Any:
    kind = _FIELD_TYPES[name]
    if kind is float:
        return float(value)
    return value


def _check_type(name: str, value: Any) -> str | None:
    kind = _FIELD_TYPES[name]
    if kind is bool:
        return None if isinstance(value, bool) else "must be true or false"
    if kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else "must be a whole number"
    if kind is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok:
            return "must be a number"
        return None if math.isfinite(value) else "must be a finite number"
    return None if isinstance(value, str) else "must be text"


def _check_range(spec: FieldSpec, value: Any) -> str | None:
    if spec.choices and value not in spec.choices:
        return f"must be one of {', '.join(spec.choices)} (got {value!r})"
    if spec.minimum is not None and value < spec.minimum:
        return f"must be at least {spec.minimum:g} (got {value:g})"
    if spec.maximum is not None and value > spec.maximum:
        return f"must be at most {spec.maximum:g} (got {value:g})"
    return None


def _check_field(name: str, value: Any) -> str | None:
    return _check_type(name, value) or _check_range(_SPECS[name], value)


def _check_cross_field(values: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    targets = [t.strip() for t in str(values["lora_target_modules"]).split(",") if t.strip()]
    unknown = [t for t in targets if t not in ALL_LORA_TARGETS]
    if not targets:
        errors["lora_target_modules"] = "name at least one layer"
    elif unknown:
        errors["lora_target_modules"] = (
            f"unknown layer {', '.join(unknown)}; choose from {', '.join(ALL_LORA_TARGETS)}"
        )
    if not str(values["base_model"]).strip():
        errors["base_model"] = "name a Hugging Face model id or a model folder"
    if problem := template_problem(str(values["caption_template"])):
        errors["caption_template"] = problem
    if values["min_segment_seconds"] > values["segment_seconds"]:
        errors["min_segment_seconds"] = "must not exceed the segment length"
    return errors


def validate_values(values: dict[str, Any]) -> dict[str, str]:
    """One message per bad field (unknown keys included); empty when all is well."""
    errors: dict[str, str] = {}
    for name in values:
        if name not in _SPECS:
            guess = suggestion(name, _SPECS)
            errors[name] = f"is not a training setting (did you mean '{guess}'?)" if guess \
                else "is not a training setting"
    for name, value in values.items():
        if name in _SPECS and (message := _check_field(name, value)):
            errors[name] = message
    if errors:
        return errors
    return _check_cross_field({**default_config(), **values})


def merge_override(base: dict[str, Any] | None, override: dict[str, Any] | None) -> TrainingConfig:
    """The effective config of a run: the experiment's config with the override on top."""
    return TrainingConfig.from_dict({**(base or {}), **(override or {})})


def diff_override(base: dict[str, Any] | None, edited: dict[str, Any]) -> dict[str, Any] | None:
    """Only the keys whose edited value differs from the base; None when nothing does."""
    effective_base = {**default_config(), **(base or {})}
    changed = {
        name: value for name, value in edited.items() if effective_base.get(name) != value
    }
    return changed or None


def parse_assignment(text: str) -> tuple[str, Any]:
    """Parse a CLI ``key=value`` into the field's type."""
    name, sep, raw = text.partition("=")
    name = canonical_name(name.strip(), _SPECS)
    if not sep:
        raise ValidationError(f"'{text}' is not of the form key=value.")
    if name not in _SPECS:
        raise ValidationError(unknown_message(name, _SPECS) + ".", {name: "unknown setting"})
    kind = _FIELD_TYPES[name]
    try:
        if kind is bool:
            lowered = raw.strip().lower()
            if lowered not in {"true", "false", "1", "0", "yes", "no", "on", "off"}:
                raise ValueError(raw)
            return name, lowered in {"true", "1", "yes", "on"}
        if kind is int:
            return name, canonical_value(name, int(raw))
        if kind is float:
            return name, float(raw)
    except ValueError:
        raise ValidationError(
            f"{name}: '{raw}' is not a valid {kind.__name__}.", {name: "wrong type"}
        ) from None
    if name == "lora_target_modules":  # peft's list spelling: [q_proj, "v_proj"]
        raw = raw.strip().removeprefix("[").removesuffix("]").replace('"', "").replace("'", "")
    return name, raw.replace("\\n", "\n")
