"""``musiclab`` sub-commands: the scripting face of the core services.

Exit codes: 0 ok, 1 a run that did not complete (``runs start --wait``), 2 usage,
3 not found, 4 invalid state, 5 validation, 6 the data folder's database cannot be
used (damaged, lost or read-only: see ``musiclab doctor``). Errors are one sentence
on stderr; with ``--json`` they are a JSON object there instead. Names in the human
output pass through ``printable``: an escape sequence in a name is shown, never run by
the terminal.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from musiclab_desktop import __version__
from musiclab_desktop.core.audio_scan import seconds_text
from musiclab_desktop.core.config import config_fields, parse_assignment
from musiclab_desktop.core.display import printable
from musiclab_desktop.core.errors import MusiclabError, ValidationError
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.models import RunStatus

EXIT_USAGE = 2
# What a shell reports for a process that SIGPIPE ended (128 + 13): the reader of our
# stdout went away (`musiclab ... | head`), which is a normal way to stop reading.
EXIT_CLOSED_PIPE = 128 + getattr(signal, "SIGPIPE", 13)

Handler = Callable[[Library, argparse.Namespace], Any]


# --- output ------------------------------------------------------------------

def _emit(result: Any, as_json: bool, human: Callable[[Any], str]) -> None:
    if as_json:
        print(json.dumps(_jsonable(result), indent=2))  # JSON escapes control characters
    else:
        text = human(result)
        if text:
            print(_shown(text))


def _shown(text: str) -> str:
    """Human output with every control character escaped except the line breaks."""
    return "\n".join(printable(line) for line in text.split("\n"))


def _jsonable(value: Any) -> Any:
    if hasattr(value, "to_json"):
        return value.to_json()
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    return value


def _table(rows: list[list[Any]], headers: list[str]) -> str:
    # Escaped per cell: a newline inside a name must not break the table's rows.
    cells = [headers] + [["" if cell is None else printable(str(cell)) for cell in row]
                         for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
             for row in cells]
    return "\n".join(line.rstrip() for line in lines)


def _loss(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def _assignments(pairs: Sequence[str] | None) -> dict[str, Any] | None:
    if not pairs:
        return None
    return dict(parse_assignment(pair) for pair in pairs)


# --- experiments -------------------------------------------------------------

def _experiments_human(records: Any) -> str:
    records = records if isinstance(records, list) else [records]
    if not records:
        return "No experiments."
    return _table(
        [[r.id, r.name, r.status, r.dataset_name, _loss(r.best_loss), r.run_count]
         for r in records],
        ["ID", "NAME", "STATUS", "DATASET", "BEST LOSS", "RUNS"],
    )


def experiments_list(lib: Library, args: argparse.Namespace) -> Any:
    return lib.experiments.list(include_archived=args.include_archived, search=args.search)


def experiments_create(lib: Library, args: argparse.Namespace) -> Any:
    return lib.experiments.create(
        args.name,
        description=args.description,
        dataset_id=args.dataset,
        config=_assignments(args.set),
    )


def experiments_show(lib: Library, args: argparse.Namespace) -> Any:
    return lib.experiments.get(args.experiment_id)


def experiments_update(lib: Library, args: argparse.Namespace) -> Any:
    changes: dict[str, Any] = {"name": args.name, "description": args.description}
    if args.dataset is not None:
        changes["dataset_id"] = None if args.dataset == UNLINK else args.dataset
    if args.set:
        current = lib.experiments.get(args.experiment_id).config
        changes["config"] = {**current, **(_assignments(args.set) or {})}
    return lib.experiments.update(args.experiment_id, **changes)


def experiments_archive(lib: Library, args: argparse.Namespace) -> Any:
    return lib.experiments.archive(args.experiment_id)


def experiments_unarchive(lib: Library, args: argparse.Namespace) -> Any:
    return lib.experiments.unarchive(args.experiment_id)


# --- datasets ----------------------------------------------------------------

def datasets_import(lib: Library, args: argparse.Namespace) -> Any:
    report = lib.datasets.import_folder(args.folder, name=args.name)
    for file_name, problem in report.problems:
        print(f"warning: {printable(file_name)}: {printable(problem)}", file=sys.stderr)
    return {"dataset": report.dataset, "problems": [
        {"file_name": file_name, "problem": problem} for file_name, problem in report.problems
    ]}


def _dataset_import_human(result: Any) -> str:
    d = result["dataset"]
    return (f"Imported dataset {d.id} '{d.name}': {d.usable_count} usable of {d.clip_count} "
            f"clips, {d.total_duration:.1f} s of audio.")


def datasets_list(lib: Library, args: argparse.Namespace) -> Any:
    return lib.datasets.list()


def _datasets_human(records: list[Any]) -> str:
    if not records:
        return "No datasets."
    return _table(
        [[r.id, r.name, r.usable_count, r.clip_count, f"{r.total_duration:.1f}", r.folder]
         for r in records],
        ["ID", "NAME", "USABLE", "CLIPS", "SECONDS", "FOLDER"],
    )


def datasets_show(lib: Library, args: argparse.Namespace) -> Any:
    return {"dataset": lib.datasets.get(args.dataset_id),
            "items": lib.datasets.items(args.dataset_id)}


def _dataset_show_human(result: Any) -> str:
    head = _datasets_human([result["dataset"]])
    rows = [[i.file_name, "" if i.duration is None else seconds_text(i.duration), i.caption,
             i.problem or ""] for i in result["items"]]
    return head + "\n\n" + _table(rows, ["FILE", "SECONDS", "CAPTION", "PROBLEM"])


# --- runs --------------------------------------------------------------------

def _runs_human(records: Any) -> str:
    records = records if isinstance(records, list) else [records]
    if not records:
        return "No runs."
    return _table(
        [[r.id, r.name, r.status, f"{r.current_step}/{r.total_steps or '?'}",
          _loss(r.final_loss), r.adapter_id, r.error or ""] for r in records],
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
             f"{_loss(result['final_loss'])} adapter={result['adapter_id']}"]
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

def _print_flushed(text: str, *, error: bool = False) -> None:
    print(_shown(text), file=sys.stderr if error else sys.stdout, flush=True)


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
                                 override=_assignments(args.set))
    _announce(run, args.json, f"Run {run.id} '{run.name}' created (PENDING).")
    _show_start_notice(lib, run.id)
    if args.detach:
        pid = start_detached(lib.root, run)
        # The supervisor owns the run from now on (it claims it too, maybe already; a
        # fast one may even have finished it).
        with contextlib.suppress(MusiclabError):
            lib.runs.claim(run.id, pid)
        if not args.json:
            _print_flushed(f"Training in the background (supervisor pid {pid}). Follow it "
                           f"with: musiclab runs logs {run.id} --follow")
        return 0
    stream = sys.stderr.buffer

    def show_log(data: bytes) -> None:
        stream.write(data)
        stream.flush()

    train_in_foreground(lib, run, settings=load_settings(),
                        on_log=show_log if args.wait else None,
                        on_notice=lambda text: _print_flushed(text, error=True))
    final = lib.runs.get(run.id)
    _announce(final, args.json, _run_line(final))
    return 0 if final.status == RunStatus.COMPLETED else 1


def _show_start_notice(lib: Library, run_id: int) -> None:
    """What the start recorded in the run's log before training, e.g. clips left out."""
    notice = lib.telemetry.read_log(run_id).decode("utf-8", errors="replace")
    for line in notice.splitlines():
        if line.strip():
            _print_flushed(f"warning: {line.removeprefix('musiclab: ').strip()}", error=True)


