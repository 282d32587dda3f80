"""The frozen bundle's size on disk and its time from process start to first paint.

    python benchmarks/bundle.py [--bundle dist/musiclab] [--repeats 5] [--build]

Measures the one-folder bundle that packaging/build.sh made (``--build`` makes it first,
without the .deb). Each repeat spawns the frozen ``musiclab`` with
MUSICLAB_EXIT_AFTER_FIRST_PAINT=1 against a temporary data folder: the wall time runs
from just before the spawn until its "first paint <ms>" line arrives, so it includes
the bootloader, unpacking nothing (one-folder), Python start-up and every import. The
first repeat also creates and migrates the data folder. The process's own figure (ms
since the kernel started it) is printed beside it.

Targets (issue 8): under 250 MB unpacked, under 2 s to first paint. Prints figures;
asserts nothing. Renders offscreen unless QT_QPA_PLATFORM is set.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZE_TARGET_MB = 250
PAINT_TARGET_MS = 2000


def tree_bytes(folder: Path) -> int:
    return sum(path.lstat().st_size for path in folder.rglob("*"))


def report_size(bundle: Path) -> None:
    total = tree_bytes(bundle)
    print(f"bundle: {bundle}")
    print(f"size: {total / 1e6:.1f} MB unpacked, {sum(1 for _ in bundle.rglob('*')):,} files"
          f"  (target < {SIZE_TARGET_MB} MB)")
    internal = bundle / "_internal"
    parts = sorted(((tree_bytes(p) if p.is_dir() else p.lstat().st_size, p.name)
                    for p in internal.iterdir()), reverse=True)
    print("largest parts: " + ", ".join(f"{name} {size / 1e6:.1f}" for size, name in parts[:6]))
    for artefact in sorted(bundle.parent.glob("musiclab_*.deb")):
        print(f"{artefact.name}: {artefact.stat().st_size / 1e6:.1f} MB")


def first_paint(executable: Path, data: Path, config: Path) -> tuple[float, float, float]:
    """(wall ms to the marker line, the process's own ms, wall ms until it exited)."""
    env = {**os.environ, "MUSICLAB_EXIT_AFTER_FIRST_PAINT": "1", "MUSICLAB_DATA_DIR": str(data),
           "XDG_CONFIG_HOME": str(config)}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.pop("MUSICLAB_TRAINING_PYTHON", None)
    started = time.perf_counter()
    with subprocess.Popen([str(executable)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True, env=env) as process:
        assert process.stdout is not None
        wall = own = float("nan")
        for line in process.stdout:
            if line.startswith("first paint "):
                wall = (time.perf_counter() - started) * 1000
                own = float(line.split()[-1])
        code = process.wait(timeout=60)
    ended = (time.perf_counter() - started) * 1000
    if code != 0 or wall != wall:
        raise SystemExit(f"the frozen app did not paint and exit cleanly (exit code {code})")
    return wall, own, ended


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], epilog="See the module docstring for what is timed.")
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "musiclab")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--build", action="store_true", help="run packaging/build.sh first")
    args = parser.parse_args()
    if args.build:
        env = {**os.environ, "PYTHON": sys.executable, "MUSICLAB_SKIP_DEB": "1",
               "MUSICLAB_DIST": str(args.bundle.parent)}
        subprocess.run(["bash", str(ROOT / "packaging" / "build.sh")], env=env, check=True)
    executable = args.bundle / ("musiclab.exe" if sys.platform == "win32" else "musiclab")
    if not executable.exists():
        raise SystemExit(f"no bundle at {args.bundle}: run packaging/build.sh (or --build)")
    report_size(args.bundle)
    with tempfile.TemporaryDirectory(prefix="musiclab-bundle-bench-") as folder:
        root = Path(folder)
        runs = [first_paint(executable, root / "data", root / "config")
                for _ in range(args.repeats)]
    print("repeat   wall ms   own ms   exited ms")
    for index, (wall, own, ended) in enumerate(runs, 1):
        note = "  (new data folder: created and migrated)" if index == 1 else ""
        print(f"{index:>6} {wall:9.0f} {own:8.0f} {ended:11.0f}{note}")
    warm = [wall for wall, _own, _ended in runs[1:]] or [runs[0][0]]
    print(f"first paint: median {statistics.median(warm):.0f} ms, best {min(warm):.0f} ms, "
          f"with a new data folder {runs[0][0]:.0f} ms  (target < {PAINT_TARGET_MS} ms)")


if __name__ == "__main__":
    main()
