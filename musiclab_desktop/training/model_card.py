"""The adapter's README.md: a Hugging Face model card that says what the adapter is.

Written from what produced the adapter (the ``musiclab_adapter.json`` info) and the
files in the folder, so it can be rewritten at any time with the same result: after
the save, and again once the final samples are copied into ``samples/``. No torch here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from musiclab_desktop.core import protocol
from musiclab_desktop.core.config import default_config

MODEL_CARD_FILE = "README.md"
TAGS = ("musicgen", "lora", "text-to-audio", "peft", "musiclab")
AUDIO_SUFFIXES = (".wav", ".flac", ".mp3", ".ogg")
CAPTION_EXAMPLES = 5
SAMPLE_PROMPTS_FILE = "prompts.json"  # samples/prompts.json: file -> prompt
# Settings that say where or how fast training ran, not what the adapter learned.
_NOT_SETTINGS = {"base_model", "sample_prompts", "device", "compile_model"}


def write_model_card(
    adapter_dir: Path,
    info: dict[str, Any] | None = None,
    samples: Sequence[tuple[str, str]] | None = None,
) -> Path:
    """Write ``adapter_dir/README.md``; the card's path.

    ``info``: the adapter's info (default: its ``musiclab_adapter.json``). ``samples``:
    (prompt, file relative to the folder) pairs; by default the audio files found under
    ``samples/``, matched to the run's sample prompts by their ``sample-NN-`` prefix.
    """
    adapter_dir = Path(adapter_dir)
    if info is None:
        info = _read_info(adapter_dir)
    if samples is None:
        samples = found_samples(adapter_dir, _sample_prompts(info))
    else:
        _remember_prompts(adapter_dir, samples)
    card = adapter_dir / MODEL_CARD_FILE
    card.write_text(model_card_text(adapter_dir, info, samples), encoding="utf-8")
    return card


def model_card_text(adapter_dir: Path, info: dict[str, Any],
                    samples: Sequence[tuple[str, str]]) -> str:
    base = _base_name(adapter_dir, info)
    title = info.get("experiment_name") and f"{info['experiment_name']}-{info.get('run_name', '')}"
    parts = [
        _front_matter(base),
        f"# {title or adapter_dir.name}",
        "",
        f"A LoRA adapter for [MusicGen]({_base_link(base)}) (`{base}`), trained with "
        "MusicLab Desktop on the decoder's layers; the text encoder and EnCodec are "
        "unchanged.",
        "",
        *_usage(base),
        *_settings(info),
        *_dataset(info),
        *_results(info),
        *_samples(samples),
    ]
    return "\n".join(parts).rstrip() + "\n"


def found_samples(adapter_dir: Path, prompts: Sequence[str]) -> list[tuple[str, str]]:
    """(prompt, relative file) of the audio files under ``samples/``, sorted by name: the
    prompt a card was last written with for that file, else the run's sample prompt of
    the ``sample-NN-`` prefix, else the file's name."""
    folder = Path(adapter_dir) / protocol.SAMPLES_DIR
    if not folder.is_dir():
        return []
    remembered = _remembered_prompts(adapter_dir)
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in AUDIO_SUFFIXES)
    found = []
    for path in files:
        relative = path.relative_to(adapter_dir).as_posix()
        match = re.match(r"sample-(\d+)-", path.name)
        index = int(match[1]) - 1 if match else -1
        prompt = prompts[index] if 0 <= index < len(prompts) else path.stem
        found.append((remembered.get(relative, prompt), relative))
    return found


def _remember_prompts(adapter_dir: Path, samples: Sequence[tuple[str, str]]) -> None:
    # So a card rewritten later from the files alone names the same prompts.
    folder = adapter_dir / protocol.SAMPLES_DIR
    if samples and folder.is_dir():
        (folder / SAMPLE_PROMPTS_FILE).write_text(
            json.dumps({file: prompt for prompt, file in samples}, indent=2), encoding="utf-8")


