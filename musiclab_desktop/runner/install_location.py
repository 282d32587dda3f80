"""Where this app runs from: the frozen bundle, a source checkout, or a normal install.

A leaf module (standard library only): the interpreter choice, the managed training
environment and process launching all ask it, so none of them imports another for it.
"""

from __future__ import annotations

import sys
from pathlib import Path

# The PyInstaller bootloader points these at the bundle and keeps the user's value
# in NAME_ORIG; children of the app must get the user's value back.
_LIBRARY_PATH_VARIABLES = ("LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH", "LIBPATH")


def is_frozen() -> bool:
    """True in the PyInstaller bundle (the installer's app), False from source or pip."""
    return bool(getattr(sys, "frozen", False))


def bundle_dir() -> Path | None:
    """The frozen bundle's folder (its data files, wheels), None outside the bundle."""
    meipass = getattr(sys, "_MEIPASS", None)
    return Path(meipass) if meipass else None


def source_root() -> Path | None:
    """The checkout this package runs from, or None when it is installed normally."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / "pyproject.toml").is_file() else None


def restore_library_path(env: dict[str, str]) -> None:
    """Undo the frozen app's library-path change for child processes (in place)."""
    if not is_frozen():
        return
    for name in _LIBRARY_PATH_VARIABLES:
        original = env.pop(f"{name}_ORIG", None)
        if original is not None:
            env[name] = original
        else:
            env.pop(name, None)
