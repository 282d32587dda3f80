"""Change news in one place: after a change, one notice says what changed.

The experiment list, the detail tabs and the runs page subscribe to
``ChangeNotice.changed`` and each reads again what it shows of the change, instead
of every widget telling every other one (the way Anki's ``OpChanges`` reach its
screens). Whoever changes the library announces it: the controller after its own
changes, a :class:`~musiclab_desktop.ui.ops.ChangeOp` after background work, the
controller again when the runner reports that a run's status moved.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from musiclab_desktop.core.library import Library


@dataclass(frozen=True)
class Change:
    """What changed. ``experiment_list``: which experiments exist (one was added).
    ``samples``: runs whose samples changed (one was recorded, or rated)."""

    experiments: frozenset[int] = frozenset()
    runs: frozenset[int] = frozenset()
    datasets: bool = False
    adapters: bool = False
    experiment_list: bool = False
    samples: frozenset[int] = frozenset()

    @classmethod
    def of(cls, *, experiments: Iterable[int] = (), runs: Iterable[int] = (),
           datasets: bool = False, adapters: bool = False, experiment_list: bool = False,
           samples: Iterable[int] = ()) -> Change:
        return cls(frozenset(experiments), frozenset(runs), datasets, adapters,
                   experiment_list, frozenset(samples))

    def touches_experiment(self, experiment_id: int) -> bool:
        return experiment_id in self.experiments


class ChangeNotice(QObject):
    """The one signal views subscribe to; ``changed`` carries a :class:`Change`."""

    changed = Signal(object)

    def notify(self, change: Change) -> None:
        self.changed.emit(change)


_notices: weakref.WeakKeyDictionary[Library, ChangeNotice] = weakref.WeakKeyDictionary()


def notice_for(library: Library) -> ChangeNotice:
    """The one notice of ``library``: every window and dialog over it hears every change."""
    notice = _notices.get(library)
    if notice is None:
        notice = _notices[library] = ChangeNotice()
    return notice
