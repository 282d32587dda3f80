"""The pieces every command's arguments are built from, and the usage error."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any, NoReturn

from musiclab_desktop.core.library import Library

# A command's handler gets the opened library, or None when it set needs_library=False.
Handler = (Callable[[Library, argparse.Namespace], Any]
           | Callable[[None, argparse.Namespace], Any])

UNLINK = "none"  # `experiments update ID --dataset none`


class UsageError(Exception):
    """A command line the parser refuses (exit 2); main() prints it as text or JSON."""

    def __init__(self, parser: argparse.ArgumentParser, message: str) -> None:
        super().__init__(message)
        self.parser = parser


class Parser(argparse.ArgumentParser):
    """Raises instead of printing and exiting, so ``--json`` can shape usage errors too.

    Sub-command parsers are made of the same class (argparse's default).
    """

    def error(self, message: str) -> NoReturn:
        raise UsageError(self, message)


def _from_one(text: str, expected: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
    return value


def positive_id(text: str) -> int:
    """An ID argument: a whole number from 1 up."""
    return _from_one(text, "an ID (a whole number from 1)")


def positive_count(text: str) -> int:
    """A count (``--limit``): a whole number from 1 up."""
    return _from_one(text, "a whole number from 1")


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


def command(sub: Any, name: str, handler: Handler, human: Callable[[Any], str],
            help_text: str, *, json_output: bool = True) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help_text, description=help_text)
    if json_output:
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    else:
        parser.add_argument("--json", action=_NoJson)
    parser.set_defaults(handler=handler, human=human)
    return parser
