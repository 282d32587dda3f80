"""Does a Python have the training packages: the one probe command for every check.

The runner's interpreter check (blocking and through QProcess) and the managed
environment's last set-up step run the same command, so "can train" means the same
everywhere. A leaf module: both sides import it without importing each other.
"""

from __future__ import annotations

TRAINING_PACKAGES = ("torch", "transformers", "peft")

_IMPORT_PROBE = f"import {', '.join(TRAINING_PACKAGES)}"


def training_probe_command(python: str) -> list[str]:
    """The command that exits 0 exactly when ``python`` imports torch, transformers, peft."""
    return [python, "-c", _IMPORT_PROBE]
