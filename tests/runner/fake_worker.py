"""Stand-ins for the training worker: ``python fake_worker.py MODE RUN_SPEC``.

They speak the worker protocol (terminal on stderr, JSON events on stdout) and misbehave
on purpose, so the runner's handling of every ending is tested without torch.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

from musiclab_desktop.core.protocol import CancelledEvent, CompletedEvent, MetricEvent, step_mark

EVENTS = sys.stdout.buffer
TERMINAL = sys.stderr.buffer


def event(event_type: str, **data: object) -> None:
    EVENTS.write((json.dumps({"type": event_type, "time": time.time(), **data}) + "\n").encode())
    EVENTS.flush()


def say(data: bytes) -> None:
    TERMINAL.write(data)
    TERMINAL.flush()


def metric(step: int, total: int, loss: float) -> None:
    event("metric", step=step, total_steps=total, epoch=step / total,
          values={"loss": loss, "learning_rate": 1e-4 * step})


def train(steps: int, delay: float = 0.0) -> None:
    event("phase", phase="training", message="Training")
    for step in range(1, steps + 1):
        say(f"\rtrain: {step}/{steps} \x1b[32m{'#' * step}\x1b[0m".encode())
        metric(step, steps, 5.0 / step)
        time.sleep(delay)
    say(b"\n")


def complete(spec: dict, steps: int = 3, delay: float = 0.0) -> int:
    say("\x1b[1;34m==>\x1b[0m loading \u266a\n".encode())
    train(steps, delay)
    adapter = Path(spec["output_dir"]) / "adapter"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text("{}")
    event("completed", adapter_dir=str(adapter), final_loss=5.0 / steps, steps=steps)
    return 0


def wait_forever(spec: dict) -> int:
    train(2)
    say(b"waiting\n")
    (Path(spec["output_dir"]) / "ready").touch()
    while True:
        time.sleep(0.05)


def polite(spec: dict) -> int:
    def stop(_signum: int, _frame: object) -> None:
        say(b"stopping after this step\n")
        event("cancelled", step=2, checkpoint_dir=None)
        sys.exit(3)

    signal.signal(signal.SIGTERM, stop)
    return wait_forever(spec)


def stubborn(spec: dict) -> int:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    return wait_forever(spec)


def no_result(spec: dict) -> int:
    train(2)
    say(b"all done, I think\n")
    return 0


def traceback_crash(spec: dict) -> int:
    train(1)

    def load_segment(name: str) -> None:
        raise ValueError(f"segment {name} is empty")

    load_segment("clip3.wav")
    return 0


def out_of_memory(spec: dict) -> int:
    train(1)
    message = "CUDA out of memory. Tried to allocate 2.00 GiB"
    say(f"error: {message}\n".encode())
    event("error", message=message, kind="out_of_memory")
    return 1


def host_oom_crash(spec: dict) -> int:
    train(1)
    raise MemoryError()


def missing_torch(spec: dict) -> int:
    raise ModuleNotFoundError("No module named 'torch'", name="torch")


def flood(spec: dict) -> int:
    """``FLOOD_MB`` of terminal output (default 50) as fast as the pipe takes it."""
    total = int(float(os.environ.get("FLOOD_MB", "50")) * (1 << 20))
    block = bytes(range(256)) * 256  # 64 KiB, every byte value, \r and \n included
    written = 0
    while written < total:
        piece = block[: total - written]
        TERMINAL.write(piece)
        written += len(piece)
    TERMINAL.flush()
    return complete(spec, steps=1)


def metric_flood(spec: dict) -> int:
    """``FLOOD_EVENTS`` metric events (default 100,000) as fast as possible."""
    count = int(os.environ.get("FLOOD_EVENTS", "100000"))
    lines = []
    for step in range(1, count + 1):
        lines.append(json.dumps({"type": "metric", "step": step, "total_steps": count,
                                 "epoch": 1.0, "time": 1.0,
                                 "values": {"loss": 1.0 / step}}) + "\n")
        if len(lines) == 1000:
            EVENTS.write("".join(lines).encode())
            lines = []
    EVENTS.write("".join(lines).encode())
    EVENTS.flush()
    return complete(spec, steps=1)


def stray_stdout(spec: dict) -> int:
    EVENTS.write(b"a library printed this to the real stdout\n")
    EVENTS.write(b'{"type": "metric", "step": 1, "total_steps": 1, ')  # split in two writes
    EVENTS.flush()
    time.sleep(0.05)
    EVENTS.write(b'"values": {"loss": 0.5}}\n')
    EVENTS.flush()
    adapter = Path(spec["output_dir"]) / "adapter"
    adapter.mkdir()
    EVENTS.write(json.dumps({"type": "completed", "adapter_dir": str(adapter),
                             "final_loss": 0.5}).encode())  # no final newline
    EVENTS.flush()
    return 0


def write_finished_adapter(spec: dict, final_loss: float = 0.5, steps: int = 2) -> Path:
    """An adapter as the real worker leaves it: weights first, musiclab_adapter.json last."""
    adapter = Path(spec["output_dir"]) / "adapter"
    adapter.mkdir(exist_ok=True)
    (adapter / "adapter_model.safetensors").write_bytes(b"weights" * 100)
    info = {"run_id": spec["run_id"], "final_loss": final_loss, "steps": steps}
    (adapter / "musiclab_adapter.json").write_text(json.dumps(info))
    return adapter


def saved_then_wait(spec: dict) -> int:
    """The adapter is fully saved; then it lingers (as if sampling) until killed."""
    train(2)
    write_finished_adapter(spec)
    say(b"==> sampling\n")
    (Path(spec["output_dir"]) / "ready").touch()
    while True:
        time.sleep(0.05)


def disk_full_wait(spec: dict) -> int:
    """Says the disk is full at the end of training, then waits for a ``room`` file."""
    train(2)
    folder = Path(spec["output_dir"])
    message = (f"The disk is full: the adapter cannot be saved to {folder / 'adapter'}. "
               "The trained weights are kept in memory and saved as soon as there is room.")
    say(f"warning: {message}\n".encode())
    event("disk_full", message=message, path=str(folder / "adapter"), retry_s=0.05)
    (folder / "waiting_for_room").touch()
    while not (folder / "room").exists():
        time.sleep(0.05)
    return complete(spec, steps=1)


def disk_full_cancelled(spec: dict) -> int:
    """Waits for room until SIGTERM, then says what it could not keep, as the worker does."""
    folder = Path(spec["output_dir"])

    def stop(_signum: int, _frame: object) -> None:
        event("cancelled", step=2, checkpoint_dir=None,
              message="The adapter was not saved: the disk was still full when the run was "
                      "cancelled. No checkpoint is kept (checkpoints were off).")
        sys.exit(3)

    signal.signal(signal.SIGTERM, stop)
    train(2)
    event("disk_full", message="The disk is full.", path=str(folder / "adapter"), retry_s=1)
    (folder / "ready").touch()
    while True:
        time.sleep(0.05)


def _watched(spec: dict) -> tuple:
    """The real worker's owner watch, channel and guarded stderr (no torch needed)."""
    from musiclab_desktop.training.cancel import CancelFlag
    from musiclab_desktop.training.events import EventChannel
    from musiclab_desktop.training.owner_watch import GuardedStream, OwnerWatch

    channel = EventChannel.take_over_stdout()
    cancel = CancelFlag()
    cancel.install()
    watch = OwnerWatch(channel, cancel)
    sys.stderr = sys.stdout = GuardedStream(sys.stderr, watch)
    watch.set_run_folder(Path(spec["output_dir"]))
    watch.start()
    return channel, cancel


