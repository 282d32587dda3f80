"""The request loop: one request at a time, every failure answered with a sentence."""

from __future__ import annotations

import os
import re
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from musiclab_desktop.core import protocol
from musiclab_desktop.core.protocol import ErrorKind
from musiclab_desktop.generation.checks import request_problem
from musiclab_desktop.generation.inbox import Closed, Inbox, Malformed
from musiclab_desktop.training.errors import WorkerError, is_out_of_memory
from musiclab_desktop.training.events import EventChannel
from musiclab_desktop.training.terminal import Terminal, paint

if TYPE_CHECKING:
    from musiclab_desktop.generation.engine import Engine

OUT_OF_MEMORY_HINT = ("Generation ran out of memory. Generate fewer seconds at a time, or "
                      "close other programs that use the GPU.")


def take_file_name(prompt_index: int, take: int, prompt: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", prompt.lower()).strip("-")[:40] or "take"
    return f"p{prompt_index + 1:02d}-t{take + 1:02d}-{slug}.wav"


class Server:
    """Serves the inbox until it closes or stays idle for ``idle_timeout_s``."""

    def __init__(self, inbox: Inbox, channel: EventChannel, terminal: Terminal,
                 idle_timeout_s: float, device: str = "auto") -> None:
        self.inbox = inbox
        self.channel = channel
        self.terminal = terminal
        self.idle_timeout_s = idle_timeout_s
        self.device = device
        self._engine: Engine | None = None

    def serve(self) -> int:
        self.channel.emit(protocol.GenerationReadyEvent(self.idle_timeout_s, os.getpid()))
        self.terminal.info(f"generation worker ready (exits after {self.idle_timeout_s:g} s "
                           "idle)")
        while True:
            item = self.inbox.get(self.idle_timeout_s if self.idle_timeout_s > 0 else None)
            if item is None or isinstance(item, Closed):
                reason = "idle" if item is None else item.reason
                self.terminal.info(f"generation worker stops ({reason})")
                self.channel.emit(protocol.GenerationExitEvent(reason))
                return protocol.EXIT_OK
            if isinstance(item, Malformed):
                self._error(item.message, item.request_id, ErrorKind.CONFIG)
                continue
            self._answer(item)

    def _answer(self, request: protocol.GenerationRequest) -> None:
        self.inbox.current = request.request_id
        try:
            self._serve(request)
        except WorkerError as error:
            self._error(error.message, request.request_id, error.kind)
        except Exception as error:
            if is_out_of_memory(error):
                self._error(OUT_OF_MEMORY_HINT, request.request_id, ErrorKind.OUT_OF_MEMORY)
            else:
                traceback.print_exc()
                self._error(f"Generation failed unexpectedly: {type(error).__name__}: {error}",
                            request.request_id, ErrorKind.INTERNAL)
        finally:
            self.inbox.current = None
            self.inbox.forget(request.request_id)

    def _serve(self, request: protocol.GenerationRequest) -> None:
        rid = request.request_id
        if self.inbox.is_cancelled(rid):
            self._cancelled(rid, 0)
            return
        problem = request_problem(request)
        if problem is not None:
            self._error(problem, rid, ErrorKind.CONFIG)
            return
        engine = self._load(request)
        adapter = _adapter_of(request)
        engine.token_steps(request.seconds)
        for number, prompt in enumerate(request.prompts, 1):
            engine.check_prompt(prompt, number)
        self._generate(engine, request, adapter)

    def _load(self, request: protocol.GenerationRequest) -> Engine:
        if self._engine is None:
            from musiclab_desktop.generation.engine import Engine  # torch loads only now

            self._engine = Engine(self.device)
        engine = self._engine
        from musiclab_desktop.generation.engine import adapter_base

        adapter = Path(request.adapter_dir) if request.adapter_dir else None
        base = adapter_base(adapter) if adapter is not None else request.base_model
        if engine.base_path is None or engine.base_name != base:
            self.terminal.phase("loading", f"base model {base}")
        seconds = engine.ensure_base(base)
        if seconds is not None:
            self.terminal.info(f"base model loaded in {seconds:.1f} s "
                               f"(load {engine.base_loads} of this worker)")
            self.channel.emit(protocol.BaseLoadedEvent(base, str(engine.base_path), seconds,
                                                       engine.base_loads, engine.device.type))
        if adapter is not None and not request.adapter_off:
            seconds = engine.ensure_adapter(adapter)
            if seconds is not None:
                self.terminal.info(f"adapter {adapter} added in {seconds:.2f} s")
                self.channel.emit(protocol.AdapterLoadedEvent(str(adapter), seconds))
        return engine

    def _generate(self, engine: Engine, request: protocol.GenerationRequest,
                  adapter: Path | None) -> None:
        from musiclab_desktop.generation.engine import Settings
        from musiclab_desktop.training.sampling import write_wav

        rid = request.request_id
        started = time.perf_counter()
        settings = Settings(request.seconds, request.guidance_scale, request.temperature,
                            request.top_k)
        count = len(request.prompts) * request.takes
        written = 0
        for prompt_index, prompt in enumerate(request.prompts):
            for take in range(request.takes):
                index = prompt_index * request.takes + take
                seed = request.seed + take

                def progress(tokens: int, total: int, index: int = index) -> None:
                    self.channel.emit(protocol.GenerationProgressEvent(rid, tokens, total, index,
                                                                       count))

                decode_started = time.perf_counter()
                audio = engine.generate(prompt, seed, settings, adapter, progress,
                                        lambda: self.inbox.is_cancelled(rid))
                decode = time.perf_counter() - decode_started
                if audio is None:
                    self._cancelled(rid, written)
                    return
                path = write_wav(audio, Path(request.out_dir) /
                                 take_file_name(prompt_index, take, prompt), engine.sampling_rate)
                written += 1
                seconds = audio.shape[-1] / engine.sampling_rate
                tokens = engine.token_steps(request.seconds)
                self.terminal.info(f"take {index + 1}/{count}: {path} ({seconds:.1f} s; "
                                   f"{tokens} tokens in {decode:.2f} s, "
                                   f"{tokens / max(decode, 1e-9):.0f} tokens/s)")
                self.channel.emit(protocol.TakeReadyEvent(
                    rid, prompt_index, prompt, take, seed, str(path), seconds,
                    engine.sampling_rate, engine.base_name,
                    str(adapter) if adapter is not None else None, tokens, decode))
        elapsed = time.perf_counter() - started
        self.terminal.success(f"request {rid}: {written} take(s) in {elapsed:.1f} s")
        self.channel.emit(protocol.GenerationDoneEvent(rid, written, elapsed))

    def _cancelled(self, request_id: str, takes: int) -> None:
        self.terminal.warning(f"request {request_id} cancelled after {takes} take(s)")
        self.channel.emit(protocol.GenerationCancelledEvent(request_id, takes))

    def _error(self, message: str, request_id: str | None, kind: ErrorKind) -> None:
        self.terminal.line(paint("error: ", "bold", "red") + message)
        self.channel.emit(protocol.GenerationErrorEvent(message, request_id, kind))


def _adapter_of(request: protocol.GenerationRequest) -> Path | None:
    """The adapter the takes are generated with (None: the bare base)."""
    if request.adapter_dir is None or request.adapter_off:
        return None
    return Path(request.adapter_dir)
