"""``musiclab datasets ...``: folders of captioned clips."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from musiclab_desktop.cli.arguments import command, positive_id
from musiclab_desktop.cli.output import table
from musiclab_desktop.core.audio_scan import seconds_text
from musiclab_desktop.core.dataset_formats import EXPORT_FORMATS
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
             _metadata_text(i.extra), i.problem or ""] for i in result["items"]]
    return head + "\n\n" + table(rows, ["FILE", "SECONDS", "CAPTION", "METADATA", "PROBLEM"])


def _metadata_text(extra: dict[str, Any] | None) -> str:
    return "; ".join(f"{key}={value}" for key, value in (extra or {}).items())


def datasets_export(lib: Library, args: argparse.Namespace) -> Any:
    return lib.datasets.export(args.dataset_id, args.destination, args.format,
                               args.valid_split)


def _dataset_export_human(result: Any) -> str:
    counts = ", ".join(f"{count} {split}" for split, count in result.counts.items())
    return (f"Exported {counts} clip(s) as {result.format} to {result.folder} "
            f"(manifests: {', '.join(result.manifests)}).")


def add_datasets(groups: Any) -> None:
    sub = groups.add_parser("datasets", help="datasets of captioned clips").add_subparsers(
        dest="command", required=True)
    p = command(sub, "import", datasets_import, _dataset_import_human,
                "import a folder of audio clips with captions (audiofolder metadata files "
                "in any sub-folder, .txt or audiocraft .json sidecars), or an audiocraft "
                "JSONL manifest")
    p.add_argument("folder", help="the dataset folder, or an audiocraft manifest (.jsonl)")
    p.add_argument("--name")
    command(sub, "list", datasets_list, _datasets_human, "list datasets")
    p = command(sub, "show", datasets_show, _dataset_show_human, "show a dataset's clips")
    p.add_argument("dataset_id", type=positive_id)
    p = command(sub, "export", datasets_export, _dataset_export_human,
                "copy a dataset's usable clips, captions and metadata into another tool's "
                "layout, with train/valid manifests")
    p.add_argument("dataset_id", type=positive_id)
    p.add_argument("destination", help="a new (or empty) folder")
    p.add_argument("--format", choices=EXPORT_FORMATS, required=True,
                   help="audiofolder (Hugging Face datasets) or audiocraft")
    p.add_argument("--valid-split", type=float, default=0.1, metavar="SHARE",
                   help="share of clips held out for validation (default 0.1; 0 for none)")
