"""Helpers for the generation tests: adapters made in a second, a worker driven by hand,
a fake Hugging Face cache, and WAV checks."""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import soundfile

from musiclab_desktop.core import protocol
from musiclab_desktop.runner.generation_client import generation_command
from musiclab_desktop.runner.interpreter import worker_environment

E = TypeVar("E", bound=protocol.Event)
HUB_ID = "musiclab-tests/tiny-musicgen"


def make_adapter(model_dir: Path, out: Path, seed: int, base_model: str | None = None,
                 sample_prompts: str = "") -> Path:
    """A LoRA adapter with random (non-zero) weights, saved by the app's save_adapter.

    Random B matrices make it sound different from the base at once, without training.
    """
    import torch

    from musiclab_desktop.core.config import TrainingConfig
    from musiclab_desktop.training.hardware import Precision
    from musiclab_desktop.training.model_loading import add_lora, load_musicgen
    from musiclab_desktop.training.saving import save_adapter

    loaded = load_musicgen(model_dir, torch.device("cpu"), Precision("fp32", "cpu"))
    config = TrainingConfig(base_model=base_model or str(model_dir), lora_r=4, lora_alpha=8,
                            sample_prompts=sample_prompts, segment_seconds=2.0)
    torch.manual_seed(seed)
    model = add_lora(loaded.model, config)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if "lora_B" in name:
                parameter.normal_(0.0, 0.5)
    info = {"base_model": config.base_model, "base_model_path": str(model_dir),
            "run_name": f"run-{seed}", "experiment_name": "tiny", "config": config.to_dict(),
            "dataset_clips": 3, "dataset_seconds": 7.5,
            "caption_examples": ["calm low sine tone", "bright | tone"], "steps": 10,
            "final_loss": 3.25, "best_loss": 3.1}
    return save_adapter(model, out, info, loaded.processor)


def fake_hub_cache(model_dir: Path, cache: Path, repo_id: str = HUB_ID) -> Path:
    """``cache`` laid out as huggingface_hub keeps a downloaded model; the snapshot folder."""
    repo = cache / f"models--{repo_id.replace('/', '--')}"
    commit = "0123456789abcdef0123456789abcdef01234567"
    snapshot = repo / "snapshots" / commit
    shutil.copytree(model_dir, snapshot)
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(commit)
    return snapshot


def read_wav(path: str | Path) -> np.ndarray:
    data, _rate = soundfile.read(str(path), dtype="float32")
    return np.asarray(data)


def is_audible(path: str | Path) -> bool:
    return float(np.sqrt(np.mean(read_wav(path) ** 2))) > 1e-4


class Worker:
    """A generation worker in a subprocess, fed by hand; its events read in a thread."""

    def __init__(self, idle_timeout_s: float = 0, extra_env: dict[str, str] | None = None
                 ) -> None:
        env = worker_environment()
        env.update({"HF_HUB_OFFLINE": "1", **(extra_env or {})})
        self.process = subprocess.Popen(
            generation_command(sys.executable, idle_timeout_s, "cpu"), stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        self.events: queue.Queue[protocol.Event | None] = queue.Queue()
        self.seen: list[protocol.Event] = []
        self.terminal = b""
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_terminal, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            event = protocol.Event.from_json(line)
            if event is not None:
                self.events.put(event)
        self.events.put(None)

    def _read_terminal(self) -> None:
        assert self.process.stderr is not None
        for chunk in self.process.stderr:
            self.terminal += chunk

    def send(self, payload: protocol.GenerationRequest | dict[str, Any] | str) -> None:
        assert self.process.stdin is not None
        if isinstance(payload, protocol.GenerationRequest):
            line = payload.to_json()
        elif isinstance(payload, dict):
            line = json.dumps(payload)
        else:
            line = payload
        self.process.stdin.write((line + "\n").encode("utf-8"))
        self.process.stdin.flush()

    def until(self, kind: type[E], timeout: float = 180, request_id: str | None = None) -> E:
        """Events up to the first of ``kind`` (for ``request_id`` when given); that one."""
        deadline = time.monotonic() + timeout
        while True:
            event = self.events.get(timeout=max(0.1, deadline - time.monotonic()))
            if event is None:
                raise AssertionError(f"the worker exited before a {kind.type} event:\n"
                                     + self.terminal.decode("utf-8", "replace")[-2000:])
            self.seen.append(event)
            if isinstance(event, kind) and (
                    request_id is None or getattr(event, "request_id", None) == request_id):
                return event

    def of_type(self, kind: type[E]) -> list[E]:
        return [event for event in self.seen if isinstance(event, kind)]

    def close(self) -> int:
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


def request(request_id: str, out: Path, *, adapter: Path | None = None, base: str = "",
            prompts: tuple[str, ...] = ("calm low sine tone",), seconds: float = 1.0,
            seed: int = 7, takes: int = 1) -> protocol.GenerationRequest:
    return protocol.GenerationRequest(
        request_id=request_id, prompts=list(prompts), out_dir=str(out / request_id),
        base_model=base, adapter_dir=str(adapter) if adapter else None, seconds=seconds,
        seed=seed, takes=takes)


MUSICLAB = str(Path(sys.executable).with_name("musiclab"))


def musiclab(data_dir: Path, *args: str, timeout: float = 300, **env: str
             ) -> subprocess.CompletedProcess[bytes]:
    import os

    full_env = {**os.environ, "MUSICLAB_DATA_DIR": str(data_dir), **env}
    return subprocess.run([MUSICLAB, *args], capture_output=True, env=full_env,
                          timeout=timeout)


def register_adapter(data_dir: Path, folder: Path, base_model: str, name: str = "tiny-run-1"
                     ) -> int:
    """An adapter row for ``folder``, as a completed run leaves one; its id."""
    from musiclab_desktop.core.library import Library
    from musiclab_desktop.core.models import Adapter

    library = Library.open(data_dir)
    try:
        with library.transaction() as session:
            row = Adapter(name=name, path=str(folder), base_model=base_model, lora_r=4,
                          lora_alpha=8, lora_targets="q_proj,v_proj", final_loss=3.25)
            session.add(row)
            session.flush()
            return int(row.id)
    finally:
        library.close()


class AnsweringPrompts:
    """Stands in for ui.prompts.Prompts: answers file questions from its attributes and
    records errors (built lazily so core-only test runs never import Qt)."""

    def __new__(cls) -> Any:
        from musiclab_desktop.ui.prompts import Prompts

        class _Answering(Prompts):
            def __init__(self) -> None:
                self.save_path: str | None = None
                self.folder: str | None = None
                self.errors: list[tuple[str, str]] = []

            def error(self, parent: Any, title: str, message: str) -> None:
                self.errors.append((title, message))

            def save_file(self, parent: Any, title: str, suggested: str, filters: str
                          ) -> str | None:
                return self.save_path

            def choose_folder(self, parent: Any, title: str) -> str | None:
                return self.folder

        return _Answering()
