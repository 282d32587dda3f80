"""``python -m musiclab_desktop.generation [--idle-timeout S] [--device D]``: serve requests.

Starts within a second (torch loads with the first request); see core/protocol.py for
the requests it reads on stdin and the events it answers with.
"""

from __future__ import annotations

import argparse
import io
import os
import sys

from musiclab_desktop.generation.inbox import Inbox
from musiclab_desktop.generation.server import Server
from musiclab_desktop.training.events import EventChannel
from musiclab_desktop.training.terminal import Terminal

DEFAULT_IDLE_TIMEOUT_S = 600.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m musiclab_desktop.generation")
    parser.add_argument("--idle-timeout", type=float, default=DEFAULT_IDLE_TIMEOUT_S,
                        help="exit after this many seconds without a request (0: never)")
    parser.add_argument("--device", default="auto", choices=("auto", "cuda", "mps", "cpu"))
    args = parser.parse_args(argv)
    # Like training, generation never downloads: a missing model is a sentence, not a wait.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    channel = EventChannel.take_over_stdout()
    inbox = Inbox()
    inbox.start_reader(io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8"))
    return Server(inbox, channel, Terminal(), args.idle_timeout, args.device).serve()


def exit_now(code: int) -> None:
    """Leave without the interpreter's shutdown: the stdin reader thread is blocked in a
    read, and finalizing stdin under it aborts the process (SIGABRT) on an idle exit."""
    sys.stderr.flush()
    sys.stdout.flush()
    os._exit(code)


if __name__ == "__main__":
    exit_now(main())
