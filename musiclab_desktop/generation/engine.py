"""The warm model: one base MusicGen on the device, LoRA adapters switched on it."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from peft import PeftModel
from transformers import StoppingCriteria, StoppingCriteriaList

from musiclab_desktop.core import protocol
from musiclab_desktop.generation.checks import MAX_PROMPT_TOKENS
from musiclab_desktop.training.errors import ConfigError, ModelUnavailableError
from musiclab_desktop.training.hardware import Precision, pick_device, pick_precision
from musiclab_desktop.training.model_loading import LoadedModel, load_musicgen
from musiclab_desktop.training.model_source import resolve_model_dir

# Adapters kept on the base at once; the least recently used goes first.
MAX_ADAPTERS = 8
# How often progress is reported while a take decodes.
PROGRESS_INTERVAL_S = 0.2

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Settings:
    seconds: float
    guidance_scale: float
    temperature: float
    top_k: int


class _Cancelled(Exception):
    """Raised from inside ``generate``: the take is abandoned at once."""


class _Watch(StoppingCriteria):
    """Called after every decoded token: reports progress and stops on a cancel.

    A cancel raises instead of answering "stop": MusicGen's generate cannot undo the
    delay pattern of a clip stopped early, and a half take is worth nothing anyway.
    """

    def __init__(self, total: int, progress: Progress, cancelled: Callable[[], bool]) -> None:
        self.total = total
        self.progress = progress
        self.cancelled = cancelled
        self.tokens = 0
        self._last = 0.0

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor,
                 **kwargs: Any) -> torch.BoolTensor:
        self.tokens += 1
        now = time.perf_counter()
        if now - self._last >= PROGRESS_INTERVAL_S or self.tokens >= self.total:
            self._last = now
            self.progress(min(self.tokens, self.total), self.total)
        if self.cancelled():
            raise _Cancelled
        return torch.zeros(input_ids.shape[0], dtype=torch.bool,  # type: ignore[return-value]
                           device=input_ids.device)


def adapter_base(adapter_dir: Path) -> str:
    """The base an adapter was trained on: its hub id or folder, where this machine has it.

    adapter_config.json names it portably; a hub id not in this machine's cache falls back
    to the folder the training run used (musiclab_adapter.json), if it is still there.
    """
    try:
        config = json.loads((adapter_dir / "adapter_config.json").read_text(encoding="utf-8"))
        name = str(config.get("base_model_name_or_path") or "")
    except (OSError, ValueError, AttributeError):
        raise ConfigError(f"The adapter_config.json in {adapter_dir} cannot be read; the "
                          "adapter folder is damaged.") from None
    try:
        resolve_model_dir(name)
        return name
    except ModelUnavailableError:
        info_file = adapter_dir / protocol.ADAPTER_INFO_FILE
        info = json.loads(info_file.read_text(encoding="utf-8")) if info_file.is_file() else {}
        fallback = str(info.get("base_model_path") or "")
        if fallback and Path(fallback).is_dir():
            return fallback
        raise


class Engine:
    """Loads a base once, adds adapters to it on first use and switches among them."""

    def __init__(self, device: str = "auto", precision: str = "auto") -> None:
        self.device = pick_device(device)
        self.precision: Precision = pick_precision(precision, self.device)
        self.loaded: LoadedModel | None = None
        self.base_path: Path | None = None
        self.base_name = ""
        self.base_loads = 0
        self.peft: PeftModel | None = None
        self._adapters: dict[Path, str] = {}  # folder -> peft adapter name, oldest first
        self._adapter_count = 0

    # --- base and adapters --------------------------------------------------------

    def ensure_base(self, name: str) -> float | None:
        """Load ``name`` unless it is the loaded base; the load's seconds, or None."""
        path = resolve_model_dir(name)
        if path == self.base_path:
            return None
        started = time.perf_counter()
        self._drop()
        self.loaded = load_musicgen(path, self.device, self.precision)
        self.loaded.model.eval()
        self.base_path, self.base_name = path, name
        self.base_loads += 1
        return time.perf_counter() - started

    def ensure_adapter(self, adapter_dir: Path) -> float | None:
        """Add the adapter unless it is on the base already; the load's seconds, or None."""
        folder = adapter_dir.resolve()
        if folder in self._adapters:
            self._adapters[folder] = self._adapters.pop(folder)  # most recently used last
            return None
        loaded = self._require_loaded()
        started = time.perf_counter()
        self._adapter_count += 1
        name = f"adapter_{self._adapter_count}"
        try:
            if self.peft is None:
                self.peft = PeftModel.from_pretrained(loaded.model, str(folder), adapter_name=name,
                                                      is_trainable=False)
            else:
                self.peft.load_adapter(str(folder), adapter_name=name, is_trainable=False)
        except (OSError, ValueError, KeyError, RuntimeError) as error:
            raise ConfigError(f"Cannot load the adapter in {folder}: {error}") from error
        self._adapters[folder] = name
        if len(self._adapters) > MAX_ADAPTERS:
            oldest = next(iter(self._adapters))
            self.peft.delete_adapter(self._adapters.pop(oldest))
        self.peft.eval()
        return time.perf_counter() - started

    def _using(self, adapter_dir: Path | None) -> AbstractContextManager[Any]:
        """The adapter on (``set_adapter``) or every adapter off (``disable_adapter``)."""
        if self.peft is None:
            return nullcontext()
        if adapter_dir is None:
            return self.peft.disable_adapter()
        name = self._adapters[adapter_dir.resolve()]
        if self.peft.active_adapter != name:  # set_adapter walks every module: only on change
            self.peft.set_adapter(name)
        return nullcontext()

    def _drop(self) -> None:
        self.loaded, self.peft, self.base_path = None, None, None
        self._adapters.clear()
        if self.device.type == "cuda":
            torch.cuda.empty_cache()

    def _require_loaded(self) -> LoadedModel:
        if self.loaded is None:
            raise RuntimeError("no base model is loaded")
        return self.loaded

    # --- generation ---------------------------------------------------------------

    def token_steps(self, seconds: float) -> int:
        """Decoder steps for ``seconds`` of audio (ConfigError when they do not fit)."""
        loaded = self._require_loaded()
        # The delay pattern costs (codebooks - 1) extra steps at the end of the clip.
        delay = loaded.num_codebooks // loaded.audio_channels - 1
        steps = round(seconds * loaded.frame_rate) + delay
        if steps > loaded.max_positions - 1:
            longest = (loaded.max_positions - 1 - delay) / loaded.frame_rate
            raise ConfigError(
                f"{seconds:g} s do not fit this model's {loaded.max_positions} positions; "
                f"generate at most {longest:.1f} s at a time.")
        return steps

    def check_prompt(self, prompt: str, number: int) -> None:
        tokens = len(self._require_loaded().processor.tokenizer(prompt).input_ids)
        if tokens > MAX_PROMPT_TOKENS:
            raise ConfigError(f"Prompt {number} is {tokens} tokens long; MusicGen reads at most "
                              f"{MAX_PROMPT_TOKENS}. Shorten it.")

    @torch.no_grad()
    def generate(self, prompt: str, seed: int, settings: Settings, adapter_dir: Path | None,
                 progress: Progress, cancelled: Callable[[], bool]) -> np.ndarray | None:
        """Audio (channels, samples) for ``prompt``, or None when cancelled midway."""
        loaded = self._require_loaded()
        steps = self.token_steps(settings.seconds)
        inputs = loaded.processor(text=[prompt], padding=True, return_tensors="pt").to(self.device)
        watch = _Watch(steps, progress, cancelled)
        torch.manual_seed(seed)
        # get_base_model() is typed as a Module; it is the MusicGen model the LoRA sits in.
        base: Any = self.peft.get_base_model() if self.peft is not None else loaded.model
        try:
            with self._using(adapter_dir), self.precision.autocast():
                audio = base.generate(
                    **inputs,
                    do_sample=True,
                    guidance_scale=settings.guidance_scale or None,
                    temperature=settings.temperature,
                    top_k=settings.top_k,
                    max_new_tokens=steps,
                    stopping_criteria=StoppingCriteriaList([watch]),
                )
        except _Cancelled:
            return None
        return audio[0].float().cpu().numpy()

    @property
    def sampling_rate(self) -> int:
        return self._require_loaded().sampling_rate
