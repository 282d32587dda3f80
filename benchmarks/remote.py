"""Runs on an SSH target over loopback: staging, live-log latency and re-attach time.

    python benchmarks/remote.py [--gigabytes 1.0] [--seconds 8]

Starts an OpenSSH server on 127.0.0.1 with a key made for the run (the tests' kit,
tests/remote/remote_kit.py; needs Debian's openssh-server) and times, as the app does
it (runner/targets):

- staging: copying a run's clips into the target's content-addressed cache, for
  ``--gigabytes`` of clips (files of 10 MB), the first time and the second time (the
  second copies nothing: every clip is in the cache);
- latency from a remote terminal write to the stored log: a stand-in worker on the
  target writes a timestamped line every 100 ms for ``--seconds``; a RunManager follows
  it as it follows a real run, and the time from each write until the line is in the
  database is taken (median and worst); target under 1 s;
- re-attach time: the ssh client that follows the run is killed (by pid) mid-run; the
  time from the kill until the next line the worker wrote reaches the log; target
  under 5 s.

Prints figures; asserts nothing. Everything stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLIP_BYTES = 10 * 2**20
# The stand-in worker: what the target's "python -m musiclab_desktop.training" runs.
FAKE_WORKER = """\
import sys, time
end = time.time() + {seconds}
while time.time() < end:
    sys.stderr.write(f"tick {{time.time():.6f}}\\n")
    sys.stderr.flush()
    time.sleep(0.1)
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], epilog="See the module docstring for what is timed.")
    parser.add_argument("--gigabytes", type=float, default=1.0, help="clips to stage (GB)")
    parser.add_argument("--seconds", type=float, default=8.0,
                        help="how long the stand-in worker writes")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "remote")]
    from musiclab_desktop.runner.targets.model import Target, TargetKind
    from musiclab_desktop.runner.targets.ssh import SSH_CONFIG_ENV_VAR

    from remote_kit import SSH_ALIAS, start_sshd, trust_loopback

    with tempfile.TemporaryDirectory(prefix="musiclab-remote-bench-") as tmp:
        root = Path(tmp)
        server = start_sshd(root / "ssh")
        try:
            trust_loopback(server)
            os.environ[SSH_CONFIG_ENV_VAR] = str(server.config)
            python = _fake_python(root, args.seconds)
            target = Target("bench", TargetKind.SSH, SSH_ALIAS, python=str(python),
                            work_dir=str(root / "remote"))
            bench_staging(target, root, args.gigabytes)
            bench_following(target, root)
        finally:
            server.daemon.stop()
    return 0


def _fake_python(root: Path, seconds: float) -> Path:
    """A "python" that runs the stand-in worker for ``-m musiclab_desktop.training`` and
    the real interpreter for everything else (the follower's file reader)."""
    worker = root / "fake_worker.py"
    worker.write_text(FAKE_WORKER.format(seconds=seconds))
    script = root / "fake_python"
    script.write_text(f"""#!/bin/sh
if [ "$1" = "-m" ] && [ "$2" = "musiclab_desktop.training" ]; then
  exec {sys.executable} {worker}
fi
exec {sys.executable} "$@"
""")
    script.chmod(0o755)
    return script


def _run_spec(root: Path, clips: list[Path], name: str) -> Path:
    import json

    from musiclab_desktop.core.protocol import RunSpec

    folder = root / name
    folder.mkdir()
    dataset = folder / "dataset.jsonl"
    dataset.write_text("".join(json.dumps({"path": str(c), "description": "x"}) + "\n"
                               for c in clips))
    spec = RunSpec(run_id=1, run_name=name, experiment_id=1, experiment_name="bench",
                   config={}, dataset_path=str(dataset), output_dir=str(folder))
    spec.save(folder / "run.json")
    return folder / "run.json"