def _announce(run: Any, as_json: bool, text: str) -> None:
    # One JSON object per line with --json: the new run at once, the ended run last.
    _print_flushed(json.dumps(run.to_json()) if as_json else text)


def runs_supervise(lib: Library, args: argparse.Namespace) -> int:
    """The detached owner of a run started with --detach (not for direct use)."""
    from musiclab_desktop.runner.foreground import train_in_foreground
    from musiclab_desktop.runner.settings import load_settings

    # Its stderr is the run's supervisor.log: notices (e.g. a full disk) are kept there.
    status = train_in_foreground(lib, lib.runs.get(args.run_id), settings=load_settings(),
                                 on_notice=lambda text: _print_flushed(text, error=True))
    return 0 if status == RunStatus.COMPLETED else 1


def runs_cancel(lib: Library, args: argparse.Namespace) -> Any:
    from musiclab_desktop.runner.outside import cancel_from_outside
    from musiclab_desktop.runner.settings import load_settings

    return cancel_from_outside(lib, args.run_id, load_settings().cancel_grace_seconds)


# --- demo ----------------------------------------------------------------------

def demo(lib: Library, args: argparse.Namespace) -> Any:
    from musiclab_desktop.core.demo import create_demo
    from musiclab_desktop.runner.interpreter import build_tiny_model, training_interpreter
    from musiclab_desktop.runner.settings import load_settings

    python = training_interpreter(load_settings())
    if not args.json:
        _print_flushed("Preparing the demo (the first time builds a tiny model)…", error=True)
    result = create_demo(lib, lambda folder: build_tiny_model(python, folder))
    return {"experiment": result.experiment, "dataset": result.dataset,
            "model_dir": str(result.model_dir), "created": result.created}


