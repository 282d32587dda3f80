"""One training run from loaded spec to saved adapter: the heavy half of the worker."""

from __future__ import annotations

import math
import random
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import torch

from musiclab_desktop import __version__
from musiclab_desktop.core import protocol
from musiclab_desktop.core.checkpoints import (
    dataset_file_fingerprint,
    read_checkpoint,
    remove_partials,
)
from musiclab_desktop.core.config import TrainingConfig
from musiclab_desktop.core.protocol import Phase
from musiclab_desktop.training import distributed
from musiclab_desktop.training.batching import BatchBuilder
from musiclab_desktop.training.cancel import CancelFlag
from musiclab_desktop.training.codes_cache import EncodedClip, cache_folder, encode_clips
from musiclab_desktop.training.disk_room import save_with_room
from musiclab_desktop.training.errors import ConfigError, DataError
from musiclab_desktop.training.hardware import (
    Precision,
    describe_device,
    pick_device,
    pick_precision,
)
from musiclab_desktop.training.loop import TrainingLoop, plan_steps
from musiclab_desktop.training.manifest import Clip, dataset_fingerprint
from musiclab_desktop.training.model_card import write_model_card
from musiclab_desktop.training.model_loading import (
    LoadedModel,
    add_lora,
    count_parameters,
    load_musicgen,
)
from musiclab_desktop.training.report import Reporter
from musiclab_desktop.training.sample_schedule import SampleSchedule, choose_prompts
from musiclab_desktop.training.sampling import Sampler, copy_to_adapter
from musiclab_desktop.training.saving import (
    checkpoint_path,
    latest_checkpoint,
    load_adapter_weights,
    load_training_state,
    restore_rng,
    save_adapter,
    save_checkpoint,
)
from musiclab_desktop.training.schedule import make_optimizer, make_scheduler, warmup_steps
from musiclab_desktop.training.segments import count_segments
from musiclab_desktop.training.step import TrainStep, set_train_mode


