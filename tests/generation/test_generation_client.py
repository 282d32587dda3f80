"""The runner's client: the worker started through QProcess, takes stored as rows, a
killed worker reported and a fresh one started by the next request."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from pytestqt.qtbot import QtBot

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.models import Adapter
from musiclab_desktop.runner.generation_client import GenerationClient

from generation_kit import is_audible

WAIT_MS = 180_000


def add_adapter(library: Library, folder: Path, base: str) -> int:
    with library.transaction() as session:
        row = Adapter(name="tiny-run-1", path=str(folder), base_model=base, lora_r=4,
                      lora_alpha=8, lora_targets="q_proj", final_loss=3.0)
        session.add(row)
        session.flush()
        return int(row.id)


def test_takes_are_stored_and_a_killed_worker_is_reported_then_replaced(
        qtbot: QtBot, library: Library, adapters: list[Path], tiny_model_dir: Path) -> None:
    adapter_id = add_adapter(library, adapters[0], str(tiny_model_dir))
    client = GenerationClient(library, device="cpu", idle_timeout_s=0)
    finished: list[tuple[str, str, str]] = []
    stopped: list[tuple[str, bool]] = []
    client.requestFinished.connect(lambda *args: finished.append(args))
    client.workerStopped.connect(lambda *args: stopped.append(args))
    target = library.generations.target(adapter_id)
    first = library.generations.new_request(target, ["calm low sine tone"], seconds=1.0,
                                            seed=3, takes=2)
    with qtbot.waitSignal(client.requestFinished, timeout=WAIT_MS):
        client.submit(first, adapter_id)
    assert finished == [(first.request_id, "done", "")]
    rows = library.generations.list(adapter_id)
    assert sorted((row.take, row.seed) for row in rows) == [(0, 3), (1, 4)]
    assert all(row.file.is_file() and is_audible(row.file) for row in rows)
    assert rows[0].path.startswith("generations/") and rows[0].settings["guidance_scale"] == 3.0
    first_pid = client.pid()

    slow = library.generations.new_request(target, ["calm low sine tone"], seconds=30.0)
    with qtbot.waitSignal(client.progress, timeout=WAIT_MS):
        client.submit(slow, adapter_id)
    with qtbot.waitSignal(client.workerStopped, timeout=WAIT_MS):
        os.kill(first_pid, signal.SIGKILL)
    (message, crashed), = stopped
    assert crashed and "SIGKILL" in message
    assert finished[-1][:2] == (slow.request_id, "failed") and finished[-1][2] == message
    assert not client.is_running()

    base = library.generations.new_request(library.generations.target(None, str(tiny_model_dir)),
                                           ["calm low sine tone"], seconds=1.0, seed=3)
    with qtbot.waitSignal(client.requestFinished, timeout=WAIT_MS):
        client.submit(base)
    assert finished[-1] == (base.request_id, "done", "")
    assert client.pid() not in (0, first_pid)
    assert [row.adapter_id for row in library.generations.list(request_id=base.request_id)] \
        == [None]
    client.shutdown()
    assert not client.is_running()
