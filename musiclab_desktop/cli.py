"""``musiclab`` sub-commands: the scripting face of the core services.

Exit codes: 0 ok, 1 a run that did not complete (``runs start --wait``), 2 usage,
3 not found, 4 invalid state, 5 validation. Errors are one sentence on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from musiclab_desktop import __version__
from musiclab_desktop.core.config import config_fields, parse_assignment
from musiclab_desktop.core.errors import MusiclabError, ValidationError
from musiclab_desktop.core.library import Library

EXIT_USAGE = 2

Handler = Callable[[Library, argparse.Namespace], Any]


# --- output ------------------------------------------------------------------

def _emit(result: Any, as_json: bool, human: Callable[[Any], str]) -> None:
    if as_json:
        print(json.dumps(_jsonable(result), indent=2))
    else:
        text = human(result)
        if text:
            print(text)


def _jsonable(value: Any) -> Any:
    if hasattr(value, "to_json"):
        return value.to_json()
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    return value


def _table(rows: list[list[Any]], headers: list[str]) -> str:
    cells = [headers] + [["" if cell is None else str(cell) for cell in row] for row in rows]
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
        changes["dataset_id"] = None if args.dataset.lower() == "none" else int(args.dataset)
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
        print(f"warning: {file_name}: {problem}", file=sys.stderr)
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
    rows = [[i.file_name, "" if i.duration is None else f"{i.duration:.1f}", i.caption,
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
    return lib.runs.get(args.run_id)


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


def runs_logs(lib: Library, args: argparse.Namespace) -> None:
    lib.runs.get(args.run_id)
    out = sys.stdout.buffer
    for chunk in lib.telemetry.iter_log(args.run_id):
        out.write(chunk)
    out.flush()


def runs_delete(lib: Library, args: argparse.Namespace) -> Any:
    count = lib.runs.delete_many(args.experiment_id, args.run_ids)
    return {"deleted": count, "run_ids": sorted(set(args.run_ids))}


# --- adapters, config ----------------------------------------------------------

def adapters_list(lib: Library, args: argparse.Namespace) -> Any:
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


# --- parser ------------------------------------------------------------------

def _command(sub: Any, name: str, handler: Handler, human: Callable[[Any], str],
             help_text: str) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
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
    p.add_argument("--dataset", type=int, help="dataset ID to link")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="a training setting")
    p = _command(sub, "show", experiments_show, _experiments_human, "show one experiment")
    p.add_argument("experiment_id", type=int)
    p = _command(sub, "update", experiments_update, _experiments_human, "change an experiment")
    p.add_argument("experiment_id", type=int)
    p.add_argument("--name")
    p.add_argument("--description")
    p.add_argument("--dataset", help="dataset ID to link, or 'none' to unlink")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="a training setting")
    for name, handler in (("archive", experiments_archive), ("unarchive", experiments_unarchive)):
        p = _command(sub, name, handler, _experiments_human, f"{name} an experiment")
        p.add_argument("experiment_id", type=int)


def _add_datasets(groups: Any) -> None:
    sub = groups.add_parser("datasets", help="datasets of captioned clips").add_subparsers(
        dest="command", required=True)
    p = _command(sub, "import", datasets_import, _dataset_import_human,
                 "import a folder of audio clips with captions")
    p.add_argument("folder")
    p.add_argument("--name")
    _command(sub, "list", datasets_list, _datasets_human, "list datasets")
    p = _command(sub, "show", datasets_show, _dataset_show_human, "show a dataset's clips")
    p.add_argument("dataset_id", type=int)


def _add_runs(groups: Any) -> None:
    sub = groups.add_parser("runs", help="training runs").add_subparsers(
        dest="command", required=True)
    p = _command(sub, "list", runs_list, _runs_human, "list an experiment's runs")
    p.add_argument("experiment_id", type=int)
    p = _command(sub, "show", runs_show, _runs_human, "show one run")
    p.add_argument("run_id", type=int)
    p = _command(sub, "metrics", runs_metrics, _metrics_human, "a run's recorded metrics")
    p.add_argument("run_id", type=int)
    p = _command(sub, "logs", runs_logs, lambda _: "", "a run's raw terminal output")
    p.add_argument("run_id", type=int)
    p = _command(sub, "delete", runs_delete,
                 lambda r: f"Deleted {r['deleted']} run(s).", "delete finished runs")
    p.add_argument("experiment_id", type=int)
    p.add_argument("run_ids", type=int, nargs="+")


def _add_misc(groups: Any) -> None:
    sub = groups.add_parser("adapters", help="registered LoRA adapters").add_subparsers(
        dest="command", required=True)
    p = _command(sub, "list", adapters_list, _adapters_human, "list adapters")
    p.add_argument("--experiment", type=int, help="only this experiment's adapters")
    sub = groups.add_parser("config", help="the training configuration").add_subparsers(
        dest="command", required=True)
    p = _command(sub, "defaults", config_defaults, _config_human,
                 "every setting with its group, default, bounds and explanation")
    p.set_defaults(needs_library=False)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
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
    return parser


def run_command(args: argparse.Namespace) -> int:
    """Run a parsed sub-command; returns the process exit code."""
    library = None
    try:
        if getattr(args, "needs_library", True):
            library = Library.open(args.data_dir)
        result = args.handler(library, args)
        if isinstance(result, int) and not isinstance(result, bool):
            return result
        if result is not None:
            _emit(result, args.json, args.human)
        return 0
    except MusiclabError as exc:
        print(f"error: {exc}", file=sys.stderr)
        if isinstance(exc, ValidationError) and len(exc.field_errors) > 1:
            for name, message in exc.field_errors.items():
                print(f"  {name}: {message}", file=sys.stderr)
        return exc.exit_code
    finally:
        if library is not None:
            library.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.group is None:
        parser.print_usage(sys.stderr)
        print("musiclab: error: name a command (see musiclab --help)", file=sys.stderr)
        return EXIT_USAGE
    return run_command(args)


if __name__ == "__main__":
    sys.exit(main())