def _demo_human(result: Any) -> str:
    made = result["created"]
    lines = [f"Created {item}." for item in made] or ["The demo already exists; nothing to do."]
    experiment = result["experiment"]
    lines += [
        f"Demo experiment {experiment.id} '{experiment.name}' trains "
        f"{result['model_dir']} on dataset '{result['dataset'].name}'.",
        f"Start a run with: musiclab runs start {experiment.id} --wait",
    ]
    return "\n".join(lines)


def runs_delete(lib: Library, args: argparse.Namespace) -> Any:
    count = lib.runs.delete_many(args.experiment_id, args.run_ids)
    return {"deleted": count, "run_ids": sorted(set(args.run_ids))}


# --- adapters, config ----------------------------------------------------------

def adapters_list(lib: Library, args: argparse.Namespace) -> Any:
    if args.experiment is not None:
        lib.experiments.get(args.experiment)  # an unknown experiment is exit 3, not "[]"
    return lib.adapters.list(args.experiment)


def _adapters_human(records: list[Any]) -> str:
    if not records:
        return "No adapters."
    return _table(
        [[a.id, a.name, a.base_model, a.lora_r, _loss(a.final_loss), a.path] for a in records],
        ["ID", "NAME", "BASE MODEL", "RANK", "FINAL LOSS", "PATH"],
    )


def config_defaults(_lib: Library | None, _args: argparse.Namespace) -> Any:
    return [
        {
            "name": f.name,
            "group": f.spec.group,
            "label": f.spec.label,
            "type": f.type.__name__,
            "default": f.default,
            "minimum": f.spec.minimum,
            "maximum": f.spec.maximum,
            "choices": list(f.spec.choices) or None,
            "tooltip": f.spec.tooltip,
        }
        for f in config_fields()
    ]


def _config_human(fields: list[dict[str, Any]]) -> str:
    blocks = []
    for f in fields:
        bounds = ""
        if f["choices"]:
            bounds = " one of " + ", ".join(f["choices"])
        elif f["minimum"] is not None:
            bounds = f" [{f['minimum']:g} .. {f['maximum']:g}]"
        blocks.append(f"[{f['group']}] {f['name']} = {f['default']!r}{bounds}\n    {f['tooltip']}")
    return "\n".join(blocks)


# --- doctor ------------------------------------------------------------------

LATEST_BACKUP = ""  # `doctor --restore-backup` without a PATH


