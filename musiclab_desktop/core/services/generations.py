"""Generations: the takes people generate with an adapter (or the bare base) on request.

A request gets an id and a folder under ``generations/`` in the data folder; the worker
writes its takes there and each ``take_ready`` event becomes a row (the GUI's client and
``musiclab generate`` both store them through :meth:`GenerationService.record_take`).
"""

from __future__ import annotations

import builtins
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from musiclab_desktop.core import protocol
from musiclab_desktop.core.errors import NotFoundError
from musiclab_desktop.core.models import Adapter, Generation
from musiclab_desktop.core.records import GenerationRecord

if TYPE_CHECKING:
    from musiclab_desktop.core.library import Library

GENERATIONS_DIR = "generations"


@dataclass(frozen=True)
class GenerationTarget:
    """What a request generates with: an adapter (with its base) or a bare base model."""

    base_model: str
    adapter_id: int | None = None
    adapter_dir: str | None = None
    label: str = ""


class GenerationService:
    def __init__(self, library: Library) -> None:
        self._library = library

    @property
    def folder(self) -> Path:
        return self._library.root / GENERATIONS_DIR

    def target(self, adapter_id: int | None = None, base_model: str | None = None
               ) -> GenerationTarget:
        """The adapter ``adapter_id`` (NotFoundError if unknown), else the base model."""
        if adapter_id is None:
            name = (base_model or "").strip()
            return GenerationTarget(base_model=name, label=f"{name} (base)")
        with self._library.transaction() as session:
            row = session.get(Adapter, adapter_id)
            if row is None:
                raise NotFoundError(f"Adapter {adapter_id} does not exist.")
            return GenerationTarget(row.base_model, row.id, row.path, row.name)

    def new_request(
        self,
        target: GenerationTarget,
        prompts: builtins.list[str],
        *,
        seconds: float = 8.0,
        guidance_scale: float = 3.0,
        temperature: float = 1.0,
        top_k: int = 250,
        seed: int = 0,
        takes: int = 1,
        adapter_off: bool = False,
    ) -> protocol.GenerationRequest:
        """A request with a fresh id whose takes go to their own folder under generations/.

        ``adapter_off``: the target adapter's base alone (the B of an A/B)."""
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        request_id = f"{stamp}-{uuid.uuid4().hex[:8]}"
        return protocol.GenerationRequest(
            request_id=request_id,
            prompts=builtins.list(prompts),
            out_dir=str(self.folder / request_id),
            base_model=target.base_model,
            adapter_dir=target.adapter_dir,
            seconds=seconds,
            guidance_scale=guidance_scale,
            temperature=temperature,
            top_k=top_k,
            seed=seed,
            takes=takes,
            adapter_off=adapter_off and target.adapter_dir is not None,
        )

    def record_take(self, request: protocol.GenerationRequest, adapter_id: int | None,
                    event: protocol.TakeReadyEvent) -> GenerationRecord:
        """Store the take an event announces (its file stays where the worker wrote it)."""
        file = Path(event.path)
        try:
            path = file.resolve().relative_to(self._library.root.resolve()).as_posix()
        except ValueError:
            path = str(file)  # written outside the data folder: keep it absolute
        row = Generation(
            request_id=event.request_id,
            adapter_id=adapter_id,
            base_model=event.base_model or request.base_model,
            prompt=event.prompt,
            take=event.take,
            seed=event.seed,
            seconds=event.seconds,
            settings=request.settings(),
            sample_rate=event.sample_rate,
            path=path,
        )
        with self._library.transaction() as session:
            session.add(row)
            session.flush()
            return GenerationRecord.of(row, self._library.root)

    def list(self, adapter_id: int | None = None, *, request_id: str | None = None,
             limit: int = 500) -> builtins.list[GenerationRecord]:
        """Newest first; only one adapter's or one request's takes when asked."""
        query = select(Generation).order_by(Generation.id.desc()).limit(limit)
        if adapter_id is not None:
            query = query.where(Generation.adapter_id == adapter_id)
        if request_id is not None:
            query = query.where(Generation.request_id == request_id)
        with self._library.transaction() as session:
            return [GenerationRecord.of(row, self._library.root)
                    for row in session.scalars(query).all()]

    def export_wav(self, generation_id: int, destination: Path) -> Path:
        """Copy a take's WAV to ``destination`` (a file, or a folder to put it in)."""
        with self._library.transaction() as session:
            row = session.get(Generation, generation_id)
            if row is None:
                raise NotFoundError(f"Generation {generation_id} does not exist.")
            record = GenerationRecord.of(row, self._library.root)
        source = record.file
        if not source.is_file():
            raise NotFoundError(f"The file of generation {generation_id} ({source}) is gone.")
        target = destination / source.name if destination.is_dir() else destination
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        return target


def settings_summary(settings: dict[str, Any]) -> str:
    return (f"guidance {settings.get('guidance_scale', '?')}, temperature "
            f"{settings.get('temperature', '?')}, top-k {settings.get('top_k', '?')}")
