"""``musiclab datasets ...``: folders of captioned clips."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from musiclab_desktop.cli.arguments import command, positive_id
from musiclab_desktop.cli.output import table
from musiclab_desktop.core.audio_scan import seconds_text
from musiclab_desktop.core.display import printable
from musiclab_desktop.core.library import Library


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
    return table(
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
    return head + "\n\n" + table(rows, ["FILE", "SECONDS", "CAPTION", "PROBLEM"])


def add_datasets(groups: Any) -> None:
    sub = groups.add_parser("datasets", help="datasets of captioned clips").add_subparsers(
        dest="command", required=True)
    p = command(sub, "import", datasets_import, _dataset_import_human,
                "import a folder of audio clips with captions")
    p.add_argument("folder")
    p.add_argument("--name")
    command(sub, "list", datasets_list, _datasets_human, "list datasets")
    p = command(sub, "show", datasets_show, _dataset_show_human, "show a dataset's clips")
    p.add_argument("dataset_id", type=positive_id)
