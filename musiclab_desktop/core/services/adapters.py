"""Adapters: the LoRA weights that completed runs registered."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from musiclab_desktop.core.errors import NotFoundError
from musiclab_desktop.core.models import Adapter
from musiclab_desktop.core.records import AdapterRecord

if TYPE_CHECKING:
    from musiclab_desktop.core.library import Library


class AdapterService:
    def __init__(self, library: Library) -> None:
        self._library = library

    def list(self, experiment_id: int | None = None) -> list[AdapterRecord]:
        query = select(Adapter).order_by(Adapter.created_at.desc(), Adapter.id.desc())
        if experiment_id is not None:
            query = query.where(Adapter.experiment_id == experiment_id)
        with self._library.transaction() as session:
            return [AdapterRecord.of(row) for row in session.scalars(query).all()]

    def get(self, adapter_id: int) -> AdapterRecord:
        with self._library.transaction() as session:
            row = session.get(Adapter, adapter_id)
            if row is None:
                raise NotFoundError(f"Adapter {adapter_id} does not exist.")
            return AdapterRecord.of(row)
