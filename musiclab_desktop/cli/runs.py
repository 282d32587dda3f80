"""``musiclab runs ...``: reading runs, and training them through the runner."""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
from typing import Any

from musiclab_desktop.cli.arguments import command, positive_count, positive_id
from musiclab_desktop.cli.config_input import add_config_options, given_settings
from musiclab_desktop.cli.details import run_text, shown_run
from musiclab_desktop.cli.output import loss_text, print_flushed, table
from musiclab_desktop.cli.resume import add_resume_commands
from musiclab_desktop.core.config_aliases import canonical_name
from musiclab_desktop.core.errors import MusiclabError, NotFoundError
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.protocol import ErrorKind
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
    sort = args.sort
    if sort and args.desc and not sort.startswith("-"):
        sort = f"-{sort}"
    found = lib.runs.search(experiment_id=args.experiment_id, status=args.status,
                            tag=args.tag, filter_text=args.filter or "", sort=sort,
                            limit=args.limit)
    return FoundRuns(found, _setting_columns(args))


class FoundRuns(list[Any]):
    """The runs a listing found (JSON: the run records, as before), plus what the
    table shows: each run's settings, and which of them the filter or sort named."""

    def __init__(self, found: list[tuple[Any, dict[str, Any]]], columns: list[str]) -> None:
        super().__init__(run for run, _ in found)
        self.configs = [config for _, config in found]
        self.columns = columns


def _setting_columns(args: argparse.Namespace) -> list[str]:
    from musiclab_desktop.core.run_filter import RUN_FIELDS, filter_names

    words = re.findall(r"[A-Za-z_][\w.]*", f"{args.filter or ''} {args.sort or ''}")
    names = [canonical_name(word.lower(), filter_names()) for word in words]
    return list(dict.fromkeys(
        name for name in names if name in filter_names() and name not in RUN_FIELDS))


def _found_runs_human(found: Any) -> str:
    if not isinstance(found, FoundRuns):
        return _runs_human(found)
    if not found:
        return "No runs."
    columns = found.columns
    return table(
        [[r.id, r.experiment_id, r.name, r.status, f"{r.current_step}/{r.total_steps or '?'}",
          loss_text(r.final_loss), *[_cell(config.get(name)) for name in columns],
          ", ".join(r.tags), r.error or ""]
         for r, config in zip(found, found.configs, strict=True)],
        ["ID", "EXPERIMENT", "NAME", "STATUS", "STEP", "FINAL LOSS",
         *[name.upper() for name in columns], "TAGS", "ERROR"],
    )


def _cell(value: Any) -> str:
    return "" if value is None else str(value).replace("\n", " | ")


def runs_show(lib: Library, args: argparse.Namespace) -> Any:
    return shown_run(lib, args.run_id)


def runs_samples(lib: Library, args: argparse.Namespace) -> Any:
    run = lib.runs.get(args.run_id)  # an unknown run is "not found", not an empty list
    return [_sample_json(record) for record in lib.samples.list(run.id)]


def _sample_json(record: Any) -> dict[str, Any]:
    # The row, plus where its WAV is now and whether it is still there.
    file = record.file
    return {**record.to_json(), "file": None if file is None else str(file),
            "exists": file is not None and file.is_file()}


def _samples_human(samples: list[dict[str, Any]]) -> str:
    if not samples:
        return "No samples."
    return table(
        [["base" if s["reference"] else s["step"], s["prompt_index"] + 1, s["prompt"],
          s["seed"], f"{s['seconds']:.1f}", s["rating"] or "",
          (s["file"] or s["path"]) + ("" if s["exists"] else "  (missing)")]
         for s in samples],
        ["STEP", "#", "PROMPT", "SEED", "SECONDS", "RATING", "FILE"],
    )


def runs_update(lib: Library, args: argparse.Namespace) -> Any:
    from musiclab_desktop.core.tags import edit_tags

    tags = None
    if args.add_tag or args.remove_tag:
        tags = edit_tags(lib.runs.get(args.run_id).tags, args.add_tag or (),
                         args.remove_tag or ())
    return lib.runs.annotate(args.run_id, notes=args.notes, tags=tags)


