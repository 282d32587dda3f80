"""The ``musiclab`` command: the desktop window without a sub-command, the CLI with one."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence

from musiclab_desktop import cli


def main(argv: Sequence[str] | None = None) -> int:
    # cli.main parses (usage errors as text or JSON) and handles a closed stdout.
    return cli.main(argv, without_command=_open_window)


def _open_window(argv: list[str]) -> int:
    if importlib.util.find_spec("musiclab_desktop.app") is None:
        print("The desktop window is not part of this build yet; use a command "
              "(musiclab --help).", file=sys.stderr)
        return cli.EXIT_USAGE
    from musiclab_desktop import app

    return app.main(argv)