def bench_staging(target: object, root: Path, gigabytes: float) -> None:
    from musiclab_desktop.runner.targets.staging import stage

    clips_dir = root / "clips"
    clips_dir.mkdir()
    count = max(1, round(gigabytes * 1e9 / CLIP_BYTES))
    clips = []
    for index in range(count):
        clip = clips_dir / f"clip{index:04d}.wav"
        clip.write_bytes(os.urandom(CLIP_BYTES))
        clips.append(clip)
    total = count * CLIP_BYTES
    for label, name in (("first", "run-a"), ("second", "run-b")):
        spec = _run_spec(root, clips, name)
        started = time.perf_counter()
        staged = stage(target, spec)  # type: ignore[arg-type]
        took = time.perf_counter() - started
        print(f"staging {total / 1e9:.2f} GB in {count} clips, {label} run: {took:.2f} s "
              f"({staged.copied_files} copied, {staged.copied_bytes / 1e6:.0f} MB; "
              f"{staged.cached_files} already cached)")
    for clip in clips:
        clip.unlink()


def bench_following(target: object, root: Path) -> None:
    from PySide6.QtCore import QCoreApplication, QTimer

    from musiclab_desktop.core.library import Library
    from musiclab_desktop.runner.manager import RunManager
    from musiclab_desktop.runner.settings import RunnerSettings
    from musiclab_desktop.runner.targets.seam import assign_target

    from shared_kit import write_tone

    app = QCoreApplication.instance() or QCoreApplication([])
    library = Library.open(root / "data")
    folder = root / "tone"
    folder.mkdir()
    write_tone(folder / "a.wav", 1.0)
    (folder / "metadata.csv").write_text("file_name,text\na.wav,a tone\n")
    dataset = library.datasets.import_folder(folder).dataset
    experiment = library.experiments.create("bench", dataset_id=dataset.id)
    run = library.runs.prepare_start(experiment.id)
    assign_target(library, run, target)  # type: ignore[arg-type]
    manager = RunManager(library, RunnerSettings())
    stored_at: dict[str, float] = {}
    arrived: list[tuple[float, float]] = []  # (written, arrived) per line
    killed: list[float] = []
    done: list[str] = []

    def poll_store() -> None:
        now = time.time()
        for line in library.telemetry.read_log(run.id).decode().splitlines():
            if line.startswith("tick ") and line not in stored_at:
                stored_at[line] = now

    def on_log(_run: int, data: bytes) -> None:
        now = time.time()
        for line in data.decode().splitlines():
            if line.startswith("tick "):
                arrived.append((float(line.split()[1]), now))
        if len(arrived) == 30 and not killed:
            kill_reader(manager, run.id)
            killed.append(time.time())

    manager.logBytes.connect(on_log)
    manager.runFinished.connect(lambda _r, status: (done.append(status), app.quit()))
    timer = QTimer()
    timer.timeout.connect(poll_store)
    timer.start(20)
    manager.start(run.id)
    app.exec()
    poll_store()
    after = [got for wrote, got in arrived if killed and wrote > killed[0]]
    reattached = after[0] if after else float("inf")
    # Lines written while the connection was down wait for the re-attach: apart.
    steady = [stored_at[line] - float(line.split()[1]) for line in stored_at
              if not killed or not killed[0] - 1.0 < float(line.split()[1]) < reattached]
    print(f"remote write -> stored log: median {statistics.median(steady) * 1000:.0f} ms, "
          f"worst {max(steady) * 1000:.0f} ms over {len(steady)} lines while connected "
          "(target < 1 s)")
    if after:
        print(f"re-attach after a killed ssh connection: {reattached - killed[0]:.2f} s "
              "from the kill to the next line written after it (target < 5 s)")
    library.close()


def kill_reader(manager: object, run_id: int) -> None:
    follower = manager._jobs[run_id].process.processId()  # type: ignore[attr-defined]
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes().split(b"\0")[0]
        except (OSError, IndexError, ValueError):
            continue
        if parent == follower and command.endswith(b"ssh"):
            os.kill(int(entry.name), signal.SIGKILL)


if __name__ == "__main__":
    sys.exit(main())