def runs_export(lib: Library, args: argparse.Namespace) -> Any:
    from musiclab_desktop.core.run_export import export_run

    return export_run(lib, args.run_id, args.destination)


def _export_human(result: Any) -> str:
    extras = [f"{result.samples} sample(s)"] + (["the adapter"] if result.adapter else [])
    return (f"Exported to {result.folder}: {len(result.files)} files, with "
            f"{' and '.join(extras)}.")


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
    run = lib.runs.prepare_start(args.experiment_id, name=args.name,
                                 override=given_settings(args))
    if args.target:
        from musiclab_desktop.runner.targets.seam import start_on_target

        run = start_on_target(lib, run, args.target)
    _announce(run, args.json, f"Run {run.id} '{run.name}' created (PENDING).")
    _show_start_notice(lib, run.id)
    return train_pending(lib, run, args)


def train_pending(lib: Library, run: Any, args: argparse.Namespace) -> int:
    """Train the PENDING run: in this process (``--wait`` shows the terminal) or in a
    background supervisor (``--detach``); the exit code of ``runs start``."""
    from musiclab_desktop.runner.detach import start_detached
    from musiclab_desktop.runner.foreground import train_in_foreground
    from musiclab_desktop.runner.settings import load_settings

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
    return _start_exit_code(lib, final)


def _start_exit_code(lib: Library, final: Any) -> int:
    """0 completed; the not-found code when the base model was missing; 1 otherwise."""
    if final.status == RunStatus.COMPLETED:
        return 0
    if lib.runs.detail(final.id).error_kind == ErrorKind.MODEL_UNAVAILABLE:
        return NotFoundError.exit_code
    return 1


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
    p = command(sub, "list", runs_list, _found_runs_human,
                "list runs: of one experiment, or across all of them")
    p.add_argument("experiment_id", type=positive_id, nargs="?",
                   help="only this experiment's runs (default: every experiment)")
    p.add_argument("--status", help="only runs with this status (e.g. completed, failed)")
    p.add_argument("--tag", help="only runs with this tag")
    p.add_argument("--filter", metavar="EXPR",
                   help="e.g. 'final_loss<7.5 and lora_r=16': run fields (final_loss, "
                        "status, name, tag, notes, step) and settings; and, or, not, "
                        "( ), = != < <= > >= ~ (contains)")
    p.add_argument("--sort", metavar="NAME", help="sort by a run field or setting "
                                                  "(--sort=-NAME or --desc: descending)")
    p.add_argument("--desc", action="store_true", help="sort from the largest value")
    p.add_argument("--limit", type=positive_count, metavar="N", help="at most N runs")
    p = command(sub, "show", runs_show, run_text, "show one run")
    p.add_argument("run_id", type=positive_id)
    p = command(sub, "samples", runs_samples, _samples_human,
                "list a run's samples: the base model's reference, then by step and prompt")
    p.add_argument("run_id", type=positive_id)
    p = command(sub, "update", runs_update, _runs_human, "change a run's notes or tags")
    p.add_argument("run_id", type=positive_id)
    p.add_argument("--notes", help="free text about the run ('' clears it)")
    p.add_argument("--add-tag", action="append", metavar="TAG", help="add a tag (repeatable)")
    p.add_argument("--remove-tag", action="append", metavar="TAG",
                   help="remove a tag (repeatable)")
    p = command(sub, "export", runs_export, _export_human,
                "write a run into a self-contained folder: config, metrics, log, "
                "samples and adapter")
    p.add_argument("run_id", type=positive_id)
    p.add_argument("destination", help="a new (or empty) folder")
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
    add_config_options(p, "override a training setting for this run")
    p.add_argument("--target", help="train on this run target (see `musiclab targets list`; "
                                    "default: this machine)")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--wait", action="store_true",
                     help="show the training terminal here; exit 0 when the run completes")
    how.add_argument("--detach", action="store_true",
                     help="train in a background process and return at once")
    p = command(sub, "cancel", runs_cancel, _runs_human, "stop a pending or running run")
    p.add_argument("run_id", type=positive_id)
    add_resume_commands(sub)
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
