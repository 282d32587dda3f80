"""``musiclab runs ...``: reading runs, and training them through the runner."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from typing import Any

from musiclab_desktop.cli.arguments import command, positive_id
from musiclab_desktop.cli.output import assignments, loss_text, print_flushed, table
from musiclab_desktop.core.display import printable
from musiclab_desktop.core.errors import MusiclabError
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.status import RunStatus


def _runs_human(records: Any) -> str:
    records = records if isinstance(records, list) else [records]
    if not records:
        return "No runs."
    return table(
        [[r.id, r.name, r.status, f"{r.current_step}/{r.total_steps or '?'}",
          loss_text(r.final_loss), r.adapter_id, r.error or ""] for r in records],
        ["ID", "NAME", "STATUS", "STEP", "FINAL LOSS", "ADAPTER", "ERROR"],
    )


def runs_list(lib: Library, args: argparse.Namespace) -> Any:
    return lib.runs.list(args.experiment_id)


def runs_show(lib: Library, args: argparse.Namespace) -> Any:
    return lib.runs.detail(args.run_id)


def _run_detail_human(detail: Any) -> str:
    # Prompts are the user's text: escaped like names.
    settings = [f"  {key} = {printable(str(value))}"
                for key, value in sorted(detail.config.items())]
    return "\n".join([_runs_human(detail.run), "Trained with:", *settings])


def runs_metrics(lib: Library, args: argparse.Namespace) -> Any:
    run = lib.runs.get(args.run_id)
    series = lib.telemetry.all_series(run.id)
    return {
        "run_id": run.id,
        "status": run.status,
        "adapter_id": run.adapter_id,
        "final_loss": run.final_loss,
        "metrics": series,
    }


def _metrics_human(result: Any) -> str:
    lines = [f"run {result['run_id']} {result['status']} final_loss="
             f"{loss_text(result['final_loss'])} adapter={result['adapter_id']}"]
    for name, data in result["metrics"].items():
        last = data.values[-1] if data.values else None
        lines.append(f"  {name}: {len(data.steps)} points, last {last}")
    return "\n".join(lines)


def runs_logs(lib: Library, args: argparse.Namespace) -> int:
    from musiclab_desktop.runner.outside import follow_log

    out = sys.stdout.buffer

    def write(chunk: bytes) -> None:
        out.write(chunk)
        out.flush()

    # Ctrl+C while following is a normal way to stop reading; so is `| less` quitting
    # early, which main() handles for every command (a closed stdout).
    with contextlib.suppress(KeyboardInterrupt):
        follow_log(lib, args.run_id, write, follow=args.follow)
    return 0


# --- runs: training (the runner) ------------------------------------------------

def _run_line(run: Any) -> str:
    line = f"Run {run.id} '{run.name}': {run.status}"
    if run.final_loss is not None:
        line += f", final loss {run.final_loss:.4f}"
    return line + (f" ({run.error})" if run.error else "")


def runs_start(lib: Library, args: argparse.Namespace) -> int:
    """Create the run and train it: in this process (default, --wait) or detached."""
    from musiclab_desktop.runner.detach import start_detached
    from musiclab_desktop.runner.foreground import train_in_foreground
    from musiclab_desktop.runner.settings import load_settings

    run = lib.runs.prepare_start(args.experiment_id, name=args.name,
                                 override=assignments(args.set))
    _announce(run, args.json, f"Run {run.id} '{run.name}' created (PENDING).")
    _show_start_notice(lib, run.id)
    if args.detach:
        pid = start_detached(lib.root, run)
        # The supervisor owns the run from now on (it claims it too, maybe already; a
        # fast one may even have finished it).
        with contextlib.suppress(MusiclabError):
            lib.runs.claim(run.id, pid)
        if not args.json:
            print_flushed(f"Training in the background (supervisor pid {pid}). Follow it "
                          f"with: musiclab runs logs {run.id} --follow")
        return 0
    stream = sys.stderr.buffer

    def show_log(data: bytes) -> None:
        stream.write(data)
        stream.flush()

    train_in_foreground(lib, run, settings=load_settings(),
                        on_log=show_log if args.wait else None,
                        on_notice=lambda text: print_flushed(text, error=True))
    final = lib.runs.get(run.id)
    _announce(final, args.json, _run_line(final))
    return 0 if final.status == RunStatus.COMPLETED else 1


def _show_start_notice(lib: Library, run_id: int) -> None:
    """What the start recorded in the run's log before training, e.g. clips left out."""
    notice = lib.telemetry.read_log(run_id).decode("utf-8", errors="replace")
    for line in notice.splitlines():
        if line.strip():
            print_flushed(f"warning: {line.removeprefix('musiclab: ').strip()}", error=True)


