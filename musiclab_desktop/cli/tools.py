"""``musiclab adapters``, ``config``, ``demo`` and ``doctor``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from musiclab_desktop.cli.arguments import command, positive_id
from musiclab_desktop.cli.generate import add_adapter_files
from musiclab_desktop.cli.output import emit, loss_text, print_flushed, table
from musiclab_desktop.cli.resume import add_promote_command
from musiclab_desktop.core.config import config_fields
from musiclab_desktop.core.config_files import FORMATS
from musiclab_desktop.core.errors import ValidationError
from musiclab_desktop.core.library import Library


def demo(lib: Library, args: argparse.Namespace) -> Any:
    from musiclab_desktop.core.demo import create_demo
    from musiclab_desktop.runner.interpreter import build_tiny_model, training_interpreter
    from musiclab_desktop.runner.settings import load_settings

    python = training_interpreter(load_settings())
    if not args.json:
        print_flushed("Preparing the demo (the first time builds a tiny model)…", error=True)
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


def adapters_list(lib: Library, args: argparse.Namespace) -> Any:
    if args.experiment is not None:
        lib.experiments.get(args.experiment)  # an unknown experiment is exit 3, not "[]"
    return lib.adapters.list(args.experiment)


def _adapters_human(records: list[Any]) -> str:
    if not records:
        return "No adapters."
    return table(
        [[a.id, a.name, a.base_model, a.lora_r, loss_text(a.final_loss), a.path] for a in records],
        ["ID", "NAME", "BASE MODEL", "RANK", "FINAL LOSS", "PATH"],
    )


def config_defaults(_lib: Library | None, args: argparse.Namespace) -> Any:
    if args.format is not None:
        return _config_file(args)
    if args.output is not None:
        raise ValidationError("--output writes a config file: name its --format too "
                              "(toml, json or yaml).", {"output": "needs --format"})
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


def _config_file(args: argparse.Namespace) -> int:
    """The defaults as a commented file to start from: printed, or written to --output."""
    from pathlib import Path

    from musiclab_desktop.core.config_files import config_file_text

    if args.json:
        raise ValidationError("--json lists the settings; --format writes a file: use one.",
                              {"format": "with --json"})
    text = config_file_text({}, args.format)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    path = Path(args.output).expanduser()
    if path.exists():
        raise ValidationError(f"{path} already exists; name a new file.",
                              {"output": "exists"})
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ValidationError(f"Cannot write {path}: {exc.strerror}.",
                              {"output": "unwritable"}) from None
    print_flushed(f"Wrote the default settings to {path}; use it with --config {path}.",
                  error=True)
    return 0


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
    emit({"replaced": replaced, "report": report}, args.json, _doctor_human)
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
    p = command(groups, "doctor", doctor, _doctor_human,
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


def add_tools(groups: Any) -> None:
    sub = groups.add_parser("adapters", help="registered LoRA adapters").add_subparsers(
        dest="command", required=True)
    p = command(sub, "list", adapters_list, _adapters_human, "list adapters")
    p.add_argument("--experiment", type=positive_id, help="only this experiment's adapters")
    add_adapter_files(sub)
    add_promote_command(sub)
    sub = groups.add_parser("config", help="the training configuration").add_subparsers(
        dest="command", required=True)
    p = command(sub, "defaults", config_defaults, _config_human,
                "every setting with its group, default, bounds and explanation; with "
                "--format, a commented config file to start from")
    p.set_defaults(needs_library=False)
    p.add_argument("--format", choices=FORMATS,
                   help="print (or --output) the defaults as a config file in this format")
    p.add_argument("--output", "-o", metavar="FILE", help="write the file here")
    p = command(groups, "demo", demo, _demo_human,
                "create a demo experiment (tiny model, synthesized clips) to try training")
    _add_doctor(groups)
