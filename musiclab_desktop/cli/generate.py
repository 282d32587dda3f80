"""``musiclab generate`` and ``musiclab adapters export / merge``.

``generate`` drives the same generation worker as the window, as a plain subprocess
(no event loop needed): requests on its stdin, protocol events on its stdout, its
terminal passed through to stderr. Takes are stored like the window's (the
``generations`` table and files under the data folder) and copied to ``--out``.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from musiclab_desktop.cli.arguments import command, positive_id
from musiclab_desktop.cli.output import table
from musiclab_desktop.core import protocol
from musiclab_desktop.core.errors import (
    InvalidStateError,
    NotFoundError,
    ValidationError,
)
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.protocol import ErrorKind
from musiclab_desktop.core.records import GenerationRecord

EXIT_CANCELLED = 1  # like a run that did not complete


def _python() -> str:
    from musiclab_desktop.runner.interpreter import training_interpreter
    from musiclab_desktop.runner.settings import load_settings

    return training_interpreter(load_settings())


def _environment() -> dict[str, str]:
    from musiclab_desktop.runner.interpreter import worker_environment

    return worker_environment()


# --- generate ----------------------------------------------------------------------


def generate(lib: Library, args: argparse.Namespace) -> Any:
    from musiclab_desktop.runner.generation_client import generation_command

    target = lib.generations.target(args.adapter, args.base)
    if target.adapter_dir is not None and not Path(target.adapter_dir).is_dir():
        raise NotFoundError(f"The folder of adapter {args.adapter} ({target.adapter_dir}) no "
                            "longer exists.")
    request = lib.generations.new_request(
        target, args.prompt, seconds=args.seconds, guidance_scale=args.guidance,
        temperature=args.temperature, top_k=args.top_k, seed=args.seed, takes=args.takes)
    worker = subprocess.Popen(
        generation_command(_python(), 0, args.device), stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=None if args.verbose else subprocess.DEVNULL,
        env=_environment())
    assert worker.stdin is not None and worker.stdout is not None
    try:
        worker.stdin.write((request.to_json() + "\n").encode("utf-8"))
        worker.stdin.flush()
        records = _follow(lib, worker, request, target.adapter_id)
    except KeyboardInterrupt:
        worker.stdin.write((protocol.cancel_request(request.request_id) + "\n").encode())
        worker.stdin.flush()
        records = None
    finally:
        _close(worker)
    if records is None:
        print("Generation cancelled.", file=sys.stderr)
        return EXIT_CANCELLED
    return [_take_json(record, args.out) for record in records]


def _follow(lib: Library, worker: subprocess.Popen[bytes], request: protocol.GenerationRequest,
            adapter_id: int | None) -> list[GenerationRecord] | None:
    """Read events until the request ends; its stored takes (None when cancelled)."""
    assert worker.stdout is not None
    records: list[GenerationRecord] = []
    for line in worker.stdout:
        event = protocol.Event.from_json(line)
        if isinstance(event, protocol.TakeReadyEvent) and event.request_id == request.request_id:
            records.append(lib.generations.record_take(request, adapter_id, event))
        elif isinstance(event, protocol.GenerationDoneEvent):
            return records
        elif isinstance(event, protocol.GenerationCancelledEvent):
            return None
        elif isinstance(event, protocol.GenerationErrorEvent):
            raise (ValidationError if event.kind == ErrorKind.CONFIG
                   else InvalidStateError)(event.message)
    code = worker.wait()
    raise InvalidStateError(f"The generation worker stopped (exit code {code}) before it "
                            "finished; run with --verbose to see its output.")


def _close(worker: subprocess.Popen[bytes]) -> None:
    if worker.stdin is not None:
        with contextlib.suppress(BrokenPipeError):
            worker.stdin.close()  # stdin's end: the worker says goodbye and exits
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def _take_json(record: GenerationRecord, out: Path | None) -> dict[str, Any]:
    file = record.file
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        file = Path(shutil.copyfile(record.file, out / f"{record.request_id}-{record.file.name}"))
    return {"id": record.id, "request_id": record.request_id, "adapter_id": record.adapter_id,
            "base_model": record.base_model, "prompt": record.prompt, "take": record.take,
            "seed": record.seed, "seconds": round(record.seconds, 3), "file": str(file)}


def _generate_human(takes: list[dict[str, Any]]) -> str:
    return table([[t["id"], t["prompt"], t["take"] + 1, t["seed"], f"{t['seconds']:.1f}",
                   t["file"]] for t in takes], ["ID", "PROMPT", "TAKE", "SEED", "SECONDS", "FILE"])


def add_generate(groups: Any) -> None:
    p = command(groups, "generate", generate, _generate_human,
                "generate audio with an adapter (or a base model) in the generation worker")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--adapter", type=positive_id, help="the adapter's ID (adapters list)")
    which.add_argument("--base", metavar="MODEL",
                       help="a base model without adapter: hub id or folder")
    p.add_argument("--prompt", action="append", required=True,
                   help="what to generate; repeat for several prompts")
    p.add_argument("--seconds", type=float, default=8.0, help="length of each take (8)")
    p.add_argument("--guidance", type=float, default=3.0,
                   help="classifier-free guidance scale (3.0)")
    p.add_argument("--temperature", type=float, default=1.0, help="sampling temperature (1.0)")
    p.add_argument("--top-k", type=int, default=250, help="top-k sampling, 0 for off (250)")
    p.add_argument("--seed", type=int, default=0, help="take N uses seed + N (0)")
    p.add_argument("--takes", type=int, default=1, help="takes per prompt (1)")
    p.add_argument("--device", default="auto", choices=("auto", "cuda", "mps", "cpu"))
    p.add_argument("--out", type=Path, help="also copy the WAV files to this folder")
    p.add_argument("--verbose", action="store_true", help="show the worker's terminal output")


# --- adapters export / merge -----------------------------------------------------------


def export(lib: Library, args: argparse.Namespace) -> Any:
    from musiclab_desktop.core.adapter_files import export_adapter, missing_files

    adapter = lib.adapters.get(args.id)
    source = Path(adapter.path)
    written = export_adapter(source, args.dest, as_zip=args.zip)
    return {"adapter_id": adapter.id, "path": str(written), "missing": missing_files(source)}


def _export_human(result: dict[str, Any]) -> str:
    text = f"Exported adapter {result['adapter_id']} to {result['path']}."
    if result["missing"]:
        text += (f"\nNote: it lacks {', '.join(result['missing'])} (trained before MusicLab "
                 "saved processors and model cards).")
    return text


def merge(lib: Library, args: argparse.Namespace) -> Any:
    from musiclab_desktop.runner.generation_client import merge_adapter

    adapter = lib.adapters.get(args.id)
    if not Path(adapter.path).is_dir():
        raise NotFoundError(f"The folder of adapter {adapter.id} ({adapter.path}) no longer "
                            "exists.")
    merge_adapter(_python(), Path(adapter.path), args.dest)
    return {"adapter_id": adapter.id, "path": str(args.dest)}


def _merge_human(result: dict[str, Any]) -> str:
    return (f"Merged adapter {result['adapter_id']} into a full MusicGen checkpoint at "
            f"{result['path']} (load it with MusicgenForConditionalGeneration.from_pretrained).")


def add_adapter_files(sub: Any) -> None:
    """``adapters export`` and ``adapters merge`` under the ``adapters`` group."""
    p = command(sub, "export", export, _export_human,
                "copy a self-contained adapter (weights, processor, model card) to DEST")
    p.add_argument("id", type=positive_id, metavar="ID")
    p.add_argument("dest", type=Path, metavar="DEST")
    p.add_argument("--zip", action="store_true", help="write DEST.zip instead of a folder")
    p = command(sub, "merge", merge, _merge_human,
                "write a full MusicGen checkpoint with the LoRA merged in to DEST")
    p.add_argument("id", type=positive_id, metavar="ID")
    p.add_argument("dest", type=Path, metavar="DEST")
