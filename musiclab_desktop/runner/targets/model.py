"""What a run target is: its kind, where it is reached and how it runs the worker."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from typing import Any

from musiclab_desktop.core.errors import ValidationError

LOCAL = "local"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_HOST = re.compile(r"^(?:[A-Za-z0-9._-]+@)?[A-Za-z0-9._-]+(?::\d{1,5})?$")
_TIME = re.compile(r"^(?:\d+-)?\d+(?::\d{1,2}){0,2}$")


class TargetKind(StrEnum):
    SSH = "ssh"
    SLURM = "slurm"


@dataclass(frozen=True)
class Target:
    """One run target. ``host``: an ssh config alias or user@host[:port]."""

    name: str
    kind: TargetKind
    host: str
    python: str = "python3"
    work_dir: str = "musiclab-runs"
    gpus: int = 1
    # SLURM only.
    partition: str = ""
    time_limit: str = ""
    sbatch_lines: list[str] = field(default_factory=list)
    modules: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        problems = {}
        if not _NAME.match(self.name) or self.name.lower() == LOCAL:
            problems["name"] = "letters, digits, '.', '_' or '-' (not 'local')"
        if not _HOST.match(self.host):
            problems["host"] = "an ssh config alias or user@host[:port]"
        if not self.python.strip() or "\n" in self.python:
            problems["python"] = "the remote Python's path or command"
        if not self.work_dir.strip() or "\n" in self.work_dir:
            problems["work_dir"] = "a folder on the target"
        if self.gpus < 0:
            problems["gpus"] = "0 or more"
        if self.time_limit and not _TIME.match(self.time_limit):
            problems["time_limit"] = "SLURM's format, e.g. 2:00:00 or 1-12:00:00"
        if any("\n" in line for line in self.sbatch_lines + self.modules):
            problems["sbatch_lines"] = "one line each"
        if problems:
            detail = "; ".join(f"{key}: {value}" for key, value in problems.items())
            raise ValidationError(f"The run target '{self.name}' is not valid ({detail}).",
                                  problems)

    @property
    def ssh_destination(self) -> tuple[str, str | None]:
        """(user@host or alias, port or None) for the ssh command line."""
        destination, _, port = self.host.partition(":")
        return destination, port or None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Target:
        known = {item.name for item in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        values["kind"] = TargetKind(values.get("kind", TargetKind.SSH))
        values["gpus"] = int(values.get("gpus", 1))
        return cls(**values)

    def describe(self) -> str:
        where = f"{self.kind.value} {self.host}"
        if self.kind is TargetKind.SLURM and self.partition:
            where += f" partition {self.partition}"
        return f"{where}, {self.gpus} GPU(s) per run, python {self.python}, in {self.work_dir}"