def doctor(_lib: None, args: argparse.Namespace) -> int:
    """Check the database (without opening it as a Library, which would refuse it),
    replace it when asked, and exit 6 while it stays unusable."""
    from pathlib import Path

    from musiclab_desktop.core import doctor as checkup
    from musiclab_desktop.core.data_folder import resolve_data_dir
    from musiclab_desktop.core.errors import DataFolderError

    root = resolve_data_dir(args.data_dir)
    replaced = None
    if args.restore_backup is not None:
        chosen = None if args.restore_backup == LATEST_BACKUP else Path(args.restore_backup)
        replaced = checkup.restore_backup(root, chosen)
    elif args.start_fresh:
        replaced = checkup.start_fresh(root)
    report = checkup.examine(root)
    _emit({"replaced": replaced, "report": report}, args.json, _doctor_human)
    return 0 if report.ok else DataFolderError.exit_code


def _doctor_human(result: dict[str, Any]) -> str:
    report = result["report"]
    lines = [result["replaced"].describe(), ""] if result["replaced"] else []
    lines += [f"Data folder: {report.data_folder}", f"Database:    {report.database}"]
    lines += [f"- {finding}" for finding in report.findings]
    lines.append("Backups (newest first):")
    lines += [f"  {backup.describe()}" for backup in report.backups] or ["  none"]
    lines.append(f"What to do: {report.advice}")
    return "\n".join(lines)


def _add_doctor(groups: Any) -> None:
    p = _command(groups, "doctor", doctor, _doctor_human,
                 "check the database for damage, list its backups, restore one")
    p.set_defaults(needs_library=False)
    replace = p.add_mutually_exclusive_group()
    replace.add_argument("--restore-backup", nargs="?", const=LATEST_BACKUP, metavar="PATH",
                         help="put the newest backup (or PATH) in place of the database; "
                              "the database it replaces is moved aside, never deleted. "
                              "Close MusicLab first")
    replace.add_argument("--start-fresh", action="store_true",
                         help="move a damaged, empty or missing database aside and start a "
                              "new, empty one (refused while the database can be read)")


# --- parser ------------------------------------------------------------------

UNLINK = "none"  # `experiments update ID --dataset none`


class UsageError(Exception):
    """A command line the parser refuses (exit 2); main() prints it as text or JSON."""

    def __init__(self, parser: argparse.ArgumentParser, message: str) -> None:
        super().__init__(message)
        self.parser = parser


class _Parser(argparse.ArgumentParser):
    """Raises instead of printing and exiting, so ``--json`` can shape usage errors too.

    Sub-command parsers are made of the same class (argparse's default).
    """

    def error(self, message: str) -> NoReturn:
        raise UsageError(self, message)


def positive_id(text: str) -> int:
    """An ID argument: a whole number from 1 up."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an ID (a whole number from 1), got {text!r}")
    return value


def dataset_link(text: str) -> int | str:
    """``--dataset`` of ``experiments update``: an ID, or 'none' to unlink."""
    if text.strip().lower() == UNLINK:
        return UNLINK
    return positive_id(text)


class _NoJson(argparse.Action):
    """``--json`` where there is nothing JSON to give: refused as a usage error."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=False, help=argparse.SUPPRESS)

    def __call__(self, parser: argparse.ArgumentParser, *_args: Any, **_kwargs: Any) -> None:
        parser.error("--json is not available here: the log is raw terminal output "
                     "(use `runs metrics ID --json` for machine-readable data)")


def _command(sub: Any, name: str, handler: Handler, human: Callable[[Any], str],
             help_text: str, *, json_output: bool = True) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help_text, description=help_text)
    if json_output:
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    else:
        parser.add_argument("--json", action=_NoJson)
    parser.set_defaults(handler=handler, human=human)
    return parser


