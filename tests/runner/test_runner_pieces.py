"""The runner's small parts: stream splitting, failure wording, the interpreter check."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from musiclab_desktop.core.protocol import (
    ErrorEvent,
    ErrorKind,
    Event,
    MetricEvent,
    Phase,
    PhaseEvent,
)
from musiclab_desktop.runner.failure import (
    TerminalTail,
    describe_failure,
    last_traceback_reason,
    screen_text,
    signal_name,
)
from musiclab_desktop.runner.interpreter import (
    check_training_interpreter,
    training_interpreter,
    worker_command_for,
)
from musiclab_desktop.runner.interpreter_check import InterpreterCheck
from musiclab_desktop.runner.process_probe import is_worker_of
from musiclab_desktop.runner.settings import RunnerSettings
from musiclab_desktop.runner.stream_splitter import EventStreamSplitter

TRACEBACK = """\
\x1b[32mtrain\x1b[0m:  50%|#####     | 3/6\r\x1b[32mtrain\x1b[0m:  67%|######    | 4/6
Traceback (most recent call last):
  File "/x/musiclab_desktop/training/__main__.py", line 42, in main
    return run(Path(args[0]), reporter, cancel)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/x/musiclab_desktop/training/loop.py", line 77, in train_epoch
    loss = step(batch)
RuntimeError: expected scalar type Float
but found Half
"""


def _line(event: Event) -> bytes:
    return (event.to_json() + "\n").encode()


def test_splitter_finds_events_whatever_the_read_boundaries() -> None:
    stream = (_line(MetricEvent(step=1, values={"loss": 1.0})) + b"stray text\n"
              + _line(PhaseEvent(Phase.TRAINING, "go")) + b"no newline")
    for size in (1, 2, 7, 64, len(stream)):
        splitter = EventStreamSplitter()
        events: list[Event] = []
        stray = b""
        for i in range(0, len(stream), size):
            got, text = splitter.feed(stream[i:i + size])
            events += got
            stray += text
        got, text = splitter.finish()
        events += got
        stray += text
        assert [e.type for e in events] == ["metric", "phase"]
        assert stray == b"stray text\nno newline"


def test_splitter_passes_on_an_endless_line_as_text() -> None:
    splitter = EventStreamSplitter(max_line_bytes=10)
    assert splitter.feed(b"x" * 25) == ([], b"x" * 25)
    assert splitter.finish() == ([], b"")


def test_screen_text_shows_what_a_terminal_would() -> None:
    text = b"\x1b[1;31merror\x1b[0m: a\r\nstep 1\rstep 2\r\nnext"
    assert screen_text(text) == "error: a\nstep 2\nnext"


def test_traceback_reason_is_the_exception_and_its_last_frame() -> None:
    assert last_traceback_reason(screen_text(TRACEBACK.encode())) == (
        "RuntimeError: expected scalar type Float but found Half (in train_epoch, loop.py:77)")
    assert last_traceback_reason("no traceback here") is None


def test_failure_messages() -> None:
    assert signal_name(signal.SIGKILL) == "SIGKILL" and signal_name(999) == "signal 999"
    killed = describe_failure(exit_code=9, crashed=True, error_event=None,
                              terminal="step 3\n", python="py")
    assert killed.startswith("The training process was killed by SIGKILL (if nobody killed")
    assert killed.endswith("Last output: step 3")
    silent = describe_failure(exit_code=2, crashed=False, error_event=None, terminal="",
                              python="py")
    assert silent == "The training process exited with code 2, with no output."
    cuda = describe_failure(
        exit_code=1, crashed=False, error_event=None, python="py",
        terminal="torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB\n")
    assert cuda.startswith("Training ran out of memory (The training process exited with code 1)")
    assert "gradient checkpointing" in cuda
    reported = describe_failure(exit_code=1, crashed=False, python="py", terminal="",
                                error_event=ErrorEvent("No clips.", ErrorKind.DATA))
    assert reported == "No clips."
    oom_kind = describe_failure(exit_code=1, crashed=False, python="py", terminal="",
                                error_event=ErrorEvent("Allocation failed.",
                                                       ErrorKind.OUT_OF_MEMORY))
    assert oom_kind.startswith("Training ran out of memory: Allocation failed. Lower the batch")


def test_terminal_tail_keeps_the_last_bytes() -> None:
    tail = TerminalTail(limit=10)
    for piece in (b"aaaa", b"bbbb", b"cccc", b"dd"):
        tail.add(piece)
    assert tail.text().endswith("bbbbccccdd")


def test_training_interpreter_prefers_the_users_choice() -> None:
    assert training_interpreter(RunnerSettings()) == sys.executable
    assert training_interpreter(RunnerSettings(training_interpreter=" /opt/py ")) == "/opt/py"
    command = worker_command_for(RunnerSettings(training_interpreter="/opt/py"))
    assert command(Path("/r/run.json")) == [
        "/opt/py", "-m", "musiclab_desktop.training", "/r/run.json"]


def test_interpreter_without_torch_gets_the_install_message(tmp_path: Path) -> None:
    # -S leaves site-packages out: a Python where torch cannot be imported.
    bare = tmp_path / "bare-python"
    bare.write_text(f'#!/bin/sh\nexec "{sys.executable}" -S "$@"\n')
    bare.chmod(0o755)
    message = check_training_interpreter(str(bare))
    assert message is not None
    assert "cannot import torch, transformers and peft" in message
    assert "pip install 'musiclab-desktop[train]'" in message
    assert "does not exist" in check_training_interpreter(str(tmp_path / "missing"))


def test_interpreter_check_without_blocking(tmp_path: Path, qtbot) -> None:
    bare = tmp_path / "bare-python"
    bare.write_text(f'#!/bin/sh\nexec "{sys.executable}" -S "$@"\n')
    bare.chmod(0o755)
    for python, expected in ((str(bare), "pip install 'musiclab-desktop[train]'"),
                             (str(tmp_path / "missing"), "cannot be started")):
        check = InterpreterCheck(python)
        with qtbot.waitSignal(check.finished, timeout=30_000) as blocker:
            check.start()
        assert expected in blocker.args[0]


@pytest.mark.slow
def test_the_development_interpreter_can_train() -> None:
    assert check_training_interpreter(sys.executable) is None


def test_process_probe_recognises_a_runs_worker(tmp_path: Path) -> None:
    spec = tmp_path / "run.json"
    spec.write_text(json.dumps({}))
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)",
                                str(spec)])
    try:
        deadline = time.monotonic() + 10  # until the child has exec'd its command line
        while not is_worker_of(sleeper.pid, spec) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert is_worker_of(sleeper.pid, spec)
        assert not is_worker_of(sleeper.pid, tmp_path / "other.json")
        assert not is_worker_of(os.getpid(), spec)
    finally:
        sleeper.kill()
        sleeper.wait()
    assert not is_worker_of(sleeper.pid, spec)
    assert not is_worker_of(None, spec)