def train(
    spec: protocol.RunSpec,
    config: TrainingConfig,
    model_dir: Path,
    clips: list[Clip],
    reporter: Reporter,
    cancel: CancelFlag,
) -> int:
    """Train, save and sample; the process exit code."""
    started = time.monotonic()  # the sampling budget counts the whole run's time
    output_dir = Path(spec.output_dir)
    seed_everything(config.seed)
    # Under torchrun: this rank's GPU, and the process group (training/distributed.py).
    device = distributed.local_device(pick_device(config.device))
    distributed.start(device, cancel)
    precision = pick_precision(config.precision, device)
    loaded = load_musicgen(model_dir, device, precision)
    segment_frames = _segment_frames(config, loaded)
    encoded = _encode(clips, loaded, config, output_dir, reporter, cancel)
    if cancel.requested:
        reporter.cancelled(0, None)
        return protocol.EXIT_CANCELLED
    train_clips, eval_clips = split_validation(encoded, config, reporter)
    info = _adapter_info(spec, config, model_dir, loaded, clips)
    model, step = _trainable(loaded, config, precision, device, train_clips, segment_frames)
    resume = _starting_point(spec, model, step, reporter)
    fingerprint = dataset_file_fingerprint(spec.dataset_path)

    def checkpoint(at_step: int, epoch: float) -> Path | None:
        if not distributed.is_main():
            return None  # rank 0 saves for all
        loss, eval_loss = loop.checkpoint_losses()
        state = {**step.state_dict(), "epoch": epoch, "loop": loop.position()}
        record = {"loss": loss, "eval_loss": eval_loss, "epoch": epoch,
                  "code_version": __version__, "dataset_fingerprint": fingerprint,
                  "created": datetime.now(UTC).isoformat(timespec="seconds")}
        path = save_with_room(
            lambda: save_checkpoint(model, output_dir, at_step, info, state, record,
                                    processor=loaded.processor,
                                    keep_last=config.keep_last_checkpoints,
                                    keep_best=config.keep_best_checkpoint),
            "checkpoint", checkpoint_path(output_dir, at_step), reporter, cancel,
        )
        if path is not None:
            reporter.checkpoint(at_step, str(path))
        return path

    loop = TrainingLoop(
        step,
        _builder(train_clips, loaded, model),
        _builder(eval_clips, loaded, model) if eval_clips else None,
        config,
        segment_frames,
        loaded.frame_rate,
        reporter,
        cancel,
        checkpoint,
    )
    _banner(reporter, spec, config, model, precision, loaded, loop, eval_clips)
    if resume is not None:
        loop.resume_from(resume["loop"])
        # Last: whatever ran since the start (model loading, LoRA initialisation) drew
        # from these streams; the next step must draw exactly what it would have drawn.
        restore_rng(resume["rng"])
    # Sampling keeps every random stream as it found it, so its place here is free.
    sampler = _sampler(model, loaded, config, output_dir, precision, reporter, cancel, loop,
                       (train_clips, eval_clips), started) if distributed.is_main() else None
    reporter.phase(Phase.TRAINING, f"Training for {loop.plan.total_steps} steps")
    result = loop.run()
    if result.cancelled:
        kept = result.checkpoint_dir or latest_checkpoint(output_dir)
        reporter.cancelled(result.steps, str(kept) if kept else None, reason=cancel.reason)
        return protocol.EXIT_CANCELLED

    if not distributed.is_main():
        return protocol.EXIT_OK  # rank 0 saves the adapter and makes the samples
    target = output_dir / protocol.ADAPTER_DIR
    reporter.phase(Phase.SAVING, f"Saving the adapter to {target}")
    info.update(steps=result.steps, final_loss=result.final_loss, best_loss=loop.best_loss)
    adapter_dir = save_with_room(lambda: save_adapter(model, target, info, loaded.processor),
                                 "adapter", target, reporter, cancel)
    if adapter_dir is None:  # cancelled while the disk was full
        _report_unsaved(reporter, result.steps, output_dir, cancel)
        return protocol.EXIT_CANCELLED
    if sampler is not None:
        _final_samples(sampler, result.steps, output_dir, adapter_dir, info, reporter)
    reporter.phase(Phase.DONE, "Training finished")
    reporter.completed(str(adapter_dir), result.final_loss, result.steps)
    return protocol.EXIT_OK


def _starting_point(spec: protocol.RunSpec, model: Any, step: TrainStep,
                    reporter: Reporter) -> dict[str, Any] | None:
    """Load a resumed attempt's checkpoint or a continued run's parent adapter.

    The training state of a checkpoint (optimizer, schedule, position, RNG streams)
    is returned for the loop; a parent adapter only sets the starting weights.
    """
    if spec.resume_from:
        folder = Path(spec.resume_from)
        if read_checkpoint(folder) is None:
            raise ConfigError(f"The checkpoint {folder} is missing or incomplete; it "
                              "cannot be resumed from.")
        remove_partials(spec.output_dir)  # writes a kill cut short: never read
        load_adapter_weights(model, folder)
        state = load_training_state(folder)
        step.load_state_dict(state)
        reporter.info(f"Resuming from the checkpoint of step {state['step']} ({folder})")
        return state
    if spec.init_adapter:
        folder = Path(spec.init_adapter)
        try:
            load_adapter_weights(model, folder)
        except (OSError, ValueError) as error:
            raise ConfigError(f"Cannot start from the parent run's adapter: {error}") from None
        reporter.info(f"Starting from the adapter weights in {folder}")
    return None


def _report_unsaved(reporter: Reporter, steps: int, output_dir: Path, cancel: CancelFlag) -> None:
    kept = latest_checkpoint(output_dir)
    message = ("The adapter was not saved: the disk was still full when the run was "
               "cancelled. " + (f"The last checkpoint is kept: {kept}." if kept else
                                "No checkpoint is kept (checkpoints were off)."))
    reporter.cancelled(steps, str(kept) if kept else None, reason=cancel.reason,
                       message=message)


