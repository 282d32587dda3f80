"""``python -m musiclab_desktop.training RUN_SPEC_JSON``: train one run.

The cheap checks (run spec, config, model location, dataset files) run before torch
is imported, so a missing model or an empty dataset fails within a second.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

from musiclab_desktop.core import protocol
from musiclab_desktop.core.config import TrainingConfig
from musiclab_desktop.core.errors import ValidationError
from musiclab_desktop.core.protocol import ErrorKind, Phase
from musiclab_desktop.training import distributed
from musiclab_desktop.training.cancel import CancelFlag
from musiclab_desktop.training.errors import (
    OUT_OF_MEMORY_HINT,
    ConfigError,
    DataError,
    WorkerError,
    is_out_of_memory,
)
from musiclab_desktop.training.events import EventChannel
from musiclab_desktop.training.manifest import read_manifest
from musiclab_desktop.training.model_source import resolve_model_dir
from musiclab_desktop.training.owner_watch import GuardedStream, OwnerWatch
from musiclab_desktop.training.report import Reporter
from musiclab_desktop.training.terminal import Terminal

USAGE = "usage: python -m musiclab_desktop.training RUN_SPEC_JSON"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    # Training never downloads (see model_source): no library call may wait on the network.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    distributed.quiet_unless_main()  # under torchrun only rank 0 speaks
    channel = EventChannel.take_over_stdout()
    cancel = CancelFlag()
    cancel.install()
    watch = OwnerWatch(channel, cancel)
    # Everything that prints (us, tqdm, libraries) goes through stderr: guarded, so the
    # death of the process reading it stops the run cleanly instead of killing it.
    sys.stderr = sys.stdout = GuardedStream(sys.stderr, watch)
    watch.start()
    reporter = Reporter(Terminal(), channel)
    if len(args) != 1:
        reporter.error(USAGE, ErrorKind.CONFIG)
        return protocol.EXIT_FAILED
    try:
        return run(Path(args[0]), reporter, cancel, watch)
    except WorkerError as error:
        reporter.error(error.message, error.kind)
    except KeyboardInterrupt:  # a second Ctrl+C: stop now, without a checkpoint
        reporter.cancelled(0, None)
        return protocol.EXIT_CANCELLED
    except BaseException as error:
        if is_out_of_memory(error):
            reporter.error(f"{OUT_OF_MEMORY_HINT} ({type(error).__name__})",
                           ErrorKind.OUT_OF_MEMORY)
        else:
            traceback.print_exc()
            reporter.error(
                f"Training failed unexpectedly: {type(error).__name__}: {error}",
                ErrorKind.INTERNAL,
            )
    return protocol.EXIT_FAILED


def run(spec_path: Path, reporter: Reporter, cancel: CancelFlag,
        watch: OwnerWatch | None = None) -> int:
    spec = _load_spec(spec_path)
    if watch is not None:
        watch.set_run_folder(Path(spec.output_dir))
    try:
        config = TrainingConfig.from_dict(spec.config)
    except ValidationError as error:
        raise ConfigError(str(error)) from None
    model_dir = resolve_model_dir(config.base_model)
    reporter.phase(Phase.PREPARING_DATA, f"Reading the dataset {spec.dataset_path}")
    clips = read_manifest(Path(spec.dataset_path), reporter.warning)
    if not clips:
        raise DataError(f"The dataset {spec.dataset_path} has no readable audio clips.")
    if cancel.requested:
        reporter.cancelled(0, None)
        return protocol.EXIT_CANCELLED
    reporter.phase(Phase.LOADING_MODEL, f"Loading {config.base_model} from {model_dir}")
    # torch, transformers and peft load only now: the checks above stay instant.
    from musiclab_desktop.training.worker import train

    return train(spec, config, model_dir, clips, reporter, cancel)


def _load_spec(path: Path) -> protocol.RunSpec:
    try:
        return protocol.RunSpec.load(path)
    except (OSError, ValueError, TypeError) as error:
        raise ConfigError(f"Cannot read the run spec {path}: {error}") from None


if __name__ == "__main__":
    sys.exit(main())
