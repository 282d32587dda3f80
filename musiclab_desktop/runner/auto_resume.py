"""Auto-resume: the runs a crash interrupted, offered for resuming when the app opens.

A crash of the app or the machine leaves runs RUNNING with nobody to end them; the next
MusicLab process reconciles them to FAILED "interrupted: ..." (runner/reconcile.py).
Those that kept a checkpoint can train on from it. With the setting on (off by
default) the window asks once, for all of them, and resumes the ones the user accepts.
"""

from __future__ import annotations

from collections.abc import Callable

from musiclab_desktop.core.errors import MusiclabError
from musiclab_desktop.core.records import RunRecord
from musiclab_desktop.core.services.resume import resume_refusal
from musiclab_desktop.core.status import RunStatus

INTERRUPTED_PREFIX = "interrupted"


def crash_interrupted(records: list[RunRecord]) -> list[RunRecord]:
    """Of the runs a reconcile just ended, those a crash interrupted that can resume."""
    return [run for run in records
            if run.status == RunStatus.FAILED
            and (run.error or "").startswith(INTERRUPTED_PREFIX)
            and resume_refusal(run) is None]


def question(runs: list[RunRecord]) -> str:
    names = ", ".join(f"'{run.name}'" for run in runs[:5])
    more = f" and {len(runs) - 5} more" if len(runs) > 5 else ""
    noun = "run was" if len(runs) == 1 else "runs were"
    return (f"{len(runs)} training {noun} interrupted when MusicLab or the computer "
            f"stopped: {names}{more}. Resume from the last checkpoint?")


def resume_all(runs: list[RunRecord], resume: Callable[[int], object]) -> list[str]:
    """Resume each run through ``resume`` (RunManager.resume); the sentences of those
    that could not (e.g. their dataset changed: the user resumes them by hand)."""
    problems = []
    for run in runs:
        try:
            resume(run.id)
        except MusiclabError as exc:  # one run's refusal must not stop the others
            problems.append(str(exc))
    return problems