def _add_experiments(groups: Any) -> None:
    sub = groups.add_parser("experiments", help="experiments").add_subparsers(
        dest="command", required=True)
    p = _command(sub, "list", experiments_list, _experiments_human, "list experiments")
    p.add_argument("--include-archived", action="store_true")
    p.add_argument("--search", default="", help="only names containing this text")
    p = _command(sub, "create", experiments_create, _experiments_human, "create an experiment")
    p.add_argument("--name", required=True)
    p.add_argument("--description", default="")
    p.add_argument("--dataset", type=positive_id, help="dataset ID to link")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="a training setting")
    p = _command(sub, "show", experiments_show, _experiments_human, "show one experiment")
    p.add_argument("experiment_id", type=positive_id)
    p = _command(sub, "update", experiments_update, _experiments_human, "change an experiment")
    p.add_argument("experiment_id", type=positive_id)
    p.add_argument("--name")
    p.add_argument("--description")
    p.add_argument("--dataset", type=dataset_link,
                   help="dataset ID to link, or 'none' to unlink")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="a training setting")
    for name, handler in (("archive", experiments_archive), ("unarchive", experiments_unarchive)):
        p = _command(sub, name, handler, _experiments_human, f"{name} an experiment")
        p.add_argument("experiment_id", type=positive_id)


def _add_datasets(groups: Any) -> None:
    sub = groups.add_parser("datasets", help="datasets of captioned clips").add_subparsers(
        dest="command", required=True)
    p = _command(sub, "import", datasets_import, _dataset_import_human,
                 "import a folder of audio clips with captions")
    p.add_argument("folder")
    p.add_argument("--name")
    _command(sub, "list", datasets_list, _datasets_human, "list datasets")
    p = _command(sub, "show", datasets_show, _dataset_show_human, "show a dataset's clips")
    p.add_argument("dataset_id", type=positive_id)


def _add_runs(groups: Any) -> None:
    sub = groups.add_parser("runs", help="training runs").add_subparsers(
        dest="command", required=True)
    p = _command(sub, "list", runs_list, _runs_human, "list an experiment's runs")
    p.add_argument("experiment_id", type=positive_id)
    p = _command(sub, "show", runs_show, _run_detail_human, "show one run")
    p.add_argument("run_id", type=positive_id)
    p = _command(sub, "metrics", runs_metrics, _metrics_human, "a run's recorded metrics")
    p.add_argument("run_id", type=positive_id)
    p = _command(sub, "logs", runs_logs, lambda _: "", "a run's raw terminal output",
                 json_output=False)
    p.add_argument("run_id", type=positive_id)
    p.add_argument("--follow", "-f", action="store_true",
                   help="keep printing new output until the run ends")
    p = _command(sub, "start", runs_start, lambda _: "",
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
    p = _command(sub, "cancel", runs_cancel, _runs_human, "stop a pending or running run")
    p.add_argument("run_id", type=positive_id)
    # The background owner behind --detach: not for people, so not in any help (no
    # help= keeps it out of the command list; the metavar below, out of "{...}").
    p = sub.add_parser("supervise")
    p.add_argument("run_id", type=positive_id)
    p.set_defaults(handler=runs_supervise, human=lambda _: "", json=False)
    p = _command(sub, "delete", runs_delete,
                 lambda r: f"Deleted {r['deleted']} run(s).", "delete finished runs")
    p.add_argument("experiment_id", type=positive_id)
    p.add_argument("run_ids", type=positive_id, nargs="+")
    # Named by hand: argparse's own "{...}" list would show the hidden `supervise`.
    sub.metavar = "{" + ",".join(name for name in sub.choices if name != "supervise") + "}"


def _add_misc(groups: Any) -> None:
    sub = groups.add_parser("adapters", help="registered LoRA adapters").add_subparsers(
        dest="command", required=True)
    p = _command(sub, "list", adapters_list, _adapters_human, "list adapters")
    p.add_argument("--experiment", type=positive_id, help="only this experiment's adapters")
    sub = groups.add_parser("config", help="the training configuration").add_subparsers(
        dest="command", required=True)
    p = _command(sub, "defaults", config_defaults, _config_human,
                 "every setting with its group, default, bounds and explanation")
    p.set_defaults(needs_library=False)
    p = _command(groups, "demo", demo, _demo_human,
                 "create a demo experiment (tiny model, synthesized clips) to try training")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="musiclab",
        description="MusicLab Desktop: fine-tune MusicGen with LoRA. "
                    "Without a command, opens the desktop window.",
    )
    parser.add_argument("--version", action="version", version=f"musiclab {__version__}")
    parser.add_argument("--data-dir", help="data folder (default: $MUSICLAB_DATA_DIR or the "
                                           "platform's user data folder)")
    groups = parser.add_subparsers(dest="group", metavar="COMMAND")
    _add_experiments(groups)
    _add_datasets(groups)
    _add_runs(groups)
    _add_misc(groups)
    _add_doctor(groups)
    return parser


