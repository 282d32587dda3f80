"""Adapters: the LoRA weights that completed runs registered, and checkpoints promoted
to adapters of their own."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from musiclab_desktop.core.checkpoints import CheckpointInfo, find_checkpoint, list_checkpoints
from musiclab_desktop.core.errors import InvalidStateError, NotFoundError
from musiclab_desktop.core.folder_names import adapter_folder_name, unused_path
from musiclab_desktop.core.models import Adapter
from musiclab_desktop.core.protocol import SAMPLES_DIR
from musiclab_desktop.core.records import AdapterRecord
from musiclab_desktop.core.services.rows import get_experiment_row, get_run_row

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

    def promote(self, run_id: int, step: int) -> AdapterRecord:
        """Register the adapter of the run's kept checkpoint at ``step`` as an adapter of
        its own, ``{experiment}-{run}-step{N}``: a copy of the checkpoint's adapter files
        (weights, peft config, model card, processor) plus that step's samples, if any."""
        run = self._library.runs.get(run_id)
        checkpoint = find_checkpoint(run.output_dir, step)
        if checkpoint is None:
            kept = ", ".join(str(info.step) for info in list_checkpoints(run.output_dir))
            raise NotFoundError(
                f"Run '{run.name}' has no kept checkpoint at step {step}"
                + (f" (kept: steps {kept})." if kept else " (it has no checkpoints)."))
        config = self._library.runs.effective_config(run_id)
        with self._library.transaction() as session:
            experiment = get_experiment_row(session, get_run_row(session, run_id).experiment_id)
            name = f"{experiment.name}-{run.name}-step{step}"
            taken = session.scalar(select(Adapter.id).where(Adapter.name == name,
                                                            Adapter.run_id == run_id))
            if taken is not None:
                raise InvalidStateError(
                    f"Step {step} of run '{run.name}' is already the adapter '{name}' "
                    f"(ID {taken}).")
            folder = adapter_folder_name(experiment.name, run.name, run.id) + f"-step{step}"
            destination = unused_path(self._library.adapters_dir, folder)
            _copy_adapter(checkpoint, Path(run.output_dir or ""), destination)
            try:
                adapter = Adapter(
                    name=name, path=str(destination), base_model=config.base_model,
                    lora_r=config.lora_r, lora_alpha=config.lora_alpha,
                    lora_targets=config.lora_target_modules, final_loss=checkpoint.loss,
                    experiment_id=experiment.id, run_id=run.id,
                )
                session.add(adapter)
                session.flush()
                return AdapterRecord.of(adapter)
            except BaseException:
                shutil.rmtree(destination, ignore_errors=True)
                raise


def _copy_adapter(checkpoint: CheckpointInfo, run_dir: Path, destination: Path) -> None:
    """Copy into a partial folder first, then rename: no half-copied adapter is left."""
    partial = destination.with_name(f".partial-{destination.name}")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        partial.mkdir(parents=True)
        for source in checkpoint.adapter_files:
            if source.is_dir():
                shutil.copytree(source, partial / source.name)
            else:
                shutil.copy2(source, partial / source.name)
        samples = run_dir / SAMPLES_DIR / checkpoint.path.name
        if samples.is_dir() and not (partial / SAMPLES_DIR).exists():
            shutil.copytree(samples, partial / SAMPLES_DIR)
        partial.rename(destination)
    except OSError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        raise InvalidStateError(
            f"Cannot copy the checkpoint of step {checkpoint.step} to {destination}: "
            f"{exc.strerror or exc}.") from exc