def _announce(run: Any, as_json: bool, text: str) -> None:
    # One JSON object per line with --json: the new run at once, the ended run last.
    print_flushed(json.dumps(run.to_json()) if as_json else text)


def runs_supervise(lib: Library, args: argparse.Namespace) -> int:
    """The detached owner of a run started with --detach (not for direct use)."""
    from musiclab_desktop.runner.foreground import train_in_foreground
    from musiclab_desktop.runner.settings import load_settings

    # Its stderr is the run's supervisor.log: notices (e.g. a full disk) are kept there.
    status = train_in_foreground(lib, lib.runs.get(args.run_id), settings=load_settings(),
                                 on_notice=lambda text: print_flushed(text, error=True))
    return 0 if status == RunStatus.COMPLETED else 1


def runs_cancel(lib: Library, args: argparse.Namespace) -> Any:
    from musiclab_desktop.runner.outside import cancel_from_outside
    from musiclab_desktop.runner.settings import load_settings

    return cancel_from_outside(lib, args.run_id, load_settings().cancel_grace_seconds)


def runs_delete(lib: Library, args: argparse.Namespace) -> Any:
    count = lib.runs.delete_many(args.experiment_id, args.run_ids)
    return {"deleted": count, "run_ids": sorted(set(args.run_ids))}


def add_runs(groups: Any) -> None:
    sub = groups.add_parser("runs", help="training runs").add_subparsers(
        dest="command", required=True)
    p = command(sub, "list", runs_list, _runs_human, "list an experiment's runs")
    p.add_argument("experiment_id", type=positive_id)
    p = command(sub, "show", runs_show, _run_detail_human, "show one run")
    p.add_argument("run_id", type=positive_id)
    p = command(sub, "metrics", runs_metrics, _metrics_human, "a run's recorded metrics")
    p.add_argument("run_id", type=positive_id)
    p = command(sub, "logs", runs_logs, lambda _: "", "a run's raw terminal output",
                json_output=False)
    p.add_argument("run_id", type=positive_id)
    p.add_argument("--follow", "-f", action="store_true",
                   help="keep printing new output until the run ends")
    p = command(sub, "start", runs_start, lambda _: "",
                "start a training run; it trains while this command runs (see --detach)")
    p.add_argument("experiment_id", type=positive_id)
    p.add_argument("--name", help="run name (default run-N)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE",
                   help="override a training setting for this run")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--wait", action="store_true",
                     help="show the training terminal here; exit 0 when the run completes")
    how.add_argument("--detach", action="store_true",
                     help="train in a background process and return at once")
    p = command(sub, "cancel", runs_cancel, _runs_human, "stop a pending or running run")
    p.add_argument("run_id", type=positive_id)
    # The background owner behind --detach: not for people, so not in any help (no
    # help= keeps it out of the command list; the metavar below, out of "{...}").
    p = sub.add_parser("supervise")
    p.add_argument("run_id", type=positive_id)
    p.set_defaults(handler=runs_supervise, human=lambda _: "", json=False)
    p = command(sub, "delete", runs_delete,
                lambda r: f"Deleted {r['deleted']} run(s).", "delete finished runs")
    p.add_argument("experiment_id", type=positive_id)
    p.add_argument("run_ids", type=positive_id, nargs="+")
    # Named by hand: argparse's own "{...}" list would show the hidden `supervise`.
    sub.metavar = "{" + ",".join(name for name in sub.choices if name != "supervise") + "}"
