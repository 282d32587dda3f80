"""A stand-in worker that writes checkpoints the way the real one lays them out:
``python checkpoint_worker.py MODE RUN_SPEC``.

A fresh attempt logs steps 1-3 with losses 5/step, writes a checkpoint at step 2 and
then fails (``oom``: an out-of-memory error) or waits to be cancelled (``wait``). A
resumed attempt (``resume_from`` in the spec) says so, logs the steps after its
checkpoint with losses 1/step up to 4 and completes.
"""

from __future__ import annotations

import json
import signal
import sys
import time
from pathlib import Path

EVENTS = sys.stdout.buffer
TERMINAL = sys.stderr.buffer
TOTAL = 4


def event(event_type: str, **data: object) -> None:
    EVENTS.write((json.dumps({"type": event_type, "time": time.time(), **data}) + "\n").encode())
    EVENTS.flush()


def say(text: str) -> None:
    TERMINAL.write(text.encode())
    TERMINAL.flush()


def write_checkpoint(output_dir: Path, step: int, loss: float) -> Path:
    folder = output_dir / "checkpoints" / f"step-{step:06d}"
    folder.mkdir(parents=True)
    (folder / "adapter_model.safetensors").write_bytes(b"weights" * 50)
    (folder / "adapter_config.json").write_text("{}")
    (folder / "musiclab_adapter.json").write_text(json.dumps({"steps": step}))
    (folder / "trainer_state.pt").write_bytes(b"state")
    (folder / "checkpoint.json").write_text(json.dumps({"step": step, "loss": loss}))
    return folder


def step(number: int, loss: float) -> None:
    say(f"training step {number}\n")
    event("metric", step=number, total_steps=TOTAL, epoch=number / TOTAL,
          values={"loss": loss})


def resumed(spec: dict) -> int:
    start = int(Path(spec["resume_from"]).name.removeprefix("step-"))
    say(f"resuming after step {start}\n")
    for number in range(start + 1, TOTAL + 1):
        step(number, 1.0 / number)
    adapter = Path(spec["output_dir"]) / "adapter"
    adapter.mkdir(exist_ok=True)
    (adapter / "adapter_config.json").write_text("{}")
    event("completed", adapter_dir=str(adapter), final_loss=0.25, steps=TOTAL)
    return 0


def fresh(spec: dict, mode: str) -> int:
    output = Path(spec["output_dir"])
    for number in (1, 2):
        step(number, 5.0 / number)
    kept = write_checkpoint(output, 2, 2.5)
    event("checkpoint", step=2, path=str(kept))
    step(3, 5.0 / 3)
    if mode == "oom":
        say("error: CUDA out of memory. Tried to allocate 2.00 GiB\n")
        event("error", message="CUDA out of memory. Tried to allocate 2.00 GiB",
              kind="out_of_memory")
        return 1

    def stop(_signum: int, _frame: object) -> None:
        event("cancelled", step=3, checkpoint_dir=str(kept))
        sys.exit(3)

    signal.signal(signal.SIGTERM, stop)
    (output / "ready").touch()
    while True:
        time.sleep(0.05)


def main() -> int:
    mode, spec_path = sys.argv[1], sys.argv[2]
    spec = json.loads(Path(spec_path).read_text())
    if spec.get("resume_from"):
        return resumed(spec)
    return fresh(spec, mode)


if __name__ == "__main__":
    sys.exit(main())
