"""``--config FILE`` and ``--set KEY=VALUE``: the settings a command line gives.

The file comes first and ``--set`` on top, so a shared recipe file can be tried with
one change. A base model that is not at hand is a warning on stderr, never a refusal:
it may be downloaded before the first run.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from musiclab_desktop.cli.output import assignments, shown
from musiclab_desktop.core.config_files import read_config_file
from musiclab_desktop.core.model_check import base_model_warning


def add_config_options(parser: argparse.ArgumentParser, set_help: str) -> None:
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="training settings from a JSON, TOML or YAML file "
        "(see `musiclab config defaults --format toml`); --set wins",
    )
    parser.add_argument("--set", action="append", metavar="KEY=VALUE", help=set_help)


def given_settings(args: argparse.Namespace) -> dict[str, Any] | None:
    """The settings of ``--config`` with ``--set`` on top; None when neither was given."""
    from_file = read_config_file(args.config) if args.config else {}
    merged = {**from_file, **(assignments(args.set) or {})}
    return merged or None


def warn_about_base_model(config: dict[str, Any]) -> None:
    """On stderr, so ``--json`` output stays one document on stdout."""
    warning = base_model_warning(str(config.get("base_model", "")))
    if warning:
        print(shown(f"warning: {warning}"), file=sys.stderr)
