"""Training on several GPUs (or CPU processes) under torchrun: data parallel over LoRA.

torchrun starts one worker per GPU with RANK / WORLD_SIZE / LOCAL_RANK set. Every rank
builds the same model, the same LoRA initialisation and the same global batches (same
seed); each trains on its share of every batch's rows. Gradients of the trainable (LoRA)
parameters are summed across ranks with each rank's loss weighted by its tokens over
the *global* token count, so an optimizer step is the one a single process would take
with the whole batch (up to float summation order). Only rank 0 speaks: the others
write their terminal and events to nowhere and save no checkpoint, adapter or sample.
A cancel on any rank stops every rank after the same step.

Without torchrun (WORLD_SIZE unset or 1) every function here is a no-op, and torch is
imported only when a process group is actually needed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch

    from musiclab_desktop.training.batching import Batch
    from musiclab_desktop.training.cancel import CancelFlag


def world_size() -> int:
    return int(os.environ.get("WORLD_SIZE", "1") or 1)


def rank() -> int:
    return int(os.environ.get("RANK", "0") or 0)


def is_distributed() -> bool:
    return world_size() > 1


def is_main() -> bool:
    return rank() == 0


def quiet_unless_main() -> None:
    """On ranks other than 0, send stdout and stderr nowhere (torchrun gives every rank
    the same ones): the terminal and the event channel are rank 0's alone. Before
    anything is printed."""
    if is_main():
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)


def own_folder(folder: Path) -> Path:
    """``folder`` for rank 0; a folder of its own beside it for the other ranks (caches
    written at the same time by several ranks must not share files)."""
    return folder if is_main() else folder.with_name(f"{folder.name}-rank{rank()}")


_cancel: CancelFlag | None = None
# A stop signal seen by this rank, not yet agreed on with the others (see start()).
_pending_stop = False


def start(device: torch.device, cancel: CancelFlag | None = None) -> None:
    """Join the process group (gloo on CPU, nccl on CUDA); pin this rank's GPU."""
    global _cancel
    _cancel = cancel
    if not is_distributed():
        return
    import torch
    import torch.distributed as dist

    if cancel is not None:
        _agree_on_stops()

    if device.type == "cuda":
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
    if not dist.is_initialized():
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")


def _agree_on_stops() -> None:
    """Under torchrun a SIGTERM reaches every rank, at different moments, sometimes
    twice (the launcher's shutdown). A rank only notes it; the ranks agree on it in the
    next step's gradient exchange, so all stop after the same step, and a repeated
    signal never kills a rank before rank 0 has saved its checkpoint."""
    import signal

    def note(_signum: int, _frame: object) -> None:
        global _pending_stop
        _pending_stop = True

    signal.signal(signal.SIGTERM, note)
    signal.signal(signal.SIGINT, note)


def local_device(device: torch.device) -> torch.device:
    """This rank's device: its own GPU under torchrun."""
    if not is_distributed() or device.type != "cuda":
        return device
    import torch

    return torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))


def shard(batch: Batch) -> tuple[Batch | None, float]:
    """This rank's rows of ``batch`` (rows rank, rank + world, ...) and their share of
    the positions the model's loss averages over (labels other than the ignore index):
    ``loss(rows) * share`` summed over the ranks is ``loss(batch)``. None when the batch
    has fewer rows than there are ranks and none is this rank's."""
    if not is_distributed():
        return batch, 1.0
    from dataclasses import replace

    from musiclab_desktop.training.delay_pattern import IGNORE_INDEX

    rows = slice(rank(), None, world_size())
    labels = batch.labels[rows]
    counted = int((labels != IGNORE_INDEX).sum())
    if not len(labels) or not counted:
        return None, 0.0
    share = counted / max(1, int((batch.labels != IGNORE_INDEX).sum()))
    part = replace(batch, input_ids=batch.input_ids[rows],
                   attention_mask=batch.attention_mask[rows], labels=labels)
    return part, share


def sum_gradients(parameters: list[Any], loss: torch.Tensor) -> torch.Tensor:
    """Sum the trainable parameters' gradients and the window loss over the ranks,
    with the cancel flag: a cancel on one rank becomes a cancel on all. The loss."""
    if not is_distributed():
        return loss
    import torch
    import torch.distributed as dist

    grads = [p.grad if p.grad is not None else torch.zeros_like(p) for p in parameters]
    flat = torch.cat([g.reshape(-1).float() for g in grads])
    cancel = 1.0 if _pending_stop or (_cancel is not None and _cancel.requested) else 0.0
    extra = torch.tensor([float(loss), cancel], device=flat.device)
    packed = torch.cat([flat, extra])
    dist.all_reduce(packed)
    offset = 0
    for parameter, grad in zip(parameters, grads, strict=True):
        count = grad.numel()
        parameter.grad = packed[offset:offset + count].view_as(grad).to(grad.dtype)
        offset += count
    if packed[-1] > 0 and _cancel is not None:
        _cancel.request("user")  # on every rank at once
    return packed[-2].to(loss.device, loss.dtype)


def finish() -> None:
    if not is_distributed():
        return
    import torch.distributed as dist

    if dist.is_initialized():
        dist.destroy_process_group()
