"""Saving on a full disk: wait for room instead of throwing trained weights away.

A save that finds the disk full (the adapter at the end of training, or a checkpoint)
says so once, in the terminal and as a ``disk_full`` event, keeps the weights in memory
and tries again every :data:`RETRY_S` seconds until it succeeds or the user cancels.
"""

from __future__ import annotations

import errno
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from musiclab_desktop.training.cancel import CancelFlag
from musiclab_desktop.training.report import Reporter

# How often a save that found the disk full is tried again. Tests shorten it.
RETRY_S = 10.0
RETRY_ENV_VAR = "MUSICLAB_DISK_RETRY_S"
# How often the wait looks at the cancel flag: a cancel never waits a whole retry.
_CANCEL_POLL_S = 0.1
_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
# safetensors (Rust) and torch.save report a full disk in their own words.
_FULL_WORDS = ("no space left on device", "os error 28", "disk quota exceeded",
               "file write failed")

T = TypeVar("T")


def retry_seconds() -> float:
    try:
        return max(0.05, float(os.environ.get(RETRY_ENV_VAR, RETRY_S)))
    except ValueError:
        return RETRY_S


def is_disk_full(error: BaseException) -> bool:
    """A full disk (or quota), however the library that wrote the file worded it."""
    if isinstance(error, OSError) and error.errno in _FULL_ERRNOS:
        return True
    text = str(error).lower()
    return any(words in text for words in _FULL_WORDS)


def save_with_room(
    save: Callable[[], T],
    what: str,
    target: Path,
    reporter: Reporter,
    cancel: CancelFlag,
) -> T | None:
    """``save()``, tried again while the disk is full; None when the user cancels first.

    A save given up leaves no half-written ``target`` behind (it is removed), so an
    unfinished folder is never mistaken for a saved one.
    """
    retry_s = retry_seconds()
    told = False
    while True:
        try:
            result = save()
        except Exception as error:
            if not is_disk_full(error):
                raise
        else:
            if told:
                reporter.info(f"There is room again: the {what} is saved in {target}.")
            return result
        if not told:
            told = True
            reporter.disk_full(
                f"The disk is full: the {what} cannot be saved to {target}. The trained "
                f"weights are kept in memory and saved as soon as there is room (trying "
                f"again every {retry_s:g} s); free some space, or cancel the run to give up.",
                str(target), retry_s,
            )
        if _cancelled_within(cancel, retry_s):
            shutil.rmtree(target, ignore_errors=True)
            return None


def _cancelled_within(cancel: CancelFlag, seconds: float) -> bool:
    # Only the user gives up the weights: a worker whose owner died keeps waiting for
    # room (the run is ended by whoever reconciles it once it has saved and exited).
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if cancel.by_user:
            return True
        time.sleep(min(_CANCEL_POLL_S, max(0.0, deadline - time.monotonic())))
    return cancel.by_user
