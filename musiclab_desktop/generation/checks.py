"""The checks a request passes before any model work, each failure one sentence."""

from __future__ import annotations

from pathlib import Path

from musiclab_desktop.core import protocol

MAX_PROMPT_CHARS = 2_000
MAX_PROMPT_TOKENS = 512  # T5's training length: longer prompts are cut by the model anyway
MAX_TAKES = 16


def request_problem(request: protocol.GenerationRequest) -> str | None:
    """Why ``request`` cannot be served, or None."""
    if not request.prompts:
        return "The request has no prompt; give at least one."
    for number, prompt in enumerate(request.prompts, 1):
        if not prompt.strip():
            return f"Prompt {number} is empty; describe the music to generate."
        if len(prompt) > MAX_PROMPT_CHARS:
            return (f"Prompt {number} is {len(prompt):,} characters long; keep prompts under "
                    f"{MAX_PROMPT_CHARS:,}.")
    if not request.seconds > 0:
        return f"The length must be more than 0 s, not {request.seconds:g} s."
    if not 1 <= request.takes <= MAX_TAKES:
        return f"Takes must be 1 to {MAX_TAKES}, not {request.takes}."
    if not request.temperature > 0:
        return f"The temperature must be more than 0, not {request.temperature:g}."
    if request.top_k < 0:
        return f"Top-k must be 0 (off) or more, not {request.top_k}."
    if request.guidance_scale < 0:
        return f"The guidance scale must be 0 or more, not {request.guidance_scale:g}."
    if request.seed < 0:
        return f"The seed must be 0 or more, not {request.seed}."
    if request.adapter_dir is not None:
        return adapter_problem(Path(request.adapter_dir))
    if not request.base_model.strip():
        return "The request names neither an adapter nor a base model."
    return None


def adapter_problem(folder: Path) -> str | None:
    if not folder.is_dir():
        return (f"The adapter folder {folder} does not exist; it was moved or deleted "
                "outside MusicLab.")
    if not (folder / "adapter_config.json").is_file():
        return (f"The folder {folder} holds no adapter_config.json, so it is not a LoRA "
                "adapter saved by peft.")
    return None
