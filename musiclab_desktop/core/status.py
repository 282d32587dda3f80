"""Run and experiment statuses: the stored values, and which of them are still going.

Dependency-free, so every layer (core, runner, ui, cli, tests) names a status the same
way. The values are what the database stores: never rename one without a migration.
Labels and colours for the window live in ui/status_style.py.
"""

from __future__ import annotations

from enum import StrEnum, nonmember


class RunStatus(StrEnum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"

    # Every status is either active (it may still change) or terminal (it never will);
    # tests/core/test_status.py checks that the two sets split the statuses exactly.
    ACTIVE = nonmember(frozenset({PENDING, RUNNING}))
    TERMINAL = nonmember(frozenset({COMPLETED, FAILED, CANCELLED}))
    # Terminal without success: the chart says where such a run stopped.
    ENDED_EARLY = nonmember(frozenset({FAILED, CANCELLED}))


class ExperimentStatus(StrEnum):
    """How an experiment stands; core/services/status_rules.py derives it from its runs."""

    DRAFT = "DRAFT"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    ARCHIVED = "ARCHIVED"
