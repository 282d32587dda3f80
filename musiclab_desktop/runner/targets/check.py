"""``musiclab targets check``: what a target's Python can do, asked over ssh."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field

from musiclab_desktop.core.errors import InvalidStateError
from musiclab_desktop.runner.targets.model import Target, TargetKind
from musiclab_desktop.runner.targets.ssh import run_remote

# Run by the remote Python from stdin: never imports anything it cannot do without.
_PROBE = r'''
import importlib.util, json, platform, sys
report = {"python": sys.version.split()[0], "executable": sys.executable,
          "host": platform.node(), "torch": None, "cuda": None, "gpus": [],
          "missing": [name for name in ("torch", "transformers", "peft", "musiclab_desktop")
                      if importlib.util.find_spec(name) is None]}
try:
    import torch
    report["torch"] = torch.__version__
    report["cuda"] = torch.version.cuda
    if torch.cuda.is_available():
        report["gpus"] = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
except Exception as error:
    report["torch_error"] = f"{type(error).__name__}: {error}"
print(json.dumps(report))
'''


@dataclass
class CheckReport:
    target: str
    python: str = ""
    executable: str = ""
    host: str = ""
    torch: str | None = None
    cuda: str | None = None
    gpus: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    scheduler: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def train_extra_installed(self) -> bool:
        return not self.missing

    def to_json(self) -> dict[str, object]:
        return {**self.__dict__, "train_extra_installed": self.train_extra_installed}


def check_target(target: Target) -> CheckReport:
    """Connect and look; problems are sentences naming the target and the fix."""
    result = run_remote(target, f"{shlex.quote(target.python)} -", stdin=_PROBE.encode())
    if result.code != 0:
        raise InvalidStateError(
            f"The run target '{target.name}' cannot run its Python '{target.python}' "
            f"({(result.stderr.strip().splitlines() or ['no output'])[-1]}); set the remote "
            f"Python with `musiclab targets add {target.name} --replace --python PATH`.")
    data = json.loads(result.stdout.decode().strip().splitlines()[-1])
    report = CheckReport(target=target.name, **{k: data.get(k) for k in (
        "python", "executable", "host", "torch", "cuda")}, gpus=data.get("gpus") or [],
        missing=data.get("missing") or [])
    if report.missing:
        report.problems.append(
            f"'{target.name}' lacks {', '.join(report.missing)}: on the target run "
            f"`{target.python} -m pip install 'musiclab-desktop[train]'`.")
    if target.gpus > 0 and not report.gpus and target.kind is TargetKind.SSH:
        report.problems.append(f"'{target.name}' shows no CUDA GPU to torch; runs there train "
                               "on its CPU (set GPUs per run to 0 to say so).")
    if target.kind is TargetKind.SLURM:
        report.scheduler = _slurm_version(target, report)
    return report


def _slurm_version(target: Target, report: CheckReport) -> str:
    result = run_remote(target, "sbatch --version")
    if result.code != 0:
        report.problems.append(f"'{target.name}' has no sbatch on its login node: is it a "
                               "SLURM cluster, or does a module need loading first?")
        return ""
    return result.stdout.decode().strip()
