"""What tmux shows for some bytes: the reference the terminal view is compared with.

The bytes are written by ``cat`` into a detached tmux pane of a fixed size. The pane's tty
keeps its default onlcr, so each bare LF arrives as CR LF: the same as the view's LNM.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

HISTORY_LIMIT = 50_000
_SETTLE_S = 0.05
_TIMEOUT_S = 20.0


@dataclass(frozen=True)
class TmuxCapture:
    screen: list[str]  # every row of the pane, trailing spaces stripped
    history_and_screen: list[str]  # scrollback then screen, trailing blank lines dropped


def tmux_available() -> bool:
    return shutil.which("tmux") is not None


def capture(data: bytes, columns: int, lines: int) -> TmuxCapture:
    with tempfile.TemporaryDirectory(prefix="musiclab-tmux-") as folder:
        return _capture_in(Path(folder), data, columns, lines)


def _capture_in(folder: Path, data: bytes, columns: int, lines: int) -> TmuxCapture:
    payload = folder / "payload.bin"
    payload.write_bytes(data)
    config = folder / "tmux.conf"
    config.write_text(
        f"set -g history-limit {HISTORY_LIMIT}\nset -g status off\nset -g remain-on-exit on\n"
    )
    socket = str(folder / "socket")
    channel = f"done-{uuid.uuid4().hex}"
    tmux = ["tmux", "-S", socket, "-f", str(config)]
    command = f"cat {payload}; tmux -S {socket} wait-for -S {channel}; sleep 600"
    env = {**os.environ, "TERM": "xterm-256color"}
    env.pop("TMUX", None)
    try:
        subprocess.run(
            [*tmux, "new-session", "-d", "-x", str(columns), "-y", str(lines), command],
            check=True,
            env=env,
            timeout=_TIMEOUT_S,
        )
        subprocess.run([*tmux, "wait-for", channel], check=True, timeout=_TIMEOUT_S)
        screen = _settled(tmux, [])
        history = _settled(tmux, ["-S", "-"])
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True, timeout=_TIMEOUT_S)
    while history and not history[-1]:
        history.pop()
    return TmuxCapture(screen, history)


def _settled(tmux: list[str], extra: list[str]) -> list[str]:
    """Capture until two captures agree: tmux may still be parsing the pane's output."""
    previous = None
    deadline = time.monotonic() + _TIMEOUT_S
    while time.monotonic() < deadline:
        result = subprocess.run(
            [*tmux, "capture-pane", "-p", *extra],
            check=True,
            capture_output=True,
            timeout=_TIMEOUT_S,
        )
        lines = [line.rstrip(" ") for line in result.stdout.decode("utf-8").split("\n")]
        if lines and lines[-1] == "":
            lines.pop()  # capture-pane ends every row with a newline
        if lines == previous:
            return lines
        previous = lines
        time.sleep(_SETTLE_S)
    raise TimeoutError("tmux did not settle")
