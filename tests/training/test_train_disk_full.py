"""A full disk when the worker saves: it says so, keeps the weights, waits and retries.

The first tests fill a real (tiny tmpfs) file system where the machine allows it and
use the kernel's own ENOSPC (``/dev/full``) otherwise; the last one trains the tiny
model for real with its adapter folder on a full file system.
"""

from __future__ import annotations

import errno
import io
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from musiclab_desktop.core import protocol
from musiclab_desktop.training.cancel import CancelFlag
from musiclab_desktop.training.disk_room import is_disk_full, save_with_room
from musiclab_desktop.training.events import EventChannel
from musiclab_desktop.training.report import Reporter
from musiclab_desktop.training.terminal import Terminal

from training_kit import FAST_CONFIG, parse_events, worker_env, write_dataset, write_spec

DISK_SIZE = 1 << 20


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs, mounted for the test (root only: skipped elsewhere)."""
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = sys.platform.startswith("linux") and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK_SIZE}", "tmpfs", str(folder)],
        capture_output=True).returncode == 0
    if not mounted:
        pytest.skip("cannot mount a small tmpfs here (needs root on Linux)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill(disk: Path) -> Path:
    """Write until the file system refuses: a really full disk."""
    ballast = disk / "ballast"
    with ballast.open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError as error:
            assert error.errno == errno.ENOSPC
    return ballast


class Seen:
    """A real Reporter writing into memory: terminal text and events."""

    def __init__(self) -> None:
        self.terminal = io.StringIO()
        self.events = io.BytesIO()
        self.reporter = Reporter(Terminal(self.terminal), EventChannel(self.events))

    def of_type(self, kind: type[protocol.Event]) -> list[protocol.Event]:
        events, _ = parse_events(self.events.getvalue().decode())
        return [event for event in events if isinstance(event, kind)]


def write_adapter(target: Path, size: int = 300_000) -> Path:
    target.mkdir(exist_ok=True)
    (target / "adapter_model.safetensors").write_bytes(b"w" * size)
    return target


def test_a_save_on_a_full_disk_waits_for_room(
        small_disk: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUSICLAB_DISK_RETRY_S", "0.1")
    ballast = fill(small_disk)
    seen = Seen()
    target = small_disk / "adapter"

    def free_space_once_told() -> None:
        while not seen.of_type(protocol.DiskFullEvent):
            time.sleep(0.02)
        time.sleep(0.3)  # a few failed tries
        ballast.unlink()

    helper = threading.Thread(target=free_space_once_told)
    helper.start()
    saved = save_with_room(lambda: write_adapter(target), "adapter", target, seen.reporter,
                           CancelFlag())
    helper.join()
    assert saved == target
    assert (target / "adapter_model.safetensors").stat().st_size == 300_000
    [told] = seen.of_type(protocol.DiskFullEvent)  # said once, not on every try
    assert told.retry_s == 0.1 and told.path == str(target)
    assert told.message.startswith(f"The disk is full: the adapter cannot be saved "
                                          f"to {target}. The trained weights are kept")
    text = seen.terminal.getvalue()
    assert "The disk is full: the adapter cannot be saved" in text
    assert f"There is room again: the adapter is saved in {target}." in text


def test_cancel_while_waiting_gives_up_and_leaves_no_half_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUSICLAB_DISK_RETRY_S", "30")
    seen = Seen()
    cancel = CancelFlag()
    target = tmp_path / "adapter"

    def save_on_a_full_disk() -> Path:
        target.mkdir(exist_ok=True)
        (target / "part").write_bytes(b"half")
        with open("/dev/full", "wb") as full:  # the kernel's own ENOSPC
            full.write(b"weights")
            full.flush()
        return target

    threading.Timer(0.3, lambda: cancel.request("user")).start()
    began = time.monotonic()
    assert save_with_room(save_on_a_full_disk, "adapter", target, seen.reporter, cancel) is None
    assert time.monotonic() - began < 5  # not a whole retry interval
    assert not target.exists()
    assert len(seen.of_type(protocol.DiskFullEvent)) == 1


def test_a_worker_whose_owner_died_keeps_waiting_for_room(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the user gives trained weights up, not the death of the window."""
    monkeypatch.setenv("MUSICLAB_DISK_RETRY_S", "0.05")
    cancel = CancelFlag()
    cancel.request("owner_gone")
    tries: list[int] = []

    def save() -> Path:
        tries.append(1)
        if len(tries) < 4:
            raise OSError(errno.ENOSPC, "No space left on device")
        return write_adapter(tmp_path / "adapter")

    seen = Seen()
    assert save_with_room(save, "adapter", tmp_path / "adapter", seen.reporter, cancel) == (
        tmp_path / "adapter")
    assert len(tries) == 4 and cancel.reason == "owner_gone" and not cancel.by_user


def test_other_errors_are_not_mistaken_for_a_full_disk() -> None:
    assert is_disk_full(OSError(errno.ENOSPC, "No space left on device"))
    assert is_disk_full(RuntimeError("Error while serializing: IoError(Os { code: 28, kind: "
                                     "StorageFull, message: \"No space left on device\" })"))
    assert is_disk_full(RuntimeError("[enforce fail at inline_container.cc:603] . "
                                     "PytorchStreamWriter failed writing file data/0: "
                                     "file write failed"))
    assert not is_disk_full(OSError(errno.EACCES, "Permission denied"))
    assert not is_disk_full(ValueError("bad shape"))
    seen = Seen()
    with pytest.raises(PermissionError):
        save_with_room(lambda: (_ for _ in ()).throw(PermissionError(errno.EACCES, "no")),
                       "adapter", Path("x"), seen.reporter, CancelFlag())


@pytest.mark.slow
def test_the_worker_keeps_its_trained_adapter_until_the_disk_has_room(
        tmp_path: Path, tiny_model_dir: Path, small_disk: Path) -> None:
    dataset = write_dataset(tmp_path / "clips", count=3)
    config = {**FAST_CONFIG, "base_model": str(tiny_model_dir), "max_steps": 3,
              "save_every_steps": 0}
    spec = write_spec(tmp_path / "run", dataset, config)
    output = tmp_path / "run" / "output"
    output.mkdir()
    # The run folder has room to train; the adapter lands on a full file system.
    (output / protocol.ADAPTER_DIR).symlink_to(small_disk)
    ballast = fill(small_disk)
    process = subprocess.Popen(
        [sys.executable, "-m", "musiclab_desktop.training", str(spec)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=worker_env(MUSICLAB_DISK_RETRY_S="0.2"))
    try:
        seen = []
        assert process.stdout is not None
        for line in process.stdout:
            seen.append(line.decode())
            if '"type": "disk_full"' in seen[-1]:
                break
        time.sleep(0.5)  # it keeps trying meanwhile
        assert process.poll() is None
        ballast.unlink()
        rest, terminal = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    events, _ = parse_events("".join(seen) + rest.decode())
    assert process.returncode == protocol.EXIT_OK, terminal.decode()[-2000:]
    kinds = [type(event) for event in events]
    assert kinds.count(protocol.DiskFullEvent) == 1 and kinds[-1] is protocol.CompletedEvent
    info = json.loads((small_disk / protocol.ADAPTER_INFO_FILE).read_text())
    assert info["steps"] == 3
    assert (small_disk / "adapter_model.safetensors").stat().st_size > 0
    assert b"The disk is full: the adapter cannot be saved" in terminal
    assert os.path.samefile(events[-1].adapter_dir, output / protocol.ADAPTER_DIR)
