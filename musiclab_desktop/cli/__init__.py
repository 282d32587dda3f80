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
import json
import os
import re
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any

from musiclab_desktop import __version__
from musiclab_desktop.cli.arguments import Parser, UsageError
from musiclab_desktop.cli.datasets import add_datasets
from musiclab_desktop.cli.experiments import add_experiments
from musiclab_desktop.cli.generate import add_generate
from musiclab_desktop.cli.output import emit, shown
from musiclab_desktop.cli.runs import add_runs
from musiclab_desktop.cli.targets import add_targets
from musiclab_desktop.cli.tools import add_tools
from musiclab_desktop.core.errors import MusiclabError, ValidationError
from musiclab_desktop.core.library import Library

__all__ = ["EXIT_CLOSED_PIPE", "EXIT_USAGE", "UsageError", "build_parser", "main",
           "run_command"]

EXIT_USAGE = 2
# What a shell reports for a process that SIGPIPE ended (128 + 13): the reader of our
# stdout went away (`musiclab ... | head`), which is a normal way to stop reading.
EXIT_CLOSED_PIPE = 128 + getattr(signal, "SIGPIPE", 13)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="musiclab",
        description="MusicLab Desktop: fine-tune MusicGen with LoRA. "
                    "Without a command, opens the desktop window.",
    )
    parser.add_argument("--version", action="version", version=f"musiclab {__version__}")
    parser.add_argument("--data-dir", help="data folder (default: $MUSICLAB_DATA_DIR or the "
                                           "platform's user data folder)")
    groups = parser.add_subparsers(dest="group", metavar="COMMAND")
    add_experiments(groups)
    add_datasets(groups)
    add_runs(groups)
    add_targets(groups)
    add_generate(groups)
    add_tools(groups)
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
            emit(result, args.json, args.human)
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
    print(shown(f"error: {exc}"), file=sys.stderr)
    if len(fields) > 1:
        for name, message in fields.items():
            print(shown(f"  {name}: {message}"), file=sys.stderr)


def _report_usage(error: UsageError, as_json: bool) -> int:
    if as_json:
        print(json.dumps({"error": str(error), "kind": "usage", "exit_code": EXIT_USAGE}),
              file=sys.stderr)
    else:
        error.parser.print_usage(sys.stderr)
        print(shown(f"{error.parser.prog}: error: {error}"), file=sys.stderr)
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
