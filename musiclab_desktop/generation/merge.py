"""``python -m musiclab_desktop.generation.merge ADAPTER_DIR DEST``: a full checkpoint.

Loads the adapter's base, folds the LoRA weights into it (peft ``merge_and_unload``) and
saves model and processor to DEST, loadable by ``MusicgenForConditionalGeneration
.from_pretrained(DEST)`` alone. Exit 0, or 1 with one sentence as the last stderr line.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from musiclab_desktop.generation.checks import adapter_problem
from musiclab_desktop.training.errors import WorkerError

USAGE = "usage: python -m musiclab_desktop.generation.merge ADAPTER_DIR DEST"


def merge(adapter_dir: Path, destination: Path) -> Path:
    from peft import PeftModel
    from transformers import AutoProcessor, MusicgenForConditionalGeneration

    from musiclab_desktop.generation.engine import adapter_base
    from musiclab_desktop.training.model_loading import quiet_transformers
    from musiclab_desktop.training.model_source import resolve_model_dir

    base_dir = resolve_model_dir(adapter_base(adapter_dir))
    with quiet_transformers():
        base = MusicgenForConditionalGeneration.from_pretrained(str(base_dir))
        merged = PeftModel.from_pretrained(base, str(adapter_dir)).merge_and_unload()
        processor_source = adapter_dir if (adapter_dir / "tokenizer_config.json").is_file() \
            else base_dir
        processor = AutoProcessor.from_pretrained(str(processor_source))
    destination.mkdir(parents=True, exist_ok=True)
    merged.save_pretrained(str(destination))
    processor.save_pretrained(str(destination))
    return destination


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print(USAGE, file=sys.stderr)
        return 1
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    adapter_dir, destination = Path(args[0]), Path(args[1])
    problem = adapter_problem(adapter_dir)
    if problem is None and destination.exists() and (not destination.is_dir()
                                                     or any(destination.iterdir())):
        problem = f"The folder {destination} is not empty; choose a new folder for the model."
    if problem is not None:
        print(problem, file=sys.stderr)
        return 1
    try:
        merge(adapter_dir, destination)
    except WorkerError as error:
        print(error.message, file=sys.stderr)
        return 1
    except (OSError, ValueError, RuntimeError) as error:
        print(f"Merging failed: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(f"Merged model written to {destination}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
