"""Finding runs across experiments: by status, tag, a filter and a sort order.

Read through the driver like RunService.list (thousands of runs stay quick); each run's
settings are its start snapshot, or for runs from before snapshots the experiment's
config with the run's override.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from musiclab_desktop.core.config import default_config, merge_override
from musiclab_desktop.core.config_aliases import canonical_name
from musiclab_desktop.core.errors import ValidationError
from musiclab_desktop.core.records import RunRecord
from musiclab_desktop.core.run_filter import RUN_FIELDS, filter_names, parse_run_filter
from musiclab_desktop.core.status import RunStatus


def run_status(text: str) -> RunStatus:
    """``--status failed`` in any case; a ValidationError naming the statuses otherwise."""
    try:
        return RunStatus(text.strip().upper())
    except ValueError:
        choices = ", ".join(status.lower() for status in RunStatus)
        raise ValidationError(
            f"'{text}' is not a run status; use one of {choices}.", {"status": "unknown"}
        ) from None


def sort_name(text: str) -> tuple[str, bool]:
    """(name, descending) for ``final_loss`` or ``-final_loss``; names as filters take."""
    descending = text.startswith("-")
    raw = text.removeprefix("-").strip()
    name = canonical_name(raw.lower(), filter_names())
    if name not in filter_names():
        raise ValidationError(
            f"Cannot sort by '{raw}': name a run field (final_loss, id, "
            "step, name, status) or a setting.",
            {"sort": "unknown"},
        )
    return name, descending


def runs_with_configs(
    session: Session, experiment_id: int | None = None
) -> list[tuple[RunRecord, dict[str, Any]]]:
    """Every run (of one experiment, or all) with its effective settings, oldest first."""
    where, params = ("WHERE r.experiment_id = ?", (experiment_id,)) if experiment_id else ("", ())
    columns = ", ".join(f"r.{name}" for name in RunRecord._fields)
    rows = (
        session.connection()
        .exec_driver_sql(
            # The experiment's config only for runs from before snapshots.
            f"SELECT {columns}, r.effective_config, "
            "CASE WHEN r.effective_config IS NULL THEN e.config END FROM runs r "
            f"JOIN experiments e ON e.id = r.experiment_id {where} ORDER BY r.id",
            params,
        )
        .all()
    )
    defaults = default_config()  # once: building it costs more than reading a run
    result = []
    for row in rows:
        record = RunRecord.from_raw(row[: len(RunRecord._fields)])
        snapshot, experiment_config = row[-2], row[-1]
        result.append((record, _settings(record, snapshot, experiment_config, defaults)))
    return result


def _settings(
    record: RunRecord,
    snapshot: str | None,
    experiment_config: str | None,
    defaults: dict[str, Any],
) -> dict[str, Any]:
    if snapshot not in (None, "null"):
        return {**defaults, **json.loads(snapshot)}
    try:
        base = json.loads(experiment_config) if experiment_config else {}
        return merge_override(base, record.config_override).to_dict()
    except ValidationError:  # an old config today's rules refuse: show what it holds
        return {**defaults, **(record.config_override or {})}


def search_runs(
    session: Session,
    *,
    experiment_id: int | None = None,
    status: str | None = None,
    tag: str | None = None,
    filter_text: str = "",
    sort: str | None = None,
    limit: int | None = None,
) -> list[tuple[RunRecord, dict[str, Any]]]:
    """The runs that match, sorted (runs lacking the sort value last), at most ``limit``."""
    wanted_status = run_status(status) if status else None
    condition = parse_run_filter(filter_text)
    ordering = sort_name(sort) if sort else None
    if limit is not None and limit < 1:
        raise ValidationError("The limit must be at least 1.", {"limit": "too small"})
    found = [
        (run, config)
        for run, config in runs_with_configs(session, experiment_id)
        if (wanted_status is None or run.status == wanted_status)
        and (tag is None or tag.casefold() in {t.casefold() for t in run.tags})
        and condition.matches(run, config)
    ]
    if ordering is not None:
        found = _sorted(found, *ordering)
    return found[:limit] if limit is not None else found


def _sorted(
    found: list[tuple[RunRecord, dict[str, Any]]], name: str, descending: bool
) -> list[tuple[RunRecord, dict[str, Any]]]:
    def value(pair: tuple[RunRecord, dict[str, Any]]) -> Any:
        run, config = pair
        return RUN_FIELDS[name](run) if name in RUN_FIELDS else config.get(name)

    present = [pair for pair in found if _sortable(value(pair))]
    missing = [pair for pair in found if not _sortable(value(pair))]
    present.sort(key=lambda pair: _key(value(pair)), reverse=descending)
    return present + missing


def _sortable(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _key(value: Any) -> tuple[int, Any]:
    # Numbers before text, so a column mixing them still sorts without an error.
    if isinstance(value, int | float):
        return (0, value)
    if isinstance(value, list):
        return (1, ",".join(value).casefold())
    return (1, str(value).casefold())


def settings_that_differ(configs: list[Mapping[str, Any]]) -> list[str]:
    """The setting names whose value is not the same in all ``configs`` (table columns)."""
    if len(configs) < 2:
        return []
    names = sorted({name for config in configs for name in config})
    return [name for name in names if len({json.dumps(c.get(name)) for c in configs}) > 1]
