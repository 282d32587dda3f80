"""A coloured nested-progress-bar log of any size, as tqdm writes it to a pipe.

Generated, not committed: an outer "Epochs" bar and an inner per-epoch bar, both in
colour, and a few coloured log lines per epoch written through the bars (tqdm.write).
Every inner redraw is a newline then a cursor-up (``\\n\\r<bar>\\x1b[A``), so the log holds
far more newlines than lines a terminal keeps: a 10 MB log keeps only a few hundred.
Also used by benchmarks/terminal.py.
"""

from __future__ import annotations

import random

_GREEN = "\x1b[38;2;0;200;80m"
_CYAN = "\x1b[36m"
_BOLD_YELLOW = "\x1b[1;33m"
_RESET = "\x1b[0m"
_BLOCKS = " ▏▎▍▌▋▊▉█"
_BAR_WIDTH = 20
_LOG_LINES_PER_EPOCH = 5


def nested_bars_log(size: int, epochs: int = 100, seed: int = 11) -> bytes:
    """About ``size`` bytes of nested bars; the epochs share the size evenly.

    A terminal keeps ``5 * epochs + 2`` lines: five log lines an epoch, the outer bar
    and a closing line.
    """
    rng = random.Random(seed)
    # Measure one inner redraw to spread ``size`` over the epochs' steps.
    redraw = len(_inner(1, 50, 100, 123.45).encode()) + 4
    steps = max(_LOG_LINES_PER_EPOCH, size // (epochs * redraw))
    logged_at = {index * steps // _LOG_LINES_PER_EPOCH for index in range(_LOG_LINES_PER_EPOCH)}
    parts: list[str] = []
    for epoch in range(1, epochs + 1):
        parts.append(_outer(epoch - 1, epochs))
        for step in range(steps):
            if step in logged_at:
                loss = 4.0 - epoch / 40 - step / steps + rng.uniform(0, 0.1)
                parts.append(_write_through(epoch, epochs, step, steps, loss))
            parts.append(f"\n\r{_inner(epoch, step + 1, steps, rng.uniform(800, 1200))}\x1b[A")
        parts.append("\n\r" + " " * 78 + "\r\x1b[A")  # the inner bar (leave=False) clears
    parts.append(_outer(epochs, epochs) + "\n")
    parts.append(f"{_BOLD_YELLOW}done{_RESET}: {epochs} epochs\n")
    return "".join(parts).encode()


def _bar(done: int, total: int) -> str:
    eighths = done * _BAR_WIDTH * 8 // total
    full, part = divmod(eighths, 8)
    text = "█" * full + (_BLOCKS[part] if full < _BAR_WIDTH else "")
    return _GREEN + text.ljust(_BAR_WIDTH) + _RESET


def _outer(done: int, total: int) -> str:
    percent = done * 100 // total
    return f"\r{_CYAN}Epochs{_RESET}: {percent:3d}%|{_bar(done, total)}| {done}/{total}"


def _inner(epoch: int, done: int, total: int, rate: float) -> str:
    percent = done * 100 // total
    return (
        f"Epoch {epoch}: {percent:3d}%|{_bar(done, total)}| {done}/{total} "
        f"[00:01<00:02, {rate:.2f}it/s]"
    )


def _write_through(epoch: int, epochs: int, step: int, steps: int, loss: float) -> str:
    """tqdm.write: clear both bars, print the line, redraw both bars."""
    clear = "\r" + " " * 78 + "\r"
    line = f"{_BOLD_YELLOW}epoch {epoch}{_RESET} step {step}: loss={loss:.4f}"
    redraw = _outer(epoch - 1, epochs) + f"\n\r{_inner(epoch, step, steps, 1000.0)}\x1b[A"
    return f"{clear}\n{clear}\x1b[A{line}\n{redraw}"
