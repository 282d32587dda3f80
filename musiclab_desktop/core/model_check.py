"""Is the base model at hand? A quick look, without torch or a network, when a config is set.

An experiment may name a model that is fetched later, so the answer is a warning that
names the fix, never a refusal; the worker checks again (training/model_source.py) and
fails fast when the model is still missing.
"""

from __future__ import annotations

import json
from pathlib import Path

from musiclab_desktop.core.lora_size import hub_cache_dir

HUB_ORGANIZATION = "facebook"
# The published names: "musicgen-small" alone is no Hugging Face id; facebook/... is.
KNOWN_MODELS = (
    "musicgen-small",
    "musicgen-medium",
    "musicgen-large",
    "musicgen-stereo-small",
    "musicgen-stereo-medium",
    "musicgen-stereo-large",
)


def download_name(name: str) -> str:
    """The repo to download for ``name``: ``musicgen-small`` -> ``facebook/musicgen-small``."""
    name = name.strip()
    if "/" not in name and name.lower() in KNOWN_MODELS:
        return f"{HUB_ORGANIZATION}/{name.lower()}"
    return name


def looks_like_path(name: str) -> bool:
    return name.startswith(("/", "~", ".", "\\")) or (len(name) > 1 and name[1] == ":")


def in_hub_cache(repo_id: str) -> bool:
    """Whether a snapshot of ``repo_id`` with a config.json is in the local cache."""
    cache = hub_cache_dir() / f"models--{repo_id.replace('/', '--')}" / "snapshots"
    return cache.is_dir() and any(
        (snapshot / "config.json").is_file() for snapshot in cache.iterdir()
    )


def base_model_warning(base_model: str) -> str | None:
    """One sentence saying what is wrong with ``base_model`` and how to fix it, or None."""
    name = base_model.strip()
    folder = Path(name).expanduser()
    if folder.is_dir():
        return _folder_warning(folder)
    if looks_like_path(name):
        return (
            f"The model folder {folder} does not exist yet: training will fail until it "
            "holds a MusicGen model (config.json and weights), or use a Hugging Face id "
            "such as facebook/musicgen-small."
        )
    repo = download_name(name)
    if repo != name:
        return (
            f"'{name}' is not a Hugging Face id: did you mean '{repo}'? Set "
            f"base_model={repo}, and download it once with `hf download {repo}`."
        )
    if not in_hub_cache(name):
        return (
            f"The base model {name} is not in the local Hugging Face cache "
            f"({hub_cache_dir()}), and training does not download models: download it "
            f"once with `hf download {name}` (or `huggingface-cli download {name}`) "
            "before starting a run."
        )
    return None


def _folder_warning(folder: Path) -> str | None:
    try:
        document = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return (
            f"The folder {folder} has no readable config.json, so it does not hold a "
            "model yet: save one there with save_pretrained or pick another folder."
        )
    model_type = document.get("model_type") if isinstance(document, dict) else None
    if model_type != "musicgen":
        return (
            f"The model in {folder} is a '{model_type}' model, not a MusicGen "
            "text-to-music model: pick facebook/musicgen-small, -medium or -large."
        )
    return None
