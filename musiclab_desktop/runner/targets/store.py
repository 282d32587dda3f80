"""Run targets kept in the app's settings (the same QSettings store as the runner's)."""

from __future__ import annotations

import json

from PySide6.QtCore import QSettings

from musiclab_desktop.core.errors import NotFoundError, ValidationError
from musiclab_desktop.runner.settings import user_store
from musiclab_desktop.runner.targets.model import Target

_KEY = "runner/targets"
_KEY_LAST = "runner/last_target/{experiment}"


def load_targets(store: QSettings | None = None) -> list[Target]:
    store = store if store is not None else user_store()
    raw = store.value(_KEY, "")
    if not raw:
        return []
    try:
        entries = json.loads(str(raw))
        return [Target.from_dict(entry) for entry in entries]
    except (ValueError, TypeError, KeyError) as exc:
        raise ValidationError(f"The stored run targets cannot be read ({exc}); "
                              "add them again with `musiclab targets add`.") from exc


def save_targets(targets: list[Target], store: QSettings | None = None) -> None:
    store = store if store is not None else user_store()
    store.setValue(_KEY, json.dumps([target.to_dict() for target in targets]))
    store.sync()


def find_target(name: str, store: QSettings | None = None) -> Target:
    for target in load_targets(store):
        if target.name == name:
            return target
    raise NotFoundError(f"There is no run target named '{name}' "
                        "(see `musiclab targets list`).")


def add_target(target: Target, store: QSettings | None = None, *,
               replace: bool = False) -> None:
    targets = load_targets(store)
    if any(existing.name == target.name for existing in targets) and not replace:
        raise ValidationError(f"A run target named '{target.name}' exists already.",
                              {"name": "already used"})
    targets = [existing for existing in targets if existing.name != target.name]
    save_targets([*targets, target], store)


def remove_target(name: str, store: QSettings | None = None) -> None:
    find_target(name, store)
    save_targets([t for t in load_targets(store) if t.name != name], store)


def last_target(experiment_id: int, store: QSettings | None = None) -> str | None:
    """The target this experiment's last run used (None: this machine)."""
    store = store if store is not None else user_store()
    value = store.value(_KEY_LAST.format(experiment=experiment_id), "")
    return str(value) if value else None


def remember_target(experiment_id: int, name: str | None,
                    store: QSettings | None = None) -> None:
    store = store if store is not None else user_store()
    if last_target(experiment_id, store) != (name or None):  # write only a change
        store.setValue(_KEY_LAST.format(experiment=experiment_id), name or "")