def run_command(args: argparse.Namespace) -> int:
    """Run a parsed sub-command; returns the process exit code."""
    library = None
    try:
        if getattr(args, "needs_library", True):
            library = Library.open(args.data_dir)
            _reconcile(library)
        result = args.handler(library, args)
        if isinstance(result, int) and not isinstance(result, bool):
            return result
        if result is not None:
            _emit(result, args.json, args.human)
        return 0
    except MusiclabError as exc:
        _report_error(exc, getattr(args, "json", False))
        return exc.exit_code
    finally:
        if library is not None:
            library.close()


def _reconcile(library: Library) -> None:
    """End the runs whose owner died (a killed `runs start`, supervisor or window), so
    every command sees them as they are (runner/reconcile.py)."""
    from musiclab_desktop.runner.reconcile import reconcile_quietly

    reconcile_quietly(library)


def error_kind(exc: MusiclabError) -> str:
    """``NotFoundError`` -> "not_found": the error's class, as a JSON consumer sees it."""
    name = type(exc).__name__.removesuffix("Error") or "error"
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower() if name != "Musiclab" else "error"


def _report_error(exc: MusiclabError, as_json: bool) -> None:
    fields = exc.field_errors if isinstance(exc, ValidationError) else {}
    if as_json:
        document: dict[str, Any] = {"error": str(exc), "kind": error_kind(exc),
                                    "exit_code": exc.exit_code}
        if fields:
            document["fields"] = fields
        print(json.dumps(document), file=sys.stderr)
        return
    print(_shown(f"error: {exc}"), file=sys.stderr)
    if len(fields) > 1:
        for name, message in fields.items():
            print(_shown(f"  {name}: {message}"), file=sys.stderr)


def _report_usage(error: UsageError, as_json: bool) -> int:
    if as_json:
        print(json.dumps({"error": str(error), "kind": "usage", "exit_code": EXIT_USAGE}),
              file=sys.stderr)
    else:
        error.parser.print_usage(sys.stderr)
        print(_shown(f"{error.parser.prog}: error: {error}"), file=sys.stderr)
    return EXIT_USAGE


def main(argv: Sequence[str] | None = None,
         without_command: Callable[[list[str]], int] | None = None) -> int:
    """Parse and run; ``without_command`` (the window) runs when no command is named."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        code = _parse_and_run(argv, without_command)
        sys.stdout.flush()  # here, so a closed pipe is seen now and not at exit
        return code
    except BrokenPipeError:
        # The reader of stdout went away (`| head`): stop quietly, as a killed `cat`
        # would. stdout now points at nothing, so the flush at exit cannot fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_CLOSED_PIPE


def _parse_and_run(argv: list[str],
                   without_command: Callable[[list[str]], int] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as error:
        return _report_usage(error, "--json" in argv)
    if args.group is not None:
        return run_command(args)
    if without_command is not None:
        return without_command(argv)
    return _report_usage(UsageError(parser, "name a command (see musiclab --help)"),
                         "--json" in argv)


if __name__ == "__main__":
    sys.exit(main())
