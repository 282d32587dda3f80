"""Screenshots of the main window and its dialogs, for review and documentation.

    python -m musiclab_desktop.ui.screenshots OUT_DIR [--dark]

Builds a temporary data folder with sample data and writes, at 1280x800 and at
1920x1080: the empty window, the window with experiments, with archived ones shown
(and the toast after an archive), the New experiment dialog with its configuration
expanded, the Config tab in edit mode, and the Datasets dialog. Renders offscreen,
on a virtual screen, unless QT_QPA_PLATFORM says otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

SIZES: tuple[tuple[int, int], ...] = ((1280, 800), (1920, 1080))


def _virtual_screen(folder: Path) -> None:
    """Offscreen rendering on a large virtual screen, so dialogs are not squeezed."""
    if os.environ.get("QT_QPA_PLATFORM", "offscreen").split(":")[0] != "offscreen":
        return
    config = folder / "screen.json"
    config.write_text(json.dumps({"screens": [{
        "name": "screenshots", "x": 0, "y": 0, "width": 2560, "height": 1440,
        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1,
    }]}))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m musiclab_desktop.ui.screenshots")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--dark", action="store_true", help="also shoot with a dark palette")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="musiclab-shots-") as tmp:
        _virtual_screen(Path(tmp))
        from musiclab_desktop.ui.screenshot_scenes import shoot_everything

        written = shoot_everything(Path(tmp), args.out_dir, SIZES, dark=args.dark)
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
