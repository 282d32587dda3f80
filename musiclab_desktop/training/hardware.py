"""Device and number format: what "auto" means on this machine."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import torch

from musiclab_desktop.training.errors import ConfigError

_DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}


@dataclass(frozen=True)
class Precision:
    """How the math runs: the autocast dtype (None for plain fp32) and loss scaling."""

    name: str
    device_type: str

    @property
    def compute_dtype(self) -> torch.dtype:
        return _DTYPES[self.name]

    @property
    def needs_grad_scaler(self) -> bool:
        # fp16 gradients underflow without loss scaling; bf16 has fp32's range.
        return self.name == "fp16"

    @property
    def frozen_weights_dtype(self) -> torch.dtype:
        # Frozen weights kept in bf16 halve memory and bandwidth; fp16 storage would
        # risk overflow in activations, so older GPUs keep fp32 weights under fp16 autocast.
        return torch.bfloat16 if self.name == "bf16" else torch.float32

    @contextlib.contextmanager
    def autocast(self) -> Iterator[None]:
        if self.name == "fp32":
            yield
            return
        with torch.autocast(device_type=self.device_type, dtype=self.compute_dtype):
            yield


def pick_device(requested: str) -> torch.device:
    """``auto`` prefers CUDA, then Apple MPS, then the CPU."""
    cuda = torch.cuda.is_available()
    mps = hasattr(torch.backends, "mps") and torch.backends.mps.is_available()
    if requested == "auto":
        return torch.device("cuda" if cuda else "mps" if mps else "cpu")
    if requested == "cuda" and not cuda:
        raise ConfigError(
            f"Device 'cuda' was chosen but torch {torch.__version__} sees no NVIDIA GPU; pick "
            "'auto' or 'cpu', or install a CUDA build of torch."
        )
    if requested == "mps" and not mps:
        raise ConfigError("Device 'mps' was chosen but Apple MPS is not available; pick 'auto'.")
    return torch.device(requested)


def pick_precision(requested: str, device: torch.device) -> Precision:
    """``auto``: bf16 on GPUs that support it, fp16 on older CUDA GPUs, fp32 elsewhere."""
    if requested == "auto":
        if device.type == "cuda":
            name = "bf16" if torch.cuda.is_bf16_supported() else "fp16"
        else:
            name = "fp32"
        return Precision(name, device.type)
    if requested == "bf16" and device.type == "cuda" and not torch.cuda.is_bf16_supported():
        raise ConfigError(
            f"{torch.cuda.get_device_name(device)} does not support bf16; choose fp16 or auto."
        )
    return Precision(requested, device.type)


def describe_device(device: torch.device) -> str:
    if device.type == "cuda":
        props = torch.cuda.get_device_properties(device)
        return f"cuda ({props.name}, {props.total_memory / 2**30:.0f} GiB)"
    if device.type == "cpu":
        return f"cpu ({torch.get_num_threads()} threads)"
    return device.type


def peak_memory_gb(device: torch.device) -> float | None:
    if device.type == "cuda":
        return torch.cuda.max_memory_allocated(device) / 2**30
    return None
