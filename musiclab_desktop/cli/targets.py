"""``musiclab targets ...``: the machines runs can train on (SSH hosts, SLURM clusters)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from musiclab_desktop.cli.arguments import command
from musiclab_desktop.cli.output import table
from musiclab_desktop.core.errors import InvalidStateError


def _targets_human(targets: Any) -> str:
    if not targets:
        return "No run targets: runs train on this machine (add one with `musiclab targets add`)."
    return table([[t.name, t.kind.value, t.host, t.python, t.work_dir, t.gpus,
                   t.partition or "", t.time_limit or ""] for t in targets],
                 ["NAME", "KIND", "HOST", "PYTHON", "WORK FOLDER", "GPUS", "PARTITION",
                  "TIME LIMIT"])


def targets_list(_lib: None, _args: argparse.Namespace) -> Any:
    from musiclab_desktop.runner.targets.store import load_targets

    return _Listed(load_targets())


class _Listed(list[Any]):
    def to_json(self) -> list[dict[str, Any]]:
        return [target.to_dict() for target in self]


def targets_add(_lib: None, args: argparse.Namespace) -> Any:
    from musiclab_desktop.runner.targets.model import Target, TargetKind
    from musiclab_desktop.runner.targets.store import add_target

    target = Target(name=args.name, kind=TargetKind(args.kind), host=args.host,
                    python=args.python, work_dir=args.work_dir, gpus=args.gpus,
                    partition=args.partition or "", time_limit=args.time_limit or "",
                    sbatch_lines=args.sbatch or [], modules=args.module or [])
    add_target(target, replace=args.replace)
    return _Listed([target])


def targets_remove(_lib: None, args: argparse.Namespace) -> Any:
    from musiclab_desktop.runner.targets.store import remove_target

    remove_target(args.name)
    return {"removed": args.name}


def targets_check(_lib: None, args: argparse.Namespace) -> Any:
    from musiclab_desktop.runner.targets.check import check_target
    from musiclab_desktop.runner.targets.store import find_target

    return check_target(find_target(args.name))


def _check_human(report: Any) -> str:
    lines = [f"{report.target}: Python {report.python} ({report.executable}) on {report.host}",
             f"  torch: {report.torch or 'not installed'}"
             + (f", CUDA {report.cuda}" if report.cuda else ""),
             f"  GPUs: {', '.join(report.gpus) if report.gpus else 'none'}",
             f"  train extra: {'installed' if report.train_extra_installed else 'missing'}"]
    if report.scheduler:
        lines.append(f"  scheduler: {report.scheduler}")
    lines += [f"  problem: {problem}" for problem in report.problems]
    return "\n".join(lines)


def targets_setup(_lib: None, args: argparse.Namespace) -> Any:
    """Create the target's training environment, streaming each step to stderr."""
    from musiclab_desktop.runner.targets.remote_env import make_remote_plan, run_remote_setup
    from musiclab_desktop.runner.targets.store import find_target

    target = find_target(args.name)
    plan = make_remote_plan(target, torch_args=args.torch or "",
                            system_site_packages=args.system_site_packages,
                            wheelhouse=args.wheelhouse or "")
    print(f"{target.name}: {plan.hardware.describe()}; torch: {plan.torch.label}"
          + (f" ({plan.torch.reason})" if plan.torch.reason else ""), file=sys.stderr)
    if args.dry_run:
        return {"target": target.name, "python": plan.python, "torch": plan.torch.pip_args(),
                "wheel": str(plan.wheel), "steps": [{"title": title, "script": script}
                                                    for title, script in plan.scripts()]}

    def show(data: bytes) -> None:
        sys.stderr.buffer.write(data)
        sys.stderr.buffer.flush()

    result = run_remote_setup(plan, show)
    if not result.ok:
        raise InvalidStateError(result.message)
    return {"target": target.name, "python": plan.python, "message": result.message,
            "steps": result.ran}


def _setup_human(result: dict[str, Any]) -> str:
    if "message" in result:
        return str(result["message"])
    steps = [f"  {step['title']}: {step['script']}" for step in result["steps"]]
    return "\n".join([f"Would set up {result['python']} on '{result['target']}' with "
                      f"{result['wheel']}:", *steps])


