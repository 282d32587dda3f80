"""Human names, units and number formats of the metrics the worker reports. Qt-free."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class MetricInfo:
    label: str
    unit: str = ""
    # A format spec for finite values; learning rates read best in scientific notation.
    value_format: str = ".5g"

    @property
    def axis_label(self) -> str:
        return f"{self.label} ({self.unit})" if self.unit else self.label


_KNOWN: dict[str, MetricInfo] = {
    "loss": MetricInfo("Loss"),
    "eval_loss": MetricInfo("Eval loss"),
    "learning_rate": MetricInfo("Learning rate", value_format=".3e"),
    "grad_norm": MetricInfo("Gradient norm"),
    "frames_per_s": MetricInfo("Throughput", "frames/s", ",.1f"),
    "audio_s_per_s": MetricInfo("Audio seconds / s", "× real time", ".3g"),
    "gpu_mem_gb": MetricInfo("GPU memory", "GB", ".2f"),
}

# Selector order: what a user checks first, then the rest alphabetically.
_ORDER = list(_KNOWN)


def metric_info(name: str) -> MetricInfo:
    known = _KNOWN.get(name)
    if known is not None:
        return known
    return MetricInfo(name.replace("_", " ").strip().title() or name)


def sort_metric_names(names: set[str] | list[str]) -> list[str]:
    def key(name: str) -> tuple[int, str]:
        return (_ORDER.index(name), "") if name in _ORDER else (len(_ORDER), name)

    return sorted(set(names), key=key)


def format_value(name: str, value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    text = format(value, metric_info(name).value_format)
    unit = metric_info(name).unit
    return f"{text} {unit}" if unit else text


def format_step(step: float) -> str:
    return f"{int(step):,}" if float(step).is_integer() else f"{step:,.2f}"


def format_wall_time(unix_seconds: float) -> str:
    """Local time of a point; 'unknown' for points recorded without one."""
    if not math.isfinite(unix_seconds):
        return "unknown"
    try:
        return datetime.fromtimestamp(unix_seconds).strftime("%Y-%m-%d %H:%M:%S")
    except (OverflowError, OSError, ValueError):
        return "unknown"