def watched(spec: dict) -> int:
    """Trains until cancelled or its owner dies, then stops as the real worker does."""
    channel, cancel = _watched(spec)
    step = 0
    while not cancel.requested:
        step += 1
        print(step_mark(step), file=sys.stderr, flush=True)
        channel.emit(MetricEvent(step=step, values={"loss": 1.0 / step}, total_steps=1000,
                                 epoch=0.0))
        if step == 2:
            (Path(spec["output_dir"]) / "ready").touch()
        time.sleep(0.05)
    print("stopping after this step", file=sys.stderr, flush=True)
    channel.emit(CancelledEvent(step, None, cancel.reason))
    return 3


def watched_saving(spec: dict) -> int:
    """Saves its adapter slowly: its owner dies meanwhile; it finishes the save."""
    channel, cancel = _watched(spec)
    channel.emit(MetricEvent(step=1, values={"loss": 0.5}, total_steps=1, epoch=1.0))
    adapter = Path(spec["output_dir"]) / "adapter"
    adapter.mkdir()
    (adapter / "adapter_model.safetensors").write_bytes(b"half of the weights")
    print("==> saving", file=sys.stderr, flush=True)
    (Path(spec["output_dir"]) / "ready").touch()
    while not cancel.requested:
        time.sleep(0.05)
    write_finished_adapter(spec, final_loss=0.5, steps=1)
    print("adapter saved", file=sys.stderr, flush=True)
    channel.emit(CompletedEvent(str(adapter), 0.5, 1))
    return 0


def samples(spec: dict) -> int:
    """Samples as the real worker makes them: the base reference, one during training and
    the end round, each a WAV in the run folder; the end round also in the adapter."""
    import numpy as np
    import soundfile

    folder = Path(spec["output_dir"])

    def sample(step: int, index: int, prompt: str, reference: bool = False) -> str:
        path = f"samples/step-{step:06d}/sample-{index + 1:02d}.wav"
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        tone = 0.3 * np.sin(2 * np.pi * 220 * (index + 1) * np.arange(8000) / 32000)
        soundfile.write(str(folder / path), tone, 32000, subtype="PCM_16")
        event("sample", step=step, prompt_index=index, prompt=prompt, seed=100 + index,
              seconds=0.25, sample_rate=32000, path=path, reference=reference)
        return path

    prompts = ("calm piano", "loud \x1b[31mdrums")
    for index, prompt in enumerate(prompts):
        sample(0, index, prompt, reference=True)
    train(2)
    sample(2, 0, prompts[0])
    train(3)
    adapter = write_finished_adapter(spec, final_loss=0.5, steps=3)
    for index, prompt in enumerate(prompts):
        path = sample(3, index, prompt)
        (adapter / "samples").mkdir(exist_ok=True)
        (adapter / "samples" / Path(path).name).write_bytes((folder / path).read_bytes())
    event("completed", adapter_dir=str(adapter), final_loss=0.5, steps=3)
    return 0


MODES = {name: globals()[name] for name in (
    "complete", "polite", "stubborn", "no_result", "traceback_crash", "out_of_memory",
    "host_oom_crash", "missing_torch", "flood", "metric_flood", "stray_stdout",
    "wait_forever", "saved_then_wait", "disk_full_wait", "disk_full_cancelled", "watched",
    "watched_saving", "samples",
)}


def main() -> int:
    mode, spec_path = sys.argv[1], sys.argv[2]
    spec = json.loads(Path(spec_path).read_text())
    if mode == "slow_complete":
        return complete(spec, steps=3, delay=float(os.environ.get("STEP_DELAY", "0.2")))
    return MODES[mode](spec)


if __name__ == "__main__":
    sys.exit(main())