def targets_trust(_lib: None, args: argparse.Namespace) -> Any:
    """Show the host's key fingerprints; add them to known_hosts when the user agrees."""
    from musiclab_desktop.runner.targets.ssh import scan_host_keys, trust_host_keys
    from musiclab_desktop.runner.targets.store import find_target

    target = find_target(args.name)
    found = scan_host_keys(target)
    print(f"The run target '{target.name}' ({found.hostname} port {found.port}) offers:",
          file=sys.stderr)
    for line in found.fingerprints:
        print(f"  {line}", file=sys.stderr)
    if not args.yes:
        if not sys.stdin.isatty():
            raise InvalidStateError("Compare these fingerprints with the ones the host's "
                                    "owner gives you, then run this again with --yes.")
        answer = input(f"Add them to {found.known_hosts}? [y/N] ").strip().lower()
        if answer not in ("y", "yes"):
            raise InvalidStateError("The host keys were not trusted; nothing changed.")
    trust_host_keys(found)
    return {"trusted": target.name, "known_hosts": str(found.known_hosts),
            "fingerprints": found.fingerprints}


def targets_follow(_lib: None, args: argparse.Namespace) -> int:
    """The follower of a run on a target (runner/targets/follow.py), for the packaged
    app, whose executable runs no ``-m`` module."""
    from musiclab_desktop.runner.targets.follow import main as follow

    data_dir = ["--data-dir", str(args.data_dir)] if args.data_dir else []
    return follow([*data_dir, args.spec])


def add_targets(groups: Any) -> None:
    group = groups.add_parser("targets", help="machines runs can train on (SSH, SLURM)",
                              description="Run targets: SSH hosts and SLURM clusters.")
    sub = group.add_subparsers(dest="command", metavar="COMMAND", required=True)
    p = command(sub, "list", targets_list, _targets_human, "list the run targets")
    p.set_defaults(needs_library=False)
    p = command(sub, "add", targets_add, _targets_human, "add an SSH host or a SLURM cluster")
    p.set_defaults(needs_library=False)
    p.add_argument("name", help="the target's name (letters, digits, '.', '_', '-')")
    p.add_argument("--kind", choices=["ssh", "slurm"], default="ssh",
                   help="ssh: a machine you reach with ssh; slurm: a cluster's login node")
    p.add_argument("--host", required=True,
                   help="an ssh config alias or user@host[:port] (the login node for slurm)")
    p.add_argument("--python", default="python3", help="the Python on the target that has "
                   "musiclab-desktop[train] installed (default python3)")
    p.add_argument("--work-dir", default="musiclab-runs",
                   help="folder on the target for staged clips and runs (default "
                        "~/musiclab-runs)")
    p.add_argument("--gpus", type=int, default=1,
                   help="GPUs per run; above 1 the worker runs under torchrun (default 1)")
    p.add_argument("--partition", help="SLURM partition")
    p.add_argument("--time-limit", help="SLURM time limit, e.g. 4:00:00")
    p.add_argument("--sbatch", action="append", metavar="LINE",
                   help="an extra #SBATCH line, e.g. --sbatch=--account=lab (repeatable)")
    p.add_argument("--module", action="append", metavar="NAME",
                   help="an environment module to load before training (repeatable)")
    p.add_argument("--replace", action="store_true", help="replace a target of that name")
    p = command(sub, "remove", targets_remove, lambda r: f"Removed the run target "
                f"'{r['removed']}'.", "remove a run target (its remote files stay)")
    p.set_defaults(needs_library=False)
    p.add_argument("name")
    p = command(sub, "check", targets_check, _check_human,
                "connect and report the remote Python, torch, CUDA, GPUs and the train extra")
    p.set_defaults(needs_library=False)
    p.add_argument("name")
    p = command(sub, "setup", targets_setup, _setup_human,
                "create a training environment on the target (a venv in its work folder "
                "with the right torch and MusicLab's train extra) and train with it")
    p.set_defaults(needs_library=False)
    p.add_argument("name")
    p.add_argument("--torch", metavar="PIP_ARGS",
                   help="pip arguments for torch instead of the build chosen for the "
                        "target's GPU, e.g. 'torch --index-url https://download.pytorch.org/"
                        "whl/cu126'")
    p.add_argument("--system-site-packages", action="store_true",
                   help="let the venv see the remote Python's packages (e.g. a cluster "
                        "module's torch, kept when it fits)")
    p.add_argument("--wheelhouse", metavar="DIR",
                   help="install from this folder of wheels on the target, without an index")
    p.add_argument("--dry-run", action="store_true",
                   help="show what would run on the target, change nothing")
    p = command(sub, "trust", targets_trust, lambda r: f"Trusted the host keys of "
                f"'{r['trusted']}' (added to {r['known_hosts']}).",
                "show an unknown host's key fingerprints and trust them")
    p.set_defaults(needs_library=False)
    p.add_argument("name")
    p.add_argument("--yes", action="store_true",
                   help="trust without asking (after comparing the fingerprints)")
    # What the app starts for a run on a target: not for people, so in no help.
    p = sub.add_parser("follow")
    p.add_argument("spec")
    p.set_defaults(handler=targets_follow, human=lambda _: "", json=False,
                   needs_library=False)