def _remembered_prompts(adapter_dir: Path) -> dict[str, str]:
    try:
        data = json.loads((adapter_dir / protocol.SAMPLES_DIR / SAMPLE_PROMPTS_FILE)
                          .read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _read_info(adapter_dir: Path) -> dict[str, Any]:
    try:
        info = json.loads((adapter_dir / protocol.ADAPTER_INFO_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}


def _sample_prompts(info: dict[str, Any]) -> list[str]:
    text = str((info.get("config") or {}).get("sample_prompts", ""))
    return [line.strip() for line in text.splitlines() if line.strip()]


def _base_name(adapter_dir: Path, info: dict[str, Any]) -> str:
    # adapter_config.json holds the portable name (hub id or folder): the card agrees.
    try:
        config = json.loads((adapter_dir / "adapter_config.json").read_text(encoding="utf-8"))
        name = config.get("base_model_name_or_path")
    except (OSError, ValueError, AttributeError):
        name = None
    return str(name or info.get("base_model") or "facebook/musicgen-small")


def _base_link(base: str) -> str:
    return base if Path(base).is_absolute() else f"https://huggingface.co/{base}"


def _front_matter(base: str) -> str:
    tags = "\n".join(f"  - {tag}" for tag in TAGS)
    return (f"---\nbase_model: {json.dumps(base)}\nlibrary_name: peft\n"
            f"pipeline_tag: text-to-audio\ntags:\n{tags}\n---\n")


def _usage(base: str) -> list[str]:
    return [
        "## Use it",
        "",
        "```python",
        "from peft import PeftModel",
        "from transformers import AutoProcessor, MusicgenForConditionalGeneration",
        "",
        f'base = MusicgenForConditionalGeneration.from_pretrained("{base}")',
        'model = PeftModel.from_pretrained(base, "path/to/this/folder")',
        'processor = AutoProcessor.from_pretrained("path/to/this/folder")',
        'inputs = processor(text=["your prompt"], padding=True, return_tensors="pt")',
        "audio = model.generate(**inputs, do_sample=True, guidance_scale=3.0, "
        "max_new_tokens=256)",
        "```",
        "",
    ]


def _settings(info: dict[str, Any]) -> list[str]:
    config = info.get("config") or {}
    defaults = default_config()
    changed = [(name, value) for name, value in sorted(config.items())
               if name in defaults and name not in _NOT_SETTINGS and value != defaults[name]]
    lines = ["## Training settings", ""]
    if not changed:
        return [*lines, "All settings at MusicLab's defaults.", ""]
    lines += ["Settings that differ from MusicLab's defaults:", "",
              "| setting | value | default |", "| --- | --- | --- |"]
    lines += [f"| {name} | {_cell(value)} | {_cell(defaults[name])} |" for name, value in changed]
    return [*lines, ""]


def _dataset(info: dict[str, Any]) -> list[str]:
    clips = info.get("dataset_clips")
    if clips is None:
        return []
    seconds = info.get("dataset_seconds")
    duration = f", {_duration(float(seconds))} of audio" if seconds is not None else ""
    lines = ["## Dataset", "", f"{clips} clips{duration}."]
    examples = info.get("caption_examples") or []
    if examples:
        lines += ["", "Caption examples:", ""]
        lines += [f"- {_cell(caption)}" for caption in examples[:CAPTION_EXAMPLES]]
    return [*lines, ""]


def _results(info: dict[str, Any]) -> list[str]:
    rows = [("steps", info.get("steps")), ("final loss", info.get("final_loss")),
            ("best loss", info.get("best_loss"))]
    shown = [(name, value) for name, value in rows if value is not None]
    if not shown:
        return []
    return ["## Results", "", *[f"- {name}: {_cell(value)}" for name, value in shown], ""]


def _samples(samples: Sequence[tuple[str, str]]) -> list[str]:
    if not samples:
        return []
    lines = ["## Samples", "", "| prompt | file |", "| --- | --- |"]
    lines += [f"| {_cell(prompt)} | [{_cell(file)}]({file}) |" for prompt, file in samples]
    return [*lines, ""]


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes < 60 else f"{minutes // 60} h {minutes % 60} min"


def _cell(value: Any) -> str:
    # One line, and no table cell split by a caption that holds a pipe.
    return " ".join(str(value).split()).replace("|", "\\|")
