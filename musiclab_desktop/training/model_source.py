"""Where the base model lives: a local folder or a hub id already in the local cache.

Resolved before torch is imported, so a missing model fails within a second with
a message that says what to do. The worker never downloads: a multi-gigabyte
download hidden inside a training run would surprise, and offline it would hang.
"""

from __future__ import annotations

import json
from pathlib import Path

from musiclab_desktop.core.model_check import download_name
from musiclab_desktop.training.errors import ModelUnavailableError

SUPPORTED_MODEL_TYPE = "musicgen"


def resolve_model_dir(base_model: str) -> Path:
    """The folder holding the model files for ``base_model``."""
    name = base_model.strip()
    candidate = Path(name).expanduser()
    if candidate.is_dir():
        return _checked(candidate.resolve(), name)
    if _looks_like_path(name):
        raise ModelUnavailableError(
            f"The model folder {candidate} does not exist. Pick a folder that holds a MusicGen "
            "model (config.json and weights), or use a Hugging Face id such as "
            "facebook/musicgen-small."
        )
    return _checked(_from_hub_cache(name), name)


def _looks_like_path(name: str) -> bool:
    return name.startswith(("/", "~", ".", "\\")) or (len(name) > 1 and name[1] == ":")


def _from_hub_cache(repo_id: str) -> Path:
    from huggingface_hub import constants, snapshot_download
    from huggingface_hub.errors import HFValidationError

    cache = constants.HF_HUB_CACHE
    try:
        return Path(snapshot_download(repo_id, local_files_only=True))
    except HFValidationError:
        raise ModelUnavailableError(
            f"'{repo_id}' is neither a model folder on this machine nor a valid Hugging Face "
            "model id. Pick a folder that holds a MusicGen model, or use an id such as "
            "facebook/musicgen-small."
        ) from None
    except OSError:
        suggested = download_name(repo_id)
        if suggested != repo_id:
            raise ModelUnavailableError(
                f"'{repo_id}' is not a Hugging Face id: the model is {suggested}. Set the base "
                f"model to {suggested} and download it once with `hf download {suggested}` "
                f"(or `huggingface-cli download {suggested}`)."
            ) from None
        raise ModelUnavailableError(
            f"The base model {repo_id} is not in the local Hugging Face cache ({cache}), and "
            "training does not download models. Download it once with `huggingface-cli "
            f"download {repo_id}` (or `hf download {repo_id}`), or pick a folder that holds "
            "the model files."
        ) from None


def _checked(folder: Path, name: str) -> Path:
    config_file = folder / "config.json"
    try:
        model_type = json.loads(config_file.read_text(encoding="utf-8")).get("model_type")
    except (OSError, ValueError):
        raise ModelUnavailableError(
            f"The folder {folder} (for base model {name}) has no readable config.json, so it "
            "does not hold a model. Pick a folder saved with save_pretrained, or download it "
            "again with `huggingface-cli download`."
        ) from None
    if model_type != SUPPORTED_MODEL_TYPE:
        raise ModelUnavailableError(
            f"The model in {folder} is a '{model_type}' model, not a MusicGen text-to-music "
            "model (model_type 'musicgen'). Pick facebook/musicgen-small, -medium, -large or "
            "a stereo MusicGen."
        )
    return folder
