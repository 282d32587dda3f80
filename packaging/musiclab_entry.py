"""The frozen app's entry point: ``musiclab`` runs the window (no arguments) or the CLI.

Everything goes through :func:`musiclab_desktop.launcher.main`, as with the pip install.
One addition, for tests and benchmarks only: with ``MUSICLAB_EXIT_AFTER_FIRST_PAINT=1``
the window prints ``first paint <ms>`` (milliseconds since the process started) the
moment it first paints, and the app quits cleanly through its normal shutdown path.
"""

from __future__ import annotations

import os
import sys
import time

FIRST_PAINT_ENV = "MUSICLAB_EXIT_AFTER_FIRST_PAINT"
_ENTERED = time.time()


def _process_age_ms() -> float:
    """Milliseconds since this process was created (bootloader and unpacking included)."""
    try:  # Linux: the kernel's start time of this process, in clock ticks since boot
        with open("/proc/self/stat", "rb") as stat:
            start_ticks = int(stat.read().rsplit(b")", 1)[1].split()[19])
        with open("/proc/uptime", "rb") as uptime:
            uptime_s = float(uptime.read().split()[0])
        return (uptime_s - start_ticks / os.sysconf("SC_CLK_TCK")) * 1000.0
    except (OSError, ValueError, IndexError, AttributeError):
        return (time.time() - _ENTERED) * 1000.0  # elsewhere: since Python started our code


def _exit_after_first_paint() -> None:
    """Create the application first and watch for the main window's first paint event."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication([sys.argv[0]])

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if (event.type() == QEvent.Type.Paint and isinstance(watched, QWidget)
                    and watched.window().objectName() == "mainWindow"):
                print(f"first paint {_process_age_ms():.0f}", flush=True)
                app.removeEventFilter(self)
                QTimer.singleShot(0, app.quit)  # after this paint completes
            return False

    probe = FirstPaint(app)
    app.installEventFilter(probe)


def run() -> int:
    if os.environ.get(FIRST_PAINT_ENV) == "1" and not _has_command(sys.argv[1:]):
        _exit_after_first_paint()
    from musiclab_desktop.launcher import main

    return main()


def _has_command(argv: list[str]) -> bool:
    """Whether the arguments name a CLI command (the probe only concerns the window)."""
    values_of = {"--data-dir"}  # options that take the next argument as their value
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in values_of:
            skip = True
        elif not arg.startswith("-"):
            return True
    return False


if __name__ == "__main__":
    sys.exit(run())