def _encode(
    clips: list[Clip],
    loaded: LoadedModel,
    config: TrainingConfig,
    output_dir: Path,
    reporter: Reporter,
    cancel: CancelFlag,
) -> list[EncodedClip]:
    reporter.phase(Phase.ENCODING, f"Encoding {len(clips)} clips with EnCodec (cached in the run)")
    started = time.perf_counter()
    min_frames = math.ceil(config.min_segment_seconds * loaded.frame_rate)
    encoded, fresh = encode_clips(
        clips,
        loaded,
        distributed.own_folder(cache_folder(output_dir)),
        min_frames,
        reporter.warning,
        lambda: cancel.requested,
    )
    if not encoded and not cancel.requested:
        raise DataError(
            f"None of the {len(clips)} clips in the dataset can be used (unreadable, or shorter "
            f"than the minimum clip length of {config.min_segment_seconds:g} s)."
        )
    reporter.info(
        f"{len(encoded)} clips ready ({fresh} encoded, {len(encoded) - fresh} from cache) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return encoded


def _trainable(
    loaded: LoadedModel,
    config: TrainingConfig,
    precision: Precision,
    device: torch.device,
    train_clips: list[EncodedClip],
    segment_frames: int,
) -> tuple[Any, TrainStep]:
    """The LoRA model and the step that trains it, with optimizer and schedule."""
    torch.manual_seed(config.seed)  # LoRA initialisation is random
    model = add_lora(loaded.model, config)
    set_train_mode(model)
    total_steps = plan_steps(count_segments(train_clips, segment_frames), config).total_steps
    optimizer = make_optimizer((p for p in model.parameters() if p.requires_grad), config, device)
    scheduler = make_scheduler(optimizer, config, total_steps)
    step = TrainStep(
        model, optimizer, scheduler, precision, config.max_grad_norm, device, config.compile_model
    )
    return model, step


def _builder(clips: list[EncodedClip], loaded: LoadedModel, model: Any) -> BatchBuilder:
    decoder = model.get_base_model().decoder
    return BatchBuilder(clips, loaded.processor.tokenizer, decoder, loaded.pad_token_id)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def split_validation(
    clips: list[EncodedClip], config: TrainingConfig, reporter: Reporter
) -> tuple[list[EncodedClip], list[EncodedClip]]:
    """Hold out whole clips, so no held-out audio leaks into training via another crop."""
    if config.validation_split <= 0:
        return clips, []
    if len(clips) < 2:
        reporter.warning("A validation split needs at least 2 clips; training on all of them.")
        return clips, []
    held = min(len(clips) - 1, max(1, round(config.validation_split * len(clips))))
    order = np.random.default_rng(config.seed).permutation(len(clips))
    held_out = set(order[:held].tolist())
    train = [clip for i, clip in enumerate(clips) if i not in held_out]
    return train, [clip for i, clip in enumerate(clips) if i in held_out]


def _segment_frames(config: TrainingConfig, loaded: LoadedModel) -> int:
    frames = round(config.segment_seconds * loaded.frame_rate)
    if frames > loaded.max_positions:
        raise ConfigError(
            f"Segments of {config.segment_seconds:g} s are {frames} frames, more than the "
            f"model's {loaded.max_positions} positions; choose at most "
            f"{loaded.max_positions / loaded.frame_rate:g} s."
        )
    return frames


def _adapter_info(
    spec: protocol.RunSpec,
    config: TrainingConfig,
    model_dir: Path,
    loaded: LoadedModel,
    clips: list[Clip],
) -> dict[str, Any]:
    return {
        "base_model": config.base_model,
        "base_model_path": str(model_dir),
        "run_id": spec.run_id,
        "run_name": spec.run_name,
        "experiment_name": spec.experiment_name,
        "lora_r": config.lora_r,
        "lora_alpha": config.lora_alpha,
        "lora_target_modules": config.lora_targets(),
        "sampling_rate": loaded.sampling_rate,
        "audio_channels": loaded.audio_channels,
        "dataset_fingerprint": dataset_fingerprint(clips),
        "dataset_clips": len(clips),
        "dataset_seconds": round(sum(clip.duration for clip in clips), 2),
        "caption_examples": list(dict.fromkeys(c.description for c in clips if c.description))[:5],
        "config": config.to_dict(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "steps": 0,
        "final_loss": None,
    }


def _banner(
    reporter: Reporter,
    spec: protocol.RunSpec,
    config: TrainingConfig,
    model: Any,
    precision: Precision,
    loaded: LoadedModel,
    loop: TrainingLoop,
    eval_clips: list[EncodedClip],
) -> None:
    trainable, total = count_parameters(model)
    clips = loop.builder.clips
    audio_seconds = sum(clip.frames for clip in clips) / loaded.frame_rate
    segments = count_segments(clips, loop.segment_frames)
    held_out = f"; {len(eval_clips)} held out for eval" if eval_clips else ""
    total_steps = loop.plan.total_steps
    reporter.terminal.table(
        f"MusicLab training · {spec.experiment_name} / {spec.run_name}",
        [
            ("device", f"{describe_device(loop.step.device)}, {precision.name}"),
            ("base model", config.base_model),
            ("dataset", f"{len(clips)} clips, {audio_seconds:.1f} s of audio, "
                        f"{segments} segments{held_out}"),
            ("trainable", f"{trainable:,} of {total:,} parameters "
                          f"({100 * trainable / max(1, total):.2f} %)"),
            ("batch", f"{config.batch_size} x {config.gradient_accumulation_steps} accumulation "
                      f"= {config.batch_size * config.gradient_accumulation_steps} per step"),
            ("steps", f"{total_steps} ({warmup_steps(config, total_steps)} warm-up), "
                      f"{config.lr_scheduler} schedule"),
            ("output", spec.output_dir),
        ],
    )  # fmt: skip
    reporter.terminal.table("Effective configuration", sorted(config.to_dict().items()))


def _sampler(
    model: Any,
    loaded: LoadedModel,
    config: TrainingConfig,
    output_dir: Path,
    precision: Precision,
    reporter: Reporter,
    cancel: CancelFlag,
    loop: TrainingLoop,
    clips: tuple[list[EncodedClip], list[EncodedClip]],
    started: float,
) -> Sampler | None:
    """The run's sampler, hooked into the loop, after the base model's reference round
    (made only when training starts from step 0); None when samples are off."""
    train_clips, eval_clips = clips
    prompts = choose_prompts(config.prompts(), [c.clip.description for c in eval_clips],
                             [c.clip.description for c in train_clips])
    if not config.sample_enabled or not prompts:
        return None
    schedule = SampleSchedule(
        every_steps=config.sample_every_steps, save_every_steps=config.save_every_steps,
        steps_per_epoch=loop.plan.steps_per_epoch, total_steps=loop.plan.total_steps,
        started=started,
    )
    sampler = Sampler(model, loaded, config, prompts, output_dir, precision, reporter, cancel,
                      schedule)
    if loop.done == 0 and not cancel.requested:
        sampler.reference()
    schedule.training_starts(loop.done)
    loop.after_step_hook = sampler.after_step
    return sampler


def _final_samples(sampler: Sampler, steps: int, output_dir: Path, adapter_dir: Path,
                   info: dict[str, Any], reporter: Reporter) -> None:
    """The end round, copied into the adapter folder and listed in its model card."""
    written = sampler.final(steps)
    reporter.info(sampler.summary())
    if not written:
        return
    try:
        copies = copy_to_adapter(output_dir, adapter_dir, written)
        write_model_card(adapter_dir, info, copies)
    except OSError as error:  # the adapter is whole without them
        reporter.warning(f"Could not copy the samples into the adapter folder: {error}")
