"""Is a stored pid still the worker of that run? (Pids are reused after a process dies.)"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path


def is_worker_of(pid: int | None, spec_path: Path) -> bool:
    """True when ``pid`` is alive and its command line names this run's spec file."""
    if not pid or _existence(pid) != "ours":
        return False  # gone, or another user's process: not our worker
    command_line = _command_line(pid)
    # Unknown command line (no /proc, no ps): trust the pid rather than fail a live run.
    return command_line is None or str(spec_path) in command_line


def pid_alive(pid: int | None) -> bool:
    """True when a process ``pid`` exists and has not ended (a zombie has ended)."""
    if not pid:
        return False
    existence = _existence(pid)
    if existence == "ours" and sys.platform != "win32":
        return not _is_zombie(pid)
    return existence != "gone"


def _existence(pid: int) -> str:
    """"gone", "ours" (a process of this user) or "foreign" (another user's)."""
    if pid <= 0:
        return "gone"
    if sys.platform == "win32":
        return "ours" if _windows_alive(pid) else "gone"
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return "gone"
    except PermissionError:
        return "foreign"
    return "ours"


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False  # no /proc (macOS): os.kill already said it exists
    # "pid (command) state ...": the command may hold spaces and parentheses.
    return stat[stat.rfind(")") + 2:][:1] == "Z"


def _command_line(pid: int) -> str | None:
    proc = Path(f"/proc/{pid}/cmdline")
    try:
        return proc.read_bytes().replace(b"\0", b" ").decode("utf-8", errors="replace")
    except FileNotFoundError:
        if Path("/proc/self").exists():
            return ""  # Linux, and the process is gone
    except OSError:
        return None
    try:
        result = subprocess.run(["ps", "-ww", "-o", "command=", "-p", str(pid)],
                                capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout


def _windows_alive(pid: int) -> bool:
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    query_limited_information, still_active = 0x1000, 259
    handle = kernel32.OpenProcess(query_limited_information, False, pid)
    if not handle:
        return False
    try:
        code = ctypes.c_ulong()
        ok = kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        return bool(ok) and code.value == still_active
    finally:
        kernel32.CloseHandle(handle)


def terminate_pid(pid: int, *, force: bool = False) -> bool:
    """Send SIGTERM (or SIGKILL with ``force``); False when the process is already gone."""
    sig = signal.SIGKILL if force and sys.platform != "win32" else signal.SIGTERM
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        return False
    return True
