"""``musiclab experiments ...``."""

from __future__ import annotations

import argparse
from typing import Any

from musiclab_desktop.cli.arguments import UNLINK, command, dataset_link, positive_id
from musiclab_desktop.cli.config_input import (
    add_config_options,
    given_settings,
    warn_about_base_model,
)
from musiclab_desktop.cli.details import experiment_text
from musiclab_desktop.cli.output import loss_text, table
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.tags import edit_tags


def _experiments_human(records: Any) -> str:
    records = records if isinstance(records, list) else [records]
    if not records:
        return "No experiments."
    return table(
        [[r.id, r.name, r.status, r.dataset_name, loss_text(r.best_loss), r.run_count]
         for r in records],
        ["ID", "NAME", "STATUS", "DATASET", "BEST LOSS", "RUNS"],
    )


def experiments_list(lib: Library, args: argparse.Namespace) -> Any:
    return lib.experiments.list(include_archived=args.include_archived, search=args.search)


def experiments_create(lib: Library, args: argparse.Namespace) -> Any:
    record = lib.experiments.create(
        args.name,
        description=args.description,
        dataset_id=args.dataset,
        config=given_settings(args),
    )
    if args.tag:
        record = lib.experiments.annotate(record.id, tags=args.tag)
    warn_about_base_model(record.config)
    return record


def experiments_show(lib: Library, args: argparse.Namespace) -> Any:
    return lib.experiments.get(args.experiment_id)


def experiments_update(lib: Library, args: argparse.Namespace) -> Any:
    changes: dict[str, Any] = {"name": args.name, "description": args.description}
    if args.dataset is not None:
        changes["dataset_id"] = None if args.dataset == UNLINK else args.dataset
    settings = given_settings(args)
    current = lib.experiments.get(args.experiment_id)
    if settings:
        changes["config"] = {**current.config, **settings}
    if args.add_tag or args.remove_tag:
        # Checked with the rest before anything is stored: a bad tag changes nothing.
        tags = edit_tags(current.tags, args.add_tag or (), args.remove_tag or ())
    record = lib.experiments.update(args.experiment_id, **changes)
    if args.add_tag or args.remove_tag:
        record = lib.experiments.annotate(record.id, tags=tags)
    if settings:
        warn_about_base_model(record.config)
    return record


def experiments_archive(lib: Library, args: argparse.Namespace) -> Any:
    return lib.experiments.archive(args.experiment_id)


def experiments_unarchive(lib: Library, args: argparse.Namespace) -> Any:
    return lib.experiments.unarchive(args.experiment_id)


def add_experiments(groups: Any) -> None:
    sub = groups.add_parser("experiments", help="experiments").add_subparsers(
        dest="command", required=True)
    p = command(sub, "list", experiments_list, _experiments_human, "list experiments")
    p.add_argument("--include-archived", action="store_true")
    p.add_argument("--search", default="", help="only names containing this text")
    p = command(sub, "create", experiments_create, _experiments_human, "create an experiment")
    p.add_argument("--name", required=True)
    p.add_argument("--description", default="", help="notes: free text about the experiment")
    p.add_argument("--dataset", type=positive_id, help="dataset ID to link")
    add_config_options(p, "a training setting (Hugging Face / peft names work too)")
    p.add_argument("--tag", action="append", metavar="TAG", help="a tag (repeat for more)")
    p = command(sub, "show", experiments_show, experiment_text, "show one experiment")
    p.add_argument("experiment_id", type=positive_id)
    p = command(sub, "update", experiments_update, _experiments_human, "change an experiment")
    p.add_argument("experiment_id", type=positive_id)
    p.add_argument("--name")
    p.add_argument("--description")
    p.add_argument("--dataset", type=dataset_link,
                   help="dataset ID to link, or 'none' to unlink")
    add_config_options(p, "a training setting (Hugging Face / peft names work too)")
    p.add_argument("--add-tag", action="append", metavar="TAG", help="add a tag (repeatable)")
    p.add_argument("--remove-tag", action="append", metavar="TAG",
                   help="remove a tag (repeatable)")
    for name, handler in (("archive", experiments_archive), ("unarchive", experiments_unarchive)):
        p = command(sub, name, handler, _experiments_human, f"{name} an experiment")
        p.add_argument("experiment_id", type=positive_id)
