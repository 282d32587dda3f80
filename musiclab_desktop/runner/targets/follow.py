"""``python -m musiclab_desktop.runner.targets.follow [--data-dir D] RUN_SPEC``.

The follower stands in for the worker process when a run trains on a target: the
RunManager starts it like a local worker and reads it the same way. It stages the run,
starts the worker there (detached, or through sbatch), then copies the remote worker's
terminal file to its stderr and its events file to its stdout, byte for byte, from
the byte offsets it has reached (kept in ``remote_state``). When the connection drops
it connects again and continues from those offsets: nothing is lost or sent twice.
SIGTERM is passed on to the remote worker. At the end it fetches the adapter, samples
and checkpoints into the local run folder and exits with the worker's exit code, so
the outcome is recorded exactly as for a local run. Its own news (staging, the
scheduler's queue) goes out as phase events, never into the terminal log.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import FrameType
from typing import IO, Any

from musiclab_desktop.core import protocol
from musiclab_desktop.core.errors import MusiclabError
from musiclab_desktop.core.protocol import (
    CancelledEvent,
    ErrorEvent,
    ErrorKind,
    EvalEvent,
    Event,
    MetricEvent,
    Phase,
    PhaseEvent,
)
from musiclab_desktop.runner.targets import launching, remote_scripts
from musiclab_desktop.runner.targets.model import Target, TargetKind
from musiclab_desktop.runner.targets.run_state import (
    TARGET_FILE,
    read_state_file,
    store_remote_state,
    write_state_file,
)
from musiclab_desktop.runner.targets.ssh import remote_command
from musiclab_desktop.runner.targets.staging import stage

# The follower's phase messages while the run waits to start on its target; any
# other event means the worker started (runner/targets/seam.py: marks_start).
STAGING = "Staging "
SUBMITTED = "Submitted to "
QUEUED = "Queued on "
WAITING_PREFIXES = (STAGING, SUBMITTED, QUEUED)
# Give up on a target that has not answered for this long.
RECONNECT_LIMIT_S = 600.0
_POLL_S = 2.0
_DB_EVERY_S = 2.0


class RemoteFailure(Exception):
    """Where the remote run failed: staging, queue, node, training or fetch."""


class Follower:
    def __init__(self, spec_path: Path, target: Target, data_dir: Path | None) -> None:
        self.spec_path = spec_path
        self.folder = spec_path.parent
        self.target = target
        self.run_id = protocol.RunSpec.load(spec_path).run_id
        self.data_dir = data_dir
        self.state: dict[str, Any] = read_state_file(self.folder)
        self._out = sys.stdout.buffer
        self._lock = threading.Lock()
        self._partial = b""
        self._reader: subprocess.Popen[bytes] | None = None
        self._cancel_requested = False
        self._cancel_sent = False
        self._scheduler_gone: str | None = None
        self._stored_at = 0.0
        self._parent = os.getppid()
        # Re-attached after the app died: metric events up to this step are stored.
        self._skip_through_step: int | None = None
        self.done = threading.Event()

    # --- output -------------------------------------------------------------

    def event(self, event: Event) -> None:
        self._write_events(event.to_json().encode() + b"\n")

    def phase(self, phase: Phase, message: str) -> None:
        self.event(PhaseEvent(phase=phase, message=message))

    def _write_events(self, data: bytes) -> None:
        with self._lock:
            try:
                self._out.write(data)
                self._out.flush()
            except BrokenPipeError:
                self._owner_gone()

    def _write_terminal(self, data: bytes) -> None:
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(2, view):]
        except BrokenPipeError:
            self._owner_gone()

    def _owner_gone(self) -> None:
        """Nobody reads us any more (the app died): leave the remote run training. The
        next window re-attaches from what its database holds (see :meth:`_reattach`)."""
        write_state_file(self.folder, self.state)
        os._exit(protocol.EXIT_CANCELLED)

    def _reattach(self) -> None:
        """Continue a run another follower followed, from what the database stored:
        the terminal from the stored log's length (every byte of it came from the
        remote terminal file), the events from the start, without the metric events
        the database already holds."""
        if self.data_dir is None:
            return
        from musiclab_desktop.core.library import Library

        library = Library.open(self.data_dir)
        try:
            self.state["terminal_offset"] = library.telemetry.log_size(self.run_id)
            steps = [int(arrays.steps.max()) for arrays in
                     library.telemetry.all_series_arrays(self.run_id).values()
                     if len(arrays.steps)]
        finally:
            library.close()
        self.state["events_offset"] = 0
        self._skip_through_step = max(steps) if steps else None

    # --- state --------------------------------------------------------------

    def _save_state(self, force: bool = False) -> None:
        write_state_file(self.folder, self.state)
        now = time.monotonic()
        if self.data_dir is None or (not force and now - self._stored_at < _DB_EVERY_S):
            return
        self._stored_at = now
        try:
            from musiclab_desktop.core.library import Library

            library = Library.open(self.data_dir)
            try:
                store_remote_state(library, self.run_id, self.state)
            finally:
                library.close()
        except MusiclabError:
            pass  # the state file in the run folder still has it

    # --- the run ------------------------------------------------------------

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        try:
            if self.state.get("launched"):
                self._reattach()
            elif not self._stage_and_launch():
                return protocol.EXIT_CANCELLED
            if self.target.kind is TargetKind.SLURM:
                threading.Thread(target=self._watch_queue, daemon=True).start()
            code = self._follow()
            self._fetch()
            return code
        except RemoteFailure as failure:
            self.event(ErrorEvent(message=str(failure), kind=ErrorKind.INTERNAL))
            return protocol.EXIT_FAILED
        finally:
            self.done.set()

    def _stage_and_launch(self) -> bool:
        target = self.target
        self.phase(Phase.PREPARING_DATA, f"Staging the run to {target.name} ({target.host})")
        try:
            staged = stage(target, self.spec_path,
                           lambda message: self.phase(Phase.PREPARING_DATA, message))
        except MusiclabError as exc:
            raise RemoteFailure(_named(exc, "Staging failed")) from None
        self.state.update(remote_run_dir=staged.remote_run_dir, terminal_offset=0,
                          events_offset=0, copied_bytes=staged.copied_bytes)
        if self._cancel_requested:
            self.event(CancelledEvent(step=0, reason="user"))
            return False
        try:
            if target.kind is TargetKind.SLURM:
                self.state["job_id"] = launching.submit(target, staged.remote_run_dir,
                                                        self.run_id)
                self.phase(Phase.PREPARING_DATA, f"Submitted to {target.name} as SLURM job "
                                                 f"{self.state['job_id']}")
            else:
                self.state["pid"] = launching.launch_detached(target, staged.remote_run_dir)
        except MusiclabError as exc:
            where = "Queue" if target.kind is TargetKind.SLURM else "Start"
            raise RemoteFailure(_named(exc, f"{where} failed")) from None
        self.state["launched"] = True
        self._save_state(force=True)
        return True

    # --- following ----------------------------------------------------------

    def _follow(self) -> int:
        last_contact = time.monotonic()
        attempt = 0
        while True:
            if self._cancel_requested and not self._cancel_sent:
                self._send_cancel()
            token = self._read_once()
            if token == "contact":
                last_contact, attempt = time.monotonic(), 0
                token = None
            if token is not None:
                self._save_state(force=True)
                return self._exit_code(token)
            if self._scheduler_gone is not None:
                return self._scheduler_ended()
            if time.monotonic() - last_contact > RECONNECT_LIMIT_S:
                raise RemoteFailure(f"Lost the connection to '{self.target.name}' for over "
                                    f"{RECONNECT_LIMIT_S:.0f} s; the run may still be "
                                    "training there.")
            attempt += 1
            time.sleep(min(0.2 * attempt, 5.0))

    def _read_once(self) -> str | None:
        """One reader connection: the end token, "contact" when it read anything before
        the connection dropped, or None when it never got through."""
        command = remote_command(self.target, remote_scripts.reader_command(
            self.target.python, self.state["remote_run_dir"], self.state["terminal_offset"],
            self.state["events_offset"], check_pid=self.target.kind is TargetKind.SSH))
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL)
        self._reader = process
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(remote_scripts.READER.encode())
            process.stdin.close()
        except BrokenPipeError:
            pass
        contact = False
        try:
            while True:
                header = process.stdout.readline()
                if not header.endswith(b"\n"):
                    break
                contact = True
                if os.getppid() != self._parent:
                    self._owner_gone()
                tag, _, value = header.decode().strip().partition(" ")
                if tag == "X":
                    return value
                if tag in ("T", "E"):
                    data = _read_exactly(process.stdout, int(value))
                    if data is None:
                        break
                    self._take(tag, data)
        finally:
            process.kill()
            process.wait()
            self._reader = None
        return "contact" if contact else None

    def _take(self, tag: str, data: bytes) -> None:
        if tag == "T":
            self._write_terminal(data)
            self.state["terminal_offset"] += len(data)
        else:
            block = self._partial + data
            cut = block.rfind(b"\n") + 1
            self._partial = block[cut:]
            if cut:
                self._write_events(self._localize(self._unstored(block[:cut])))
            self.state["events_offset"] += len(data)
        self._save_state()

    def _unstored(self, block: bytes) -> bytes:
        """``block`` without the metric events a re-attach found stored already."""
        skip = self._skip_through_step
        if skip is None:
            return block
        kept = []
        for line in block.splitlines(keepends=True):
            event = Event.from_json(line)
            step = getattr(event, "step", None)
            if isinstance(event, MetricEvent | EvalEvent) and step is not None:
                if step <= skip:
                    continue
                self._skip_through_step = None  # past what was stored: pass all on
            kept.append(line)
        return b"".join(kept)

    def _localize(self, block: bytes) -> bytes:
        """Remote paths in events (adapter, checkpoints, samples) as local ones."""
        return localize(block, self.state["remote_run_dir"], str(self.folder))

    def _exit_code(self, token: str) -> int:
        if self._partial:
            self._write_events(self._localize(self._partial))
            self._partial = b""
        if token == remote_scripts.LOST:
            raise RemoteFailure(f"The worker on '{self.target.name}' stopped without an exit "
                                "code (its machine restarted or the process was killed).")
        try:
            return int(token)
        except ValueError:
            return protocol.EXIT_FAILED

    # --- the scheduler ------------------------------------------------------

    def _watch_queue(self) -> None:
        job_id = str(self.state.get("job_id"))
        told: tuple[str, str] | None = None
        gone_since: float | None = None
        while not self.done.wait(_POLL_S):
            try:
                state = launching.job_state(self.target, job_id)
            except MusiclabError:
                continue  # the connection: the reader reconnects; ask again later
            if state is None:
                # Out of the queue: the reader sees the exit code soon, unless the job
                # never ran the worker to its end (cancelled while queued, node lost).
                gone_since = gone_since or time.monotonic()
                if time.monotonic() - gone_since > 3 * _POLL_S:
                    self._scheduler_gone = "gone"
                    self._stop_reader()
                    return
                continue
            if state != told:
                told = state
                self.state.update(scheduler_state=state[0], reason=state[1])
                self._save_state(force=True)
                if state[0] in launching.SLURM_WAITING:
                    self.phase(Phase.PREPARING_DATA,
                               f"Queued on {self.target.name} (SLURM job {job_id}, "
                               f"{state[0]}: {state[1]})")
                elif state[0] == "RUNNING":
                    self.phase(Phase.PREPARING_DATA, f"SLURM job {job_id} is running")

    def _scheduler_ended(self) -> int:
        if self._cancel_requested:
            self.event(CancelledEvent(step=0, reason="user"))
            return protocol.EXIT_CANCELLED
        raise RemoteFailure(f"The SLURM job {self.state.get('job_id')} on '{self.target.name}' "
                            "ended before the worker did (node failure, time limit or "
                            "scancel); see slurm.out in the remote run folder.")

    def _stop_reader(self) -> None:
        reader = self._reader
        if reader is not None:
            reader.kill()

    # --- cancel and fetch -----------------------------------------------------

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self._cancel_requested:
            return
        self._cancel_requested = True
        if self.state.get("launched"):
            threading.Thread(target=self._send_cancel, daemon=True).start()

    def _send_cancel(self) -> None:
        self._cancel_sent = True
        try:
            launching.send_cancel(self.target, self.state["remote_run_dir"],
                                  self.state.get("job_id"))
        except MusiclabError:
            self._cancel_sent = False  # tried again after the next reconnect

    def _fetch(self) -> None:
        self.phase(Phase.SAVING, f"Fetching the results from {self.target.name}")
        try:
            launching.fetch_results(self.target, self.state["remote_run_dir"], self.folder)
        except MusiclabError as exc:
            raise RemoteFailure(str(exc)) from None


def _read_exactly(stream: IO[bytes], size: int) -> bytes | None:
    parts = []
    while size > 0:
        block = stream.read(size)
        if not block:
            return None
        parts.append(block)
        size -= len(block)
    return b"".join(parts)


def localize(block: bytes, remote: str, local: str) -> bytes:
    """Event lines with the remote run folder's paths (adapter, checkpoints, samples) as
    the local run folder's."""
    if remote.encode() not in block:
        return block
    lines = []
    for line in block.splitlines(keepends=True):
        try:
            payload = json.loads(line)
        except ValueError:
            lines.append(line)
            continue
        lines.append(json.dumps(_replace_prefix(payload, remote, local),
                                separators=(",", ":")).encode() + b"\n")
    return b"".join(lines)


def _replace_prefix(value: Any, old: str, new: str) -> Any:
    if isinstance(value, str):
        return new + value[len(old):] if value.startswith(old) else value
    if isinstance(value, dict):
        return {key: _replace_prefix(item, old, new) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace_prefix(item, old, new) for item in value]
    return value


def _named(exc: Exception, where: str) -> str:
    message = str(exc)
    return message if message.startswith(where) else f"{where}: {message}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="musiclab-follow")
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("spec", type=Path)
    args = parser.parse_args(argv)
    spec_path = args.spec.resolve()
    target = Target.from_dict(json.loads((spec_path.parent / TARGET_FILE).read_text()))
    return Follower(spec_path, target, args.data_dir).run()


if __name__ == "__main__":
    sys.exit(main())
