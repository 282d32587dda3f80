"""``musiclab runs resume``, ``runs continue`` and ``adapters promote``: never start over.

Resume trains a cancelled, failed or interrupted run on from its latest checkpoint (the
same run); continue starts a new run from a completed run's adapter; promote registers
the adapter of any kept checkpoint as an adapter of its own.
"""

from __future__ import annotations

import argparse
from typing import Any

from musiclab_desktop.cli.arguments import command, positive_id
from musiclab_desktop.cli.config_input import add_config_options, given_settings
from musiclab_desktop.cli.output import loss_text
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import RunRecord


def runs_resume(lib: Library, args: argparse.Namespace) -> int:
    run = lib.runs.prepare_resume(args.run_id, force=args.force)
    step = (run.resume_steps or [0])[-1]
    return _train(lib, run, args, f"Run {run.id} '{run.name}' resumes from step {step}.")


def runs_continue(lib: Library, args: argparse.Namespace) -> int:
    run = lib.runs.prepare_continue(args.run_id, given_settings(args), name=args.name)
    return _train(lib, run, args, f"Run {run.id} '{run.name}' created (PENDING), continuing "
                                  f"run {args.run_id} from its adapter.")


def _train(lib: Library, run: RunRecord, args: argparse.Namespace, created: str) -> int:
    """Train the PENDING run as ``runs start`` does."""
    from musiclab_desktop.cli.runs import _announce, train_pending

    _announce(run, args.json, created)
    return train_pending(lib, run, args)


def adapters_promote(lib: Library, args: argparse.Namespace) -> Any:
    return lib.adapters.promote(args.run_id, args.step)


def _promoted_human(adapter: Any) -> str:
    loss = f", loss {loss_text(adapter.final_loss)}" if adapter.final_loss is not None else ""
    return f"Adapter {adapter.id} '{adapter.name}' registered{loss}: {adapter.path}"


def _how(parser: argparse.ArgumentParser) -> None:
    how = parser.add_mutually_exclusive_group()
    how.add_argument("--wait", action="store_true",
                     help="show the training terminal here; exit 0 when the run completes")
    how.add_argument("--detach", action="store_true",
                     help="train in a background process and return at once")


def add_resume_commands(sub: Any) -> None:
    """``runs resume`` and ``runs continue`` under the ``runs`` group."""
    p = command(sub, "resume", runs_resume, lambda _: "",
                "train a cancelled, failed or interrupted run on from its latest "
                "checkpoint (the same run)")
    p.add_argument("run_id", type=positive_id)
    p.add_argument("--force", action="store_true",
                   help="resume even though the dataset or MusicLab changed since the "
                        "checkpoint")
    _how(p)
    p = command(sub, "continue", runs_continue, lambda _: "",
                "train a completed run further: a new run that starts from its adapter")
    p.add_argument("run_id", type=positive_id)
    p.add_argument("--name", help="the new run's name (default run-N)")
    add_config_options(p, "change a setting for the new run (e.g. num_epochs=8)")
    _how(p)


def add_promote_command(sub: Any) -> None:
    """``adapters promote`` under the ``adapters`` group."""
    p = command(sub, "promote", adapters_promote, _promoted_human,
                "register the adapter of a kept checkpoint as an adapter of its own")
    p.add_argument("run_id", type=positive_id)
    p.add_argument("--step", type=positive_id, required=True,
                   help="the checkpoint's step (see `musiclab runs show RUN_ID`)")
