"""PySide6 6.12.0 on CPython 3.11 loses a reference to None on every call of a Qt
method returning nothing, and aborts the interpreter ("Fatal Python error:
none_dealloc") after a few thousand calls. The dependency markers keep it out; this
test proves the installed PySide6 survives the pattern, in a child process so a crash
cannot take the test session with it."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from PySide6 import __version__ as pyside_version

CALLS = 100_000


def test_installed_pyside_is_not_the_broken_release_on_python_3_11() -> None:
    if sys.version_info < (3, 12):
        major, minor = (int(part) for part in pyside_version.split(".")[:2])
        assert (major, minor) < (6, 12), f"PySide6 {pyside_version} aborts on Python 3.11"


def test_a_hundred_thousand_void_qt_calls_do_not_abort_the_interpreter() -> None:
    script = textwrap.dedent(f"""
        from PySide6.QtCore import QObject
        obj = QObject()
        for i in range({CALLS}):
            obj.setObjectName("n")
        print("survived")
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr.decode()[-500:]
    assert result.stdout.strip() == b"survived"
